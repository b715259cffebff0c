// Package jobs runs work a request starts but should not wait for (a large
// member list's import): detached from the request, so the answer goes out
// at once, and bounded by the server's life, so a shutdown stops it (its
// transaction rolls back) instead of leaving it half done.
package jobs

import (
	"context"
	"sync"
)

// Runner starts jobs. The zero value is not usable; see New.
type Runner struct {
	base context.Context
	wg   *sync.WaitGroup
}

// New returns a Runner whose jobs end when base does; wg, when not nil,
// counts them, so the server can wait for them after base is done.
func New(base context.Context, wg *sync.WaitGroup) *Runner {
	if wg == nil {
		wg = &sync.WaitGroup{}
	}
	return &Runner{base: base, wg: wg}
}

// Go runs job in its own goroutine with a context that keeps ctx's values
// (the actor the audit log names, the request's language) but not its
// deadline or cancellation, and is cancelled when the runner's base is.
func (r *Runner) Go(ctx context.Context, job func(ctx context.Context)) {
	jobCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(r.base, cancel)
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		defer stop()
		defer cancel()
		job(jobCtx)
	}()
}

// Wait waits for the jobs started so far to end.
func (r *Runner) Wait() { r.wg.Wait() }
