package flags

import (
	"crypto/sha256"
	"fmt"
	"maps"
	"slices"

	"github.com/cpsgate/cpsgate/diag"
)

// Memo shares parse results between the revisions of one check (see
// revision.Shared): a source file whose content is the same at base and
// head (a change touches few of a large CA's hundreds of configuration
// files) is parsed once. Do returns f's result for key, calling f once per
// key however many callers ask, concurrently or not; a caller that asks
// while another computes the result waits for it. Keys are comparable
// values of types of the package that makes them, so that two packages'
// keys never meet; results are never changed after f returns, so sharing
// them is safe.
type Memo interface {
	Do(key any, f func() (any, error)) (any, error)
}

// Sum identifies content: its SHA-256. A memo key holds the sum of what it
// was computed from, never a weaker hash: two files that share a key read
// alike.
type Sum [sha256.Size]byte

// SumOf returns the Sum of src.
func SumOf(src []byte) Sum { return sha256.Sum256(src) }

// memoDo is m.Do, or f itself when m is nil.
func memoDo[T any](m Memo, key any, f func() (T, error)) (T, error) {
	if m == nil {
		return f()
	}
	v, err := m.Do(key, func() (any, error) { return f() })
	t, _ := v.(T)
	return t, err
}

// fileReadKey identifies what a file source reads from one file: the
// source entry (its fingerprint: kind and fields), the file's path (the
// settings carry it) and its content.
type fileReadKey struct {
	spec, file string
	sum        Sum
}

// fileRead is what a file source read from one file.
type fileRead struct {
	settings settingGroup
	err      error
}

// fileResolvedKey identifies the settings of one file with their keys
// resolved to the fields of the go-struct sources (structs: structsSum).
type fileResolvedKey struct {
	read    fileReadKey
	structs Sum
}

// fileResolved is a file's settings after resolveFile, and its errors.
type fileResolved struct {
	settings settingGroup
	errs     diag.Errors
}

// goPackageKey identifies what ExtractGoPackage reads: the struct type and
// the names and contents of the files.
type goPackageKey struct {
	typ   string
	files string // names and sums, in order
}

// goPackageResult is ExtractGoPackage's result.
type goPackageResult struct {
	gs    *GoStruct
	found bool
}

// newGoPackageKey returns the key of ExtractGoPackage(files, others, typ).
func newGoPackageKey(files, others []GoFile, typ string) goPackageKey {
	b := make([]byte, 0, (len(files)+len(others))*(sha256.Size+40))
	for i, list := range [][]GoFile{files, others} {
		b = fmt.Appendf(b, "%d:%d\x00", i, len(list))
		for _, f := range list {
			sum := SumOf(f.Src)
			b = fmt.Appendf(b, "%q\x00", f.Name)
			b = append(b, sum[:]...)
		}
	}
	return goPackageKey{typ: typ, files: string(b)}
}

// structsSum identifies how the go-struct sources map keys to fields, as
// resolveSettings reads them (the zero Sum when there are none).
func structsSum(structs []*GoStruct) Sum {
	if len(structs) == 0 {
		return Sum{}
	}
	h := sha256.New()
	for _, gs := range structs {
		fmt.Fprintf(h, "t%q\x00", gs.Type)
		for _, d := range gs.Defs {
			fmt.Fprintf(h, "d%q %q %q\x00", d.Flag, d.JSONKey, d.YAMLKey)
		}
		for _, f := range gs.JSON {
			fmt.Fprintf(h, "j%q %q %t %q\x00", f.Key, f.Name, f.Flag, f.Type)
		}
		for _, k := range slices.Sorted(maps.Keys(gs.YAML)) {
			f := gs.YAML[k]
			fmt.Fprintf(h, "y%q %q %q %t %q\x00", k, f.Key, f.Name, f.Flag, f.Type)
		}
		if gs.YAMLErr != nil {
			fmt.Fprintf(h, "e%s %q %q\x00", gs.YAMLErr.Pos, gs.YAMLErr.Msg, gs.YAMLErr.Rule)
		}
	}
	return Sum(h.Sum(nil))
}
