package report

import (
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/activity"
	"github.com/sodoan/sodoan/internal/money"
)

// Every statement takes $1 = the unit's path, $2 = 1 January, $3 = 31
// December of the report's year.

// membersAt defines a CTE `name` of the members placed in the unit or below
// on date (an SQL expression), with their unit's path. Only members who were
// ever placed in the subtree are replayed.
func membersAt(name, date string) string {
	return name + ` AS (
	SELECT m.id, m.gender, m.position, l.unit_id, u.path
	FROM (SELECT DISTINCT ON (e.member_id) e.member_id,
			CASE e.kind WHEN 'ADMITTED' THEN e.unit_id WHEN 'TRANSFERRED' THEN e.to_unit_id END AS unit_id
		FROM member_events e
		WHERE e.occurred_on <= ` + date + ` AND e.member_id IN (
			SELECT e2.member_id FROM member_events e2 JOIN units u2 ON u2.id = coalesce(e2.to_unit_id, e2.unit_id)
			WHERE u2.path <@ $1::ltree AND e2.occurred_on <= ` + date + `)
		ORDER BY e.member_id, e.occurred_on DESC, e.id DESC) l
	JOIN members m ON m.id = l.member_id
	JOIN units u ON u.id = l.unit_id
	WHERE u.path <@ $1::ltree)`
}

// heldActivities is the FROM clause of the activities that count: held,
// starting in the year, organised in the unit or below.
const heldActivities = ` activities a JOIN units au ON au.id = a.unit_id
	WHERE au.path <@ $1::ltree AND a.status = 'DONE' AND a.starts_on BETWEEN $2::date AND $3::date`

// tables are the temporary tables a report's statements read: members at
// the year's end and start, and the year's attended participations.
type tables struct{ atEnd, atStart, attended string }

// figures queues one year's figures of a report into a batch, a method a
// group of them.
type figures struct {
	b          *pgx.Batch
	r          *Report
	path       string
	start, end time.Time
	t          tables
}

// yearBounds are 1 January and 31 December of year.
func yearBounds(year int) (start, end time.Time) {
	return time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC)
}

// args are the statements' $1, $2 and $3.
func (f figures) args() []any { return []any{f.path, f.start, f.end} }

// queueFigures queues the figures of r's year that parts asks for.
func queueFigures(b *pgx.Batch, r *Report, path string, parts Parts, t tables) {
	f := figures{b: b, r: r, path: path, t: t}
	f.start, f.end = yearBounds(r.Year)
	for _, g := range []struct {
		want  bool
		queue func()
	}{
		// The year-end count is also what the work areas' shares divide by.
		{parts.Members || parts.Activities, f.headcount},
		{parts.YearStart, f.yearStart},
		{parts.Members, f.movements},
		{parts.Activities, f.activityKinds},
		{parts.Activities, f.participations},
		{parts.Activities, f.contributions},
		{parts.Pledges, f.pledges},
		{parts.Ratings, f.ratings},
		{parts.Commendations, f.received},
		{parts.Commendations, f.given},
		{parts.News, f.news},
		{parts.Monthly, f.monthly},
		{parts.Notable, f.notable},
		{parts.Committee, f.committee},
	} {
		if g.want {
			g.queue()
		}
	}
}

// headcount queues the year-end headcount by gender and position.
func (f figures) headcount() {
	b, atEnd, m := f.b, f.t.atEnd, &f.r.Members
	b.Queue(`SELECT count(*),
			count(*) FILTER (WHERE gender = 'FEMALE'), count(*) FILTER (WHERE gender = 'MALE'),
			count(*) FILTER (WHERE position = 'SECRETARY'), count(*) FILTER (WHERE position = 'DEPUTY_SECRETARY'),
			count(*) FILTER (WHERE position = 'COMMITTEE_MEMBER'), count(*) FILTER (WHERE position = 'MEMBER')
		FROM ` + atEnd).QueryRow(func(row pgx.Row) error {
		return row.Scan(&m.AtYearEnd, &m.Female, &m.Male, &m.Secretaries, &m.Deputies, &m.Committee, &m.Plain)
	})
}

// yearStart queues the headcount at the year's start.
func (f figures) yearStart() {
	b, atStart, m := f.b, f.t.atStart, &f.r.Members
	b.Queue(`SELECT count(*) FROM ` + atStart).QueryRow(func(row pgx.Row) error { return row.Scan(&m.AtYearStart) })
}

// movements queues the members admitted, moved in or out, aged out and
// removed in the year.
func (f figures) movements() {
	b, m := f.b, &f.r.Members
	b.Queue(`SELECT
			count(*) FILTER (WHERE e.kind = 'ADMITTED' AND coalesce(uu.path <@ $1::ltree, false)),
			count(*) FILTER (WHERE e.kind = 'TRANSFERRED' AND coalesce(ut.path <@ $1::ltree, false) AND NOT coalesce(uf.path <@ $1::ltree, false)),
			count(*) FILTER (WHERE e.kind = 'TRANSFERRED' AND coalesce(uf.path <@ $1::ltree, false) AND NOT coalesce(ut.path <@ $1::ltree, false)),
			count(*) FILTER (WHERE e.kind = 'AGED_OUT' AND coalesce(uu.path <@ $1::ltree, false)),
			count(*) FILTER (WHERE e.kind = 'REMOVED' AND coalesce(uu.path <@ $1::ltree, false))
		FROM member_events e
		LEFT JOIN units uu ON uu.id = e.unit_id
		LEFT JOIN units uf ON uf.id = e.from_unit_id
		LEFT JOIN units ut ON ut.id = e.to_unit_id
		WHERE e.occurred_on BETWEEN $2::date AND $3::date`, f.args()...).QueryRow(func(row pgx.Row) error {
		return row.Scan(&m.Admitted, &m.TransferredIn, &m.TransferredOut, &m.AgedOut, &m.Removed)
	})
}

// activityKinds queues the held activities by work area and kind.
func (f figures) activityKinds() {
	b, r := f.b, f.r
	b.Queue(`SELECT a.work_area, a.kind, count(*) FROM`+heldActivities+` GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2`, f.args()...).
		Query(func(rows pgx.Rows) error {
			var area activity.WorkArea
			var kind activity.Kind
			var n int
			_, err := pgx.ForEachRow(rows, []any{&area, &kind, &n}, func() error {
				a := r.area(area)
				a.Activities += n
				a.ByKind = append(a.ByKind, KindCount{kind, n})
				r.Total.Activities += n
				r.Total.ByKind = addKind(r.Total.ByKind, kind, n)
				return nil
			})
			return err
		})
}

// participations queues the attended participations, participants and
// hours by work area and in all.
func (f figures) participations() {
	b, r, atEnd := f.b, f.r, f.t.atEnd
	b.Queue(`SELECT p.work_area, count(*), count(DISTINCT p.member_id),
			count(DISTINCT p.member_id) FILTER (WHERE ae.id IS NOT NULL), coalesce(sum(p.volunteer_hours), 0)::float8
		FROM ` + f.t.attended + ` p LEFT JOIN ` + atEnd + ` ae ON ae.id = p.member_id
		GROUP BY GROUPING SETS ((p.work_area), ())`).Query(func(rows pgx.Rows) error {
		var area *activity.WorkArea
		var f Area
		_, err := pgx.ForEachRow(rows, []any{&area, &f.Participations, &f.Participants, &f.ParticipantsAtYearEnd, &f.VolunteerHours}, func() error {
			a := &r.Total
			if area != nil {
				a = r.area(*area)
			}
			a.Participations, a.Participants, a.ParticipantsAtYearEnd, a.VolunteerHours =
				f.Participations, f.Participants, f.ParticipantsAtYearEnd, f.VolunteerHours
			return nil
		})
		return err
	})
}

// contributions queues the contributions by kind, by work area and in all.
func (f figures) contributions() {
	b, r := f.b, f.r
	b.Queue(`SELECT a.work_area, c.kind, count(*), `+money.SumSQL("c.value_dong")+`
		FROM contributions c JOIN activities a ON a.id = c.activity_id JOIN units au ON au.id = a.unit_id
		WHERE au.path <@ $1::ltree AND a.status = 'DONE' AND a.starts_on BETWEEN $2::date AND $3::date
		GROUP BY GROUPING SETS ((a.work_area, c.kind), (c.kind))`, f.args()...).Query(func(rows pgx.Rows) error {
		var area *activity.WorkArea
		var kind activity.ContributionKind
		var n int
		var value int64
		_, err := pgx.ForEachRow(rows, []any{&area, &kind, &n, &value}, func() error {
			a := &r.Total
			if area != nil {
				a = r.area(*area)
			}
			a.Contributions += n
			switch kind {
			case activity.YouthProject:
				a.YouthProjects += n
				a.YouthProjectValue = money.Add(a.YouthProjectValue, value)
			case activity.Cash:
				a.Cash = money.Add(a.Cash, value)
			case activity.InKind:
				a.InKind = money.Add(a.InKind, value)
			}
			return nil
		})
		return err
	})
}

// pledges queues each pledge's eligible and signed members.
func (f figures) pledges() {
	b, r, path, start, atEnd := f.b, f.r, f.path, f.start, f.t.atEnd
	var p Pledge
	b.Queue(`WITH ae AS (SELECT * FROM `+atEnd+`)
		SELECT pl.id, count(ae.id), count(s.member_id)
		FROM pledges pl JOIN units pu ON pu.id = pl.unit_id
		LEFT JOIN ae ON ae.path <@ pu.path
		LEFT JOIN pledge_signatures s ON s.pledge_id = pl.id AND s.member_id = ae.id
		WHERE pu.path <@ $1::ltree AND pl.year = extract(year FROM $2::date)::int
		GROUP BY pl.id, pu.path ORDER BY pu.path, pl.id`, path, start).
		Query(appendEach(&r.Pledges, &p, &p.PledgeID, &p.Eligible, &p.Signed))
}

// ratings queues the year's ratings by level, and the members left unrated.
func (f figures) ratings() {
	b, r, path, start, atEnd := f.b, f.r, f.path, f.start, f.t.atEnd
	b.Queue(`WITH ae AS (SELECT * FROM `+atEnd+`)
		SELECT
			count(*) FILTER (WHERE r.level = 'EXCELLENT'), count(*) FILTER (WHERE r.level = 'GOOD'),
			count(*) FILTER (WHERE r.level = 'COMPLETED'), count(*) FILTER (WHERE r.level = 'NOT_COMPLETED'),
			(SELECT count(*) FROM ae WHERE NOT EXISTS (SELECT 1 FROM member_ratings x
				WHERE x.member_id = ae.id AND x.year = extract(year FROM $2::date)::int))
		FROM member_ratings r JOIN units u ON u.id = r.unit_id
		WHERE u.path <@ $1::ltree AND r.year = extract(year FROM $2::date)::int`, path, start).QueryRow(func(row pgx.Row) error {
		rt := &r.Ratings
		if err := row.Scan(&rt.Excellent, &rt.Good, &rt.Completed, &rt.NotCompleted, &rt.Unrated); err != nil {
			return err
		}
		rt.Rated = rt.Excellent + rt.Good + rt.Completed + rt.NotCompleted
		return nil
	})
}

// received queues the commendations received, by form and issuer's level.
func (f figures) received() {
	b, r, path, start, atEnd := f.b, f.r, f.path, f.start, f.t.atEnd
	var x Received
	b.Queue(`WITH ae AS (SELECT * FROM `+atEnd+`)
		SELECT c.form, c.issuer_level, count(*) FILTER (WHERE c.member_id IS NOT NULL), count(*) FILTER (WHERE c.unit_id IS NOT NULL)
		FROM commendations c
		LEFT JOIN units ru ON ru.id = c.unit_id
		LEFT JOIN members m ON m.id = c.member_id
		LEFT JOIN units mu ON mu.id = m.unit_id
		LEFT JOIN ae ON ae.id = c.member_id
		WHERE c.year = extract(year FROM $2::date)::int
			AND (ru.path <@ $1::ltree OR (c.member_id IS NOT NULL AND coalesce(ae.path, mu.path) <@ $1::ltree))
		GROUP BY 1, 2 ORDER BY 2, 1`, path, start).
		Query(appendEach(&r.Received, &x, &x.Form, &x.IssuerLevel, &x.Individual, &x.Collective))
}

// given queues the commendations the unit and those below gave, by form.
func (f figures) given() {
	b, r, path, start := f.b, f.r, f.path, f.start
	var x Given
	b.Queue(`SELECT c.form, count(*) FILTER (WHERE c.member_id IS NOT NULL), count(*) FILTER (WHERE c.unit_id IS NOT NULL)
		FROM commendations c JOIN units iu ON iu.id = c.issuer_unit_id
		WHERE iu.path <@ $1::ltree AND c.year = extract(year FROM $2::date)::int
		GROUP BY 1 ORDER BY 1`, path, start).Query(appendEach(&r.Given, &x, &x.Form, &x.Individual, &x.Collective))
}

// news queues how many posts were published in the year.
func (f figures) news() {
	b, r := f.b, f.r
	b.Queue(`SELECT count(*) FROM posts p JOIN units u ON u.id = p.unit_id
		WHERE u.path <@ $1::ltree AND p.status <> 'DRAFT'
			AND (p.published_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date BETWEEN $2::date AND $3::date`,
		f.args()...).QueryRow(func(row pgx.Row) error { return row.Scan(&r.NewsPublished) })
}

// monthly queues the held activities and attended participations by month.
func (f figures) monthly() {
	b, r := f.b, f.r
	b.Queue(`SELECT extract(month FROM a.starts_on)::int, count(DISTINCT a.id), count(p.member_id) FILTER (WHERE p.attended)
		FROM`+heldWithParticipations+` GROUP BY 1`, f.args()...).Query(func(rows pgx.Rows) error {
		var month, acts, parts int
		_, err := pgx.ForEachRow(rows, []any{&month, &acts, &parts}, func() error {
			r.Monthly[month-1].Activities, r.Monthly[month-1].Participations = acts, parts
			return nil
		})
		return err
	})
}

// notable queues each work area's three most notable activities.
func (f figures) notable() {
	b, r := f.b, f.r
	b.Queue(`WITH held AS (SELECT a.id, a.work_area, a.starts_on FROM`+heldActivities+`),
		cv AS (SELECT c.activity_id, sum(c.value_dong) AS value FROM contributions c JOIN held h ON h.id = c.activity_id GROUP BY 1),
		pc AS (SELECT p.activity_id, count(*) AS n FROM participations p JOIN held h ON h.id = p.activity_id WHERE p.attended GROUP BY 1)
		SELECT work_area, id FROM (
			SELECT h.work_area, h.id, row_number() OVER (PARTITION BY h.work_area
				ORDER BY coalesce(cv.value, 0) DESC, coalesce(pc.n, 0) DESC, h.starts_on, h.id) AS rank
			FROM held h LEFT JOIN cv ON cv.activity_id = h.id LEFT JOIN pc ON pc.activity_id = h.id) x
		WHERE rank <= 3 ORDER BY work_area, rank`, f.args()...).Query(func(rows pgx.Rows) error {
		var area activity.WorkArea
		var id int64
		_, err := pgx.ForEachRow(rows, []any{&area, &id}, func() error {
			a := r.area(area)
			a.Notable = append(a.Notable, id)
			return nil
		})
		return err
	})
}

// committee queues the unit's own committee, in order of position.
func (f figures) committee() {
	b, r, path, atEnd := f.b, f.r, f.path, f.t.atEnd
	var id int64
	b.Queue(`WITH ae AS (SELECT * FROM `+atEnd+`)
		SELECT ae.id FROM ae JOIN members m ON m.id = ae.id
		WHERE ae.path = $1::ltree AND ae.position <> 'MEMBER'
		ORDER BY array_position(ARRAY['SECRETARY', 'DEPUTY_SECRETARY', 'COMMITTEE_MEMBER'], ae.position), m.sort_name, m.id`,
		path).Query(appendEach(&r.Committee, &id, &id))
}

// heldWithParticipations is heldActivities with each activity's
// participations joined (activities without any kept).
const heldWithParticipations = ` activities a JOIN units au ON au.id = a.unit_id
	LEFT JOIN participations p ON p.activity_id = a.id
	WHERE au.path <@ $1::ltree AND a.status = 'DONE' AND a.starts_on BETWEEN $2::date AND $3::date`

// queueBreakdown adds a row per unit directly below, and one for the
// records attached to the unit itself, so that the rows sum to the total.
func queueBreakdown(b *pgx.Batch, r *Report, unitID int64, path string, t tables) {
	atEnd := t.atEnd
	start, end := yearBounds(r.Year)
	// Each record is keyed by the path of the row it belongs to: the unit
	// itself for records attached to it, else the child it lies under.
	b.Queue(`WITH ae AS (SELECT * FROM `+atEnd+`),
		rows AS (
			SELECT id, path, false AS own FROM units WHERE parent_id = $4
			UNION ALL SELECT id, path, true FROM units WHERE id = $4),
		held AS (SELECT a.id, subpath(au.path, 0, least(nlevel(au.path), nlevel($1::ltree) + 1)) AS key FROM`+heldActivities+`),
		m AS (SELECT subpath(path, 0, least(nlevel(path), nlevel($1::ltree) + 1)) AS key, count(*) AS n FROM ae GROUP BY 1),
		a AS (SELECT key, count(*) AS n FROM held GROUP BY 1),
		p AS (SELECT subpath(path, 0, least(nlevel(path), nlevel($1::ltree) + 1)) AS key, count(*) AS n, sum(volunteer_hours) AS hours
			FROM `+t.attended+` GROUP BY 1),
		c AS (SELECT h.key, `+money.SumSQL("c.value_dong")+` AS value FROM held h JOIN contributions c ON c.activity_id = h.id GROUP BY 1)
		SELECT rows.id, rows.own, coalesce(m.n, 0), coalesce(a.n, 0), coalesce(p.n, 0),
			coalesce(p.hours, 0)::float8, coalesce(c.value, 0)::bigint
		FROM rows JOIN units u ON u.id = rows.id
		LEFT JOIN m ON m.key = rows.path LEFT JOIN a ON a.key = rows.path
		LEFT JOIN p ON p.key = rows.path LEFT JOIN c ON c.key = rows.path
		ORDER BY rows.own DESC, u.level, u.name, u.id`, path, start, end, unitID).Query(func(rows pgx.Rows) error {
		var u Unit
		var own bool
		_, err := pgx.ForEachRow(rows, []any{&u.UnitID, &own, &u.Members, &u.Activities, &u.Participations, &u.VolunteerHours, &u.ContributionValue}, func() error {
			if own {
				*r.Own = u
			} else {
				r.Children = append(r.Children, u)
			}
			return nil
		})
		return err
	})
}

func addKind(list []KindCount, kind activity.Kind, n int) []KindCount {
	for i := range list {
		if list[i].Kind == kind {
			list[i].Count += n
			return list
		}
	}
	return append(list, KindCount{kind, n})
}

// appendEach reads each row into dest (pointers into *v) and appends a copy
// of *v to *list.
func appendEach[T any](list *[]T, v *T, dest ...any) func(pgx.Rows) error {
	return func(rows pgx.Rows) error {
		_, err := pgx.ForEachRow(rows, dest, func() error { *list = append(*list, *v); return nil })
		return err
	}
}

// keyedText reads (id, text) rows into m.
func keyedText(m map[int64]string) func(pgx.Rows) error {
	return func(rows pgx.Rows) error {
		var id int64
		var text string
		_, err := pgx.ForEachRow(rows, []any{&id, &text}, func() error { m[id] = text; return nil })
		return err
	}
}
