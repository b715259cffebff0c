package report

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/activity"
	"github.com/sodoan/sodoan/internal/award"
	"github.com/sodoan/sodoan/internal/member"
	"github.com/sodoan/sodoan/internal/money"
	"github.com/sodoan/sodoan/internal/org"
)

// Export is a report with the names and lists a printed or spreadsheet
// report shows next to the figures.
type Export struct {
	*Report
	UnitName   string
	UnitLevel  org.Level
	ParentName string
	Names      map[int64]string // units of the breakdown, by id
	Committee  []Person
	Activities []ActivityRow
	People     []Person // members who took part, with their totals
	Awards     []AwardRow
	Pledges    map[int64]string // pledge titles, by id
	Generated  time.Time
}

// Person is a member as the report lists them.
type Person struct {
	Name           string
	Unit           string
	Position       member.Position
	Participations int
	Hours          float64
}

// ActivityRow is an activity of the year as the report lists it.
type ActivityRow struct {
	StartsOn, EndsOn time.Time
	Title            string
	Unit             string
	WorkArea         activity.WorkArea
	Kind             activity.Kind
	Place            string
	Participations   int
	Hours            float64
	Value            int64
}

// AwardRow is a commendation received or given.
type AwardRow struct {
	Form      award.Form
	Title     string
	Issuer    string
	Decision  string
	Date      *time.Time
	Recipient string
	Given     bool // issued by the unit or one below it
}

// Export computes the report and reads what its printed forms list.
func (s *Store) Export(ctx context.Context, unitID int64, year int) (*Export, error) {
	r, err := s.Yearly(ctx, unitID, year)
	if err != nil {
		return nil, err
	}
	e := &Export{Report: r, Names: map[int64]string{}, Pledges: map[int64]string{}, Generated: s.now()}
	start := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC)
	b := &pgx.Batch{}

	b.Queue(`SELECT u.name, u.level, coalesce(p.name, '') FROM units u LEFT JOIN units p ON p.id = u.parent_id WHERE u.id = $1`, unitID).
		QueryRow(func(row pgx.Row) error { return row.Scan(&e.UnitName, &e.UnitLevel, &e.ParentName) })

	ids := []int64{}
	for _, c := range r.Children {
		ids = append(ids, c.UnitID)
	}
	b.Queue(`SELECT id, name FROM units WHERE id = ANY($1)`, ids).Query(func(rows pgx.Rows) error {
		var id int64
		var name string
		_, err := pgx.ForEachRow(rows, []any{&id, &name}, func() error { e.Names[id] = name; return nil })
		return err
	})

	b.Queue(`SELECT m.full_name, u.name, m.position FROM members m JOIN units u ON u.id = m.unit_id
		WHERE m.id = ANY($1) ORDER BY array_position($1, m.id)`, r.Committee).Query(func(rows pgx.Rows) error {
		var p Person
		_, err := pgx.ForEachRow(rows, []any{&p.Name, &p.Unit, &p.Position}, func() error { e.Committee = append(e.Committee, p); return nil })
		return err
	})

	var path string
	if err := s.pool.QueryRow(ctx, `SELECT path::text FROM units WHERE id = $1`, unitID).Scan(&path); err != nil {
		return nil, fmt.Errorf("export unit: %w", err)
	}
	b.Queue(`SELECT a.starts_on, a.ends_on, a.title, au.name, a.work_area, a.kind,
			concat_ws(', ', a.place, a.commune, a.district, a.province),
			(SELECT count(*) FROM participations p WHERE p.activity_id = a.id AND p.attended),
			(SELECT coalesce(sum(volunteer_hours), 0)::float8 FROM participations p WHERE p.activity_id = a.id AND p.attended),
			(SELECT `+money.SumSQL("value_dong")+` FROM contributions c WHERE c.activity_id = a.id)
		FROM`+heldActivities+` ORDER BY a.starts_on, a.id`, path, start, end).Query(func(rows pgx.Rows) error {
		var a ActivityRow
		_, err := pgx.ForEachRow(rows, []any{&a.StartsOn, &a.EndsOn, &a.Title, &a.Unit, &a.WorkArea, &a.Kind, &a.Place,
			&a.Participations, &a.Hours, &a.Value}, func() error {
			e.Activities = append(e.Activities, a)
			return nil
		})
		return err
	})

	b.Queue(`SELECT m.full_name, mu.name, m.position, count(*), coalesce(sum(p.volunteer_hours), 0)::float8
		FROM participations p
		JOIN activities a ON a.id = p.activity_id
		JOIN units au ON au.id = a.unit_id
		JOIN members m ON m.id = p.member_id
		JOIN units mu ON mu.id = m.unit_id
		WHERE au.path <@ $1::ltree AND a.status = 'DONE' AND a.starts_on BETWEEN $2::date AND $3::date AND p.attended
		GROUP BY m.id, m.full_name, mu.name, m.position, m.sort_name ORDER BY m.sort_name, m.id`, path, start, end).
		Query(func(rows pgx.Rows) error {
			var p Person
			_, err := pgx.ForEachRow(rows, []any{&p.Name, &p.Unit, &p.Position, &p.Participations, &p.Hours}, func() error {
				e.People = append(e.People, p)
				return nil
			})
			return err
		})

	b.Queue(`SELECT c.form, c.title, coalesce(c.issuer_name, iu.name, ''), coalesce(c.decision_number, ''), c.decision_date,
			coalesce(m.full_name, ru.name, ''), coalesce(iu.path <@ $1::ltree, false)
		FROM commendations c
		LEFT JOIN units iu ON iu.id = c.issuer_unit_id
		LEFT JOIN units ru ON ru.id = c.unit_id
		LEFT JOIN members m ON m.id = c.member_id
		LEFT JOIN units mu ON mu.id = m.unit_id
		WHERE c.year = $2 AND (ru.path <@ $1::ltree OR mu.path <@ $1::ltree OR iu.path <@ $1::ltree)
		ORDER BY c.decision_date NULLS LAST, c.id`, path, year).Query(func(rows pgx.Rows) error {
		var a AwardRow
		_, err := pgx.ForEachRow(rows, []any{&a.Form, &a.Title, &a.Issuer, &a.Decision, &a.Date, &a.Recipient, &a.Given}, func() error {
			e.Awards = append(e.Awards, a)
			return nil
		})
		return err
	})

	pledgeIDs := []int64{}
	for _, p := range r.Pledges {
		pledgeIDs = append(pledgeIDs, p.PledgeID)
	}
	b.Queue(`SELECT id, title FROM pledges WHERE id = ANY($1)`, pledgeIDs).Query(func(rows pgx.Rows) error {
		var id int64
		var title string
		_, err := pgx.ForEachRow(rows, []any{&id, &title}, func() error { e.Pledges[id] = title; return nil })
		return err
	})

	err = s.inReportTx(ctx, func(tx pgx.Tx) error { return tx.SendBatch(ctx, b).Close() })
	if err != nil {
		return nil, fmt.Errorf("export of unit %d for %d: %w", unitID, year, err)
	}
	return e, nil
}
