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
	var path string
	if err := s.pool.QueryRow(ctx, `SELECT path::text FROM units WHERE id = $1`, unitID).Scan(&path); err != nil {
		return nil, fmt.Errorf("export unit: %w", err)
	}
	e := &Export{Report: r, Names: map[int64]string{}, Pledges: map[int64]string{}, Generated: s.now()}
	start, end := yearBounds(year)
	b := &pgx.Batch{}
	e.queueUnits(b, unitID)
	e.queueCommittee(b)
	e.queueActivities(b, path, start, end)
	e.queuePeople(b, path, start, end)
	e.queueAwards(b, path, year)
	e.queuePledges(b)
	err = s.inReportTx(ctx, func(tx pgx.Tx) error { return tx.SendBatch(ctx, b).Close() })
	if err != nil {
		return nil, fmt.Errorf("export of unit %d for %d: %w", unitID, year, err)
	}
	return e, nil
}

// queueUnits queues the unit's name, level and parent, and the names of
// the units in its breakdown.
func (e *Export) queueUnits(b *pgx.Batch, unitID int64) {
	b.Queue(`SELECT u.name, u.level, coalesce(p.name, '') FROM units u LEFT JOIN units p ON p.id = u.parent_id WHERE u.id = $1`, unitID).
		QueryRow(func(row pgx.Row) error { return row.Scan(&e.UnitName, &e.UnitLevel, &e.ParentName) })
	ids := []int64{}
	for _, c := range e.Children {
		ids = append(ids, c.UnitID)
	}
	b.Queue(`SELECT id, name FROM units WHERE id = ANY($1)`, ids).Query(keyedText(e.Names))
}

// queueCommittee queues the names of the unit's committee, in its order.
func (e *Export) queueCommittee(b *pgx.Batch) {
	var p Person
	b.Queue(`SELECT m.full_name, u.name, m.position FROM members m JOIN units u ON u.id = m.unit_id
		WHERE m.id = ANY($1) ORDER BY array_position($1, m.id)`, e.Report.Committee).
		Query(appendEach(&e.Committee, &p, &p.Name, &p.Unit, &p.Position))
}

// queueActivities queues the activities held in the year with their
// participations, hours and contributions.
func (e *Export) queueActivities(b *pgx.Batch, path string, start, end time.Time) {
	var a ActivityRow
	b.Queue(`SELECT a.starts_on, a.ends_on, a.title, au.name, a.work_area, a.kind,
			concat_ws(', ', a.place, a.commune, a.district, a.province),
			(SELECT count(*) FROM participations p WHERE p.activity_id = a.id AND p.attended),
			(SELECT coalesce(sum(volunteer_hours), 0)::float8 FROM participations p WHERE p.activity_id = a.id AND p.attended),
			(SELECT `+money.SumSQL("value_dong")+` FROM contributions c WHERE c.activity_id = a.id)
		FROM`+heldActivities+` ORDER BY a.starts_on, a.id`, path, start, end).
		Query(appendEach(&e.Activities, &a, &a.StartsOn, &a.EndsOn, &a.Title, &a.Unit, &a.WorkArea, &a.Kind, &a.Place,
			&a.Participations, &a.Hours, &a.Value))
}

// queuePeople queues the members who took part in the year's activities,
// with their totals.
func (e *Export) queuePeople(b *pgx.Batch, path string, start, end time.Time) {
	var p Person
	b.Queue(`SELECT m.full_name, mu.name, m.position, count(*), coalesce(sum(p.volunteer_hours), 0)::float8
		FROM participations p
		JOIN activities a ON a.id = p.activity_id
		JOIN units au ON au.id = a.unit_id
		JOIN members m ON m.id = p.member_id
		JOIN units mu ON mu.id = m.unit_id
		WHERE au.path <@ $1::ltree AND a.status = 'DONE' AND a.starts_on BETWEEN $2::date AND $3::date AND p.attended
		GROUP BY m.id, m.full_name, mu.name, m.position, m.sort_name ORDER BY m.sort_name, m.id`, path, start, end).
		Query(appendEach(&e.People, &p, &p.Name, &p.Unit, &p.Position, &p.Participations, &p.Hours))
}

// queueAwards queues the commendations of the year the unit and those
// below received or gave.
func (e *Export) queueAwards(b *pgx.Batch, path string, year int) {
	var a AwardRow
	b.Queue(`SELECT c.form, c.title, coalesce(c.issuer_name, iu.name, ''), coalesce(c.decision_number, ''), c.decision_date,
			coalesce(m.full_name, ru.name, ''), coalesce(iu.path <@ $1::ltree, false)
		FROM commendations c
		LEFT JOIN units iu ON iu.id = c.issuer_unit_id
		LEFT JOIN units ru ON ru.id = c.unit_id
		LEFT JOIN members m ON m.id = c.member_id
		LEFT JOIN units mu ON mu.id = m.unit_id
		WHERE c.year = $2 AND (ru.path <@ $1::ltree OR mu.path <@ $1::ltree OR iu.path <@ $1::ltree)
		ORDER BY c.decision_date NULLS LAST, c.id`, path, year).
		Query(appendEach(&e.Awards, &a, &a.Form, &a.Title, &a.Issuer, &a.Decision, &a.Date, &a.Recipient, &a.Given))
}

// queuePledges queues the titles of the report's pledges.
func (e *Export) queuePledges(b *pgx.Batch) {
	ids := []int64{}
	for _, p := range e.Report.Pledges {
		ids = append(ids, p.PledgeID)
	}
	b.Queue(`SELECT id, title FROM pledges WHERE id = ANY($1)`, ids).Query(keyedText(e.Pledges))
}
