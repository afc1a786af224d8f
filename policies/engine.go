package policies

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/cpsgate/cpsgate/diag"
	"github.com/cpsgate/cpsgate/result"
)

// DefaultTimeout bounds one evaluation when the caller's context has no
// deadline of its own.
const DefaultTimeout = 10 * time.Second

// builtinDir is the directory that names the built-in modules in positions
// and errors, e.g. "builtin/missing_review.rego".
const builtinDir = "builtin"

// query binds the two sets every policy contributes to.
const query = "deny := data.cpsgate.deny; warn := data.cpsgate.warn"

// denyQuery binds the deny set alone (see EvalDeny).
const denyQuery = "deny := data.cpsgate.deny"

//go:embed *.rego
var regoFiles embed.FS

// Module is one Rego source file.
type Module struct {
	File string // path used in error positions
	Src  []byte
}

// Engine evaluates the built-in rules and a repository's own policies. It is
// compiled once by New and safe for concurrent use by Eval.
type Engine struct {
	query rego.PreparedEvalQuery
	// deny is the query of the deny set alone, prepared on the first
	// EvalDeny from the same modules (opts).
	deny func() (rego.PreparedEvalQuery, error)
	// terms caches the sections' and reviews' terms across EvalDeny calls.
	terms termCache
	// user holds the deny and warn rules of the repository's own policies,
	// by rule name, so that a malformed finding can name its source.
	user map[string][]userRule
}

// userRule is one deny or warn rule of a user policy.
type userRule struct {
	pos  diag.Pos
	text string
}

// forbiddenBuiltins reach outside the input document: the network, the
// environment, the clock or a random source. Every built-in that OPA marks
// nondeterministic is removed as well (see capabilities).
var forbiddenBuiltins = []string{
	"http.send",
	"io.jwt.decode_verify",
	"io.jwt.encode_sign",
	"io.jwt.encode_sign_raw",
	"json.match_schema",
	"json.verify_schema",
	"net.lookup_ip_addr",
	"opa.runtime",
	"rand.intn",
	"time.now_ns",
	"uuid.rfc4122",
}

// Builtin returns the embedded built-in modules, test files excluded, sorted
// by file name.
func Builtin() []Module {
	names, err := fs.Glob(regoFiles, "*.rego")
	if err != nil { // the pattern is constant and valid
		return nil
	}
	var mods []Module
	for _, name := range names {
		if strings.HasSuffix(name, "_test.rego") {
			continue
		}
		src, err := regoFiles.ReadFile(name)
		if err != nil { // embedded files are always readable
			continue
		}
		mods = append(mods, Module{File: builtinDir + "/" + name, Src: src})
	}
	return mods // fs.Glob returns sorted names
}

// New compiles the built-in modules together with the user's and prepares the
// query once. Errors in the user's modules come back as diag.Errors with
// file:line:col positions: a syntax or type error, a package other than
// cpsgate or cpsgate.*, deny or warn declared outside package cpsgate, or a
// call to a built-in function that policies may not use. A compilation
// whose ctx is done stops and returns an error, never an engine.
func New(ctx context.Context, user []Module) (*Engine, error) {
	if err := stopped(ctx); err != nil {
		return nil, err
	}
	caps := capabilities()
	var errs diag.Errors
	seen := make(map[string]bool)
	mods := map[string]*ast.Module{}
	userRules := map[string][]userRule{}
	builtinNames := map[string]bool{} // rules the built-in modules define
	add := func(m Module, mod *ast.Module) {
		builtin := mod != nil
		if seen[m.File] {
			errs.Add(diag.Pos{File: m.File}, "duplicate policy module %s", m.File)
			return
		}
		seen[m.File] = true
		if !builtin {
			var err error
			if mod, err = parseModule(m, caps); err != nil {
				errs = append(errs, toDiag(err)...)
				return
			}
		}
		if builtin {
			for _, r := range mod.Rules {
				builtinNames[ruleName(r)] = true
			}
		} else {
			errs = append(errs, checkUserModule(mod)...)
			errs = append(errs, checkShadowing(mod, builtinNames)...)
			for _, r := range mod.Rules {
				if name := ruleName(r); (name == "deny" || name == "warn") && r.Location != nil {
					userRules[name] = append(userRules[name], userRule{pos: posOf(r.Location), text: string(r.Location.Text)})
				}
			}
		}
		mods[m.File] = mod
	}
	builtins, err := parsedBuiltins()
	if err != nil { // the built-in modules are parsed by every test
		return nil, toDiag(err).Err()
	}
	for i, m := range Builtin() {
		add(m, builtins[i]) // the compiler copies the modules it compiles
	}
	for _, m := range user {
		add(m, nil)
	}
	if len(errs) > 0 {
		return nil, errs.Err()
	}
	// Strict compilation (unused variables and imports are errors) holds
	// the repository's policies. The built-in modules alone compile without
	// the stages that only check (types, safety of heads, conflicts,
	// recursion...): a check spends most of its time compiling, and TestRego
	// compiles them strictly with every stage.
	compiler := ast.NewCompiler().
		WithCapabilities(caps).
		WithDefaultRegoVersion(ast.RegoV1).
		WithStrict(len(user) > 0).
		WithUseTypeCheckAnnotations(true)
	if len(user) == 0 {
		compiler = compiler.WithSkipStages(checkStages...)
	}
	for _, id := range stopAfter {
		compiler = compiler.WithStageAfterID(id, ast.CompilerStageDefinition{
			Name:       "cpsgate_stop_after_" + string(id),
			MetricName: "cpsgate_stop_after_" + string(id),
			Stage: func(*ast.Compiler) *ast.Error {
				if ctx.Err() != nil {
					return ast.NewError(ast.CompileErr, nil, "compilation stopped")
				}
				return nil
			},
		})
	}
	compiler.Compile(mods)
	if err := stopped(ctx); err != nil {
		return nil, err
	}
	if compiler.Failed() {
		return nil, toDiag(compiler.Errors).Err()
	}
	opts := []func(*rego.Rego){
		rego.Compiler(compiler),
		rego.Capabilities(caps),
		rego.SetRegoVersion(ast.RegoV1),
		rego.StrictBuiltinErrors(true),
	}
	prepared, err := rego.New(append(slices.Clip(opts), rego.Query(query))...).PrepareForEval(ctx)
	if err := stopped(ctx); err != nil {
		return nil, err
	}
	if err != nil {
		return nil, toDiag(err).Err()
	}
	e := &Engine{query: prepared, user: userRules}
	e.deny = sync.OnceValues(func() (rego.PreparedEvalQuery, error) {
		// The modules compiled above: only the query is compiled.
		return rego.New(append(slices.Clip(opts), rego.Query(denyQuery))...).PrepareForEval(context.Background())
	})
	return e, nil
}

// stopAfter are the compiler stages after which a compilation whose context
// is done stops (the longest ones, none of them skipped): a check whose gate
// has policies of its own stops compiling the built-in policies alone.
var stopAfter = []ast.StageID{
	ast.StageResolveRefs,
	ast.StageRewriteLocalVars,
	ast.StageRewriteExprTerms,
	ast.StageSetGraph,
	ast.StageCheckSafetyRuleBodies,
	ast.StageRewriteDynamicTerms,
	ast.StageBuildRuleIndices,
}

// stopped is the error of a compilation whose context is done: it returns
// no engine, even one it completed.
func stopped(ctx context.Context) error {
	if err := context.Cause(ctx); err != nil {
		return fmt.Errorf("policies: compilation stopped: %w", err)
	}
	return nil
}

// checkStages are the compiler stages that only check the modules, without
// changing them or what evaluation needs: skipped for the built-in modules
// alone, which the tests compile with them as well (TestRego;
// TestEvalBuiltinRules evaluates both ways).
var checkStages = []ast.StageID{
	ast.StageCheckUnusedImports,
	ast.StageCheckKeywordOverrides,
	ast.StageCheckDuplicateImports,
	ast.StageCheckVoidCalls,
	ast.StageCheckRuleConflicts,
	ast.StageCheckUndefinedFuncs,
	ast.StageCheckSafetyRuleHeads,
	ast.StageCheckRecursion,
	ast.StageCheckTypes,
	ast.StageCheckUnsafeBuiltins,
	ast.StageCheckDeprecatedBuiltins,
	ast.StageBuildRequiredCapabilities,
}

// capabilities are those of this OPA version without the built-in functions
// that reach outside the input.
func capabilities() *ast.Capabilities {
	caps := ast.CapabilitiesForThisVersion()
	caps.Builtins = slices.DeleteFunc(slices.Clone(caps.Builtins), func(b *ast.Builtin) bool {
		return isForbidden(b)
	})
	caps.AllowNet = []string{} // empty, not nil: no host may be reached
	return caps
}

func isForbidden(b *ast.Builtin) bool {
	return b.Nondeterministic || slices.Contains(forbiddenBuiltins, b.Name)
}

// parsedBuiltins are the modules of Builtin, each parsed once per process:
// New compiles them (the compiler works on copies) and Rules reads their
// METADATA.
func parsedBuiltins() ([]*ast.Module, error) {
	parsers := builtinParsers()
	mods := make([]*ast.Module, len(parsers))
	for i, parse := range parsers {
		mod, err := parse()
		if err != nil {
			return nil, err
		}
		mods[i] = mod
	}
	return mods, nil
}

// ParseBuiltins parses the built-in modules, the last first: run
// concurrently with New, which parses them the first first, it parses on
// the other core (each module is parsed once per process).
func ParseBuiltins() {
	parsers := builtinParsers()
	for i := len(parsers) - 1; i >= 0; i-- {
		_, _ = parsers[i]() // an error is New's to report
	}
}

var builtinParsers = sync.OnceValue(func() []func() (*ast.Module, error) {
	caps := capabilities()
	var parsers []func() (*ast.Module, error)
	for _, m := range Builtin() {
		parsers = append(parsers, sync.OnceValues(func() (*ast.Module, error) { return parseModule(m, caps) }))
	}
	return parsers
})

func parseModule(m Module, caps *ast.Capabilities) (*ast.Module, error) {
	return ast.ParseModuleWithOpts(m.File, string(m.Src), ast.ParserOptions{
		RegoVersion:       ast.RegoV1,
		ProcessAnnotation: true,
		Capabilities:      caps,
	})
}

// checkUserModule enforces what a repository's policy may be: in package
// cpsgate (or below it, for helpers), with deny and warn only in cpsgate
// itself, and without the removed built-in functions.
func checkUserModule(mod *ast.Module) diag.Errors {
	var errs diag.Errors
	path := mod.Package.Path
	pkg := strings.TrimPrefix(path.String(), "data.")
	if len(path) < 2 || !path[1].Equal(ast.StringTerm("cpsgate")) {
		errs.Add(posOf(mod.Package.Location), "policy package %s is not allowed: use package cpsgate (or cpsgate.<name> for helpers)", pkg)
		return errs
	}
	for _, r := range mod.Rules {
		name := ruleName(r)
		switch {
		case name != "deny" && name != "warn":
		case len(path) > 2:
			errs.Add(posOf(r.Location), "rule %s in package %s is never evaluated: declare deny and warn in package cpsgate", name, pkg)
		case r.Head.RuleKind() != ast.MultiValue || len(r.Head.Ref()) != 1:
			errs.Add(posOf(r.Location), "%s must be a set of findings: write `%s contains finding if { ... }`", name, name)
		}
	}
	removed := make(map[string]bool)
	for _, b := range ast.CapabilitiesForThisVersion().Builtins {
		if isForbidden(b) {
			removed[b.Name] = true
		}
	}
	ast.WalkTerms(mod, func(t *ast.Term) bool {
		// A call's operator is a ref term, both in `f(x)` and in `y := f(x)`.
		if _, ok := t.Value.(ast.Ref); ok && removed[t.String()] {
			errs.Add(posOf(t.Location), "built-in function %s is not available to cpsgate policies: network, environment and nondeterministic functions are removed", t)
		}
		return false
	})
	return errs
}

// checkShadowing refuses user rules in package cpsgate that share a name
// with a rule of the built-in modules, other than deny and warn. Rego merges
// such definitions: a user's `reviewed_in_change(_, _) := true`, or an extra
// element of a built-in helper set, would silently disable a built-in rule.
func checkShadowing(mod *ast.Module, builtinNames map[string]bool) diag.Errors {
	var errs diag.Errors
	if len(mod.Package.Path) != 2 {
		return nil // a helper package below cpsgate has names of its own
	}
	for _, r := range mod.Rules {
		if name := ruleName(r); name != "deny" && name != "warn" && builtinNames[name] {
			errs.Add(posOf(r.Location), "rule %s is defined by the built-in policies; a policy may not redefine or extend it (give yours another name, or put helpers in package cpsgate.<name>)", name)
		}
	}
	return errs
}

// ruleName is the name a rule defines, e.g. "deny" for `deny contains f if ...`.
func ruleName(r *ast.Rule) string {
	ref := r.Head.Ref()
	if len(ref) == 0 {
		return ""
	}
	if v, ok := ref[0].Value.(ast.Var); ok {
		return string(v)
	}
	return ""
}

func posOf(loc *ast.Location) diag.Pos {
	if loc == nil {
		return diag.Pos{}
	}
	return diag.Pos{File: loc.File, Line: loc.Row, Col: loc.Col}
}

// toDiag converts OPA's errors (ast.Errors, possibly wrapped) into diag
// errors; any other error becomes one error without a position.
func toDiag(err error) diag.Errors {
	var astErrs ast.Errors
	if errors.As(err, &astErrs) {
		out := make(diag.Errors, 0, len(astErrs))
		for _, e := range astErrs {
			out = append(out, &diag.Error{Pos: posOf(e.Location), Msg: e.Message, Rule: e.Code})
		}
		return out
	}
	var astErr *ast.Error
	if errors.As(err, &astErr) {
		return diag.Errors{{Pos: posOf(astErr.Location), Msg: astErr.Message, Rule: astErr.Code}}
	}
	return diag.Errors{{Msg: err.Error()}}
}

// Eval evaluates the policies against in and returns the deny and warn
// findings, each sorted by file, line, rule, flag, section and message, with
// duplicates dropped. A finding that is not an object with a string rule and
// a non-empty string message (and, when present, string flag, section and
// file and an integer line >= 0) is an error: a policy's verdict is never
// silently dropped. When ctx has no deadline, DefaultTimeout applies.
func (e *Engine) Eval(ctx context.Context, in *Input) (deny, warn []result.Finding, err error) {
	if e == nil || in == nil {
		return nil, nil, errors.New("policies: Eval needs an engine from New and an input")
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultTimeout)
		defer cancel()
	}
	rs, err := evalQuery(ctx, e.query, in)
	if err != nil {
		return nil, nil, err
	}
	deny, denyErr := findings(result.Deny, rs[0].Bindings["deny"], e.locate)
	warn, warnErr := findings(result.Warn, rs[0].Bindings["warn"], e.locate)
	if err := errors.Join(denyErr, warnErr); err != nil {
		return nil, nil, err
	}
	return deny, warn, nil
}

// EvalDeny evaluates the deny rules alone against in, as Eval does, and
// returns their findings: what the report asks of each commit, without the
// cost of the warn rules (pre-existing debt over every flag). The deny query
// is prepared on the first call, from the modules New compiled.
func (e *Engine) EvalDeny(ctx context.Context, in *Input) ([]result.Finding, error) {
	if e == nil || in == nil {
		return nil, errors.New("policies: EvalDeny needs an engine from New and an input")
	}
	q, err := e.deny()
	if err != nil {
		return nil, toDiag(err).Err()
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultTimeout)
		defer cancel()
	}
	rs, err := evalValue(ctx, q, in.valueWith(&e.terms))
	if err != nil {
		return nil, err
	}
	return findings(result.Deny, rs[0].Bindings["deny"], e.locate)
}

// evalQuery evaluates a prepared query against in; it has exactly one
// result.
func evalQuery(ctx context.Context, q rego.PreparedEvalQuery, in *Input) (rego.ResultSet, error) {
	return evalValue(ctx, q, in.value())
}

// evalValue evaluates a prepared query against an input value.
func evalValue(ctx context.Context, q rego.PreparedEvalQuery, v ast.Value) (rego.ResultSet, error) {
	rs, err := q.Eval(ctx, rego.EvalParsedInput(v))
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, fmt.Errorf("policy evaluation stopped (a check allows %s for it, policies.DefaultTimeout): %w", DefaultTimeout, ctxErr)
		}
		return nil, fmt.Errorf("policy evaluation: %w", err)
	}
	if len(rs) != 1 {
		return nil, fmt.Errorf("policy evaluation: data.cpsgate.deny and data.cpsgate.warn must be defined (got %d results)", len(rs))
	}
	return rs, nil
}

// locate returns where a malformed finding of rule (a finding's "rule", or
// "") in the severity set may come from: the user policy rules of that set
// that mention the rule's name as a string, or all of them; "" when the
// repository has none.
func (e *Engine) locate(severity, rule string) string {
	all := e.user[severity]
	var named []string
	for _, r := range all {
		if rule != "" && strings.Contains(r.text, strconv.Quote(rule)) {
			named = append(named, r.pos.String())
		}
	}
	if len(named) > 0 {
		return strings.Join(named, ", ")
	}
	var every []string
	for _, r := range all {
		every = append(every, r.pos.String())
	}
	return strings.Join(every, ", ")
}

// findings validates the value bound to the deny or warn set and converts
// it. locate names the policy rules a malformed finding may come from.
func findings(severity string, bound any, locate func(severity, rule string) string) ([]result.Finding, error) {
	items, ok := bound.([]any)
	if !ok {
		return nil, fmt.Errorf("policy rule %s must be a set of findings, got %s", severity, describe(bound))
	}
	var out []result.Finding
	var errs []string
	for _, item := range items {
		f, err := finding(severity, item)
		if err != nil {
			msg := err.Error()
			var me *malformedError
			if errors.As(err, &me) {
				if where := locate(severity, me.rule); where != "" {
					msg = where + ": " + msg
				}
			}
			errs = append(errs, msg)
			continue
		}
		out = append(out, f)
	}
	if len(errs) > 0 {
		slices.Sort(errs)
		return nil, errors.New(strings.Join(slices.Compact(errs), "\n"))
	}
	slices.SortFunc(out, result.Compare)
	return slices.Compact(out), nil
}

// finding converts one element of a deny or warn set.
func finding(severity string, item any) (result.Finding, error) {
	obj, ok := item.(map[string]any)
	if !ok {
		return result.Finding{}, malformed(severity, "", "must be an object, got %s", describe(item))
	}
	f := result.Finding{Severity: severity}
	rule, ok := obj["rule"].(string)
	if !ok || rule == "" {
		return f, malformed(severity, "", "rule must be a non-empty string: %s", describe(item))
	}
	f.Rule = rule
	if f.Message, ok = obj["message"].(string); !ok || f.Message == "" {
		return f, malformed(severity, rule, "message must be a non-empty string: %s", describe(item))
	}
	for key, dst := range map[string]*string{"flag": &f.Flag, "parameter": &f.Parameter, "section": &f.Section, "file": &f.File} {
		v, present := obj[key]
		if !present {
			continue
		}
		if *dst, ok = v.(string); !ok {
			return f, malformed(severity, rule, "%s must be a string: %s", key, describe(item))
		}
	}
	if v, present := obj["line"]; present {
		n, ok := v.(json.Number)
		line, err := n.Int64()
		if !ok || err != nil || line < 0 || line != int64(int(line)) {
			return f, malformed(severity, rule, "line must be an integer >= 0: %s", describe(item))
		}
		f.Line = int(line)
	}
	return f, nil
}

// malformedError is a finding that is not one.
type malformedError struct {
	severity, rule, msg string
}

func (e *malformedError) Error() string {
	name := e.severity
	if e.rule != "" {
		name = fmt.Sprintf("%s (%s)", e.rule, e.severity)
	}
	return fmt.Sprintf("policy rule %s yielded a malformed finding: %s", name, e.msg)
}

func malformed(severity, rule, format string, args ...any) error {
	return &malformedError{severity: severity, rule: rule, msg: fmt.Sprintf(format, args...)}
}

// describe renders a value from a policy for an error message.
func describe(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	return string(data)
}

func orEmpty[S ~[]E, E any](s S) S {
	if s == nil {
		return S{}
	}
	return s
}
