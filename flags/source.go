package flags

import (
	"errors"
	"fmt"
	"hash/maphash"
	"slices"
	"strings"
	"sync"

	"github.com/cpsgate/cpsgate/diag"
	"github.com/cpsgate/cpsgate/gitrepo"
)

// Source is one kind of place flags live: an entry `kind: K` of the
// configuration's `sources:` list is read by the Source registered under K.
// Each kind is one file of this package (gostruct.go, goenum.go, config.go)
// that registers its Source in an init function; a package outside flags
// may register more. Adding a kind is that file plus its Register line:
// the configuration accepts the kind and its fields, Discover reads it, and
// the check, the report and init handle it through this interface.
type Source interface {
	// Kind is the name written after `kind:`, e.g. "go-struct".
	Kind() string
	// Fields are the keys an entry of this kind takes besides kind, in the
	// order init writes them; the first one names the source in messages.
	Fields() []Field
	// Discover reads what the source declares in fsys into found. Errors
	// are diag errors at the position of the input they concern (spec.Pos
	// when the source as a whole is wrong).
	Discover(fsys FS, spec SourceSpec, found *Found) error
}

// FileSource is a Source whose settings come from the files a glob matches,
// each file read on its own: the settings of a file whose content is the
// same at another revision are shared (Memo), and a file the sources stop
// reading is a source change. DiscoverFiles is its Discover.
type FileSource interface {
	Source
	// Glob is the pattern of the files spec reads (** allowed).
	Glob(spec SourceSpec) string
	// ReadFile returns the settings that one file sets.
	ReadFile(file string, src []byte, spec SourceSpec) ([]Setting, error)
}

// Field is a key of a source entry.
type Field struct {
	Name     string
	Required bool
}

// FileReader is read access to the files of one revision (an alias of FS,
// named for what a Source does with it).
type FileReader = FS

// Found is what the sources of one revision declare, as Discover collects it.
type Found struct {
	Defs     []Definition
	Settings []Setting
	// Files are the files the file sources read, FileKinds the kind of
	// source that read each, Digests their content as read (see Inventory).
	Files     []string
	FileKinds map[string]string
	Digests   map[string]uint64
	// Structs are the go-struct sources' key-to-field tables: the flag a
	// configuration key sets is the field the program decodes it into.
	Structs []*GoStruct

	memo  Memo        // shares parse results with the other revision (nil: none)
	files []foundFile // what DiscoverFiles read, file by file
}

// foundFile is the settings DiscoverFiles read from one file. They are
// shared with the other revision through the Memo: never changed.
type foundFile struct {
	key      fileReadKey
	settings settingGroup
}

// groupReader is a FileSource that reads a file's settings into a
// settingGroup, in compact form when it can (ReadFile's result as a
// group, and cheaper to keep).
type groupReader interface {
	readGroup(file string, src []byte, spec SourceSpec) (settingGroup, error)
}

var (
	registryMu sync.RWMutex
	sources    = map[string]Source{}
)

// Register makes a source kind known. It panics on an empty kind or a kind
// registered twice (a programming error, found at start-up).
func Register(s Source) {
	registryMu.Lock()
	defer registryMu.Unlock()
	k := s.Kind()
	if k == "" || sources[k] != nil {
		panic(fmt.Sprintf("flags.Register: source kind %q empty or registered twice", k))
	}
	sources[k] = s
}

// Lookup returns the source registered under kind, or nil.
func Lookup(kind string) Source {
	registryMu.RLock()
	defer registryMu.RUnlock()
	return sources[kind]
}

// Kinds returns the registered source kinds, sorted.
func Kinds() []string {
	registryMu.RLock()
	defer registryMu.RUnlock()
	kinds := make([]string, 0, len(sources))
	for k := range sources {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	return kinds
}

// FieldNames returns every key that some registered kind takes, sorted:
// the keys a source entry may have besides kind.
func FieldNames() []string {
	registryMu.RLock()
	defer registryMu.RUnlock()
	var names []string
	for _, s := range sources {
		for _, f := range s.Fields() {
			names = append(names, f.Name)
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// CheckSpec returns what is wrong with the fields of a source entry of a
// registered kind: a required field missing, a field the kind does not
// take. It returns nil for an unknown kind (the caller reports that).
func CheckSpec(spec SourceSpec) []string {
	src := Lookup(spec.Kind)
	if src == nil {
		return nil
	}
	var msgs []string
	takes := map[string]bool{}
	var names []string
	for _, f := range src.Fields() {
		takes[f.Name] = true
		names = append(names, f.Name)
		if f.Required && spec.Get(f.Name) == "" {
			msgs = append(msgs, fmt.Sprintf("a %s source needs %q", spec.Kind, f.Name))
		}
	}
	for _, name := range FieldNames() {
		if !takes[name] && spec.Get(name) != "" {
			msgs = append(msgs, fmt.Sprintf("a %s source takes %s only", spec.Kind, andList(names)))
			break
		}
	}
	return msgs
}

// andList joins words as "a, b and c".
func andList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// Get returns the value of a field of the entry by its key in the
// configuration.
func (s SourceSpec) Get(field string) string {
	switch field {
	case "path":
		return s.Path
	case "type":
		return s.Type
	case "glob":
		return s.Glob
	case "key":
		return s.Key
	case "environment":
		return s.Environment
	}
	return s.Extra[field]
}

// Describe names a source entry for people, from its kind's fields: the
// first field's value, then the others that are set, e.g.
// "go-struct internal/features (type Flags)".
func (s SourceSpec) Describe() string {
	src := Lookup(s.Kind)
	if src == nil {
		return s.Kind
	}
	var first string
	var rest []string
	for i, f := range src.Fields() {
		v := s.Get(f.Name)
		switch {
		case i == 0:
			first = v
		case v != "":
			rest = append(rest, f.Name+" "+v)
		}
	}
	out := s.Kind + " " + first
	if len(rest) > 0 {
		out += " (" + strings.Join(rest, ", ") + ")"
	}
	return out
}

// Fingerprint identifies what the entry reads, leaving its position aside
// (a cache key).
func (s SourceSpec) Fingerprint() string {
	var b strings.Builder
	b.WriteString(s.Kind)
	if src := Lookup(s.Kind); src != nil {
		for _, f := range src.Fields() {
			b.WriteString("\x00" + s.Get(f.Name))
		}
	}
	return b.String()
}

// ReadsFiles returns the FileSource of spec's kind, or nil when the kind
// does not read its settings file by file.
func ReadsFiles(spec SourceSpec) FileSource {
	fs, _ := Lookup(spec.Kind).(FileSource)
	return fs
}

// PackageReader is a Source that reads more files than its spec's path and
// glob name: a Go file's whole package (the struct embeds types declared in
// the other files). Globs are the patterns of those files.
type PackageReader interface {
	Globs(spec SourceSpec) []string
}

// MoreGlobs returns the patterns of the files spec reads besides its path
// and glob (see PackageReader): a change to any of them can change what it
// finds, so the report and anything that asks which files a check reads
// must watch them too.
func MoreGlobs(spec SourceSpec) []string {
	if r, ok := Lookup(spec.Kind).(PackageReader); ok {
		return r.Globs(spec)
	}
	return nil
}

// discoverSource reads one spec into found.
func discoverSource(fsys FS, spec SourceSpec, found *Found) error {
	src := Lookup(spec.Kind)
	if src == nil {
		return diag.Errors{diag.Errorf(spec.Pos, "unknown source kind %q (want %s)", spec.Kind, orList(Kinds()))}.Err()
	}
	return src.Discover(fsys, spec, found)
}

// orList joins words as "a, b or c".
func orList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// DiscoverFiles is the Discover of a FileSource: it reads every file that
// the source's glob matches, records it in found (Files, FileKinds,
// Digests) and adds its settings (kept by file, and joined to
// found.Settings by Discover). A file whose content Discover's Memo has
// seen before, in the other revision, is not read again.
func DiscoverFiles(fsys FS, src FileSource, spec SourceSpec, found *Found) error {
	for _, f := range src.Fields() {
		if f.Required && spec.Get(f.Name) == "" {
			return diag.Errors{diag.Errorf(spec.Pos, "a %s source needs %s", spec.Kind, andList(articled(fieldNames(src, true))))}.Err()
		}
	}
	glob := src.Glob(spec)
	files, err := fsys.Glob(glob)
	var link *gitrepo.LinkError
	switch {
	case errors.As(err, &link):
		return diag.Errors{diag.Errorf(spec.Pos, "%v", err)}.Err()
	case err != nil:
		return diag.Errors{diag.Errorf(spec.Pos, "glob %q: %v", glob, err)}.Err()
	}
	if len(files) == 0 {
		return diag.Errors{diag.Errorf(spec.Pos, "glob %q matches no file", glob)}.Err()
	}
	if err := checkFileCount(spec, glob, files); err != nil {
		return err
	}
	if found.Digests == nil {
		found.Digests = map[string]uint64{}
	}
	if found.FileKinds == nil {
		found.FileKinds = map[string]string{}
	}
	if p, ok := fsys.(gitrepo.Prefetcher); ok {
		p.Prefetch(files)
	}
	fp := spec.Fingerprint()
	var errs diag.Errors
	for _, file := range files {
		data, err := fsys.ReadFile(file)
		if err != nil {
			errs.Add(spec.Pos, "%v", err)
			continue
		}
		// Two sources reading one file: the digest covers both readings.
		found.Digests[file] ^= fileDigest(fp, data)
		found.FileKinds[file] = spec.Kind
		key := fileReadKey{spec: fp, file: file}
		if found.memo != nil {
			key.sum = SumOf(data)
		}
		r, _ := memoDo(found.memo, key, func() (*fileRead, error) {
			if gr, ok := src.(groupReader); ok {
				g, err := gr.readGroup(file, data, spec)
				return &fileRead{settings: g, err: err}, nil
			}
			s, err := src.ReadFile(file, data, spec)
			return &fileRead{settings: settingGroup{list: slices.Clip(s)}, err: err}, nil
		})
		found.files = append(found.files, foundFile{key: key, settings: r.settings})
		addError(&errs, spec.Pos, r.err)
	}
	found.Files = append(found.Files, files...)
	return errs.Err()
}

// fileDigest is a file's digest in Inventory.Digests, as the source of
// fingerprint fp reads it.
func fileDigest(fp string, data []byte) uint64 {
	var h maphash.Hash
	h.SetSeed(digestSeed)
	h.WriteString(fp)
	h.WriteByte(0)
	h.Write(data)
	return h.Sum64()
}

// articled puts "a" before each word.
func articled(words []string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = "a " + w
	}
	return out
}

// fieldNames are the names of src's fields (the required ones only when
// required is set).
func fieldNames(src Source, required bool) []string {
	var names []string
	for _, f := range src.Fields() {
		if f.Required || !required {
			names = append(names, f.Name)
		}
	}
	return names
}

// FileKind returns the kind of the source that read file, "" when none did.
func (inv *Inventory) FileKind(file string) string {
	if inv == nil {
		return ""
	}
	return inv.FileKinds[file]
}
