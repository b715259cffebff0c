package imagedecode

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // decoders for image.Decode
	_ "image/png"
	"runtime/debug"
	"sync"
	"sync/atomic"

	_ "golang.org/x/image/webp"
	"golang.org/x/sync/semaphore"
)

// Defaults for a server: decodes together never hold more than 128 MiB,
// and at most 8 uploads wait for room. A 24-megapixel camera JPEG needs
// about 35 MiB, a 12-megapixel progressive one about 86 MiB, a 4000 × 4000
// 16-bit PNG 122 MiB; a 7000 × 7000 progressive JPEG would need 700 MiB
// and is refused.
const (
	DefaultBudget = 128 << 20
	DefaultQueue  = 8
)

// freeAbove is the decode size after which the memory is handed back to the
// operating system at once: a large decode's pages would otherwise stay with
// the process until the runtime's background scavenger gets to them.
const freeAbove = 32 << 20

// ErrBusy means the queue of decodes waiting for memory is full; the caller
// should try again shortly.
var ErrBusy = errors.New("image decoding is busy")

// ErrDamaged means the data is not a whole image of a known format.
var ErrDamaged = errors.New("image is damaged or of an unknown format")

// TooLargeError means decoding the image would need more memory than the
// whole budget.
type TooLargeError struct{ Need, Budget int64 }

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("decoding the image needs %d bytes, more than the budget of %d", e.Need, e.Budget)
}

// Gate admits decodes while their memory fits the budget. It is safe for
// concurrent use; one Gate serves a whole server.
type Gate struct {
	budget, queue int64
	sem           *semaphore.Weighted
	waiting       atomic.Int64
}

// Shared is the process's one gate of the default size, for callers given
// none: a gate made per decode would share no budget with the others.
var Shared = sync.OnceValue(func() *Gate { return New(DefaultBudget, DefaultQueue) })

// New returns a gate holding budget bytes, with at most queue decodes
// waiting for room at a time.
func New(budget int64, queue int) *Gate {
	return &Gate{budget: budget, queue: int64(queue), sem: semaphore.NewWeighted(budget)}
}

// Budget is the most memory decodes may hold together.
func (g *Gate) Budget() int64 { return g.budget }

// Acquire reserves n bytes of the budget, waiting while they are in use
// unless the queue is full (ErrBusy) or ctx ends first (its error). The
// caller must call release once done.
func (g *Gate) Acquire(ctx context.Context, n int64) (release func(), err error) {
	if n > g.budget || n <= 0 { // n ≤ 0: a cost that overflowed, or nonsense
		return nil, &TooLargeError{Need: n, Budget: g.budget}
	}
	if !g.sem.TryAcquire(n) {
		if g.waiting.Add(1) > g.queue {
			g.waiting.Add(-1)
			return nil, ErrBusy
		}
		err := g.sem.Acquire(ctx, n)
		g.waiting.Add(-1)
		if err != nil {
			return nil, err
		}
	}
	return func() { g.sem.Release(n) }, nil
}

// Info is what a successful decode tells about the image.
type Info struct {
	Format        string // "jpeg", "png" or "webp"
	Width, Height int
	// Cost is the memory the decode was allowed.
	Cost int64
}

// Decode decodes data whole (a header alone, from a truncated or doctored
// file, is not an image) within the budget, and keeps only its size.
func (g *Gate) Decode(ctx context.Context, data []byte) (Info, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return Info{}, ErrDamaged
	}
	cost, err := Cost(data, format, cfg)
	if err != nil {
		return Info{}, ErrDamaged
	}
	release, err := g.Acquire(ctx, cost)
	if err != nil {
		return Info{}, err
	}
	defer release()
	info, err := decode(data, cost)
	if cost >= freeAbove {
		// Before the room is released: the next decode then starts on a
		// heap that no longer holds this one's garbage.
		debug.FreeOSMemory()
	}
	return info, err
}

func decode(data []byte, cost int64) (Info, error) {
	img, format, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return Info{}, ErrDamaged
	}
	b := img.Bounds()
	if b.Dx() <= 0 || b.Dy() <= 0 {
		return Info{}, ErrDamaged
	}
	return Info{Format: format, Width: b.Dx(), Height: b.Dy(), Cost: cost}, nil
}
