package params

import (
	"fmt"
	"maps"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cpsgate/cpsgate/flags"
)

// onceMemo is a flags.Memo that counts the results it computes, by the
// type of their key.
type onceMemo struct {
	mu       sync.Mutex
	done     map[any][2]any
	computed map[string]int
}

func (m *onceMemo) Do(key any, f func() (any, error)) (any, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if r, ok := m.done[key]; ok {
		err, _ := r[1].(error)
		return r[0], err
	}
	if m.done == nil {
		m.done, m.computed = map[any][2]any{}, map[string]int{}
	}
	v, err := f()
	m.done[key] = [2]any{v, err}
	m.computed[fmt.Sprintf("%T", key)]++
	return v, err
}

// TestReadShared reads two revisions through one memo, concurrently, as
// check reads base and head: each reads as Read alone does, a file the
// same at both is parsed once, and a file changed at head is read again.
// Each revision reports a duplicate key on its own.
func TestReadShared(t *testing.T) {
	base := mapFS{
		"deploy/common.yaml":    "lifetime: 24h\n",
		"deploy/prod/vars.yaml": "x: 1h\n",
		"deploy/prod/ca.yaml":   "ca:\n  profiles:\n    a: {max: \"{{ lifetime }}\"}\n    b: {max: 160h}\n",
		"deploy/test/ca.yaml":   "ca:\n  profiles:\n    a: {max: 10h}\n",
		"deploy/dup/ca.yaml":    "ca:\n  profiles:\n    a: {max: 1h}\n    a: {max: 2h}\n",
		"deploy/prod/crl.json":  `{"crl": {"maxSize": "10MiB"}}`,
	}
	head := maps.Clone(base)
	head["deploy/test/ca.yaml"] = "ca:\n  profiles:\n    a: {max: 11h}\n"
	reg, err := flags.DecodeRegistry("r.yaml", []byte(registry))
	if err != nil {
		t.Fatal(err)
	}
	m := &onceMemo{}
	var wg sync.WaitGroup
	var got [2]*Values
	var errs [2]error
	for i, fsys := range []mapFS{base, head} {
		wg.Go(func() { got[i], errs[i] = ReadShared(fsys, reg, m) })
	}
	wg.Wait()
	for i, fsys := range []mapFS{base, head} {
		want, wantErr := Read(fsys, reg)
		if diff := cmp.Diff(got[i], want); diff != "" {
			t.Errorf("revision %d: (-got +want):\n%s", i, diff)
		}
		if errs[i] == nil || wantErr == nil || errs[i].Error() != wantErr.Error() {
			t.Errorf("revision %d: error %v, want %v (the duplicate key)", i, errs[i], wantErr)
		}
	}
	// Three configuration files the same at both, one changed: 3 + 2
	// parses (variables files are read by each revision).
	if n := m.computed["flags.configDocsKey"]; n != 5 {
		t.Errorf("%d files parsed, want 5", n)
	}
	delete(base, "deploy/dup/ca.yaml")
	delete(head, "deploy/dup/ca.yaml")
	b, err1 := ReadShared(base, reg, m)
	h, err2 := ReadShared(head, reg, m)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	var texts []string
	for _, v := range append(b.Of("ca.max"), h.Of("ca.max")...) {
		texts = append(texts, v.File+" "+v.Text)
	}
	want := []string{
		"deploy/prod/ca.yaml 24h", "deploy/prod/ca.yaml 160h", "deploy/test/ca.yaml 10h",
		"deploy/prod/ca.yaml 24h", "deploy/prod/ca.yaml 160h", "deploy/test/ca.yaml 11h",
	}
	if diff := cmp.Diff(texts, want); diff != "" {
		t.Errorf("values at base, then head (-got +want):\n%s", diff)
	}
}

// TestReadSharedValues: the values of a file the same at both revisions
// are read once, unless one is templated (its variables may differ): a
// change of a variables file alone changes the value at head.
func TestReadSharedValues(t *testing.T) {
	base := mapFS{
		"deploy/common.yaml":    "lifetime: 24h\n",
		"deploy/prod/vars.yaml": "other: 1h\n",
		"deploy/test/vars.yaml": "other: 1h\n",
		"deploy/prod/ca.yaml":   "ca:\n  profiles:\n    a: {max: \"{{ lifetime }}\"}\n",
		"deploy/test/ca.yaml":   "ca:\n  profiles:\n    a: {max: 10h}\n",
		"deploy/prod/crl.json":  `{"crl": {"maxSize": "10MiB"}}`,
		"deploy/test/crl.json":  `{"crl": {"maxSize": "1MiB"}}`,
	}
	head := maps.Clone(base)
	head["deploy/common.yaml"] = "lifetime: 48h\n"
	head["deploy/test/crl.json"] = `{"crl": {"maxSize": "2MiB"}}`
	reg, err := flags.DecodeRegistry("r.yaml", []byte(registry))
	if err != nil {
		t.Fatal(err)
	}
	m := &onceMemo{}
	var texts []string
	for _, fsys := range []mapFS{base, head} {
		vals, err := ReadShared(fsys, reg, m)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vals.List {
			texts = append(texts, v.File+" "+v.Text)
		}
	}
	want := []string{
		"deploy/prod/ca.yaml 24h", "deploy/test/ca.yaml 10h", "deploy/prod/crl.json 10MiB", "deploy/test/crl.json 1MiB",
		"deploy/prod/ca.yaml 48h", "deploy/test/ca.yaml 10h", "deploy/prod/crl.json 10MiB", "deploy/test/crl.json 2MiB",
	}
	if diff := cmp.Diff(texts, want); diff != "" {
		t.Errorf("values at base, then head (-got +want):\n%s", diff)
	}
	// Four files at base, one more at head (the changed crl.json); the
	// templated prod/ca.yaml is read again but not shared.
	if n := m.computed["params.fileValuesKey"]; n != 5 {
		t.Errorf("%d files' values read through the memo, want 5", n)
	}
}
