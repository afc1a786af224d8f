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
// builtins, when not nil, is the engine of the built-in policies alone,
// compiled ahead (see CompileBuiltins); it serves when the gate has no user
// policies, and is stopped when it has.
func Evaluate(ctx context.Context, base, head Snapshot, cfgPath string, ch Change, external DocReader, builtins *Builtins) (*Outcome, error) {
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
			if builtins != nil {
				builtins.stop() // its CPU is this compilation's now
			}
			eng, engErr = policies.New(ctx, user)
		} else {
			eng, engErr = builtins.engine()
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

// Builtins is the engine of the built-in policies alone, compiled ahead of
// a check (CompileBuiltins): most gates add no policy of their own.
type Builtins struct {
	done chan struct{}
	eng  *policies.Engine
	err  error
	stop context.CancelFunc
}

// CompileBuiltins starts compiling the built-in policies at once: the first
// steps of a check mostly wait for git, and most gates add no policy of their
// own.
func CompileBuiltins(ctx context.Context) *Builtins {
	ctx, stop := context.WithCancel(ctx)
	b := &Builtins{done: make(chan struct{}), stop: stop}
	go func() {
		defer close(b.done)
		b.eng, b.err = policies.New(ctx, nil)
		stop()
	}()
	go policies.ParseBuiltins() // on the other core, while git starts
	return b
}

// BuiltinEngine returns eng, the built-in policies alone compiled already,
// as CompileBuiltins does.
func BuiltinEngine(eng *policies.Engine) *Builtins {
	b := &Builtins{done: make(chan struct{}), eng: eng, stop: func() {}}
	close(b.done)
	return b
}

// engine waits for the engine.
func (b *Builtins) engine() (*policies.Engine, error) {
	<-b.done
	return b.eng, b.err
}
