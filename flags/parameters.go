package flags

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/cpsgate/cpsgate/diag"
	"github.com/cpsgate/cpsgate/internal/paramtype"
	"github.com/cpsgate/cpsgate/internal/yamlnode"
	"github.com/cpsgate/cpsgate/review"
)

// MaxParameters is the largest number of parameters a registry lists.
const MaxParameters = 5000

// Parameter is a configuration parameter in the registry: a value (not a
// flag) that the CPS states a bound for, such as a CRL's validity interval.
type Parameter struct {
	Name        string
	Description string
	Owner       string
	Status      string
	CPS         []string // linked section IDs
	Type        string   // see paramtype.Types
	Config      []ParamLocation
	Min, Max    *ParamBound
	OneOf       []ParamLiteral
	Pattern     string // a regular expression (RE2) the value of a string parameter matches
	CPSValues   []CPSValue
	// InclusiveValidity is set on a validity period whose end is inclusive
	// (a certificate's or CRL's notAfter/nextUpdate): the period it gives is
	// the configured duration plus one second.
	InclusiveValidity bool
	// Reviews are the reviews of the parameter recorded in the registry
	// (Parameter set, Origin registry).
	Reviews []review.Review
	Pos     diag.Pos // of the name
	CPSPos  diag.Pos // of the cps key, or the name
}

// ParamLocation is where a parameter's value lives: the files a glob
// matches, a dotted key path inside each ("*" for every member of a map or
// list), the variables files its {{ name }} references are resolved from,
// and the environment (default: the file's directory).
type ParamLocation struct {
	Glob        string
	Path        string
	Vars        []string // relative to the directory of each matched file
	Environment string
	Pos         diag.Pos
}

// ParamBound is a min or max bound: a literal of the parameter's type, or a
// relation to another parameter (every value of it, in the same
// environment: min {parameter: P} means >= max(P)).
type ParamBound struct {
	Literal   *ParamLiteral
	Parameter string
	Exclusive bool
	Pos       diag.Pos
}

// ParamLiteral is a value written in the registry, parsed with the
// parameter's type.
type ParamLiteral struct {
	Text  string
	Value paramtype.Value
	Pos   diag.Pos
}

// CPSValue binds a bound to the CPS text: Pattern, a regular expression
// with one capture group, finds the number in Section's text, and Unit
// converts it (`(\d+) days`, unit days).
type CPSValue struct {
	Bound     string // min | max
	Section   string
	Pattern   string
	Unit      string
	Exclusive bool
	Pos       diag.Pos
}

var (
	paramKeys    = []string{"name", "description", "owner", "status", "cps", "type", "config", "min", "max", "min_exclusive", "max_exclusive", "one_of", "pattern", "cps_value", "inclusive_validity", "reviews"}
	locationKeys = []string{"glob", "path", "vars", "environment"}
	cpsValueKeys = []string{"bound", "section", "pattern", "unit", "exclusive"}
	// pathSegment is one segment of a key path: a key or "*".
	pathSegment = regexp.MustCompile(`^(\*|[^.*\[\]{}]+)$`)
)

// LookupParameter returns the parameter named name, or nil.
func (r *Registry) LookupParameter(name string) *Parameter {
	if r == nil {
		return nil
	}
	for i := range r.Parameters {
		if r.Parameters[i].Name == name {
			return &r.Parameters[i]
		}
	}
	return nil
}

// decodeParameters decodes the registry's parameters: list.
func decodeParameters(d *yamlnode.Decoder, n *yaml.Node) []Parameter {
	items := d.List(n, "parameters")
	if len(items) > MaxParameters {
		d.Errs.Add(d.Pos(items[MaxParameters]), "the registry lists %d parameters, more than the limit of %d (flags.MaxParameters)", len(items), MaxParameters)
		return nil
	}
	var out []Parameter
	first := map[string]diag.Pos{}
	for _, item := range items {
		p, ok := decodeParameter(d, item)
		if !ok {
			continue
		}
		if prev, dup := first[p.Name]; dup && p.Name != "" {
			d.Errs.Add(p.Pos, "parameter %q is defined twice, at lines %d and %d", p.Name, prev.Line, p.Pos.Line)
			continue
		}
		first[p.Name] = p.Pos
		out = append(out, p)
	}
	// Relations name parameters of the same type.
	for _, p := range out {
		for _, b := range []*ParamBound{p.Min, p.Max} {
			if b == nil || b.Parameter == "" {
				continue
			}
			i := slices.IndexFunc(out, func(q Parameter) bool { return q.Name == b.Parameter })
			switch {
			case i < 0:
				d.Errs.Add(b.Pos, "parameter %q: the bound names parameter %q, which the registry does not list", p.Name, b.Parameter)
			case out[i].Type != p.Type:
				d.Errs.Add(b.Pos, "parameter %q (%s) is bound by parameter %q of another type (%s)", p.Name, p.Type, b.Parameter, out[i].Type)
			case b.Parameter == p.Name:
				d.Errs.Add(b.Pos, "parameter %q is bound by itself", p.Name)
			}
		}
	}
	return out
}

// decodeParameter decodes one parameter entry; ok is false when n is not a
// mapping.
func decodeParameter(d *yamlnode.Decoder, n *yaml.Node) (p Parameter, ok bool) {
	fields := d.Fields(n, "parameter entry", paramKeys...)
	if fields == nil {
		return Parameter{}, false
	}
	p = Parameter{Status: StatusActive, Pos: d.Pos(n)}
	if v := d.Required(n, fields, "parameter entry", "name"); v != nil {
		p.Name = d.NonEmpty(v, "name")
		p.Pos = d.Pos(v)
	}
	p.Description = d.Get(fields, "description")
	p.Owner = d.Get(fields, "owner")
	if f, ok := fields["status"]; ok {
		p.Status = d.Enum(f.Value, "status", statuses...)
	}
	p.CPSPos = p.Pos
	if f, ok := fields["cps"]; ok {
		p.CPS = d.SectionIDs(f.Value, "cps")
		p.CPSPos = d.Pos(f.Key)
	}
	if f, ok := fields["reviews"]; ok {
		for _, rn := range d.List(f.Value, "reviews") {
			r := review.Decode(d, rn, false)
			r.Parameter, r.Origin = p.Name, review.OriginRegistry
			p.Reviews = append(p.Reviews, r)
		}
	}
	if len(p.CPS) == 0 && p.Name != "" {
		d.Errs.Add(p.Pos, "parameter %q links no CPS section: a parameter is in the registry because the CPS states its bounds; list them under cps:", p.Name)
	}
	if v := d.Required(n, fields, "parameter entry", "type"); v != nil {
		p.Type = d.Enum(v, "type", paramtype.Types...)
	}
	if v := d.Required(n, fields, "parameter entry", "config"); v != nil {
		for _, item := range d.List(v, "config") {
			if loc, ok := decodeLocation(d, item); ok {
				p.Config = append(p.Config, loc)
			}
		}
		if len(p.Config) == 0 && v.Kind == yaml.SequenceNode && len(v.Content) == 0 {
			d.Errs.Add(d.Pos(v), "config: a parameter needs at least one {glob, path} where its value lives")
		}
	}
	if p.Type == "" {
		return p, true // the type error is reported; the rest cannot be parsed
	}
	numeric := paramtype.Numeric(p.Type)
	for _, key := range []string{"min", "max"} {
		f, ok := fields[key]
		if !ok {
			if _, ex := fields[key+"_exclusive"]; ex {
				d.Errs.Add(d.Pos(fields[key+"_exclusive"].Key), "%s_exclusive without %s", key, key)
			}
			continue
		}
		if !numeric {
			d.Errs.Add(d.Pos(f.Key), "%s: a %s parameter has no order; use one_of or pattern", key, p.Type)
			continue
		}
		b := decodeBound(d, f.Value, key, p.Type)
		if ex, ok := fields[key+"_exclusive"]; ok {
			b.Exclusive = boolValue(d, ex.Value, key+"_exclusive")
		}
		if key == "min" {
			p.Min = b
		} else {
			p.Max = b
		}
	}
	if f, ok := fields["one_of"]; ok {
		if p.Type == paramtype.Bool {
			d.Errs.Add(d.Pos(f.Key), "one_of: a bool parameter is true or false; nothing to choose from")
		}
		for _, item := range d.List(f.Value, "one_of") {
			if item.Kind != yaml.ScalarNode {
				d.Errs.Add(d.Pos(item), "one_of: want a scalar, got %s", item.ShortTag())
				continue
			}
			lit, ok := literal(d, item, "one_of", p.Type)
			if ok {
				p.OneOf = append(p.OneOf, lit)
			}
		}
	}
	if f, ok := fields["pattern"]; ok {
		p.Pattern = d.String(f.Value, "pattern")
		if p.Type != paramtype.String {
			d.Errs.Add(d.Pos(f.Key), "pattern: only a string parameter takes a pattern (this one is a %s)", p.Type)
		} else if _, err := regexp.Compile(p.Pattern); err != nil {
			d.Errs.Add(d.Pos(f.Value), "pattern: %v", err)
		}
	}
	if f, ok := fields["cps_value"]; ok {
		items := []*yaml.Node{f.Value} // one binding without the list
		if f.Value.Kind != yaml.MappingNode {
			items = d.List(f.Value, "cps_value")
		}
		for _, item := range items {
			if cv, ok := decodeCPSValue(d, item, p); ok {
				p.CPSValues = append(p.CPSValues, cv)
			}
		}
	}
	if f, ok := fields["inclusive_validity"]; ok {
		p.InclusiveValidity = boolValue(d, f.Value, "inclusive_validity")
		if p.Type != paramtype.Duration {
			d.Errs.Add(d.Pos(f.Key), "inclusive_validity: only a duration can be a validity period (this parameter is a %s)", p.Type)
		}
	}
	return p, true
}

// decodeLocation decodes one {glob, path} entry of config:.
func decodeLocation(d *yamlnode.Decoder, n *yaml.Node) (ParamLocation, bool) {
	fields := d.Fields(n, "config entry", locationKeys...)
	if fields == nil {
		return ParamLocation{}, false
	}
	loc := ParamLocation{Pos: d.Pos(n)}
	if v := d.Required(n, fields, "config entry", "glob"); v != nil {
		loc.Glob = d.NonEmpty(v, "glob")
		if loc.Glob != "" && (strings.HasPrefix(loc.Glob, "/") || slices.Contains(strings.Split(loc.Glob, "/"), "..")) {
			d.Errs.Add(d.Pos(v), "glob: %s must be relative to the repository root, without ..", yamlnode.Quote(loc.Glob))
		}
		if _, err := path.Match(strings.ReplaceAll(loc.Glob, "**", "*"), ""); err != nil {
			d.Errs.Add(d.Pos(v), "glob: %v", err)
		}
	}
	if v := d.Required(n, fields, "config entry", "path"); v != nil {
		loc.Path = d.NonEmpty(v, "path")
		if loc.Path != "" {
			for seg := range strings.SplitSeq(loc.Path, ".") {
				if !pathSegment.MatchString(seg) {
					d.Errs.Add(d.Pos(v), "path: %s is not a dotted key path (keys separated by dots, * for every member of a map or list)", yamlnode.Quote(loc.Path))
					break
				}
			}
		}
	}
	if f, ok := fields["vars"]; ok {
		for _, s := range d.Strings(f.Value, "vars") {
			if s == "" || strings.HasPrefix(s, "/") {
				d.Errs.Add(d.Pos(f.Value), "vars: %s must be a file path relative to the directory of the configuration file", yamlnode.Quote(s))
				continue
			}
			loc.Vars = append(loc.Vars, s)
		}
	}
	loc.Environment = d.Get(fields, "environment")
	return loc, true
}

// decodeBound decodes min or max: a literal of the parameter's type, or
// {parameter: NAME}.
func decodeBound(d *yamlnode.Decoder, n *yaml.Node, key, typ string) *ParamBound {
	b := &ParamBound{Pos: d.Pos(n)}
	if n.Kind == yaml.MappingNode {
		fields := d.Fields(n, key, "parameter")
		if v := d.Required(n, fields, key, "parameter"); v != nil {
			b.Parameter = d.NonEmpty(v, "parameter")
		}
		return b
	}
	if lit, ok := literal(d, n, key, typ); ok {
		b.Literal = &lit
	}
	return b
}

// literal parses scalar n as a value of type typ.
func literal(d *yamlnode.Decoder, n *yaml.Node, what, typ string) (ParamLiteral, bool) {
	s := d.String(n, what)
	if n.Kind != yaml.ScalarNode {
		return ParamLiteral{}, false
	}
	v, err := paramtype.Literal(typ, s)
	if err != nil {
		d.Errs.Add(d.Pos(n), "%s: %v", what, err)
		return ParamLiteral{}, false
	}
	return ParamLiteral{Text: s, Value: v, Pos: d.Pos(n)}, true
}

// decodeCPSValue decodes one binding of a bound to the CPS text.
func decodeCPSValue(d *yamlnode.Decoder, n *yaml.Node, p Parameter) (CPSValue, bool) {
	fields := d.Fields(n, "cps_value", cpsValueKeys...)
	if fields == nil {
		return CPSValue{}, false
	}
	cv := CPSValue{Pos: d.Pos(n)}
	ok := true
	if v := d.Required(n, fields, "cps_value", "bound"); v != nil {
		cv.Bound = d.Enum(v, "bound", "min", "max")
	}
	if v := d.Required(n, fields, "cps_value", "section"); v != nil {
		ids := d.SectionIDs(v, "section")
		if len(ids) == 1 {
			cv.Section = ids[0]
			if !slices.Contains(p.CPS, cv.Section) {
				d.Errs.Add(d.Pos(v), "cps_value: section %s is not one of the parameter's linked sections (cps: %s)", cv.Section, strings.Join(p.CPS, ", "))
			}
		}
	}
	if v := d.Required(n, fields, "cps_value", "pattern"); v != nil {
		cv.Pattern = d.NonEmpty(v, "pattern")
		re, err := regexp.Compile(cv.Pattern)
		switch {
		case err != nil:
			d.Errs.Add(d.Pos(v), "cps_value pattern: %v", err)
			ok = false
		case re.NumSubexp() != 1:
			d.Errs.Add(d.Pos(v), "cps_value pattern %s has %d capture groups; it needs exactly one, around the number, e.g. `at most (\\d+) days`", yamlnode.Quote(cv.Pattern), re.NumSubexp())
			ok = false
		}
	}
	cv.Unit = d.Get(fields, "unit")
	if !paramtype.Numeric(p.Type) {
		d.Errs.Add(cv.Pos, "cps_value: a %s parameter has no numeric bound to take from the CPS", p.Type)
		ok = false
	} else if _, err := paramtype.UnitFactor(p.Type, cv.Unit); err != nil {
		d.Errs.Add(cv.Pos, "cps_value: %v", err)
		ok = false
	}
	if f, has := fields["exclusive"]; has {
		cv.Exclusive = boolValue(d, f.Value, "exclusive")
	}
	return cv, ok
}

// boolValue reads a YAML boolean.
func boolValue(d *yamlnode.Decoder, n *yaml.Node, what string) bool {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
		d.Errs.Add(d.Pos(n), "%s: want true or false, got %s", what, yamlnode.Quote(fmt.Sprint(n.Value)))
		return false
	}
	return n.Value == "true" || n.Value == "True" || n.Value == "TRUE"
}
