package report

import (
	"context"
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
	Details
	// Key is the report's unit and days as asked.
	Key ExportKey
	// Document is the report's number, place, date and recipients (nil:
	// none written), Texts what the secretary wrote by section (WORK_AREA
	// texts as "WORK_AREA/<area>").
	Document *Document
	Texts    map[string]string
	// Submission, when set, is the submission the export shows as it was
	// handed in: its figures, details and texts of that moment.
	Submission *Submission
	Generated  time.Time
}

// Details are what an export lists beside the figures, read from the
// records of the report's date. A submission keeps them as they were.
type Details struct {
	UnitName     string
	UnitLevel    org.Level
	ParentName   string
	Names        map[int64]string // units of the breakdown, by id
	Officers     []Person         // the committee on the report's date, secretary first
	Activities   []ActivityRow
	People       []Person // members who took part, with their totals
	Awards       []AwardRow
	PledgeTitles map[int64]string // by pledge id
	// DuesMonths are the period's collections in the subtree by the month
	// they were made (January first); Remittances the unit's own, in and out.
	DuesMonths  [12]DuesMonth
	Remittances []RemittanceRow
	// Targets are the plan's targets Part II sets out: next year's for a
	// year's report, the year's own for a part of it (TargetsYear).
	Targets     []Target
	TargetsYear int
}

// ExportKey names the report an export shows: a unit's year, or the days
// of it asked for (nil From: 1 January; nil AsOf: the year's end).
type ExportKey struct {
	UnitID     int64
	Year       int
	From, AsOf *time.Time
}

// Period is the standard period the key's days are (YEAR for none), or ""
// for other days.
func (k ExportKey) Period() Period {
	if k.From == nil && k.AsOf == nil {
		return WholeYear
	}
	start, end := yearBounds(k.Year)
	if k.From != nil {
		start = *k.From
	}
	if k.AsOf != nil {
		end = *k.AsOf
	}
	for _, p := range []Period{WholeYear, FirstHalf, Q1, Q2, Q3, Q4} {
		if f, t := p.Bounds(k.Year); f.Equal(start) && t.Equal(end) {
			return p
		}
	}
	return ""
}

// Period is the standard period the export's days are, "" for other days.
func (e *Export) Period() Period { return e.Key.Period() }

// KeyOf is the export key of a standard period of a unit's year.
func KeyOf(k DocumentKey) ExportKey {
	from, asOf := periodDays(k)
	return ExportKey{UnitID: k.UnitID, Year: k.Year, From: from, AsOf: asOf}
}

// DuesMonth is a month's collections of dues.
type DuesMonth struct {
	Collections  int
	MemberMonths int
	Amount       int64
}

// RemittanceRow is a remittance of dues the unit sent or received.
type RemittanceRow struct {
	SentOn     time.Time
	Sent       bool   // by the unit, to the level above
	Other      string // the unit at the other end
	Amount     int64
	Number     string
	Status     string
	AnsweredOn *time.Time
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
	Received  bool // to the unit, one below it, or one of their members
}

// Export computes the report and reads what its printed forms list, in
// the report's transaction: names are those of the report's date.
func (s *Store) Export(ctx context.Context, k ExportKey) (*Export, error) {
	from, asOf, err := span(k.Year, k.From, k.AsOf)
	if err != nil {
		return nil, err
	}
	e := &Export{Key: k, Details: Details{Names: map[int64]string{}, PledgeTitles: map[int64]string{}}, Generated: s.now()}
	parts := All
	parts.Attendances = true // the people list
	r, err := s.period(ctx, k.UnitID, k.Year, from, asOf, parts, func(b *pgx.Batch, r *Report) {
		yearStart, _ := yearBounds(k.Year)
		e.queueUnits(b, k.UnitID, r.Date)
		e.queueCommittee(b, k.UnitID, r.Date)
		e.queueActivities(b, r.From, r.Date)
		e.queuePeople(b, r.Date)
		e.queueAwards(b, yearStart, r.Date)
		e.queuePledges(b, yearStart)
		e.queueDues(b, k.UnitID, r.From, r.Date)
	})
	if err != nil {
		return nil, err
	}
	e.Report = r
	for _, c := range r.Children {
		e.Names[c.UnitID] = c.Name
	}
	if err := s.documentParts(ctx, e); err != nil {
		return nil, err
	}
	return e, nil
}

// SubmittedExport is the export of a report as it was submitted: its
// figures, lists, details and texts of that moment. A submission made
// before its lists were kept (migration 47) lists them as they are now.
func (s *Store) SubmittedExport(ctx context.Context, sub *Submission) (*Export, error) {
	k := KeyOf(DocumentKey{UnitID: sub.UnitID, Year: int(sub.Year), Period: sub.Period})
	e := &Export{Key: k, Report: sub.Figures, Submission: sub, Generated: sub.SubmittedAt}
	kept, err := s.submittedDetails(ctx, sub.ID)
	if err != nil {
		return nil, err
	}
	if kept != nil {
		e.Details = *kept
	} else {
		live, err := s.Export(ctx, k)
		if err != nil {
			return nil, err
		}
		e.Details = live.Details
	}
	doc := sub.Document.Document
	e.Document, e.Texts = &doc, textsByKey(sub.Document.TextList())
	return e, nil
}

// textsByKey keys a document's texts by section, WORK_AREA texts as
// "WORK_AREA/<area>".
func textsByKey(texts []*Text) map[string]string {
	out := map[string]string{}
	for _, t := range texts {
		key := string(t.Section)
		if t.WorkArea != "" {
			key += "/" + t.WorkArea
		}
		out[key] = t.Body
	}
	return out
}

// nameOn is the name on the report's date (in $2) of the unit with id col,
// today's name if it did not exist then.
func nameOn(col string) string {
	return nameAt(col, "$2")
}

// nameAt is nameOn with the date in the parameter param.
func nameAt(col, param string) string {
	return `coalesce((SELECT v.name FROM unit_versions v WHERE v.unit_id = ` + col + ` AND v.during @> ` + param + `::date),
		(SELECT u.name FROM units u WHERE u.id = ` + col + `), '')`
}

// queueUnits queues the unit's name, level and parent of the report's date.
func (e *Export) queueUnits(b *pgx.Batch, unitID int64, on time.Time) {
	b.Queue(`SELECT s.name, s.level, CASE WHEN s.parent_id IS NULL THEN '' ELSE `+nameOn("s.parent_id")+` END
		FROM `+scopeNow+` s WHERE s.unit_id = $1`, unitID, on).
		QueryRow(func(row pgx.Row) error { return row.Scan(&e.UnitName, &e.UnitLevel, &e.ParentName) })
}

// queueCommittee queues the unit's committee on the report's date, in
// order of post, with each holder's unit of that date. A standing
// committee member prints as a committee member (the printed forms know
// the members' positions only). A unit with no posts recorded at all
// falls back to the members' positions at the year's end, as the report does.
func (e *Export) queueCommittee(b *pgx.Batch, unitID int64, on time.Time) {
	var p Person
	b.Queue(`WITH ae AS (SELECT * FROM report_members_end x),
		held AS (
			SELECT coalesce(m.full_name, a.display_name, p.holder_name) AS name,
				CASE WHEN m.id IS NULL THEN '' ELSE `+nameOn("coalesce(ae.unit_id, m.unit_id)")+` END AS unit,
				CASE p.title WHEN 'STANDING_COMMITTEE_MEMBER' THEN 'COMMITTEE_MEMBER' ELSE p.title END AS position,
				array_position(ARRAY['SECRETARY', 'DEPUTY_SECRETARY', 'STANDING_COMMITTEE_MEMBER', 'COMMITTEE_MEMBER'], p.title) AS rank,
				search_normalize(coalesce(m.full_name, a.display_name, p.holder_name, '')) AS sort, p.id
			FROM positions p
			LEFT JOIN members m ON m.id = p.member_id
			LEFT JOIN accounts a ON a.id = p.account_id
			LEFT JOIN ae ON ae.id = m.id
			WHERE p.unit_id = $1 AND p.during @> $2::date
			UNION ALL
			SELECT m.full_name, `+nameOn("ae.unit_id")+`, ae.position,
				array_position(ARRAY['SECRETARY', 'DEPUTY_SECRETARY', 'COMMITTEE_MEMBER'], ae.position), m.sort_name, m.id
			FROM ae JOIN members m ON m.id = ae.id
			WHERE ae.unit_id = $1 AND ae.position <> 'MEMBER' AND NOT EXISTS (SELECT 1 FROM positions p WHERE p.unit_id = $1))
		SELECT name, unit, position FROM held ORDER BY rank, sort, id`, unitID, on).
		Query(appendEach(&e.Officers, &p, &p.Name, &p.Unit, &p.Position))
}

// queueActivities queues the activities held in the year with their
// participations, hours and contributions.
func (e *Export) queueActivities(b *pgx.Batch, start, end time.Time) {
	var a ActivityRow
	b.Queue(`SELECT a.starts_on, a.ends_on, a.title, au.name, a.work_area, a.kind,
			concat_ws(', ', a.place, a.commune, a.district, a.province),
			(SELECT count(*) FROM participations p WHERE p.activity_id = a.id AND p.attended),
			(SELECT coalesce(sum(volunteer_hours), 0)::float8 FROM participations p WHERE p.activity_id = a.id AND p.attended),
			(SELECT `+money.SumSQL("value_dong")+` FROM contributions c WHERE c.activity_id = a.id)
		FROM`+heldActivities(scopeNow)+` ORDER BY a.starts_on, a.id`, start, end).
		Query(appendEach(&e.Activities, &a, &a.StartsOn, &a.EndsOn, &a.Title, &a.Unit, &a.WorkArea, &a.Kind, &a.Place,
			&a.Participations, &a.Hours, &a.Value))
}

// queuePeople queues the members who took part in the year's activities,
// with their totals and their unit at the year's end (today's for those
// who had left the scope by then), by its name of the report's date.
func (e *Export) queuePeople(b *pgx.Batch, end time.Time) {
	var p Person
	b.Queue(`WITH ae AS (SELECT * FROM report_members_end x)
		SELECT m.full_name, `+nameAt("coalesce(ae.unit_id, m.unit_id)", "$1")+`, m.position, count(*), coalesce(sum(p.volunteer_hours), 0)::float8
		FROM report_attended p
		JOIN members m ON m.id = p.member_id
		LEFT JOIN ae ON ae.id = m.id
		GROUP BY m.id, m.full_name, ae.unit_id, m.unit_id, m.position, m.sort_name ORDER BY m.sort_name, m.id`, end).
		Query(appendEach(&e.People, &p, &p.Name, &p.Unit, &p.Position, &p.Participations, &p.Hours))
}

// queueAwards queues the commendations of the year the units of the scope
// (or their members at the year's end) received or gave, with the
// issuers' and recipients' names of the report's date.
func (e *Export) queueAwards(b *pgx.Batch, start, end time.Time) {
	var a AwardRow
	b.Queue(`WITH sc AS (SELECT * FROM `+scopeNow+` x), ae AS (SELECT * FROM report_members_end x)
		SELECT c.form, c.title, coalesce(c.issuer_name, CASE WHEN c.issuer_unit_id IS NOT NULL THEN `+nameOn("c.issuer_unit_id")+` END, ''),
			coalesce(c.decision_number, ''), c.decision_date,
			coalesce(m.full_name, CASE WHEN c.unit_id IS NOT NULL THEN `+nameOn("c.unit_id")+` END, ''), iu.unit_id IS NOT NULL,
			ru.unit_id IS NOT NULL OR ae.id IS NOT NULL OR mu.unit_id IS NOT NULL
		FROM commendations c
		LEFT JOIN sc iu ON iu.unit_id = c.issuer_unit_id
		LEFT JOIN sc ru ON ru.unit_id = c.unit_id
		LEFT JOIN members m ON m.id = c.member_id
		LEFT JOIN sc mu ON mu.unit_id = m.unit_id
		LEFT JOIN ae ON ae.id = c.member_id
		WHERE c.year = extract(year FROM $1::date)::int
			AND (ru.unit_id IS NOT NULL OR iu.unit_id IS NOT NULL OR ae.id IS NOT NULL OR mu.unit_id IS NOT NULL)
		ORDER BY c.decision_date NULLS LAST, c.id`, start, end).
		Query(appendEach(&e.Awards, &a, &a.Form, &a.Title, &a.Issuer, &a.Decision, &a.Date, &a.Recipient, &a.Given, &a.Received))
}

// queuePledges queues the titles of the year's pledges of the scope's units.
func (e *Export) queuePledges(b *pgx.Batch, start time.Time) {
	b.Queue(`SELECT pl.id, pl.title FROM pledges pl JOIN `+scopeNow+` s ON s.unit_id = pl.unit_id
		WHERE pl.year = extract(year FROM $1::date)::int`, start).Query(keyedText(e.PledgeTitles))
}

// queueDues queues the year's collections of the scope's units by month,
// and the unit's remittances of the year, sent and received.
func (e *Export) queueDues(b *pgx.Batch, unitID int64, start, end time.Time) {
	b.Queue(`SELECT extract(month FROM c.collected_on)::int, count(*)::int, sum(c.member_months)::int, sum(c.total)
		FROM `+scopeNow+` s JOIN dues_collections c ON c.unit_id = s.unit_id AND c.collected_on BETWEEN $1 AND $2
		GROUP BY 1`, start, end).Query(func(rows pgx.Rows) error {
		var month int
		var m DuesMonth
		_, err := pgx.ForEachRow(rows, []any{&month, &m.Collections, &m.MemberMonths, &m.Amount}, func() error {
			e.DuesMonths[month-1] = m
			return nil
		})
		return err
	})
	var r RemittanceRow
	b.Queue(`SELECT r.sent_on, r.unit_id = $1, `+nameAt("CASE WHEN r.unit_id = $1 THEN r.to_unit_id ELSE r.unit_id END", "$3")+`,
			r.amount, coalesce(r.number, ''), r.status, r.answered_on
		FROM dues_remittances r WHERE (r.unit_id = $1 OR r.to_unit_id = $1) AND r.sent_on BETWEEN $2 AND $3
		ORDER BY r.sent_on, r.id`, unitID, start, end).
		Query(func(rows pgx.Rows) error {
			var answered *time.Time
			_, err := pgx.ForEachRow(rows, []any{&r.SentOn, &r.Sent, &r.Other, &r.Amount, &r.Number, &r.Status, &answered}, func() error {
				r.AnsweredOn = nil
				if answered != nil {
					day := *answered // a row of its own: the scan reuses answered
					r.AnsweredOn = &day
				}
				e.Remittances = append(e.Remittances, r)
				return nil
			})
			return err
		})
}

// documentParts reads what the secretary wrote for the report's period
// (nothing for other days) and the targets of Part II.
func (s *Store) documentParts(ctx context.Context, e *Export) error {
	e.Texts = map[string]string{}
	if period := e.Period(); period != "" {
		doc, err := s.DocumentOf(ctx, DocumentKey{UnitID: e.Key.UnitID, Year: e.Key.Year, Period: period})
		if err != nil {
			return err
		}
		e.Document = doc
		if doc != nil {
			texts, err := s.TextsOf(ctx, []int64{doc.ID})
			if err != nil {
				return err
			}
			e.Texts = textsByKey(texts[doc.ID])
		}
	}
	e.TargetsYear = e.Key.Year
	if e.Period() == WholeYear {
		e.TargetsYear++
	}
	var err error
	e.Targets, err = s.Targets(ctx, e.Key.UnitID, e.TargetsYear)
	return err
}
