// Package clone reads a CPS document kept in another repository from a
// local clone of it: the one a command names (--cps-checkout, the
// environment), else the checkout: of the configuration; at the configured
// ref, else from the clone's work tree. Each document is read once.
package clone

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/cpsgate/cpsgate/config"
	"github.com/cpsgate/cpsgate/gitrepo"
	"github.com/cpsgate/cpsgate/report"
	"github.com/cpsgate/cpsgate/revision"
)

// Env names local clones of CPS repositories for CI, as
// OWNER/REPO=DIR[,OWNER/REPO=DIR]; --cps-checkout overrides it per repository.
const Env = "CPSGATE_CPS_CHECKOUT"

// FlagUsage is the help of --cps-checkout, the same on every command.
const FlagUsage = "`OWNER/REPO=DIR`: a local clone of a repository that holds a configured CPS document (repeatable; overrides $" + Env + " and the checkout: key of .cpsgate.yaml)"

// APIOrClone reads a CPS in another repository from its local clone when
// dirs names one, else with api (the GitHub contents API).
func APIOrClone(dirs map[string]string, local, api revision.DocReader) revision.DocReader {
	return func(doc config.Document) ([]byte, error) {
		if _, ok := dirs[doc.Repo]; ok {
			return local(doc)
		}
		return api(doc)
	}
}

// Reader reads CPS documents kept in other repositories from local
// clones of them: the one named by --cps-checkout or $CPSGATE_CPS_CHECKOUT
// (dirs), else the configured checkout: (relative to root, the top of the
// repository checked). The document is read at the configured ref when there
// is one, else from the clone's work tree. Each document is read once, for
// base and head alike.
func Reader(ctx context.Context, dirs map[string]string, root string) revision.DocReader {
	var (
		mu    sync.Mutex
		cache = map[config.Document]fetchedDoc{}
	)
	return func(doc config.Document) ([]byte, error) {
		key := config.Document{Repo: doc.Repo, Ref: doc.Ref, Path: doc.Path, Checkout: doc.Checkout}
		mu.Lock()
		defer mu.Unlock()
		if r, ok := cache[key]; ok {
			return r.data, r.err
		}
		c, err := readCheckout(ctx, dirs, root, doc, false)
		cache[key] = fetchedDoc{c.Data, err}
		return c.Data, err
	}
}

// VersionedReader is Reader for the report: it also says which
// version of the CPS each document is.
func VersionedReader(ctx context.Context, dirs map[string]string, root string) func(config.Document) (Doc, error) {
	type result struct {
		c   Doc
		err error
	}
	cache := map[config.Document]result{}
	return func(doc config.Document) (Doc, error) {
		key := config.Document{Repo: doc.Repo, Ref: doc.Ref, Path: doc.Path, Checkout: doc.Checkout}
		if r, ok := cache[key]; ok {
			return r.c, r.err
		}
		c, err := readCheckout(ctx, dirs, root, doc, true)
		cache[key] = result{c, err}
		return c, err
	}
}

// Doc is a document read from a clone, with the version of the CPS it is
// (when asked for).
type Doc struct {
	Data            []byte
	Version, Source string
}

type fetchedDoc struct {
	data []byte
	err  error
}

// checkoutDir says where the clone of doc's repository is and who said so.
func checkoutDir(dirs map[string]string, root string, doc config.Document) (dir, from string, err error) {
	if dir, ok := dirs[doc.Repo]; ok {
		return dir, "given for " + doc.Repo, nil
	}
	if doc.Checkout != "" {
		return filepath.Join(root, filepath.FromSlash(doc.Checkout)), "checkout: " + doc.Checkout, nil
	}
	known := make([]string, 0, len(dirs))
	for r := range dirs {
		known = append(known, r)
	}
	sort.Strings(known)
	hint := fmt.Sprintf("name a local clone of it: add `checkout: ../%s` (its path relative to this repository) to this entry, pass --cps-checkout %s=DIR, or set %s=%s=DIR; or run with --github to read it through the GitHub API",
		repoName(doc.Repo), doc.Repo, Env, doc.Repo)
	if len(known) > 0 {
		hint += fmt.Sprintf(" (clones given: %s)", strings.Join(known, ", "))
	}
	return "", "", fmt.Errorf("CPS document %s is in repository %s: %s", doc.Path, doc.Repo, hint)
}

// repoName is the name part of owner/name.
func repoName(repo string) string {
	_, name, ok := strings.Cut(repo, "/")
	if !ok {
		return repo
	}
	return name
}

// readCheckout reads doc from its clone. Errors carry no position: the
// caller puts the configuration's in front.
//
// With version, it also says which version of the CPS it read: the tag
// named by ref: or on the commit read (the CPS repository's own name for
// the version pinned), else the one the document states (front matter,
// revision table), else the ref or the commit itself.
func readCheckout(ctx context.Context, dirs map[string]string, root string, doc config.Document, version bool) (Doc, error) {
	data, v, err := readClone(ctx, dirs, root, doc, version)
	if err != nil {
		return Doc{}, err
	}
	c := Doc{Data: data}
	if version {
		c.Version, c.Source = v.version, v.source
		if v.source != report.SourceTag {
			if dv, ds := report.DetectVersion(data); dv != "" {
				c.Version, c.Source = dv, ds
			}
		}
	}
	return c, nil
}

// refVersion is the version of a clone's commit by its tags or ref.
type refVersion struct{ version, source string }

func readClone(ctx context.Context, dirs map[string]string, root string, doc config.Document, version bool) ([]byte, refVersion, error) {
	var v refVersion
	dir, from, err := checkoutDir(dirs, root, doc)
	if err != nil {
		return nil, v, err
	}
	fix := fmt.Sprintf("clone %s there, or pass --cps-checkout %s=DIR", doc.Repo, doc.Repo)
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		if err == nil {
			err = fmt.Errorf("not a directory")
		}
		return nil, v, fmt.Errorf("the clone of %s (%s) is not at %s: %v; %s", doc.Repo, from, dir, unwrapPath(err), fix)
	}
	repo, err := gitrepo.Open(ctx, dir)
	if err != nil {
		return nil, v, fmt.Errorf("the clone of %s (%s) at %s: %w", doc.Repo, from, dir, err)
	}
	defer repo.Close()
	// git finds the repository that contains dir: refuse a directory inside
	// another repository (this one, say), whose files are not the CPS's.
	if top, want := RealPath(repo.Root()), RealPath(dir); top != want {
		return nil, v, fmt.Errorf("the clone of %s (%s) at %s is not the top of a git clone (it lies inside %s); %s", doc.Repo, from, dir, repo.Root(), fix)
	}
	snap := repo.WorkTree()
	where := dir + " (work tree)"
	sha := ""
	if doc.Ref != "" {
		sha, err = repo.Resolve(doc.Ref)
		if err != nil {
			return nil, v, fmt.Errorf("the clone of %s at %s has no %s (%v): fetch it (git -C %s fetch --tags origin) or fix ref:", doc.Repo, dir, doc.Ref, err, dir)
		}
		snap, where = repo.Commit(sha), fmt.Sprintf("%s at %s", dir, doc.Ref)
	}
	data, err := snap.ReadFile(doc.Path)
	if err != nil {
		return nil, v, fmt.Errorf("CPS document %s of %s (clone %s): %w", doc.Path, doc.Repo, where, err)
	}
	if version {
		if sha == "" && repo.HasCommits() {
			sha, _ = repo.Resolve("HEAD")
		}
		tags, err := repo.Tags(ctx)
		if err != nil {
			return nil, v, fmt.Errorf("the clone of %s at %s: %w", doc.Repo, dir, err)
		}
		switch on := tags[sha]; {
		case doc.Ref != "" && slices.Contains(on, doc.Ref):
			v = refVersion{doc.Ref, report.SourceTag}
		case len(on) > 0:
			v = refVersion{on[len(on)-1], report.SourceTag}
		case doc.Ref != "":
			v = refVersion{doc.Ref, report.SourceRef}
		case sha != "":
			v = refVersion{report.Short(sha), report.SourceCommit}
		}
	}
	return data, v, nil
}

// RealPath resolves symbolic links, keeping p when it cannot.
func RealPath(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		p = r
	}
	if a, err := filepath.Abs(p); err == nil {
		p = a
	}
	return filepath.Clean(p)
}

// unwrapPath drops the path an *os.PathError repeats.
func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// Dirs reads the clones named by --cps-checkout REPO=DIR values and by
// env, the value of $CPSGATE_CPS_CHECKOUT (for the repositories the flag
// does not name). path makes a directory absolute.
func Dirs(values []string, env string, path func(string) string) (map[string]string, error) {
	dirs := map[string]string{}
	add := func(v, from string, seen map[string]bool) error {
		repo, dir, ok := strings.Cut(strings.TrimSpace(v), "=")
		repo, dir = strings.TrimSpace(repo), strings.TrimSpace(dir)
		if !ok || repo == "" || dir == "" {
			return fmt.Errorf("%s %q: want OWNER/REPO=DIR", from, v)
		}
		if seen[repo] {
			return fmt.Errorf("%s: %s given twice", from, repo)
		}
		seen[repo] = true
		if _, done := dirs[repo]; !done {
			dirs[repo] = path(dir)
		}
		return nil
	}
	seen := map[string]bool{}
	for _, v := range values {
		if err := add(v, "--cps-checkout", seen); err != nil {
			return nil, err
		}
	}
	seen = map[string]bool{}
	if strings.TrimSpace(env) != "" {
		for v := range strings.SplitSeq(env, ",") {
			if strings.TrimSpace(v) == "" {
				continue
			}
			if err := add(v, "$"+Env, seen); err != nil {
				return nil, err
			}
		}
	}
	return dirs, nil
}
