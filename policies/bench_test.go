package policies

import (
	"context"
	"fmt"
	"testing"
)

// boulderSized is an input the size of a large CA's: 280 CPS sections, 50
// registered flags each linking 2-3 sections with 1-2 registry reviews and set
// in 30 environments, and 10 flag changes.
func boulderSized() *Input {
	return newInput(func(in *Input) {
		in.Sections = make(map[string]Section)
		var ids []string
		for i := range 280 {
			id := fmt.Sprintf("%d.%d.%d", 1+i/40, 1+i/8%5, 1+i%8)
			ids = append(ids, id)
			in.Sections[id] = Section{ID: id, Title: "Section " + id, Level: 3, File: "docs/cps.md", Line: 10 + 5*i, Hash: "sha256:" + id}
		}
		for i := range 50 {
			name := fmt.Sprintf("Flag%02d", i)
			links := []string{ids[(7*i)%280], ids[(7*i+1)%280]}
			if i%2 == 0 {
				links = append(links, ids[(7*i+2)%280])
			}
			f := registered(name, 10+20*i, links...)
			for env := range 30 {
				on := env%2 == 0
				f.Sources = append(f.Sources, FlagSource{Kind: "config", File: fmt.Sprintf("deploy/env%02d.json", env), Line: 3 + i, Environment: fmt.Sprintf("env%02d", env), Value: &on})
			}
			in.Flags[name] = f
			in.Reviews = append(in.Reviews, oldReview(name, "2024-01-01", 12+20*i, links...))
			if i%2 == 1 {
				r := oldReview(name, "2024-06-01", 15+20*i, links...)
				r.SectionHashes = map[string]string{links[0]: "sha256:" + links[0]}
				in.Reviews = append(in.Reviews, r)
			}
		}
		for i := range 10 {
			in.FlagChanges = append(in.FlagChanges, FlagChange{
				Flag: fmt.Sprintf("Flag%02d", 5*i), Change: "enabled", Environment: "env00",
				File: "deploy/env00.json", Line: 3 + 5*i,
			})
		}
	})
}

func BenchmarkEval(b *testing.B) {
	e := builtin(b)
	in := boulderSized()
	ctx := context.Background()
	deny, _, err := e.Eval(ctx, in)
	if err != nil {
		b.Fatal(err)
	}
	if len(deny) == 0 {
		b.Fatal("the benchmark input should yield missing_review findings")
	}
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := e.Eval(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNew(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		if _, err := New(ctx, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// scaled is an input of a large registry: n flags over 2,000 sections, each
// flag linking 2 sections, reviewed once in the registry (every other flag
// twice), declared in Go and set in envs environments, and a change that
// flips every flag in every environment (n*envs flag changes).
func scaled(n, envs int) *Input {
	return newInput(func(in *Input) {
		in.Sections = make(map[string]Section, 2000)
		ids := make([]string, 2000)
		for i := range ids {
			id := fmt.Sprintf("%d.%d.%d", 1+i/200, 1+i/20%10, 1+i%20)
			ids[i] = id
			in.Sections[id] = Section{ID: id, Title: "Section " + id, Level: 3, File: "docs/cps.md", Line: 10 + 5*i, Hash: "sha256:" + id, TreeHash: "sha256:" + id, BaseTreeHash: "sha256:" + id}
		}
		for i := range n {
			name := fmt.Sprintf("Flag%05d", i)
			links := []string{ids[(7*i)%2000], ids[(7*i+1)%2000]}
			f := registered(name, 10+20*i, links...)
			for env := range envs {
				on := true
				f.Sources = append(f.Sources, FlagSource{Kind: "config", File: fmt.Sprintf("deploy/env%03d.json", env), Line: 3 + i, Environment: fmt.Sprintf("env%03d", env), Value: &on})
				in.FlagChanges = append(in.FlagChanges, FlagChange{
					Flag: name, Change: "enabled", Environment: fmt.Sprintf("env%03d", env),
					File: fmt.Sprintf("deploy/env%03d.json", env), Line: 3 + i,
				})
			}
			in.Flags[name] = f
			in.Reviews = append(in.Reviews, oldReview(name, "2024-01-01", 12+20*i, links...))
			if i%2 == 1 {
				in.Reviews = append(in.Reviews, oldReview(name, "2024-06-01", 15+20*i, links...))
			}
			if i%3 == 0 { // a third are reviewed in the change
				in.Reviews = append(in.Reviews, prReview(name, "bob", links...))
			}
		}
	})
}

// BenchmarkEvalScale evaluates the built-in rules on growing registries; the
// time per flag stays flat when no rule is quadratic.
func BenchmarkEvalScale(b *testing.B) {
	for _, tc := range []struct{ flags, envs int }{{1000, 1}, {2000, 1}, {4000, 1}, {500, 10}, {1000, 10}} {
		b.Run(fmt.Sprintf("flags=%d/envs=%d", tc.flags, tc.envs), func(b *testing.B) {
			e := builtin(b)
			in := scaled(tc.flags, tc.envs)
			ctx := context.Background()
			for b.Loop() {
				if _, _, err := e.Eval(ctx, in); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(tc.flags*tc.envs), "µs/change")
		})
	}
}
