package bulk

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sodoan/sodoan/internal/figures"

	"github.com/sodoan/sodoan/internal/db"
)

// Options shape a generated province.
type Options struct {
	Members int    // about this many members (the default is 100,000)
	Seed    uint64 // the same seed makes the same data
	Years   []int  // years of activity; the default is the five up to last year
	Log     func(step string, rows int64, took time.Duration)
}

// Generated counts what Generate wrote.
type Generated struct {
	Units, Members, Activities, Participations, Contributions, Commendations, Signatures, Ratings, Posts int64
	ProvinceID                                                                                           int64
}

var (
	familyNames = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Trương", "Đinh", "Lâm", "Mai"}
	middleNames = []string{"Văn", "Thị", "Minh", "Thanh", "Hữu", "Ngọc", "Đức", "Thu", "Quốc", "Hoàng", "Kim", "Xuân"}
	givenNames  = []string{"An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hòa", "Hùng", "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Ngân", "Nhung", "Phong", "Phúc", "Quân", "Tâm", "Thảo", "Thắng", "Trang", "Trí", "Tuấn", "Vy", "Yến"}
	places      = []string{"Phan Rang – Tháp Chàm", "Ninh Hải", "Ninh Phước", "Ninh Sơn", "Bác Ái", "Thuận Bắc", "Thuận Nam"}
	titles      = []string{"Ra quân tình nguyện", "Sinh hoạt chi đoàn", "Học tập Nghị quyết", "Hiến máu nhân đạo", "Trao tặng tủ sách", "Ngày Chủ nhật xanh", "Tập huấn kỹ năng", "Giải bóng đá thanh niên", "Cuộc thi tìm hiểu pháp luật", "Thắp sáng đường quê"}
	kinds       = []string{"VOLUNTEER_WORK", "MEETING", "POLITICAL_STUDY", "VOLUNTEER_WORK", "DONATION", "VOLUNTEER_WORK", "TRAINING", "SPORT_CULTURE", "CONTEST", "VOLUNTEER_WORK"}
	areas       = []string{"YOUTH_VOLUNTEERING", "ORGANISATION_BUILDING", "POLITICAL_EDUCATION", "YOUTH_VOLUNTEERING", "YOUTH_VOLUNTEERING", "DEFENDING_FATHERLAND", "CREATIVE_YOUTH", "POLITICAL_EDUCATION", "POLITICAL_EDUCATION", "YOUTH_VOLUNTEERING"}
)

// Generate builds a province of about opts.Members members with COPY: 15
// districts and blocs, grassroots unions and branches of about 50 members,
// about 20,000 activities a year at 100,000 members, ten attendances each,
// contributions, commendations, a pledge per branch, ratings and news
// posts. The database must hold no units.
func Generate(ctx context.Context, pool *pgxpool.Pool, opts Options) (Generated, error) {
	if opts.Members <= 0 {
		opts.Members = 100_000
	}
	if len(opts.Years) == 0 {
		last := time.Now().Year() - 1
		opts.Years = []int{last - 4, last - 3, last - 2, last - 1, last}
	}
	if opts.Log == nil {
		opts.Log = func(string, int64, time.Duration) {}
	}
	gen := &generator{ctx: ctx, opts: opts, rng: rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x5eed))}
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		gen.tx = tx
		if _, err := tx.Exec(ctx, db.WritePlans); err != nil {
			return err
		}
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM units)`).Scan(&exists); err != nil {
			return err
		}
		if exists {
			return fmt.Errorf("the database already holds units; generate into an empty one")
		}
		if err := gen.audit(false); err != nil {
			return err
		}
		if err := gen.step("units", gen.units); err != nil {
			return err
		}
		if err := gen.skipTriggers(); err != nil {
			return err
		}
		for _, s := range []struct {
			name string
			f    func() (int64, error)
		}{
			{"members", gen.members},
			{"activities", gen.activities},
			{"participations", gen.participations},
			{"contributions", gen.contributions},
			{"commendations, pledges, ratings, posts", gen.yearly},
			{"transfers and ageing out", gen.movements},
			{"dues", gen.dues},
			{"report figures", gen.figures},
		} {
			if err := gen.step(s.name, s.f); err != nil {
				return err
			}
		}
		return gen.audit(true)
	})
	if err != nil {
		return Generated{}, fmt.Errorf("generate: %w", err)
	}
	// VACUUM as well as ANALYZE: a database autovacuum has been through
	// has its visibility maps set, so index-only scans skip the heap; a
	// bench on a freshly loaded one would time heap fetches no real
	// database makes.
	if _, err := pool.Exec(ctx, `VACUUM (ANALYZE)`); err != nil {
		return Generated{}, fmt.Errorf("vacuum: %w", err)
	}
	return gen.g, nil
}

// generator is one Generate's transaction and what its steps pass on.
type generator struct {
	ctx  context.Context
	tx   pgx.Tx
	opts Options
	rng  *rand.Rand
	g    Generated

	branches []int64
	byBranch map[int64][]int64 // members' ids by branch
	acts     []act             // the activities held
}

type act struct{ id, unit int64 }

// step runs one step of the generation and logs what it wrote.
func (gen *generator) step(name string, f func() (int64, error)) error {
	start := time.Now()
	n, err := f()
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	gen.opts.Log(name, n, time.Since(start))
	return nil
}

// figures fills the report figures the triggers keep, which the replica
// role skipped.
func (gen *generator) figures() (int64, error) {
	return figures.Rebuild(gen.ctx, gen.tx, figures.Filter{})
}

// audit pauses or resumes the audit triggers of the tables written.
func (gen *generator) audit(on bool) error {
	how, verb := "DISABLE", "pause"
	if on {
		how, verb = "ENABLE", "resume"
	}
	for _, t := range append(auditedTables, "units", "commendations", "pledges", "pledge_signatures", "posts") {
		if _, err := gen.tx.Exec(gen.ctx, `ALTER TABLE `+t+` `+how+` TRIGGER audit`); err != nil {
			return fmt.Errorf("%s audit on %s: %w", verb, t, err)
		}
	}
	return nil
}

// skipTriggers skips, where the role may (a superuser, as on a developer's
// own server), the per-row foreign-key and audit triggers, which cost more
// than the rows: the rows the later steps write are consistent by
// construction.
func (gen *generator) skipTriggers() error {
	if _, err := gen.tx.Exec(gen.ctx, `SAVEPOINT replica`); err != nil {
		return err
	}
	if _, err := gen.tx.Exec(gen.ctx, `SET LOCAL session_replication_role = replica`); err != nil {
		if _, err := gen.tx.Exec(gen.ctx, `ROLLBACK TO SAVEPOINT replica`); err != nil {
			return err
		}
	}
	return nil
}

// units writes the tree: province → 15 districts/blocs → grassroots →
// branches of ~50 members.
func (gen *generator) units() (int64, error) {
	ctx, tx := gen.ctx, gen.tx
	branchesWanted := max(1, gen.opts.Members/50)
	perTop := max(1, (branchesWanted+14)/15)
	grassrootsPerTop := max(1, perTop/15)
	branchesPerGrassroots := max(1, (perTop+grassrootsPerTop-1)/grassrootsPerTop)
	if err := tx.QueryRow(ctx, `INSERT INTO units (level, name, short_name) VALUES ('PROVINCE', 'Tỉnh đoàn Ninh Thuận (dữ liệu mẫu)', 'Tỉnh đoàn') RETURNING id`).Scan(&gen.g.ProvinceID); err != nil {
		return 0, err
	}
	_, err := tx.Exec(ctx, `INSERT INTO units (parent_id, level, name)
		SELECT $1, CASE WHEN d <= 7 THEN 'DISTRICT' ELSE 'BLOC' END,
			CASE WHEN d <= 7 THEN 'Huyện đoàn ' || ($2::text[])[d] ELSE 'Đoàn khối số ' || (d - 7) END
		FROM generate_series(1, 15) d`, gen.g.ProvinceID, places)
	if err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO units (parent_id, level, name)
		SELECT u.id, 'GRASSROOTS', 'Đoàn cơ sở ' || g || ' – ' || u.name FROM units u, generate_series(1, $1) g
		WHERE u.parent_id = $2`, grassrootsPerTop, gen.g.ProvinceID); err != nil {
		return 0, err
	}
	rows, err := tx.Query(ctx, `INSERT INTO units (parent_id, level, name)
		SELECT u.id, 'BRANCH', 'Chi đoàn ' || b || ' – ' || u.name FROM units u, generate_series(1, $1) b
		WHERE u.level = 'GRASSROOTS' RETURNING id`, branchesPerGrassroots)
	if err != nil {
		return 0, err
	}
	gen.branches, err = pgx.CollectRows(rows, pgx.RowTo[int64])
	gen.g.Units = int64(1 + 15 + 15*grassrootsPerTop + len(gen.branches))
	return gen.g.Units, err
}

// members writes the members, admitted on their joining day.
func (gen *generator) members() (int64, error) {
	ctx, tx, rng := gen.ctx, gen.tx, gen.rng
	type mem struct {
		id, unit int64
		joined   time.Time
	}
	perBranch := max(1, gen.opts.Members/len(gen.branches))
	n, err := tx.CopyFrom(ctx, pgx.Identifier{"members"},
		[]string{"unit_id", "full_name", "gender", "birth_date", "joined_on", "position"},
		pgx.CopyFromFunc(func() func() ([]any, error) {
			b, i := 0, 0
			return func() ([]any, error) {
				if b == len(gen.branches) {
					return nil, nil
				}
				female := rng.IntN(2) == 0
				middle := middleNames[rng.IntN(len(middleNames))]
				if female {
					middle = "Thị"
				}
				born := time.Date(1993+rng.IntN(12), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
				joined := born.AddDate(16+rng.IntN(4), rng.IntN(12), 0)
				position := "MEMBER"
				switch i {
				case 0:
					position = "SECRETARY"
				case 1:
					position = "DEPUTY_SECRETARY"
				case 2, 3:
					position = "COMMITTEE_MEMBER"
				}
				gender := "MALE"
				if female {
					gender = "FEMALE"
				}
				row := []any{gen.branches[b], familyNames[rng.IntN(len(familyNames))] + " " + middle + " " + givenNames[rng.IntN(len(givenNames))],
					gender, born, joined, position}
				if i++; i == perBranch {
					b, i = b+1, 0
				}
				return row, nil
			}
		}()))
	if err != nil {
		return 0, err
	}
	rows, err := tx.Query(ctx, `SELECT id, unit_id, joined_on FROM members ORDER BY id`)
	if err != nil {
		return 0, err
	}
	members, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (mem, error) {
		var m mem
		return m, r.Scan(&m.id, &m.unit, &m.joined)
	})
	if err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO member_events (member_id, kind, occurred_on, unit_id)
		SELECT id, 'ADMITTED', joined_on, unit_id FROM members`); err != nil {
		return 0, err
	}
	gen.byBranch = map[int64][]int64{}
	for _, m := range members {
		gen.byBranch[m.unit] = append(gen.byBranch[m.unit], m.id)
	}
	gen.g.Members = n
	return n, nil
}

// movements moves some members on, as real years do, so that histories
// have more than an admission: about one in sixteen transfers to another
// branch of the same grassroots unit in one of the last three years, and
// about one in thirty ages out in the last year, each after the member
// joined. Records written before stay where they were made.
func (gen *generator) movements() (int64, error) {
	ctx, tx := gen.ctx, gen.tx
	last := gen.opts.Years[len(gen.opts.Years)-1]
	moved, err := tx.Exec(ctx, `WITH moved AS (
			SELECT m.id, m.unit_id AS from_unit, m.joined_on, make_date($1 - m.id::int % 3, 1 + m.id::int % 12, 1 + m.id::int % 28) AS day,
				(SELECT b.id FROM units b WHERE b.parent_id = u.parent_id AND b.level = 'BRANCH' AND b.id <> u.id
					ORDER BY (b.id * 7 + m.id) % 13, b.id LIMIT 1) AS to_unit
			FROM members m JOIN units u ON u.id = m.unit_id WHERE m.id % 16 = 5),
		ev AS (INSERT INTO member_events (member_id, kind, occurred_on, from_unit_id, to_unit_id)
			SELECT id, 'TRANSFERRED', day, from_unit, to_unit FROM moved WHERE to_unit IS NOT NULL AND day > joined_on
			RETURNING member_id, to_unit_id)
		UPDATE members m SET unit_id = ev.to_unit_id FROM ev WHERE m.id = ev.member_id`, last)
	if err != nil {
		return 0, fmt.Errorf("transfers: %w", err)
	}
	// Ageing out comes after any transfer of the same member: a later day
	// of the last year, or the same day recorded after it.
	aged, err := tx.Exec(ctx, `WITH aged AS (
			INSERT INTO member_events (member_id, kind, occurred_on, unit_id)
			SELECT id, 'AGED_OUT', make_date($1, 1 + id::int % 12, 1 + id::int % 28), unit_id FROM members
			WHERE id % 30 = 7 AND make_date($1, 1 + id::int % 12, 1 + id::int % 28) > joined_on
			RETURNING member_id)
		UPDATE members SET status = 'AGED_OUT' WHERE id IN (SELECT member_id FROM aged)`, last)
	if err != nil {
		return 0, fmt.Errorf("ageing out: %w", err)
	}
	return moved.RowsAffected() + aged.RowsAffected(), nil
}

// activities writes about one activity a year for every five members.
func (gen *generator) activities() (int64, error) {
	ctx, tx, rng := gen.ctx, gen.tx, gen.rng
	perBranchYear := max(1, gen.opts.Members/5/len(gen.branches))
	y, b, i := 0, 0, 0
	n, err := tx.CopyFrom(ctx, pgx.Identifier{"activities"},
		[]string{"unit_id", "title", "kind", "work_area", "starts_on", "ends_on", "status", "place", "district", "province"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if y == len(gen.opts.Years) {
				return nil, nil
			}
			k := rng.IntN(len(titles))
			day := time.Date(gen.opts.Years[y], time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
			status := "DONE"
			if rng.IntN(25) == 0 {
				status = "CANCELLED"
			}
			place := places[rng.IntN(len(places))]
			row := []any{gen.branches[b], fmt.Sprintf("%s lần %d năm %d", titles[k], i+1, gen.opts.Years[y]), kinds[k], areas[k],
				day, day.AddDate(0, 0, rng.IntN(2)), status, "Xã, phường thuộc " + place, place, "Ninh Thuận"}
			if i++; i == perBranchYear {
				i, b = 0, b+1
				if b == len(gen.branches) {
					b, y = 0, y+1
				}
			}
			return row, nil
		}))
	if err != nil {
		return 0, err
	}
	rows, err := tx.Query(ctx, `SELECT id, unit_id FROM activities WHERE status = 'DONE' ORDER BY id`)
	if err != nil {
		return 0, err
	}
	gen.acts, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (act, error) {
		var a act
		return a, r.Scan(&a.id, &a.unit)
	})
	gen.g.Activities = n
	return n, err
}

// participations writes about ten attendances of each held activity, by
// members of its branch.
func (gen *generator) participations() (int64, error) {
	ctx, tx, rng := gen.ctx, gen.tx, gen.rng
	a, j := 0, 0
	var pick []int64
	n, err := tx.CopyFrom(ctx, pgx.Identifier{"participations"},
		[]string{"activity_id", "member_id", "role", "attended", "volunteer_hours"},
		pgx.CopyFromFunc(func() ([]any, error) {
			for a < len(gen.acts) && j == len(pick) {
				pool := gen.byBranch[gen.acts[a].unit]
				k := min(len(pool), 10)
				start := rng.IntN(max(1, len(pool)-k+1))
				pick = pool[start : start+k]
				j = 0
				if k == 0 {
					a++
				}
			}
			if a == len(gen.acts) {
				return nil, nil
			}
			role := "PARTICIPANT"
			if j == 0 {
				role = "ORGANISER"
			}
			row := []any{gen.acts[a].id, pick[j], role, rng.IntN(12) != 0, float64(rng.IntN(9))}
			if j++; j == len(pick) {
				a++
			}
			return row, nil
		}))
	gen.g.Participations = n
	return n, err
}

// contributions writes a contribution to about one held activity in five.
func (gen *generator) contributions() (int64, error) {
	ctx, tx, rng := gen.ctx, gen.tx, gen.rng
	i := 0
	n, err := tx.CopyFrom(ctx, pgx.Identifier{"contributions"},
		[]string{"activity_id", "kind", "description", "value_dong", "recipient"},
		pgx.CopyFromFunc(func() ([]any, error) {
			for i < len(gen.acts) && rng.IntN(5) != 0 {
				i++
			}
			if i >= len(gen.acts) {
				return nil, nil
			}
			kind := []string{"CASH", "IN_KIND", "YOUTH_PROJECT"}[rng.IntN(3)]
			row := []any{gen.acts[i].id, kind, map[string]string{"CASH": "Tiền mặt", "IN_KIND": "Sách vở, quà tặng", "YOUTH_PROJECT": "Công trình thanh niên"}[kind],
				int64(100_000 * (1 + rng.IntN(200))), "Thiếu nhi và người dân " + places[rng.IntN(len(places))]}
			i++
			return row, nil
		}))
	gen.g.Contributions = n
	return n, err
}

// yearly writes the commendations, pledges, ratings and posts.
func (gen *generator) yearly() (int64, error) {
	ctx, tx := gen.ctx, gen.tx
	last := gen.opts.Years[len(gen.opts.Years)-1]
	statements := []struct {
		sql  string
		args []any
		into *int64
	}{
		{`INSERT INTO commendations (form, title, issuer_unit_id, issuer_level, year, member_id)
			SELECT 'GIAY_KHEN', 'Đoàn viên có thành tích xuất sắc năm ' || y, m.unit_id, 'BRANCH', y, m.id
			FROM members m, unnest($1::int[]) y WHERE (m.id + y) % 20 = 0`, []any{gen.opts.Years}, &gen.g.Commendations},
		{`INSERT INTO pledges (unit_id, year, title)
			SELECT id, $1::int, 'Nói không với tệ nạn xã hội năm ' || $1::int FROM units WHERE level = 'BRANCH'`, []any{last}, nil},
		{`INSERT INTO pledge_signatures (pledge_id, member_id, signed_on)
			SELECT p.id, m.id, make_date($1::int, 3, 1) FROM pledges p JOIN members m ON m.unit_id = p.unit_id WHERE m.id % 10 <> 0`,
			[]any{last}, &gen.g.Signatures},
		{`INSERT INTO member_ratings (member_id, year, level, unit_id)
			SELECT m.id, y, (ARRAY['EXCELLENT','GOOD','GOOD','COMPLETED','GOOD'])[1 + (m.id * 7 + y) % 5], m.unit_id
			FROM members m, unnest($1::int[]) y WHERE m.joined_on <= make_date(y, 12, 31)`, []any{gen.opts.Years}, &gen.g.Ratings},
		{`INSERT INTO posts (unit_id, title, slug, summary, body_markdown, body_html, status, published_at, author_name)
			SELECT a.unit_id, a.title, 'tin-' || a.id, 'Tin về ' || lower(a.title), 'Đoàn viên tham gia **' || a.title || '**.',
				'<p>Đoàn viên tham gia <strong>' || a.title || '</strong>.</p>', 'PUBLISHED', a.starts_on + interval '1 day', 'Ban biên tập'
			FROM activities a WHERE a.id % 100 = 0`, nil, &gen.g.Posts},
	}
	var total int64
	for _, st := range statements {
		tag, err := tx.Exec(ctx, st.sql, st.args...)
		if err != nil {
			return 0, err
		}
		total += tag.RowsAffected()
		if st.into != nil {
			*st.into = tag.RowsAffected()
		}
	}
	return total, nil
}
