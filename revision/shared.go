package revision

import (
	"sync"

	"github.com/cpsgate/cpsgate/cps"
	"github.com/cpsgate/cpsgate/flags"
)

// Shared lets the two revisions of one check share what they parse: a CPS
// document or a registry whose text is the same at base and head (most
// changes touch neither) is parsed once, by whichever revision gets to it
// first, while the other waits; so are the source files whose content is
// the same (flags.Memo), and the configuration files the parameters read.
// Parse results are read, never changed, so sharing them is safe. A nil
// *Shared shares nothing. It is safe for concurrent use.
type Shared struct {
	mu   sync.Mutex
	done map[any]*sharedResult
}

// memo returns s as a flags.Memo: nil when s is nil.
func (s *Shared) memo() flags.Memo {
	if s == nil {
		return nil
	}
	return s
}

type sharedKey struct{ kind, path, src string }

type sharedResult struct {
	ready chan struct{}
	v     any
	err   error
}

// parse returns parse's result for (kind, path, src), calling it once.
func (s *Shared) parse(kind, path string, src []byte, parse func() (any, error)) (any, error) {
	return s.Do(sharedKey{kind, path, string(src)}, parse)
}

// Do returns f's result for key, calling f once per key (flags.Memo).
func (s *Shared) Do(key any, f func() (any, error)) (any, error) {
	if s == nil {
		return f()
	}
	s.mu.Lock()
	r, ok := s.done[key]
	if !ok {
		if s.done == nil {
			s.done = map[any]*sharedResult{}
		}
		r = &sharedResult{ready: make(chan struct{})}
		s.done[key] = r
	}
	s.mu.Unlock()
	if ok {
		<-r.ready
		return r.v, r.err
	}
	r.v, r.err = f()
	close(r.ready)
	return r.v, r.err
}

func (s *Shared) cps(path string, src []byte) (*cps.Document, error) {
	v, err := s.parse("cps", path, src, func() (any, error) { return cps.Parse(path, src) })
	doc, _ := v.(*cps.Document)
	return doc, err
}

func (s *Shared) registry(path string, src []byte) (*flags.Registry, error) {
	v, err := s.parse("registry", path, src, func() (any, error) { return flags.DecodeRegistry(path, src) })
	reg, _ := v.(*flags.Registry)
	return reg, err
}
