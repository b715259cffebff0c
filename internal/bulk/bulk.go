// Package bulk fills a database with a province-sized organisation and
// years of records, in a few set-based statements, for benchmarks and load
// tests. The names are made up and repetitive on purpose: this is volume,
// not a demo (see package seed for that).
package bulk

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sodoan/sodoan/internal/db"
)

// Size says how much to make.
type Size struct {
	Districts               int // districts under the province
	GrassrootsPerDistrict   int
	BranchesPerGrassroots   int
	MembersPerBranch        int
	ActivitiesPerBranch     int // per year
	ParticipantsPerActivity int
	Years                   []int
}

// Province is about the size of a small province: 500 branches, 12,500
// members and, over two years, 20,000 activities with 200,000 attendances.
var Province = Size{
	Districts: 10, GrassrootsPerDistrict: 10, BranchesPerGrassroots: 5, MembersPerBranch: 25,
	ActivitiesPerBranch: 20, ParticipantsPerActivity: 10, Years: []int{2022, 2023},
}

// Result names what was made.
type Result struct {
	ProvinceID int64
	DistrictID int64 // the first district
	BranchID   int64 // the first branch of the first district
}

// auditedTables are written without their audit triggers: a bulk load is
// not a user's change, and a row per row of audit would double the load.
var auditedTables = []string{"members", "member_events", "activities", "participations", "contributions", "member_ratings", "dues_rates", "dues_collections", "dues_payments", "dues_remittances"}

// Fill makes a province of the given size in an empty database.
func Fill(ctx context.Context, pool *pgxpool.Pool, s Size) (Result, error) {
	var r Result
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, db.WritePlans); err != nil {
			return err
		}
		if err := setAudit(ctx, tx, false); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO units (level, name) VALUES ('PROVINCE', 'Tỉnh đoàn Mẫu') RETURNING id`).Scan(&r.ProvinceID); err != nil {
			return fmt.Errorf("province: %w", err)
		}
		for _, st := range fillSteps(r.ProvinceID, s) {
			if _, err := tx.Exec(ctx, st.sql, st.args...); err != nil {
				return fmt.Errorf("%s: %w", st.what, err)
			}
		}
		if err := sampleUnits(ctx, tx, &r); err != nil {
			return err
		}
		return setAudit(ctx, tx, true)
	})
	if err != nil {
		return Result{}, fmt.Errorf("bulk fill: %w", err)
	}
	if _, err := pool.Exec(ctx, `ANALYZE`); err != nil {
		return Result{}, fmt.Errorf("analyze: %w", err)
	}
	return r, nil
}

// setAudit turns the audit triggers of auditedTables back on, or off.
func setAudit(ctx context.Context, tx pgx.Tx, on bool) error {
	action, verb := "DISABLE", "pause"
	if on {
		action, verb = "ENABLE", "resume"
	}
	for _, t := range auditedTables {
		if _, err := tx.Exec(ctx, `ALTER TABLE `+t+` `+action+` TRIGGER audit`); err != nil {
			return fmt.Errorf("%s audit on %s: %w", verb, t, err)
		}
	}
	return nil
}

// fillStep is one set-based statement of the fill.
type fillStep struct {
	what string // names the step in errors
	sql  string
	args []any
}

// fillSteps are the fill's statements in order, each building on the
// rows of those before: the tree under the province, its members, their
// admission, activities, participation, contributions and ratings.
func fillSteps(provinceID int64, s Size) []fillStep {
	return []fillStep{
		{"districts", `INSERT INTO units (parent_id, level, name)
				SELECT $1, 'DISTRICT', 'Huyện đoàn số ' || d FROM generate_series(1, $2) d`, []any{provinceID, s.Districts}},
		{"grassroots", `INSERT INTO units (parent_id, level, name)
				SELECT u.id, 'GRASSROOTS', 'Đoàn xã số ' || g || ' – ' || u.name
				FROM units u, generate_series(1, $1) g WHERE u.level = 'DISTRICT'`, []any{s.GrassrootsPerDistrict}},
		{"branches", `INSERT INTO units (parent_id, level, name)
				SELECT u.id, 'BRANCH', 'Chi đoàn thôn ' || b || ' – ' || u.name
				FROM units u, generate_series(1, $1) b WHERE u.level = 'GRASSROOTS'`, []any{s.BranchesPerGrassroots}},
		{"members", `INSERT INTO members (unit_id, full_name, gender, birth_date, joined_on, position)
				SELECT u.id,
					(ARRAY['Nguyễn','Trần','Lê','Phạm','Hoàng','Huỳnh','Phan','Võ','Đặng','Bùi'])[1 + (u.id + n) % 10] || ' ' ||
					(ARRAY['Thị','Văn','Minh','Thanh','Hữu','Ngọc'])[1 + n % 6] || ' ' ||
					(ARRAY['An','Bình','Chi','Dũng','Hà','Hùng','Lan','Mai','Nam','Tâm','Trang','Vy'])[1 + (u.id * 7 + n) % 12],
					CASE WHEN n % 2 = 0 THEN 'FEMALE' ELSE 'MALE' END,
					make_date(1994 + n % 8, 1 + n % 12, 1 + n % 28),
					make_date(2012 + n % 8, 3, 26),
					CASE n WHEN 1 THEN 'SECRETARY' WHEN 2 THEN 'DEPUTY_SECRETARY' WHEN 3 THEN 'COMMITTEE_MEMBER' ELSE 'MEMBER' END
				FROM units u, generate_series(1, $1) n WHERE u.level = 'BRANCH'`, []any{s.MembersPerBranch}},
		{"admissions", `INSERT INTO member_events (member_id, kind, occurred_on, unit_id)
				SELECT id, 'ADMITTED', joined_on, unit_id FROM members`, nil},
		{"activities", `INSERT INTO activities (unit_id, title, kind, work_area, starts_on, ends_on, status)
				SELECT u.id, 'Hoạt động ' || n || ' năm ' || y,
					(ARRAY['VOLUNTEER_WORK','DONATION','POLITICAL_STUDY','READING_CULTURE','MEETING','CONTEST','TRAINING','SPORT_CULTURE'])[1 + n % 8],
					(ARRAY['POLITICAL_EDUCATION','YOUTH_VOLUNTEERING','CREATIVE_YOUTH','DEFENDING_FATHERLAND','ORGANISATION_BUILDING'])[1 + n % 5],
					make_date(y, 1 + n % 12, 1 + (n * 3) % 28), make_date(y, 1 + n % 12, 1 + (n * 3) % 28),
					CASE WHEN n % 17 = 0 THEN 'CANCELLED' ELSE 'DONE' END
				FROM units u, unnest($2::int[]) y, generate_series(1, $1) n WHERE u.level = 'BRANCH'`, []any{s.ActivitiesPerBranch, s.Years}},
		{"participations", `INSERT INTO participations (activity_id, member_id, role, attended, volunteer_hours)
				SELECT a.id, m.id, CASE WHEN m.rn = 1 THEN 'ORGANISER' ELSE 'PARTICIPANT' END, m.rn % 9 <> 0, (a.id + m.rn) % 6
				FROM activities a
				JOIN LATERAL (SELECT id, row_number() OVER (ORDER BY (id * 31 + a.id) % 101, id) AS rn
					FROM members WHERE unit_id = a.unit_id) m ON m.rn <= $1
				WHERE a.status <> 'CANCELLED'`, []any{s.ParticipantsPerActivity}},
		{"contributions", `INSERT INTO contributions (activity_id, kind, description, value_dong)
				SELECT id, (ARRAY['CASH','IN_KIND','YOUTH_PROJECT'])[1 + id % 3], 'Đóng góp', 100000 * (1 + id % 50)
				FROM activities WHERE id % 5 = 0 AND status = 'DONE'`, nil},
		{"ratings", `INSERT INTO member_ratings (member_id, year, level, unit_id)
				SELECT m.id, y, (ARRAY['EXCELLENT','GOOD','GOOD','COMPLETED'])[1 + (m.id + y) % 4], m.unit_id
				FROM members m, unnest($1::int[]) y`, []any{s.Years}},
	}
}

// sampleUnits finds the units Result names: the first district and the
// first branch below it.
func sampleUnits(ctx context.Context, tx pgx.Tx, r *Result) error {
	if err := tx.QueryRow(ctx, `SELECT min(id) FROM units WHERE level = 'DISTRICT'`).Scan(&r.DistrictID); err != nil {
		return err
	}
	return tx.QueryRow(ctx, `SELECT min(u.id) FROM units u WHERE u.level = 'BRANCH' AND u.path <@ (SELECT path FROM units WHERE id = $1)`,
		r.DistrictID).Scan(&r.BranchID)
}
