package change_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/cpsgate/cpsgate/change"
	"github.com/cpsgate/cpsgate/gitrepo"
	"github.com/cpsgate/cpsgate/revision"
)

// BenchmarkLoadScaleDir loads the base (main) and head (change) of the
// repository that TestWriteScaleRepo (cmd/cpsgate) wrote under
// $CPSGATE_SCALE_DIR, as check does, and diffs them: the part of a check
// before the policies.
func BenchmarkLoadScaleDir(b *testing.B) {
	dir := os.Getenv("CPSGATE_SCALE_DIR")
	if dir == "" {
		b.Skip("CPSGATE_SCALE_DIR not set")
	}
	for b.Loop() {
		repo, err := gitrepo.Open(context.Background(), filepath.Join(dir, "repo"))
		if err != nil {
			b.Fatal(err)
		}
		base, head, err := revision.Select(repo, "main", "change", false)
		if err != nil {
			b.Fatal(err)
		}
		cfg, _, err := revision.LoadConfig(base, head, ".cpsgate.yaml")
		if err != nil {
			b.Fatal(err)
		}
		var (
			wg               sync.WaitGroup
			bs, hs           *revision.State
			baseErr, headErr error
			shared           revision.Shared
		)
		wg.Go(func() { bs, baseErr = revision.Load(base, cfg, nil, false, &shared) })
		wg.Go(func() { hs, headErr = revision.Load(head, cfg, nil, false, &shared) })
		wg.Wait()
		if baseErr != nil || headErr != nil {
			b.Fatal(baseErr, headErr)
		}
		set := change.Between(bs, hs)
		if len(set.Flags) == 0 {
			b.Fatal("no flag change")
		}
		repo.Close()
	}
}
