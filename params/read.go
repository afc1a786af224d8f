// Package params reads the configuration parameters that the registry
// binds to the CPS (a CRL's validity interval, a certificate profile's
// maximum validity) from the configuration files where they live, resolves
// templated values ({{ name }} from variables files), and turns what two
// revisions hold into the policy input: the parameters with their values
// and normalized constraints, the changes of their values, and the reviews
// of them attached to the change. The constraints are decided by the Rego
// rules parameter_constraint and parameter_review.
package params

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/cpsgate/cpsgate/diag"
	"github.com/cpsgate/cpsgate/flags"
	"github.com/cpsgate/cpsgate/gitrepo"
	"github.com/cpsgate/cpsgate/internal/paramtype"
)

// Value is one value of a parameter in one configuration file.
type Value struct {
	Parameter   string
	File        string
	Path        string // concrete key path in the file
	Environment string
	Text        string // the value as the program reads it, templates resolved
	// Template is the value as written when it holds a {{ name }}
	// reference, "" otherwise; Vars are the variables it used.
	Template string
	Vars     []VarRef
	Value    paramtype.Value
	Pos      diag.Pos
}

// VarRef is a variable a templated value used, and where it is defined.
type VarRef struct {
	Name string
	Pos  diag.Pos
}

// Values are the values of every parameter at one revision, sorted by
// parameter, file and key path.
type Values struct {
	List []Value
}

// Of returns the values of parameter name.
func (v *Values) Of(name string) []Value {
	if v == nil {
		return nil
	}
	i, _ := slices.BinarySearchFunc(v.List, name, func(x Value, name string) int { return cmp.Compare(x.Parameter, name) })
	j := i
	for j < len(v.List) && v.List[j].Parameter == name {
		j++
	}
	return v.List[i:j:j]
}

// MaxFiles is the largest number of distinct files the parameters of one
// revision read (configuration and variables files).
const MaxFiles = 20000

// reader reads the files of one revision once each.
type reader struct {
	fsys  flags.FS
	memo  flags.Memo          // shares parsed files with the other revision (nil: none)
	files map[string]readFile // the configuration files read, parsed or not
	vars  map[string]*varsFile
	globs map[string][]string
}

// Read reads the values of the registry's parameters at one revision. A
// file that cannot be read as the program reads it, a value that does not
// parse as the parameter's type, a template cpsgate cannot resolve: all are
// errors with their positions (the check exits 2). A glob that matches no
// file gives no value (the rules report an active parameter without one).
func Read(fsys flags.FS, reg *flags.Registry) (*Values, error) {
	return ReadShared(fsys, reg, nil)
}

// ReadShared is Read, sharing through memo (when not nil) the parse of a
// configuration file whose content is the same at the other revision of a
// check (see flags.ParseConfigFileShared).
func ReadShared(fsys flags.FS, reg *flags.Registry, memo flags.Memo) (*Values, error) {
	out := &Values{}
	if reg == nil || len(reg.Parameters) == 0 {
		return out, nil
	}
	if out, ok := readSet(newReader(fsys, memo), reg); ok {
		return out, nil
	}
	// Something went wrong, or might have: the look-ups one by one report
	// it exactly, in order.
	return readEach(newReader(fsys, memo), reg)
}

// readEach is ReadShared looking each location's key path up in each file
// its glob matches, one at a time.
func readEach(r *reader, reg *flags.Registry) (*Values, error) {
	out := &Values{}
	var errs diag.Errors
	for _, p := range reg.Parameters {
		var seen map[[2]string]bool // made when the parameter has a value
		for _, loc := range p.Config {
			kp := flags.NewKeyPath(loc.Path)
			files, err := r.glob(loc)
			if err != nil {
				addError(&errs, loc.Pos, err)
				continue
			}
			for _, file := range files {
				vals, err := r.values(p, loc, kp, file)
				addError(&errs, loc.Pos, err)
				out.List = appendNew(out.List, &seen, vals)
			}
		}
	}
	if len(r.files)+len(r.vars) > MaxFiles {
		errs.Add(reg.Parameters[0].Pos, "the parameters read %d files, more than the limit of %d (params.MaxFiles)", len(r.files)+len(r.vars), MaxFiles)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	sortValues(out.List)
	return out, nil
}

func newReader(fsys flags.FS, memo flags.Memo) *reader {
	return &reader{fsys: fsys, memo: memo, files: map[string]readFile{}, vars: map[string]*varsFile{}, globs: map[string][]string{}}
}

// readSet is ReadShared without errors: it looks the key paths of all the
// locations that share a glob up in each file the glob matches in one walk
// (flags.ConfigFile.LookupSet), and returns false when anything goes wrong
// or might (the caller then reads one look-up at a time, which reports it).
// The values, and the order they are taken in, are ReadShared's.
func readSet(r *reader, reg *flags.Registry) (*Values, bool) {
	// The locations, numbered in registry order, grouped by glob.
	type globGroup struct {
		loc   flags.ParamLocation // the first with the glob
		locs  []int
		paths []flags.KeyPath
	}
	var groups []*globGroup
	byGlob := map[string]*globGroup{}
	nlocs := 0
	for _, p := range reg.Parameters {
		for _, loc := range p.Config {
			g := byGlob[loc.Glob]
			if g == nil {
				g = &globGroup{loc: loc}
				byGlob[loc.Glob] = g
				groups = append(groups, g)
			}
			g.locs = append(g.locs, nlocs)
			g.paths = append(g.paths, flags.NewKeyPath(loc.Path))
			nlocs++
		}
	}
	// params[i] and locs[i] are the parameter and location numbered i.
	params := make([]*flags.Parameter, 0, nlocs)
	locs := make([]*flags.ParamLocation, 0, nlocs)
	for pi := range reg.Parameters {
		p := &reg.Parameters[pi]
		for li := range p.Config {
			params, locs = append(params, p), append(locs, &p.Config[li])
		}
	}
	// found[i] are the values of location i, by file in glob order.
	found := make([][][]Value, nlocs)
	for _, g := range groups {
		files, err := r.glob(g.loc)
		if err != nil {
			return nil, false
		}
		sum := groupSum(g.locs, params, locs)
		set := r.pathSet(sum, g.paths)
		for _, file := range files {
			res := r.fileValues(file, set, sum, func(path int) (*flags.Parameter, *flags.ParamLocation) {
				loc := g.locs[path]
				return params[loc], locs[loc]
			})
			if !res.ok {
				return nil, false
			}
			for _, lv := range res.vals {
				loc := g.locs[lv.path]
				found[loc] = append(found[loc], lv.vals)
			}
		}
	}
	n := 0
	for _, lists := range found {
		for _, vals := range lists {
			n += len(vals)
		}
	}
	out := &Values{}
	if n > 0 {
		out.List = make([]Value, 0, n)
	}
	i := 0
	for _, p := range reg.Parameters {
		var seen map[[2]string]bool
		for range p.Config {
			for _, vals := range found[i] {
				if len(p.Config) == 1 && len(vals) == 1 {
					// Values of one location in different files differ
					// in file: one value is new.
					out.List = append(out.List, vals[0])
					continue
				}
				out.List = appendNew(out.List, &seen, vals)
			}
			i++
		}
	}
	if len(r.files)+len(r.vars) > MaxFiles {
		return nil, false
	}
	sortValues(out.List)
	return out, true
}

// appendNew appends the values whose file and key path *seen (made when
// needed) does not hold yet, and adds them to it.
func appendNew(list []Value, seen *map[[2]string]bool, vals []Value) []Value {
	if len(vals) > 0 && *seen == nil {
		*seen = map[[2]string]bool{}
	}
	for _, v := range vals {
		key := [2]string{v.File, v.Path}
		if !(*seen)[key] {
			(*seen)[key] = true
			list = append(list, v)
		}
	}
	return list
}

// sortValues sorts values by parameter, file and key path.
func sortValues(list []Value) {
	slices.SortFunc(list, func(a, b Value) int {
		return cmp.Or(cmp.Compare(a.Parameter, b.Parameter), cmp.Compare(a.File, b.File), cmp.Compare(a.Path, b.Path))
	})
}

// glob returns the files loc's glob matches, sorted.
func (r *reader) glob(loc flags.ParamLocation) ([]string, error) {
	if files, ok := r.globs[loc.Glob]; ok {
		return files, nil
	}
	files, err := r.fsys.Glob(loc.Glob)
	var link *gitrepo.LinkError
	switch {
	case errors.As(err, &link):
		return nil, err
	case err != nil:
		return nil, fmt.Errorf("glob %q: %w", loc.Glob, err)
	}
	r.globs[loc.Glob] = files
	return files, nil
}

// file parses a configuration file once.
func (r *reader) file(name string) (*flags.ConfigFile, error) {
	cf, _, err := r.fileSum(name)
	return cf, err
}

// readFile is a configuration file as read: parsed, the sum of its
// content, or why it could not be.
type readFile struct {
	cf  *flags.ConfigFile
	sum flags.Sum
	err error
}

// fileSum is file, with the sum of the file's content (when it was read).
func (r *reader) fileSum(name string) (*flags.ConfigFile, flags.Sum, error) {
	if f, ok := r.files[name]; ok {
		return f.cf, f.sum, f.err
	}
	src, err := r.fsys.ReadFile(name)
	var f readFile
	if err == nil {
		f.sum = flags.SumOf(src)
		f.cf, err = flags.ParseConfigFileSum(name, src, f.sum, r.memo)
	}
	f.err = err
	r.files[name] = f
	return f.cf, f.sum, f.err
}

// values reads parameter p's values in one file that loc's glob matched.
func (r *reader) values(p flags.Parameter, loc flags.ParamLocation, kp flags.KeyPath, file string) ([]Value, error) {
	cf, err := r.file(file)
	if err != nil {
		return nil, err
	}
	found, err := cf.LookupPath(kp)
	if err != nil {
		return nil, err
	}
	return r.convert(p, loc, file, found)
}

// convert turns the scalars found for parameter p in one file that loc's
// glob matched into values: templates resolved, types parsed.
func (r *reader) convert(p flags.Parameter, loc flags.ParamLocation, file string, found []flags.ConfigValue) ([]Value, error) {
	if len(found) == 0 {
		return nil, nil
	}
	// The variables files are read when a value is templated.
	var vars []*varsFile
	loadVars := func() error {
		if vars != nil || len(loc.Vars) == 0 {
			return nil
		}
		for _, v := range loc.Vars {
			vf, err := r.varsFile(file, v, loc.Pos)
			if err != nil {
				return err
			}
			vars = append(vars, vf)
		}
		return nil
	}
	env := loc.Environment
	if env == "" {
		env = path.Dir(file)
	}
	var out []Value
	var errs diag.Errors
	for _, c := range found {
		v := Value{Parameter: p.Name, File: file, Path: c.Path, Environment: env, Text: c.Scalar.Text, Pos: c.Pos}
		s := c.Scalar
		if s.Quoted && hasTemplate(s.Text) {
			if err := loadVars(); err != nil {
				return nil, err
			}
			text, refs, err := render(s.Text, vars)
			if err != nil {
				errs.Add(c.Pos, "parameter %s at %s: %v", p.Name, c.Path, err)
				continue
			}
			v.Template, v.Text, v.Vars = s.Text, text, refs
			s.Text = text
		}
		val, err := paramtype.FromConfig(p.Type, s)
		if err != nil {
			what := ""
			if v.Template != "" {
				what = fmt.Sprintf(" (%s resolves to %q)", v.Template, v.Text)
			}
			errs.Add(c.Pos, "parameter %s (%s) at %s%s: %v", p.Name, p.Type, c.Path, what, err)
			continue
		}
		v.Value = val
		out = append(out, v)
	}
	return out, errs.Err()
}

// varsFile returns the variables file name, relative to the directory of
// the configuration file that uses it.
func (r *reader) varsFile(configFile, name string, at diag.Pos) (*varsFile, error) {
	p := path.Join(path.Dir(configFile), name)
	if p == ".." || strings.HasPrefix(p, "../") {
		return nil, diag.Errors{diag.Errorf(at, "vars: %s, from %s, leads outside the repository", name, configFile)}.Err()
	}
	if vf, ok := r.vars[p]; ok {
		return vf, vf.err
	}
	vf := &varsFile{file: p}
	src, err := r.fsys.ReadFile(p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		vf.err = diag.Errors{diag.Errorf(at, "vars: the variables file %s (for %s) does not exist", p, configFile)}.Err()
	case err != nil:
		vf.err = err
	default:
		vf.err = vf.parse(src)
	}
	r.vars[p] = vf
	return vf, vf.err
}

// addError appends err to errs: its diag errors as they are, any other error
// at pos.
func addError(errs *diag.Errors, pos diag.Pos, err error) {
	if err == nil {
		return
	}
	var list diag.Errors
	if errors.As(err, &list) {
		*errs = append(*errs, list...)
		return
	}
	errs.Add(pos, "%v", err)
}

// pathValues are the values of the path-th key path of a glob group in one
// file.
type pathValues struct {
	path int
	vals []Value
}

// fileResult is what readSet takes from one file for one glob group: the
// values by key path (in path order), or ok false when anything went wrong
// or might have. A result with templated values depends on variables files
// too: it is not shared with the other revision (shareable false).
type fileResult struct {
	vals      []pathValues
	ok        bool
	shareable bool
}

// fileValuesKey identifies a fileResult that both revisions of a check
// share: the file's path and content, and the group's locations as convert
// reads them (groupSum).
type fileValuesKey struct {
	file       string
	sum, group flags.Sum
}

// fileValues reads, for the glob group whose key paths set compiles and
// whose locations sum identifies, the values of one file: the other
// revision's result when the file and group are the same there and no value
// is templated. at gives the parameter and location of a key path.
func (r *reader) fileValues(file string, set *flags.PathSet, group flags.Sum, at func(path int) (*flags.Parameter, *flags.ParamLocation)) fileResult {
	cf, sum, err := r.fileSum(file)
	if err != nil {
		return fileResult{}
	}
	read := func() fileResult {
		vals, ok := cf.LookupSet(set)
		if !ok {
			return fileResult{}
		}
		res := fileResult{ok: true, shareable: true}
		for i := 0; i < len(vals); {
			j := i + 1
			for j < len(vals) && vals[j].Path == vals[i].Path {
				j++
			}
			cvs := make([]flags.ConfigValue, j-i)
			for k := range cvs {
				cvs[k] = vals[i+k].ConfigValue
			}
			p, loc := at(vals[i].Path)
			converted, err := r.convert(*p, *loc, file, cvs)
			if err != nil {
				return fileResult{}
			}
			for _, v := range converted {
				if v.Template != "" {
					res.shareable = false
				}
			}
			res.vals = append(res.vals, pathValues{path: vals[i].Path, vals: converted})
			i = j
		}
		return res
	}
	if r.memo == nil {
		return read()
	}
	v, _ := r.memo.Do(fileValuesKey{file: file, sum: sum, group: group}, func() (any, error) { return read(), nil })
	if res, _ := v.(fileResult); res.shareable {
		return res
	}
	return read()
}

// groupSum identifies the locations of a glob group as fileValues reads
// them: their order, key paths, parameters' names and types, and
// environments.
func groupSum(group []int, params []*flags.Parameter, locs []*flags.ParamLocation) flags.Sum {
	var b []byte
	for _, i := range group {
		for _, f := range [...]string{params[i].Name, params[i].Type, locs[i].Path, locs[i].Environment} {
			b = binary.AppendUvarint(b, uint64(len(f)))
			b = append(b, f...)
		}
	}
	return flags.SumOf(b)
}

// pathSetKey identifies the compiled key paths of a glob group (groupSum
// covers them).
type pathSetKey flags.Sum

// pathSet compiles the key paths of the glob group that sum identifies,
// once for both revisions.
func (r *reader) pathSet(sum flags.Sum, paths []flags.KeyPath) *flags.PathSet {
	if r.memo == nil {
		return flags.NewPathSet(paths)
	}
	v, _ := r.memo.Do(pathSetKey(sum), func() (any, error) { return flags.NewPathSet(paths), nil })
	return v.(*flags.PathSet)
}
