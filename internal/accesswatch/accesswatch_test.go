package accesswatch_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/sodoan/sodoan/internal/accesswatch"
	"github.com/sodoan/sodoan/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// sink records what the watch tells it.
type sink struct {
	mu        sync.Mutex
	connected []bool
	changes   int
}

func (s *sink) Connected(on bool) { s.mu.Lock(); s.connected = append(s.connected, on); s.mu.Unlock() }
func (s *sink) Changed()          { s.mu.Lock(); s.changes++; s.mu.Unlock() }

func (s *sink) state() (last bool, transitions, changes int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n := len(s.connected); n > 0 {
		last = s.connected[n-1]
	}
	return last, len(s.connected), s.changes
}

func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !ok(); {
		if time.Now().After(deadline) {
			t.Fatalf("not within 5s: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// The watch is connected when Start returns, passes on each committed
// change to the tree or the roles (and not a rename), says so when its
// connection is cut, comes back by itself, and stops with its context.
func TestWatch(t *testing.T) {
	pool := testdb.Migrated(t)
	ctx, cancel := context.WithCancel(context.Background())
	s := &sink{}
	done := accesswatch.Start(ctx, pool.Config().ConnConfig, s, accesswatch.Options{Retry: 10 * time.Millisecond})
	defer func() { cancel(); <-done }()
	if on, _, _ := s.state(); !on {
		t.Fatal("not connected when Start returned")
	}

	exec := func(sql string) {
		t.Helper()
		if _, err := pool.Exec(context.Background(), sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec(`INSERT INTO units (level, name) VALUES ('PROVINCE', 'Tỉnh đoàn A'), ('PROVINCE', 'Tỉnh đoàn B')`)
	exec(`INSERT INTO units (parent_id, level, name) SELECT min(id), 'DISTRICT', 'Huyện đoàn C' FROM units`)
	exec(`UPDATE units SET name = name || ' (mới)' WHERE level = 'DISTRICT'`) // not a structure change
	// As the unit store writes an edit: every column set, the structure unchanged.
	exec(`UPDATE units SET level = level, parent_id = parent_id, archived_at = archived_at, address = 'Số 1' WHERE level = 'DISTRICT'`)
	exec(`UPDATE members SET unit_id = unit_id`)
	exec(`UPDATE accounts SET active = active`)
	time.Sleep(100 * time.Millisecond)
	if _, _, n := s.state(); n != 0 {
		t.Fatalf("%d notices for inserts, a rename and edits that change no structure", n)
	}
	exec(`UPDATE units SET parent_id = (SELECT max(id) FROM units WHERE level = 'PROVINCE') WHERE level = 'DISTRICT'`)
	eventually(t, "a move is heard", func() bool { _, _, n := s.state(); return n == 1 })
	exec(`UPDATE units SET archived_at = now() WHERE level = 'DISTRICT'`)
	eventually(t, "an archive is heard", func() bool { _, _, n := s.state(); return n == 2 })

	// Cut the watch's connection: it says so, then listens again.
	_, before, _ := s.state()
	exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'sodoan access watch' AND datname = current_database()`)
	eventually(t, "the cut is noticed and mended", func() bool {
		on, n, _ := s.state()
		return on && n >= before+2
	})
	s.mu.Lock()
	cut := s.connected[before]
	s.mu.Unlock()
	if cut {
		t.Errorf("after the cut the watch said %v, want false first", s.connected[before:])
	}

	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the watch did not stop with its context")
	}
	if on, _, _ := s.state(); on {
		t.Error("still connected after stopping")
	}
}
