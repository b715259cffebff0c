package account

import (
	"context"
	"testing"
	"time"

	"github.com/sodoan/sodoan/internal/testdb"
)

// How long a wrong sign-in takes to answer for a real account and for a
// name with no account. With a slowdown, both answer at the slowdown (the
// work is hidden inside it); with none, the raw work shows (the real
// account also writes its failure count).
func BenchmarkLoginAnswer(b *testing.B) {
	for _, slow := range []time.Duration{0, 150 * time.Millisecond} {
		policy := DefaultPolicy
		policy.SlowStep, policy.SlowMax, policy.MaxFailures = slow, slow, 1<<30
		s := NewStore(testdb.Migrated(b), policy)
		hash, err := HashPassword("mật khẩu thật dài")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.pool.Exec(context.Background(), `INSERT INTO accounts (username, display_name, password_hash)
			VALUES ('thuquy', 'thuquy', $1)`, hash); err != nil {
			b.Fatal(err)
		}
		for _, name := range []string{"thuquy", "khongco"} {
			b.Run(name+"/slowdown="+slow.String(), func(b *testing.B) {
				for b.Loop() {
					if _, err := s.Login(context.Background(), name, "sai", Client{}); err == nil {
						b.Fatal("signed in")
					}
				}
			})
		}
	}
}
