package check

import (
	"context"
	"fmt"
	"sync"

	"github.com/cpsgate/cpsgate/change"
	"github.com/cpsgate/cpsgate/policies"
	"github.com/cpsgate/cpsgate/revision"
)

// Evaluate runs the pipeline: configuration and policies from base (from
// head when base predates the configuration; see revision.LoadConfig), both
// revisions loaded, policies evaluated. external reads CPS documents kept in
// other repositories (nil: such documents are an error).
//
// builtins, when not nil, returns the engine of the built-in policies alone,
// compiled ahead (see CompileBuiltins); it serves when the gate has no user
// policies.
func Evaluate(ctx context.Context, base, head Snapshot, cfgPath string, ch Change, external DocReader, builtins func() (*policies.Engine, error)) (*Outcome, error) {
	cfg, gateRev, err := revision.LoadConfig(base, head, cfgPath)
	if err != nil {
		return nil, err
	}
	adopting := gateRev == head
	ch.Registry = cfg.Registry
	headCfg := cfg // the head's CPS at the head's ref: when only refs moved
	if !adopting {
		headCfg, ch.CPSVersions = revision.VersionBump(cfg, head)
	}
	// The check is CPU-bound: the two revisions load and the policies of the
	// gate revision compile in parallel, and the policy input is assembled
	// while they compile (the longest of the three).
	var (
		loads                sync.WaitGroup
		baseState, headState *State
		eng                  *policies.Engine
		baseErr, headErr     error
		engErr               error
		compiled             = make(chan struct{})
		shared               Shared // base and head parse identical texts once
	)
	go func() {
		defer close(compiled)
		gate, err := revision.ReadGate(gateRev, cfg)
		if err != nil {
			engErr = err
			return
		}
		if user := revision.UserPolicies(gate); len(user) > 0 || builtins == nil {
			eng, engErr = policies.New(ctx, user)
		} else {
			eng, engErr = builtins()
		}
	}()
	loads.Go(func() {
		baseState, baseErr = revision.Load(base, cfg, external, adopting, &shared)
	})
	loads.Go(func() {
		headState, headErr = revision.Load(head, headCfg, external, false, &shared)
	})
	loads.Wait()
	var (
		in  *policies.Input
		set change.Set
	)
	if baseErr == nil && headErr == nil {
		in, set = buildInput(baseState, headState, ch)
	}
	<-compiled
	switch {
	case baseErr != nil:
		return nil, fmt.Errorf("reading base %s:\n%w", base.Name(), baseErr)
	case headErr != nil:
		return nil, fmt.Errorf("reading head %s:\n%w", head.Name(), headErr)
	case engErr != nil:
		return nil, fmt.Errorf("policies:\n%w", engErr)
	}
	ctx, cancel := context.WithTimeout(ctx, policies.DefaultTimeout)
	defer cancel()
	return runInput(ctx, eng, baseState, headState, ch, in, set)
}

// CompileBuiltins starts compiling the built-in policies at once: the first
// steps of a check mostly wait for git, and most gates add no policy of their
// own. The returned function waits for the engine.
func CompileBuiltins(ctx context.Context) func() (*policies.Engine, error) {
	var (
		eng  *policies.Engine
		err  error
		done = make(chan struct{})
	)
	go func() {
		defer close(done)
		eng, err = policies.New(ctx, nil)
	}()
	return func() (*policies.Engine, error) {
		<-done
		return eng, err
	}
}
