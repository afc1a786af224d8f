package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/cpsgate/cpsgate/check"
	"github.com/cpsgate/cpsgate/config"
	"github.com/cpsgate/cpsgate/gitrepo"
)

// parseCheckouts reads --cps-checkout REPO=DIR values.
func (e *env) parseCheckouts(values []string) (map[string]string, error) {
	dirs := map[string]string{}
	for _, v := range values {
		repo, dir, ok := strings.Cut(v, "=")
		if !ok || repo == "" || dir == "" {
			return nil, fmt.Errorf("--cps-checkout %q: want OWNER/REPO=DIR", v)
		}
		if _, dup := dirs[repo]; dup {
			return nil, fmt.Errorf("--cps-checkout: %s given twice", repo)
		}
		dirs[repo] = e.path(dir)
	}
	return dirs, nil
}

// checkoutReader reads CPS documents kept in other repositories from local
// checkouts of them (--cps-checkout): at the configured ref when there is one,
// else from the checkout's work tree. Each document is read once, for base
// and head alike: the CPS in another repository is not part of the change.
func checkoutReader(ctx context.Context, dirs map[string]string) check.DocReader {
	var (
		mu    sync.Mutex
		cache = map[config.Document]fetchedDoc{}
	)
	return func(doc config.Document) ([]byte, error) {
		key := config.Document{Repo: doc.Repo, Ref: doc.Ref, Path: doc.Path}
		mu.Lock()
		defer mu.Unlock()
		if r, ok := cache[key]; ok {
			return r.data, r.err
		}
		data, err := readCheckout(ctx, dirs, doc)
		cache[key] = fetchedDoc{data, err}
		return data, err
	}
}

type fetchedDoc struct {
	data []byte
	err  error
}

func readCheckout(ctx context.Context, dirs map[string]string, doc config.Document) ([]byte, error) {
	dir, ok := dirs[doc.Repo]
	if !ok {
		known := make([]string, 0, len(dirs))
		for r := range dirs {
			known = append(known, r)
		}
		sort.Strings(known)
		hint := "pass --cps-checkout " + doc.Repo + "=DIR naming a local checkout of it, or run with --github to read it through the GitHub API"
		if len(known) > 0 {
			hint += fmt.Sprintf(" (checkouts given: %s)", strings.Join(known, ", "))
		}
		return nil, fmt.Errorf("%s: CPS document %s is in repository %s: %s", doc.Pos, doc.Path, doc.Repo, hint)
	}
	repo, err := gitrepo.Open(ctx, dir)
	if err != nil {
		return nil, fmt.Errorf("%s: checkout of %s: %w", doc.Pos, doc.Repo, err)
	}
	defer repo.Close()
	snap := repo.WorkTree()
	where := dir
	if doc.Ref != "" {
		sha, err := repo.Resolve(doc.Ref)
		if err != nil {
			return nil, fmt.Errorf("%s: checkout of %s at %s: %w", doc.Pos, doc.Repo, dir, err)
		}
		snap, where = repo.Commit(sha), fmt.Sprintf("%s at %s", dir, doc.Ref)
	}
	data, err := snap.ReadFile(doc.Path)
	if err != nil {
		return nil, fmt.Errorf("%s: CPS document %s of %s (checkout %s): %w", doc.Pos, doc.Path, doc.Repo, where, err)
	}
	return data, nil
}
