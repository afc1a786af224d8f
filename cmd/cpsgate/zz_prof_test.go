package main

import (
	"io"
	"os"
	"path/filepath"
	"testing"
)

func BenchmarkZZScaleInProcess(b *testing.B) {
	asTheBinary(b)
	s := scaleRepo{flags: 3000, sections: 2000, configs: 200, pct: 33.3}
	dir := filepath.Join(b.TempDir(), "repo")
	body := s.write(b, dir)
	args := []string{"-C", dir, "check", "--base", "main", "--head", "change", "--pr-body", body, "--author", "bob", "--approver", "alice", "--format", "json"}
	b.ResetTimer()
	for b.Loop() {
		if code := Main(args, nil, io.Discard, os.Stderr); code > 1 {
			b.Fatal(code)
		}
	}
}
