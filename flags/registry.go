package flags

import (
	"bytes"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/cpsgate/cpsgate/diag"
	"github.com/cpsgate/cpsgate/internal/yamlnode"
	"github.com/cpsgate/cpsgate/review"
)

// MaxRegistrySize is the largest registry file, in bytes, that
// DecodeRegistry reads.
const MaxRegistrySize = 32 << 20

// entryKeys are the keys of a registry entry.
var entryKeys = []string{"name", "description", "owner", "status", "cps", "no_cps_impact", "reviews"}

// statuses are the values an entry's status may take.
var statuses = []string{StatusProposed, StatusActive, StatusDeprecated, StatusRemoved}

// DecodeRegistry decodes a flag registry: a YAML mapping whose one key,
// flags, lists the entries (see Entry). Decoding is strict: unknown keys,
// values of the wrong kind, a missing or duplicated name, a bad status or
// section ID, no_cps_impact next to linked sections, bad reviews and YAML
// aliases are all reported, with their positions in file. An empty file is
// a registry without flags. On error the registry is nil.
func DecodeRegistry(file string, src []byte) (*Registry, error) {
	if len(src) > MaxRegistrySize {
		err := diag.Errorf(diag.Pos{File: file, Line: 1}, "registry is %d bytes, more than the limit of %d", len(src), MaxRegistrySize)
		return nil, diag.Errors{err}.Err()
	}
	d := &yamlnode.Decoder{File: file}
	reg := &Registry{File: file}
	roots := d.Parse(bytes.TrimPrefix(src, []byte("\uFEFF")))
	if len(roots) > 0 && !yamlnode.IsNull(roots[0]) {
		fields := d.Fields(roots[0], "registry", "flags", "parameters", "sections")
		if f, ok := fields["flags"]; ok {
			reg.Flags = decodeEntries(d, f.Value)
		}
		if f, ok := fields["parameters"]; ok {
			reg.Parameters = decodeParameters(d, f.Value)
		}
		if f, ok := fields["sections"]; ok {
			reg.Sections = decodeSectionRules(d, f.Value)
		}
	}
	if len(roots) > 1 && !yamlnode.IsNull(roots[1]) {
		d.Errs.Add(d.Pos(roots[1]), "a registry is one YAML document; merge this one into the first")
	}
	if err := d.Errs.Err(); err != nil {
		return nil, err
	}
	return reg, nil
}

// decodeEntries decodes the list of registry entries n, reporting duplicate
// names.
func decodeEntries(d *yamlnode.Decoder, n *yaml.Node) []Entry {
	var entries []Entry
	first := map[string]diag.Pos{}
	items := d.List(n, "flags")
	if len(items) > MaxFlags {
		d.Errs.Add(d.Pos(items[MaxFlags]), "the registry lists %d flags, more than the limit of %d (flags.MaxFlags)", len(items), MaxFlags)
		return nil
	}
	for _, item := range items {
		e, ok := decodeEntry(d, item)
		if !ok {
			continue
		}
		if prev, dup := first[e.Name]; dup && e.Name != "" {
			d.Errs.Add(e.Pos, "flag %q is defined twice, at lines %d and %d", e.Name, prev.Line, e.Pos.Line)
			continue
		}
		first[e.Name] = e.Pos
		entries = append(entries, e)
	}
	return entries
}

// decodeEntry decodes one registry entry; ok is false when n is not a
// mapping.
func decodeEntry(d *yamlnode.Decoder, n *yaml.Node) (e Entry, ok bool) {
	fields := d.Fields(n, "flag entry", entryKeys...)
	if fields == nil {
		return Entry{}, false
	}
	e = Entry{Status: StatusActive, Pos: d.Pos(n)}
	if v := d.Required(n, fields, "flag entry", "name"); v != nil {
		e.Name = d.NonEmpty(v, "name")
		e.Pos = d.Pos(v)
	}
	e.Description = d.Get(fields, "description")
	e.Owner = d.Get(fields, "owner")
	if f, ok := fields["status"]; ok {
		e.Status = d.Enum(f.Value, "status", statuses...)
	}
	e.CPSPos = e.Pos
	if f, ok := fields["cps"]; ok {
		e.CPS = d.SectionIDs(f.Value, "cps")
		e.CPSPos = d.Pos(f.Key)
	}
	e.NoCPSImpact = d.Get(fields, "no_cps_impact")
	if e.NoCPSImpact != "" && len(e.CPS) > 0 {
		d.Errs.Add(d.Pos(fields["no_cps_impact"].Key), "no_cps_impact is set, but cps links sections %s: keep one or the other", strings.Join(e.CPS, ", "))
	}
	if f, ok := fields["reviews"]; ok {
		for _, rn := range d.List(f.Value, "reviews") {
			r := review.Decode(d, rn, false)
			r.Flag, r.Origin = e.Name, review.OriginRegistry
			e.Reviews = append(e.Reviews, r)
		}
	}
	return e, true
}

// Names returns the names of the registry's flags, sorted.
func (r *Registry) Names() []string {
	if r == nil {
		return nil
	}
	names := make([]string, len(r.Flags))
	for i, e := range r.Flags {
		names[i] = e.Name
	}
	slices.Sort(names)
	return names
}
