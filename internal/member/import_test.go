package member_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sodoan/sodoan/internal/member"
	"github.com/sodoan/sodoan/internal/org"
	"github.com/sodoan/sodoan/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// The target: 10,000 rows checked and committed in one import
// (under 5 s), then the same list again, matched row by row and
// unchanged.
func BenchmarkImport10000(b *testing.B) {
	ctx := context.Background()
	pool := testdb.Migrated(b)
	units, members := org.NewStore(pool), member.NewStore(pool)
	province, err := units.Create(ctx, org.CreateInput{Level: org.Province, Name: "Tỉnh đoàn Thử"})
	if err != nil {
		b.Fatal(err)
	}
	rows := make([]member.ImportRow, 10000)
	for i := range rows {
		card := fmt.Sprintf("BN-%06d", i)
		rows[i] = member.ImportRow{Line: i + 2, FullName: fmt.Sprintf("Nguyễn Văn Thử %d", i), Gender: member.Male,
			BirthDate: time.Date(2000, 1, 1+i%28, 0, 0, 0, 0, time.UTC), JoinedOn: time.Date(2017, 3, 26, 0, 0, 0, 0, time.UTC),
			CardNumber: &card, Position: member.PlainMember}
	}
	n := 0
	for b.Loop() {
		n++
		branch, err := units.Create(ctx, org.CreateInput{ParentID: &province.ID, Level: org.Branch, Name: fmt.Sprintf("Chi đoàn Thử %d", n)})
		if err != nil {
			b.Fatal(err)
		}
		for i := range rows {
			card := fmt.Sprintf("BN-%d-%06d", n, i)
			rows[i].CardNumber = &card
		}
		start := time.Now()
		res, err := members.Import(ctx, member.ImportInput{UnitID: branch.ID, Rows: rows})
		if err != nil || len(res.Problems) > 0 || res.Created != len(rows) {
			b.Fatalf("import: %v, %+v", err, res.Problems[:min(3, len(res.Problems))])
		}
		first := time.Since(start)
		start = time.Now()
		res, err = members.Import(ctx, member.ImportInput{UnitID: branch.ID, Rows: rows})
		if err != nil || res.Unchanged != len(rows) {
			b.Fatalf("re-import: %v, %d unchanged", err, res.Unchanged)
		}
		b.ReportMetric(first.Seconds(), "s/import")
		b.ReportMetric(time.Since(start).Seconds(), "s/reimport")
	}
}
