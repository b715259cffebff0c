package bulk

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
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
	rng := rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x5eed))
	var g Generated
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM units)`).Scan(&exists); err != nil {
			return err
		}
		if exists {
			return fmt.Errorf("the database already holds units; generate into an empty one")
		}
		for _, t := range append(auditedTables, "units", "commendations", "pledges", "pledge_signatures", "posts") {
			if _, err := tx.Exec(ctx, `ALTER TABLE `+t+` DISABLE TRIGGER audit`); err != nil {
				return fmt.Errorf("pause audit on %s: %w", t, err)
			}
		}
		step := func(name string, f func() (int64, error)) error {
			start := time.Now()
			n, err := f()
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			opts.Log(name, n, time.Since(start))
			return nil
		}

		// The tree: province → 15 districts/blocs → grassroots → branches of ~50.
		branchesWanted := max(1, opts.Members/50)
		perTop := max(1, (branchesWanted+14)/15)
		grassrootsPerTop := max(1, perTop/15)
		branchesPerGrassroots := max(1, (perTop+grassrootsPerTop-1)/grassrootsPerTop)
		var branches []int64
		if err := step("units", func() (int64, error) {
			if err := tx.QueryRow(ctx, `INSERT INTO units (level, name, short_name) VALUES ('PROVINCE', 'Tỉnh đoàn Ninh Thuận (dữ liệu mẫu)', 'Tỉnh đoàn') RETURNING id`).Scan(&g.ProvinceID); err != nil {
				return 0, err
			}
			_, err := tx.Exec(ctx, `INSERT INTO units (parent_id, level, name)
				SELECT $1, CASE WHEN d <= 7 THEN 'DISTRICT' ELSE 'BLOC' END,
					CASE WHEN d <= 7 THEN 'Huyện đoàn ' || ($2::text[])[d] ELSE 'Đoàn khối số ' || (d - 7) END
				FROM generate_series(1, 15) d`, g.ProvinceID, places)
			if err != nil {
				return 0, err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO units (parent_id, level, name)
				SELECT u.id, 'GRASSROOTS', 'Đoàn cơ sở ' || g || ' – ' || u.name FROM units u, generate_series(1, $1) g
				WHERE u.parent_id = $2`, grassrootsPerTop, g.ProvinceID); err != nil {
				return 0, err
			}
			rows, err := tx.Query(ctx, `INSERT INTO units (parent_id, level, name)
				SELECT u.id, 'BRANCH', 'Chi đoàn ' || b || ' – ' || u.name FROM units u, generate_series(1, $1) b
				WHERE u.level = 'GRASSROOTS' RETURNING id`, branchesPerGrassroots)
			if err != nil {
				return 0, err
			}
			branches, err = pgx.CollectRows(rows, pgx.RowTo[int64])
			g.Units = int64(1 + 15 + 15*grassrootsPerTop + len(branches))
			return g.Units, err
		}); err != nil {
			return err
		}

		// The rows below are consistent by construction: where the role may
		// (a superuser, as on a developer's own server), skip the per-row
		// foreign-key and audit triggers, which cost more than the rows.
		if _, err := tx.Exec(ctx, `SAVEPOINT replica`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
			if _, err := tx.Exec(ctx, `ROLLBACK TO SAVEPOINT replica`); err != nil {
				return err
			}
		}

		// Members, admitted on their joining day.
		type mem struct {
			id, unit int64
			joined   time.Time
		}
		var members []mem
		if err := step("members", func() (int64, error) {
			perBranch := max(1, opts.Members/len(branches))
			n, err := tx.CopyFrom(ctx, pgx.Identifier{"members"},
				[]string{"unit_id", "full_name", "gender", "birth_date", "joined_on", "position"},
				pgx.CopyFromFunc(func() func() ([]any, error) {
					b, i := 0, 0
					return func() ([]any, error) {
						if b == len(branches) {
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
						row := []any{branches[b], familyNames[rng.IntN(len(familyNames))] + " " + middle + " " + givenNames[rng.IntN(len(givenNames))],
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
			members, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (mem, error) {
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
			g.Members = n
			return n, nil
		}); err != nil {
			return err
		}
		byBranch := map[int64][]int64{}
		for _, m := range members {
			byBranch[m.unit] = append(byBranch[m.unit], m.id)
		}

		// Activities: about one a year for every five members.
		perBranchYear := max(1, opts.Members/5/len(branches))
		type act struct{ id, unit int64 }
		var acts []act
		if err := step("activities", func() (int64, error) {
			y, b, i := 0, 0, 0
			n, err := tx.CopyFrom(ctx, pgx.Identifier{"activities"},
				[]string{"unit_id", "title", "kind", "work_area", "starts_on", "ends_on", "status", "place", "district", "province"},
				pgx.CopyFromFunc(func() ([]any, error) {
					if y == len(opts.Years) {
						return nil, nil
					}
					k := rng.IntN(len(titles))
					day := time.Date(opts.Years[y], time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
					status := "DONE"
					if rng.IntN(25) == 0 {
						status = "CANCELLED"
					}
					place := places[rng.IntN(len(places))]
					row := []any{branches[b], fmt.Sprintf("%s lần %d năm %d", titles[k], i+1, opts.Years[y]), kinds[k], areas[k],
						day, day.AddDate(0, 0, rng.IntN(2)), status, "Xã, phường thuộc " + place, place, "Ninh Thuận"}
					if i++; i == perBranchYear {
						i, b = 0, b+1
						if b == len(branches) {
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
			acts, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (act, error) {
				var a act
				return a, r.Scan(&a.id, &a.unit)
			})
			g.Activities = n
			return n, err
		}); err != nil {
			return err
		}

		if err := step("participations", func() (int64, error) {
			a, j := 0, 0
			var pick []int64
			n, err := tx.CopyFrom(ctx, pgx.Identifier{"participations"},
				[]string{"activity_id", "member_id", "role", "attended", "volunteer_hours"},
				pgx.CopyFromFunc(func() ([]any, error) {
					for a < len(acts) && j == len(pick) {
						pool := byBranch[acts[a].unit]
						k := min(len(pool), 10)
						start := rng.IntN(max(1, len(pool)-k+1))
						pick = pool[start : start+k]
						j = 0
						if k == 0 {
							a++
						}
					}
					if a == len(acts) {
						return nil, nil
					}
					role := "PARTICIPANT"
					if j == 0 {
						role = "ORGANISER"
					}
					row := []any{acts[a].id, pick[j], role, rng.IntN(12) != 0, float64(rng.IntN(9))}
					if j++; j == len(pick) {
						a++
					}
					return row, nil
				}))
			g.Participations = n
			return n, err
		}); err != nil {
			return err
		}

		if err := step("contributions", func() (int64, error) {
			i := 0
			n, err := tx.CopyFrom(ctx, pgx.Identifier{"contributions"},
				[]string{"activity_id", "kind", "description", "value_dong", "recipient"},
				pgx.CopyFromFunc(func() ([]any, error) {
					for i < len(acts) && rng.IntN(5) != 0 {
						i++
					}
					if i >= len(acts) {
						return nil, nil
					}
					kind := []string{"CASH", "IN_KIND", "YOUTH_PROJECT"}[rng.IntN(3)]
					row := []any{acts[i].id, kind, map[string]string{"CASH": "Tiền mặt", "IN_KIND": "Sách vở, quà tặng", "YOUTH_PROJECT": "Công trình thanh niên"}[kind],
						int64(100_000 * (1 + rng.IntN(200))), "Thiếu nhi và người dân " + places[rng.IntN(len(places))]}
					i++
					return row, nil
				}))
			g.Contributions = n
			return n, err
		}); err != nil {
			return err
		}

		if err := step("commendations, pledges, ratings, posts", func() (int64, error) {
			last := opts.Years[len(opts.Years)-1]
			statements := []struct {
				sql  string
				args []any
				into *int64
			}{
				{`INSERT INTO commendations (form, title, issuer_unit_id, issuer_level, year, member_id)
					SELECT 'GIAY_KHEN', 'Đoàn viên có thành tích xuất sắc năm ' || y, m.unit_id, 'BRANCH', y, m.id
					FROM members m, unnest($1::int[]) y WHERE (m.id + y) % 20 = 0`, []any{opts.Years}, &g.Commendations},
				{`INSERT INTO pledges (unit_id, year, title)
					SELECT id, $1::int, 'Nói không với tệ nạn xã hội năm ' || $1::int FROM units WHERE level = 'BRANCH'`, []any{last}, nil},
				{`INSERT INTO pledge_signatures (pledge_id, member_id, signed_on)
					SELECT p.id, m.id, make_date($1::int, 3, 1) FROM pledges p JOIN members m ON m.unit_id = p.unit_id WHERE m.id % 10 <> 0`,
					[]any{last}, &g.Signatures},
				{`INSERT INTO member_ratings (member_id, year, level, unit_id)
					SELECT m.id, y, (ARRAY['EXCELLENT','GOOD','GOOD','COMPLETED','GOOD'])[1 + (m.id * 7 + y) % 5], m.unit_id
					FROM members m, unnest($1::int[]) y WHERE m.joined_on <= make_date(y, 12, 31)`, []any{opts.Years}, &g.Ratings},
				{`INSERT INTO posts (unit_id, title, slug, summary, body_markdown, body_html, status, published_at, author_name)
					SELECT a.unit_id, a.title, 'tin-' || a.id, 'Tin về ' || lower(a.title), 'Đoàn viên tham gia **' || a.title || '**.',
						'<p>Đoàn viên tham gia <strong>' || a.title || '</strong>.</p>', 'PUBLISHED', a.starts_on + interval '1 day', 'Ban biên tập'
					FROM activities a WHERE a.id % 100 = 0`, nil, &g.Posts},
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
		}); err != nil {
			return err
		}

		for _, t := range append(auditedTables, "units", "commendations", "pledges", "pledge_signatures", "posts") {
			if _, err := tx.Exec(ctx, `ALTER TABLE `+t+` ENABLE TRIGGER audit`); err != nil {
				return fmt.Errorf("resume audit on %s: %w", t, err)
			}
		}
		return nil
	})
	if err != nil {
		return Generated{}, fmt.Errorf("generate: %w", err)
	}
	if _, err := pool.Exec(ctx, `ANALYZE`); err != nil {
		return Generated{}, fmt.Errorf("analyze: %w", err)
	}
	return g, nil
}
