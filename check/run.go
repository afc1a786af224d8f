package check

import (
	"bytes"
	"cmp"
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/cpsgate/cpsgate/change"
	"github.com/cpsgate/cpsgate/config"
	"github.com/cpsgate/cpsgate/cps"
	"github.com/cpsgate/cpsgate/diag"
	"github.com/cpsgate/cpsgate/evidence"
	"github.com/cpsgate/cpsgate/flags"
	"github.com/cpsgate/cpsgate/params"
	"github.com/cpsgate/cpsgate/policies"
	"github.com/cpsgate/cpsgate/result"
	"github.com/cpsgate/cpsgate/review"
)

// Change is what is known about the change itself besides its files.
type Change struct {
	Author    string          // "" when unknown
	Approvers []string        // who approved it, other than the author
	Reviews   []review.Review // reviews attached to the change (description, comments)
	// Paragraphs are "CPS Compliance Review:" paragraphs of the description,
	// resolved here against the head's flag names and section IDs.
	Paragraphs []review.Paragraph
	Config     string // the configuration file that was applied
	Registry   string // the registry path
	// Today is the date of the check and BaseDate the base commit's date
	// (YYYY-MM-DD, UTC; "" when unknown): the bounds of a review's date.
	Today, BaseDate string
	// NoApprovals is set where approvals cannot exist (a pre-commit hook):
	// deny findings that a review or an approval in the pull request
	// resolves are reported as warnings, and the reviews the pull request
	// will need are listed.
	NoApprovals bool
	// CPSVersions are the CPS documents of other repositories whose ref:
	// the change moves, when that is all it changes in the configuration
	// (see VersionBump); the head was loaded at the new refs.
	CPSVersions []config.VersionChange
}

// Outcome is the result of a check together with the input the policies saw.
type Outcome struct {
	Result *result.Result
	Input  *policies.Input
}

// Run diffs base and head, evaluates the policies and assembles the result.
func Run(ctx context.Context, eng *policies.Engine, base, head *State, ch Change) (*Outcome, error) {
	in, set := buildInput(base, head, ch)
	return runInput(ctx, eng, base, head, ch, in, set)
}

// runInput is Run of the input that buildInput assembled from base, head
// and ch.
func runInput(ctx context.Context, eng *policies.Engine, base, head *State, ch Change, in *policies.Input, set change.Set) (*Outcome, error) {
	deny, warn, err := eng.Eval(ctx, in)
	if err != nil {
		return nil, err
	}
	res := &result.Result{
		Base:        base.Rev,
		Head:        head.Rev,
		FlagChanges: make([]result.FlagChange, 0, len(in.FlagChanges)),
		CPSChanges:  []result.CPSChange{},
		Missing:     missing(deny, in.Sections, head),
	}
	if ch.NoApprovals {
		deny, warn = deferReviews(deny, warn)
		res.ReviewsDeferred = len(res.Missing) > 0
	}
	if res.Rules, err = policies.Describe(); err != nil {
		return nil, err
	}
	res.Pass = len(deny) == 0
	res.Findings = append(append([]result.Finding{}, deny...), warn...)
	for _, c := range in.FlagChanges {
		res.FlagChanges = append(res.FlagChanges, result.FlagChange{
			Flag: c.Flag, Change: c.Change, File: c.File, Line: c.Line,
			Environment: c.Environment, Path: c.Path, Fields: c.Fields,
			ValueType: c.ValueType, Old: c.Old, New: c.New,
		})
	}
	res.CPSChanges = cpsResult(set.CPS)
	res.ParameterChanges = params.Result(in.ParameterChanges)
	return &Outcome{Result: res, Input: in}, nil
}

// BuildInput assembles the policy input document from two revisions.
func BuildInput(base, head *State, ch Change) *policies.Input {
	in, _ := buildInput(base, head, ch)
	return in
}

// buildInput is BuildInput, and the change it found (see change.Between).
func buildInput(base, head *State, ch Change) (*policies.Input, change.Set) {
	set := change.Between(base, head)
	return BuildInputFrom(base, head, set, ch), set
}

// BuildInputFrom is BuildInput of the change set that change.Between found
// from base to head: the one builder of the policy input, which the report
// runs for each commit of its period as check runs it for a change.
func BuildInputFrom(base, head *State, set change.Set, ch Change) *policies.Input {
	return buildInputFrom(nil, base, head, set, ch)
}

// buildInputFrom is BuildInputFrom, with the parts that inputs share from
// shared (nil: none shared).
func buildInputFrom(shared *Inputs, base, head *State, set change.Set, ch Change) *policies.Input {
	in := &policies.Input{
		Base:            base.Rev,
		Head:            head.Rev,
		Author:          ch.Author,
		Approvers:       nonNil(ch.Approvers),
		Today:           ch.Today,
		BaseDate:        ch.BaseDate,
		Config:          ch.Config,
		Registry:        ch.Registry,
		Sections:        map[string]policies.Section{},
		Flags:           map[string]policies.Flag{},
		FlagChanges:     make([]policies.FlagChange, 0, len(set.Flags)),
		CPSChanges:      []policies.CPSChange{},
		Reviews:         []policies.Review{},
		RegistryChanges: []policies.RegistryChange{},
		PolicyChanges:   policyChanges(base.Gate, head.Gate, ch.Config),
		SourceChanges:   sourceChanges(base.Inventory, head.Inventory),
	}
	cpsChanges, renumbered := set.CPS, set.Renumbered
	if s := shared.sections(base, head, set); s != nil {
		in.ShareSections(s)
	} else {
		headTrees, baseTrees := treeHashes(head), treeHashes(base)
		baseIDs := baseSectionIDs(cpsChanges, renumbered)
		for id, s := range head.Sections {
			sec := inputSection(s, headTrees[id])
			if b, ok := baseIDs[id]; !ok {
				sec.BaseTreeHash = baseTrees[id]
			} else if b != "" {
				sec.BaseTreeHash = baseTrees[b]
			}
			in.Sections[id] = sec
		}
	}
	in.PolicyChanges, in.CPSVersionChanges = versionChanges(in.PolicyChanges, ch)

	for _, c := range set.Flags {
		fc := policies.FlagChange{
			Flag: c.Flag, Change: c.Kind, File: c.Pos.File, Line: c.Pos.Line,
			Environment: c.Env, Path: c.Path, Fields: c.Fields,
		}
		if c.Kind == flags.Changed {
			fc.ValueType, fc.Old, fc.New = cmp.Or(c.New.Type, c.Old.Type), c.Old.Text, c.New.Text
		}
		in.FlagChanges = append(in.FlagChanges, fc)
	}
	addFlags(in, base, head, changedFiles(in))
	for _, c := range cpsChanges {
		in.CPSChanges = append(in.CPSChanges, policies.CPSChange{
			Section: c.ID, Change: c.Kind, OldSection: c.OldID, Title: c.Title, OldTitle: c.OldTitle,
			Hash: c.Hash, OldHash: c.OldHash, File: c.Pos.File, Line: c.Pos.Line,
		})
	}
	for _, c := range set.Registry {
		in.RegistryChanges = append(in.RegistryChanges, policies.RegistryChange{
			Flag: c.Flag, Change: c.Kind, Detail: c.Detail, File: c.Pos.File, Line: c.Pos.Line,
		})
	}
	// Configuration parameters: their values, constraints and reviews.
	var paramReviews []review.Review
	ch.Reviews, paramReviews = params.SplitReviews(ch.Reviews)
	params.AddToInput(in, params.Revision{Registry: base.Registry, Values: base.Params, Sections: base.Sections},
		params.Revision{Registry: head.Registry, Values: head.Params, Sections: head.Sections}, paramReviews, ch.Author, renumbered)
	shared.addReviews(in, head, set.NewReviews, ch)
	evidence.AddToInput(in, base.Tests, head.Tests, base.Registry, head.Registry)
	return in
}

// inputSection is a section as the input shows it, but its base tree hash.
func inputSection(s *cps.Section, treeHash string) policies.Section {
	return policies.Section{ID: s.ID, Title: s.Title, Level: s.Level, File: s.Pos.File, Line: s.Pos.Line, Anchor: s.Anchor, Hash: s.Hash,
		TreeHash: treeHash, Normative: evidence.Normative(s.Text)}
}

// baseSectionIDs maps the head IDs whose section was not at the same ID in
// base to the base ID it came from: the old ID of a renumbered section, ""
// for an added one or for an ID whose base section moved away. Head IDs not
// in the map held the same section at base.
func baseSectionIDs(changes []cps.Change, renumbered map[string]string) map[string]string {
	out := map[string]string{}
	for old := range renumbered {
		out[old] = "" // the base section at this ID moved away
	}
	for _, c := range changes {
		switch c.Kind {
		case cps.Renumbered:
			out[c.ID] = c.OldID
		case cps.Added:
			out[c.ID] = ""
		}
	}
	return out
}

// changedFiles are the configuration files where this change sets a flag
// differently (a flag change is reported there) or that the sources stopped
// reading.
func changedFiles(in *policies.Input) map[string]bool {
	out := map[string]bool{}
	for _, c := range in.FlagChanges {
		out[c.File] = true
	}
	for _, c := range in.SourceChanges {
		out[c.File] = true
	}
	return out
}

// addFlags records every flag known at base or head. A flag's sources are
// its declarations, its first setting, and its settings in changed files;
// its other settings (in files the change leaves as they were) are counted
// in SettingsOmitted: at a large CA's scale (thousands of flags set in
// hundreds of files) listing them all would make the input, and its
// evaluation, hundreds of times larger than the change.
func addFlags(in *policies.Input, base, head *State, changed map[string]bool) {
	get := func(name string) policies.Flag {
		f, ok := in.Flags[name]
		if !ok {
			f = policies.Flag{Name: name, CPS: []string{}, BaseCPS: []string{}, Sources: []policies.FlagSource{}}
		}
		return f
	}
	for _, side := range []struct {
		st   *State
		head bool
	}{{base, false}, {head, true}} {
		mark := func(name string) policies.Flag {
			f := get(name)
			if side.head {
				f.InHead = true
			} else {
				f.InBase = true
			}
			return f
		}
		if side.st.Registry != nil {
			for _, e := range side.st.Registry.Flags {
				f := mark(e.Name)
				if !side.head {
					f.BaseCPS = append([]string{}, e.CPS...)
				}
				if side.head || !f.InHead {
					f.Registered = side.head
					f.Status, f.Description, f.NoCPSImpact = e.Status, e.Description, e.NoCPSImpact
					f.CPS = append([]string{}, e.CPS...)
					f.File, f.Line = e.Pos.File, e.Pos.Line
				}
				in.Flags[e.Name] = f
			}
		}
		for _, d := range side.st.Inventory.Defs {
			f := mark(d.Flag)
			if side.head {
				f.Sources = append(f.Sources, policies.FlagSource{Kind: d.Kind, File: d.Pos.File, Line: d.Pos.Line})
				if f.Description == "" {
					f.Description = d.Description
				}
			}
			in.Flags[d.Flag] = f
		}
		if !side.head {
			for flag := range side.st.Inventory.SettingFlags() {
				in.Flags[flag] = mark(flag) // the flags, not the settings
			}
			continue
		}
		// The settings come in runs of one flag (sorted by flag): one
		// look-up of the flag for each run, not for each setting.
		firstSetting := map[string]bool{}
		var f policies.Flag
		name, first := "", false
		for i, s := range side.st.Inventory.AllSettings() {
			if i == 0 || s.Flag != name {
				if i > 0 {
					in.Flags[name] = f
				}
				f, name = mark(s.Flag), s.Flag
				first = !firstSetting[name]
				firstSetting[name] = true
			}
			if first || changed[s.Pos.File] {
				f.Sources = append(f.Sources, settingSource(s))
			} else {
				f.SettingsOmitted++
			}
			first = false
		}
		if side.st.Inventory.NumSettings() > 0 {
			in.Flags[name] = f
		}
	}
}

// settingSource is a setting as the input shows it: a bool's value, and
// every value's type and text (and number).
func settingSource(s flags.Setting) policies.FlagSource {
	v := s.TypedValue()
	src := policies.FlagSource{Kind: s.Kind, File: s.Pos.File, Line: s.Pos.Line, Environment: s.Env, Path: s.Path, ValueType: v.Type, Text: v.Text}
	switch v.Type {
	case flags.TypeBool:
		b := v.Text == "true"
		src.Value = &b
	case flags.TypeNumber:
		if n, err := strconv.ParseFloat(v.Text, 64); err == nil {
			src.Number = &n
		}
	}
	return src
}

// reviews lists the head registry's reviews, marking those the change added,
// and the reviews attached to the change.
func reviews(head *State, added []review.Review, ch Change) []policies.Review {
	out := registryReviews(head.Registry, added)
	for _, r := range change.Attached(ch.Reviews, ch.Paragraphs, ch.Author, head) {
		out = append(out, inputReview(r, true))
	}
	return out
}

// registryReviews lists the reviews of reg, marking those in added new.
func registryReviews(reg *flags.Registry, added []review.Review) []policies.Review {
	isNew := map[diag.Pos]bool{}
	for _, r := range added {
		isNew[r.Pos] = true
	}
	if reg == nil {
		return nil
	}
	n := 0
	for _, e := range reg.Flags {
		n += len(e.Reviews)
	}
	if n == 0 {
		return nil
	}
	out := make([]policies.Review, 0, n)
	for _, e := range reg.Flags {
		for _, r := range e.Reviews {
			out = append(out, inputReview(r, len(isNew) > 0 && isNew[r.Pos]))
		}
	}
	return out
}

func inputReview(r review.Review, isNew bool) policies.Review {
	hashes := r.SectionHashes
	if hashes == nil {
		hashes = map[string]string{}
	}
	return policies.Review{
		Flag: r.Flag, Sections: nonNil(r.Sections), Reviewer: r.Reviewer, Date: r.Date, Verdict: r.Verdict,
		CPSVersion: r.CPSVersion, SectionHashes: hashes, Ref: r.Ref, Notes: r.Notes, Origin: r.Origin, New: isNew,
		File: r.Pos.File, Line: r.Pos.Line,
	}
}

// policyChanges compares the gate's own files between base and head.
func policyChanges(base, head map[string][]byte, configFile string) []policies.PolicyChange {
	out := []policies.PolicyChange{}
	kind := func(p string) string {
		if p == configFile {
			return "config"
		}
		return "policy"
	}
	for _, p := range sortedKeys(mergeKeys(base, head)) {
		b, inBase := base[p]
		h, inHead := head[p]
		switch {
		case !inBase:
			out = append(out, policies.PolicyChange{File: p, Kind: kind(p), Change: "added"})
		case !inHead:
			out = append(out, policies.PolicyChange{File: p, Kind: kind(p), Change: "removed"})
		case !bytes.Equal(b, h):
			out = append(out, policies.PolicyChange{File: p, Kind: kind(p), Change: "modified"})
		}
	}
	return out
}

// sourceChanges lists the configuration files that the sources read at base
// and no longer read at head, with the flags each set.
func sourceChanges(base, head *flags.Inventory) []policies.SourceChange {
	out := []policies.SourceChange{}
	if base == nil || head == nil {
		return out
	}
	for _, file := range base.Files {
		if _, found := slices.BinarySearch(head.Files, file); found {
			continue
		}
		c := policies.SourceChange{File: file, Kind: base.FileKind(file), Change: "removed", Flags: []string{}}
		for s := range base.EachSetting() {
			if s.Pos.File != file {
				continue
			}
			if c.Line == 0 || s.Pos.Line < c.Line {
				c.Line = s.Pos.Line
			}
			if !slices.Contains(c.Flags, s.Flag) {
				c.Flags = append(c.Flags, s.Flag)
			}
		}
		slices.Sort(c.Flags)
		out = append(out, c)
	}
	return out
}

// deferReviews turns the deny findings that a review or an approval in the
// pull request resolves into warnings that say so: a commit cannot carry
// approvals, so a pre-commit hook blocks only what the pull request cannot
// fix. The findings stay sorted.
func deferReviews(deny, warn []result.Finding) (stillDeny, allWarn []result.Finding) {
	var deferred []result.Finding
	for _, f := range deny {
		if policies.ResolvedBy(f.Rule) == "" {
			stillDeny = append(stillDeny, f)
			continue
		}
		f.Severity = result.Warn
		f.Message = "the pull request will need this (a commit cannot carry approvals): " + f.Message
		deferred = append(deferred, f)
	}
	allWarn = append(deferred, warn...)
	slices.SortFunc(allWarn, result.Compare)
	return stillDeny, allWarn
}

// missing turns the deny findings that ask for a review into the list a
// reviewer works from.
func missing(deny []result.Finding, sections map[string]policies.Section, head *State) []result.Missing {
	out := []result.Missing{}
	seen := map[[3]string]bool{}
	for _, f := range deny {
		key := [3]string{f.Flag, f.Parameter, f.Section}
		if (f.Flag == "") == (f.Parameter == "") || f.Section == "" || seen[key] {
			continue
		}
		if policies.ResolvedBy(f.Rule) != "review" {
			continue
		}
		s, ok := head.Sections[f.Section]
		if !ok {
			continue
		}
		seen[key] = true
		out = append(out, result.Missing{
			Flag: f.Flag, Parameter: f.Parameter, Section: s.ID, Title: s.Title, Hash: sections[s.ID].TreeHash,
			Excerpt: Excerpt(s.Text, 6), File: s.Pos.File, Line: s.Pos.Line,
		})
	}
	// Flags first, then parameters.
	slices.SortFunc(out, func(a, b result.Missing) int {
		return cmp.Or(cmp.Compare(a.Parameter, b.Parameter), cmp.Compare(a.Flag, b.Flag), cps.CompareIDs(a.Section, b.Section))
	})
	return out
}

// Excerpt returns up to n non-blank lines of a section's text.
func Excerpt(text string, n int) string {
	var lines []string
	for line := range strings.SplitSeq(text, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			lines = append(lines, line)
			if len(lines) == n {
				break
			}
		}
	}
	return strings.Join(lines, "\n")
}

// cpsResult are the section changes as the contract reports them (see
// change.Reported).
func cpsResult(changes []cps.Change) []result.CPSChange {
	out := []result.CPSChange{}
	for _, c := range change.Reported(changes) {
		out = append(out, result.CPSChange{
			Section: c.ID, Change: c.Kind, OldSection: c.OldID, Title: c.Title,
			OldTitle: c.OldTitle, File: c.Pos.File, Line: c.Pos.Line,
		})
	}
	return out
}

// treeHashes returns the tree hash of every section of the revision, by ID
// (see cps.TreeHashes).
func treeHashes(st *State) map[string]string {
	if len(st.Docs) == 1 {
		return st.Docs[0].TreeHashes() // read only
	}
	out := map[string]string{}
	for _, d := range st.Docs {
		maps.Copy(out, d.TreeHashes())
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

func mergeKeys(a, b map[string][]byte) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
