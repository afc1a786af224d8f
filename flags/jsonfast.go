package flags

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// fastJSON reads the settings of a JSON configuration file in one
// pass over its bytes, without building a tree, into the compact form (nil when there
// are none): the common case of a
// large CA's hundreds of configuration files, each setting thousands of
// flags. It reads only what it can read exactly as ExtractConfig's general
// path (parseJSON, then settingsWalker) does, and gives up (ok false) at
// anything that path could report, or that this one does not handle: a
// malformed document, a key written twice or equal to another under case
// folding in any object, a key with an escape, a key that equals the
// configured key only under case folding, a flag map that is not an object
// or null, a value in it that is not true or false, an empty flag name, and
// the limits. The caller then takes the general path, which says what is
// wrong. src has no BOM and is valid UTF-8 (ExtractConfig checks it first).
func fastJSON(file string, src []byte, key, env string) (*compactSettings, bool) {
	f := fastScanPool.Get().(*fastScan)
	defer func() {
		f.reset()
		fastScanPool.Put(f)
	}()
	f.src, f.key, f.line = src, []byte(key), 1
	if _, ok := f.value(0, false); !ok {
		return nil, false
	}
	f.space()
	if f.i != len(f.src) {
		return nil, false
	}
	if f.visits+1 > MaxConfigSettings || len(f.items) > MaxConfigSettings {
		return nil, false
	}
	if len(f.items) == 0 {
		return nil, true
	}
	if env == "" {
		env = file
	}
	return &compactSettings{env: env, file: file, paths: slices.Clone(f.paths), items: slices.Clone(f.items)}, true
}

// fastScan is the state of fastJSONSettings; its slices are reused.
type fastScan struct {
	src       []byte
	key       []byte
	i         int // offset of the next byte to read
	line      int // line of offset i
	lineStart int // offset of the start of that line
	visits    int // values the walk of the general path would visit, less the root
	// keys are the keys of the objects being read, innermost last: an
	// object's keys are checked when it ends, and leave the stack then.
	keys []fastKey
	// segments is the key path to the value being read: a key (start and
	// end offsets) or an array index (start -1, end the index).
	segments []fastSegment
	items    []compactSetting
	paths    []string
	folds    map[string]bool // reused for large objects
	pathBuf  []byte
}

type fastKey struct {
	start, end int
	line, col  int32
	value      int8 // in a flag map: 1 true, 0 false
}

type fastSegment struct{ start, end int }

var fastScanPool = sync.Pool{New: func() any { return new(fastScan) }}

func (f *fastScan) reset() {
	f.src, f.key = nil, nil
	f.i, f.line, f.lineStart, f.visits = 0, 0, 0, 0
	f.keys = f.keys[:0]
	f.segments = f.segments[:0]
	clear(f.items) // drop the flag names
	f.items = f.items[:0]
	clear(f.paths)
	f.paths = f.paths[:0]
	if cap(f.items) > 1<<16 {
		f.items = nil // a very large file's scratch is not worth keeping
	}
}

// space skips JSON white space, counting lines.
func (f *fastScan) space() {
	for f.i < len(f.src) {
		switch f.src[f.i] {
		case '\n':
			f.i++
			f.line, f.lineStart = f.line+1, f.i
		case ' ', '\t', '\r':
			f.i++
		default:
			return
		}
	}
}

// next skips white space and reports whether the next byte is c, reading
// it if so.
func (f *fastScan) next(c byte) bool {
	f.space()
	if f.i < len(f.src) && f.src[f.i] == c {
		f.i++
		return true
	}
	return false
}

// value reads one value nested in depth objects and arrays; flagMap is set
// for the value of the configured key. It reports whether the value holds
// a flag map (the configured key, at any depth).
func (f *fastScan) value(depth int, flagMap bool) (holds, ok bool) {
	f.space()
	if f.i >= len(f.src) {
		return false, false
	}
	switch c := f.src[f.i]; c {
	case '{', '[':
		if depth >= MaxConfigDepth {
			return false, false
		}
		f.i++
		if c == '[' {
			if flagMap {
				return false, false // must be an object
			}
			return f.array(depth + 1)
		}
		if flagMap {
			return false, f.flagMap(depth + 1)
		}
		return f.object(depth + 1)
	case '"':
		if flagMap {
			return false, false
		}
		_, _, _, ok := f.string()
		return false, ok
	case 't', 'f', 'n':
		for _, lit := range [...]string{"true", "false", "null"} {
			if lit[0] == c && bytes.HasPrefix(f.src[f.i:], []byte(lit)) {
				f.i += len(lit)
				return false, !flagMap || c == 'n' // a null flag map sets nothing
			}
		}
		return false, false
	}
	if flagMap {
		return false, false
	}
	return false, f.number()
}

// object reads the entries of an object after its '{', and its '}'.
func (f *fastScan) object(depth int) (holds, ok bool) {
	first := len(f.keys)
	if !f.next('}') {
		for {
			f.space()
			start, end, escaped, ok := f.string()
			if !ok || escaped || !f.next(':') {
				return false, false
			}
			k := f.src[start:end]
			isKey := bytes.Equal(k, f.key)
			if !isKey && bytes.EqualFold(k, f.key) {
				return false, false // the general path refuses it, or may
			}
			f.keys = append(f.keys, fastKey{start: start, end: end})
			f.segments = append(f.segments, fastSegment{start, end})
			f.space()
			container := f.i < len(f.src) && (f.src[f.i] == '{' || f.src[f.i] == '[')
			h, ok := f.value(depth, isKey)
			if !ok {
				return false, false
			}
			f.segments = f.segments[:len(f.segments)-1]
			switch {
			case isKey:
				holds = true
			case h:
				holds = true
				if container {
					f.visits++
				}
			}
			if f.next('}') {
				break
			}
			if !f.next(',') {
				return false, false
			}
		}
	}
	ok = f.distinctKeys(f.keys[first:])
	f.keys = f.keys[:first]
	return holds, ok
}

// distinctKeys reports whether no two of keys are equal under case folding
// (strings.EqualFold), as the general path requires of any object in which
// one key leads to a flag map, and of every flag map.
func (f *fastScan) distinctKeys(keys []fastKey) bool {
	if len(keys) <= 32 {
		for i := 1; i < len(keys); i++ {
			a := f.src[keys[i].start:keys[i].end]
			for _, o := range keys[:i] {
				if bytes.EqualFold(a, f.src[o.start:o.end]) {
					return false
				}
			}
		}
		return true
	}
	if f.folds == nil {
		f.folds = map[string]bool{}
	}
	defer clear(f.folds)
	for _, k := range keys {
		folded := foldKey(string(f.src[k.start:k.end]))
		if f.folds[folded] {
			return false
		}
		f.folds[folded] = true
	}
	return true
}

// array reads the elements of an array after its '[', and its ']'.
func (f *fastScan) array(depth int) (holds, ok bool) {
	if f.next(']') {
		return false, true
	}
	for n := 0; ; n++ {
		f.segments = append(f.segments, fastSegment{-1, n})
		f.space()
		container := f.i < len(f.src) && (f.src[f.i] == '{' || f.src[f.i] == '[')
		h, ok := f.value(depth, false)
		if !ok {
			return false, false
		}
		f.segments = f.segments[:len(f.segments)-1]
		if h {
			holds = true
			if container {
				f.visits++
			}
		}
		if f.next(']') {
			return holds, true
		}
		if !f.next(',') {
			return false, false
		}
	}
}

// flagMap reads a flag map after its '{', and its '}': keys to true or
// false.
func (f *fastScan) flagMap(depth int) bool {
	first := len(f.keys)
	defer func() { f.keys = f.keys[:first] }()
	if !f.next('}') {
		for {
			f.space()
			line, col := int32(f.line), int32(f.i-f.lineStart+1)
			start, end, escaped, ok := f.string()
			if !ok || escaped || start == end || !f.next(':') {
				return false // an empty flag name is an error
			}
			if bytes.EqualFold(f.src[start:end], f.key) {
				return false // the general path reads it, but not this one
			}
			f.space()
			var v int8
			switch {
			case bytes.HasPrefix(f.src[f.i:], []byte("true")):
				f.i, v = f.i+4, 1
			case bytes.HasPrefix(f.src[f.i:], []byte("false")):
				f.i += 5
			default:
				return false
			}
			f.keys = append(f.keys, fastKey{start: start, end: end, line: line, col: col, value: v})
			if f.next('}') {
				break
			}
			if !f.next(',') {
				return false
			}
		}
	}
	keys := f.keys[first:]
	if len(f.items)+len(keys) > MaxConfigSettings {
		return false
	}
	path := int32(len(f.paths))
	f.paths = append(f.paths, f.path())
	base := len(f.items)
	if !flagNames.intern(f.src, keys, func(i int, name string) {
		k := keys[i]
		f.items = append(f.items, compactSetting{flag: name, line: k.line, col: k.col, path: path, value: k.value == 1})
	}) {
		f.items = f.items[:base]
		return false
	}
	return true
}

// path returns the key path of the value being read, as the general path
// writes it (joinKey, and [i] for an array element).
func (f *fastScan) path() string {
	b := f.pathBuf[:0]
	for _, s := range f.segments {
		if s.start < 0 {
			b = append(b, '[')
			b = strconv.AppendInt(b, int64(s.end), 10)
			b = append(b, ']')
			continue
		}
		if len(b) > 0 {
			b = append(b, '.')
		}
		b = append(b, f.src[s.start:s.end]...)
	}
	f.pathBuf = b
	return string(b)
}

// string reads a string literal, checking its escapes, and returns the
// offsets of its contents and whether it has an escape (a key with one is
// left to the general path, which decodes it).
func (f *fastScan) string() (start, end int, escaped, ok bool) {
	src := f.src
	if f.i >= len(src) || src[f.i] != '"' {
		return 0, 0, false, false
	}
	start = f.i + 1
	for i := start; i < len(src); i++ {
		switch c := src[i]; {
		case c == '"':
			f.i = i + 1
			return start, i, escaped, true
		case c == '\\':
			i++
			if i >= len(src) {
				return 0, 0, false, false
			}
			switch src[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(src) {
					return 0, 0, false, false
				}
				for _, h := range src[i+1 : i+5] {
					if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
						return 0, 0, false, false
					}
				}
				i += 4
			default:
				return 0, 0, false, false
			}
			escaped = true
		case c < 0x20:
			return 0, 0, false, false
		}
	}
	return 0, 0, false, false
}

// number reads a number literal as JSON defines it (numberEnd).
func (f *fastScan) number() bool {
	end, ok := numberEnd(f.src, f.i)
	if ok {
		f.i = end
	}
	return ok
}

// flagNames interns the flag names of JSON configuration files: a large
// CA's hundreds of files name the same thousands of flags, and base and
// head read them concurrently.
var flagNames = newNameTable(1 << 18)

// nameTable interns names and numbers them by case-folded form (foldKey),
// so that a flag map's keys are checked for equality under folding
// without a map per flag map. It holds at most max names.
type nameTable struct {
	mu     sync.Mutex
	max    int
	names  map[string]internedName
	folds  map[string]int32
	stamps []uint32 // by fold number: the serial of the last map that had it
	serial uint32
}

type internedName struct {
	name string
	fold int32
}

func newNameTable(max int) *nameTable {
	return &nameTable{max: max, names: map[string]internedName{}, folds: map[string]int32{}}
}

// intern calls add with the interned name of each of keys (offsets into
// src), in order, and reports whether no two of them are equal under case
// folding. It gives up (false) when the table is full.
func (t *nameTable) intern(src []byte, keys []fastKey, add func(i int, name string)) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.serial++
	if t.serial == 0 {
		clear(t.stamps)
		t.serial = 1
	}
	for i, k := range keys {
		n, ok := t.names[string(src[k.start:k.end])]
		if !ok {
			if len(t.names) >= t.max {
				return false
			}
			name := string(src[k.start:k.end])
			folded := foldKey(name)
			fold, ok := t.folds[folded]
			if !ok {
				fold = int32(len(t.folds))
				t.folds[strings.Clone(folded)] = fold
				t.stamps = append(t.stamps, 0)
			}
			n = internedName{name, fold}
			t.names[name] = n
		}
		if t.stamps[n.fold] == t.serial {
			return false // two keys, equal under folding
		}
		t.stamps[n.fold] = t.serial
		add(i, n.name)
	}
	return true
}
