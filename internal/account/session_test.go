package account

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sodoan/sodoan/internal/access"
	"github.com/sodoan/sodoan/internal/apperr"
	"github.com/sodoan/sodoan/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// probe is a store whose pauses and hash checks are recorded instead of
// waited for.
type probe struct {
	*Store
	mu     sync.Mutex
	pauses []time.Duration
	hashes []string
}

func newProbe(t *testing.T) *probe {
	t.Helper()
	p := &probe{Store: NewStore(testdb.Migrated(t), DefaultPolicy)}
	p.pause = func(_ context.Context, _ time.Time, d time.Duration) {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.pauses = append(p.pauses, d)
	}
	p.verify = func(hash, password string) (bool, error) {
		p.mu.Lock()
		p.hashes = append(p.hashes, hash)
		p.mu.Unlock()
		return VerifyPassword(hash, password)
	}
	return p
}

// take returns and forgets what was recorded.
func (p *probe) take() ([]time.Duration, []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	d, h := p.pauses, p.hashes
	p.pauses, p.hashes = nil, nil
	return d, h
}

func (p *probe) account(t *testing.T, username, password string) int64 {
	t.Helper()
	hash, err := HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := p.pool.QueryRow(context.Background(), `INSERT INTO accounts (username, display_name, password_hash)
		VALUES ($1, $1, $2) RETURNING id`, username, hash).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func message(t *testing.T, err error) string {
	t.Helper()
	inv, ok := apperr.AsInvalid(err)
	if !ok || len(inv.Errors) != 1 {
		t.Fatalf("want one field error, got %v", err)
	}
	return inv.Errors[0].Code + ":" + inv.Errors[0].EN
}

// Guessing at a login name with no account goes down the same path as
// guessing at a real one: the same error, one argon2id check each time
// (the dummy hash for the stranger), and the same slowdown attempt after
// attempt, through the lock.
func TestUnknownNameAnswersLikeAKnownOne(t *testing.T) {
	p := newProbe(t)
	p.account(t, "thuquy", "mật khẩu thật dài")
	ctx := context.Background()
	const attempts = 8
	var known, unknown []time.Duration
	for i := range attempts {
		_, errKnown := p.Login(ctx, "thuquy", "sai rồi", Client{})
		pauses, hashes := p.take()
		if len(hashes) != 1 || hashes[0] == dummyHash() {
			t.Fatalf("known name, attempt %d: hashes checked %d (dummy: %v)", i+1, len(hashes), slices.Contains(hashes, dummyHash()))
		}
		known = append(known, pauses...)

		_, errUnknown := p.Login(ctx, "khongco", "sai rồi", Client{})
		pauses, hashes = p.take()
		if len(hashes) != 1 || hashes[0] != dummyHash() {
			t.Fatalf("unknown name, attempt %d: want the dummy hash checked once, got %d hashes", i+1, len(hashes))
		}
		unknown = append(unknown, pauses...)
		if message(t, errKnown) != message(t, errUnknown) {
			t.Fatalf("attempt %d: %q vs %q", i+1, message(t, errKnown), message(t, errUnknown))
		}
	}
	if !slices.Equal(known, unknown) || len(known) != attempts {
		t.Errorf("slowdowns differ:\nknown   %v\nunknown %v", known, unknown)
	}
	// Slower each time, then the lock's full wait.
	step, most := DefaultPolicy.SlowStep, DefaultPolicy.SlowMax
	want := []time.Duration{step, 2 * step, 3 * step, 4 * step, 5 * step, most, most, most}
	if !slices.Equal(known, want) {
		t.Errorf("slowdown %v, want %v", known, want)
	}
	// Locked now: the right password is refused too, after the same wait.
	if _, err := p.Login(ctx, "thuquy", "mật khẩu thật dài", Client{}); err == nil {
		t.Error("signed in while locked")
	}
	if pauses, hashes := p.take(); !slices.Equal(pauses, []time.Duration{most}) || len(hashes) != 1 {
		t.Errorf("locked attempt: pauses %v, %d hashes", pauses, len(hashes))
	}
}

// Changing one's password checks the current one as a sign-in does: wrong
// guesses slow down and lock the account, and then even the right current
// password is refused with the same error.
func TestPasswordChangeGuessesLock(t *testing.T) {
	p := newProbe(t)
	id := p.account(t, "bithu", "mật khẩu hiện tại")
	ctx := context.Background()
	who := &access.Principal{AccountID: id}
	var first string
	for i := range DefaultPolicy.MaxFailures {
		err := p.ChangePassword(ctx, who, "đoán thử lần nữa", "mật khẩu mới đủ dài")
		if i == 0 {
			first = message(t, err)
		} else if message(t, err) != first {
			t.Fatalf("attempt %d: %q, want %q", i+1, message(t, err), first)
		}
	}
	pauses, _ := p.take()
	step := DefaultPolicy.SlowStep
	if !slices.Equal(pauses, []time.Duration{step, 2 * step, 3 * step, 4 * step, 5 * step}) {
		t.Errorf("slowdown %v", pauses)
	}
	if err := p.ChangePassword(ctx, who, "mật khẩu hiện tại", "mật khẩu mới đủ dài"); err == nil || message(t, err) != first {
		t.Fatalf("right password while locked: %v", err)
	}
	if _, err := p.Login(ctx, "bithu", "mật khẩu hiện tại", Client{}); err == nil {
		t.Error("the guesses did not lock sign-in")
	}
	var locked bool
	if err := p.pool.QueryRow(ctx, `SELECT locked_until > now() FROM accounts WHERE id = $1`, id).Scan(&locked); err != nil || !locked {
		t.Errorf("account not locked: %v %v", locked, err)
	}
}

// Guesses sent at once are all counted: none slips past the lock.
func TestConcurrentFailuresAreAllCounted(t *testing.T) {
	p := newProbe(t)
	id := p.account(t, "ketoan", "mật khẩu thật dài")
	var wg sync.WaitGroup
	for range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = p.Login(context.Background(), "ketoan", "sai", Client{})
		}()
	}
	wg.Wait()
	var failures int
	if err := p.pool.QueryRow(context.Background(), `SELECT failed_logins FROM accounts WHERE id = $1`, id).Scan(&failures); err != nil {
		t.Fatal(err)
	}
	// Those that arrived before the lock are each counted; the rest were refused as locked.
	if failures < DefaultPolicy.MaxFailures {
		t.Errorf("%d failures counted of 12 at once", failures)
	}
}

// The principal cache is used only while the access watch is connected:
// without it a change committed by another server could go unheard.
func TestPrincipalCacheOnlyWhileWatched(t *testing.T) {
	t.Parallel()
	pool := testdb.Migrated(t)
	policy := DefaultPolicy
	policy.PrincipalCache = time.Minute
	s := NewStore(pool, policy)
	var id int64
	if err := pool.QueryRow(context.Background(), `INSERT INTO accounts (username, display_name, password_hash)
		VALUES ('canbo', 'Cán bộ', 'x') RETURNING id`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	sess, err := s.StartSession(context.Background(), id, Client{})
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		watched, remembered bool
	}{{false, false}, {true, true}, {false, false}, {true, true}} {
		s.Connected(step.watched)
		if p, err := s.Authenticate(context.Background(), sess.Token); err != nil || p == nil {
			t.Fatalf("authenticate: %v %v", p, err)
		}
		if got := s.Remembered(sess.Token) != nil; got != step.remembered {
			t.Errorf("watched %t: remembered %t", step.watched, got)
		}
		if step.watched {
			s.Changed()
			if s.Remembered(sess.Token) != nil {
				t.Error("remembered after a change was heard")
			}
		}
	}
}
