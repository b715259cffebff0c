package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rs/zerolog"

	"github.com/sodoan/sodoan/graph/model"
	"github.com/sodoan/sodoan/internal/activity"
	"github.com/sodoan/sodoan/internal/config"
	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/report"
)

// reportSections are the report's sections timed one by one, then all
// together: what a dashboard tile asks for and what the full report costs.
var reportSections = []struct {
	name  string
	parts report.Parts
}{
	{"members", report.Parts{Members: true}},
	{"year start", report.Parts{YearStart: true}},
	{"activities", report.Parts{Activities: true}},
	{"notable", report.Parts{Notable: true}},
	{"monthly", report.Parts{Monthly: true}},
	{"pledges", report.Parts{Pledges: true, PledgesPage: &firstPledges}},
	{"ratings", report.Parts{Ratings: true}},
	{"commendations", report.Parts{Commendations: true}},
	{"news", report.Parts{News: true}},
	{"dues", report.Parts{Dues: true}},
	{"committee", report.Parts{Committee: true}},
	{"breakdown", report.Parts{Breakdown: true}},
	{"previous year", report.Parts{Previous: report.All.Previous}},
	{"every section", apiAll},
}

// firstPledges is the page of pledges the API reads by default: twenty,
// and one more to know whether more follow.
var firstPledges = report.PledgePage{Limit: 21}

// apiAll is every section as the API reads them: the first page of each
// year's pledges, not the whole list an export reads.
var apiAll = func() report.Parts {
	p, prev := report.All, *report.All.Previous
	p.PledgesPage, prev.PledgesPage = &firstPledges, &firstPledges
	p.Previous = &prev
	return p
}()

// fullReportQuery is every field of the yearly report, as a dashboard
// showing the whole of it asks: the figures of each work area with its
// notable activities, the first page of pledges, the committee, the
// breakdown and the year before.
const fullReportQuery = `query($u: ID!, $y: Int!) { yearlyReport(unitId: $u, year: $y) {
	year from date name computedUntil
	members { atYearStart atYearEnd female male secretaries deputies committee plain admitted transferredIn transferredOut agedOut removed }
	committee { id fullName } posts { title holderName from to }
	workAreas { ...figures } total { ...figures }
	pledges { totalCount pageInfo { endCursor hasNextPage } edges { node { pledge { id title } eligible signed share } } }
	ratings { excellent good completed notCompleted rated unrated excellentShare }
	commendationsReceived { form issuerLevel individual collective } commendationsGiven { form individual collective }
	newsPublished monthly { month activities participations }
	previous { year members { atYearStart atYearEnd admitted transferredIn transferredOut agedOut removed }
		workAreas { ...figures } total { ...figures } pledges { totalCount edges { node { eligible signed share } } }
		ratings { rated excellent excellentShare } commendationsReceived { form individual collective } newsPublished }
	own { name members activities participations volunteerHours contributionValue }
	children { unit { id } name members activities participations volunteerHours contributionValue } } }
fragment figures on WorkAreaFigures { workArea activities byKind { kind count } participations participants participantsAtYearEnd
	share volunteerHours youthProjects youthProjectValue cash inKind contributions notable { id title } }`

// reportbenchCommand handles `server reportbench`: every section of the
// yearly report, and the whole of it, for a branch, a bloc and the
// province, timed through the report store (median of --runs).
func reportbenchCommand(ctx context.Context, cfg config.Config, log zerolog.Logger, args []string, stdout io.Writer) (err error) {
	fs := flag.NewFlagSet("reportbench", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	members := fs.Int("members", 100_000, "members to generate when the database is empty")
	runs := fs.Int("runs", 5, "runs of each section; the median is printed")
	only := fs.String("only", "", "time only the sections, or only the writes")
	if err := fs.Parse(args); err != nil || *runs < 1 || (*only != "" && *only != "sections" && *only != "writes") {
		return usageError{"reportbench: bad arguments\n" + usage}
	}
	pool, closeDB, t, err := openBenchData(ctx, cfg, log, *members, stdout)
	if err != nil {
		return err
	}
	defer closeDB()
	if *only != "writes" {
		if err := timeSections(ctx, pool, t, *runs, stdout); err != nil {
			return err
		}
		if err := httpReports(ctx, pool, t, *runs, stdout); err != nil {
			return err
		}
	}
	if *only == "sections" {
		return nil
	}
	// The three levels time the same write, to one activity.
	act, attendees, err := benchWriteTarget(ctx, pool, t)
	if err != nil {
		return err
	}
	defer func() {
		if dropErr := dropBenchActivity(context.WithoutCancel(ctx), pool, act); err == nil {
			err = dropErr
		}
	}()
	for _, phase := range []func() error{
		func() error { return writeLatency(ctx, pool, act, *runs, stdout) },
		func() error { return storeWriteLatency(ctx, pool, act, attendees, 4*(*runs)+1, stdout) },
		func() error { return httpWriteLatency(ctx, pool, act, attendees, 4*(*runs)+1, stdout) },
	} {
		if err := vacuumWritten(ctx, pool); err != nil {
			return err
		}
		if err := phase(); err != nil {
			return err
		}
	}
	return nil
}

// vacuumWritten vacuums the tables the bench writes write to. Each run
// writes the same keys and undoes them, a hundred times over: the dead
// index entries they leave are met by every later run (a member's rows
// of participants took 12 pages to find instead of 4 after one phase, and
// the figures on paid for it more than off), which autovacuum clears
// between a real secretary's writes.
func vacuumWritten(ctx context.Context, pool *pgxpool.Pool) error {
	_, err := pool.Exec(ctx, `VACUUM participations, contributions, unit_participants, activity_totals,
		unit_figures, unit_year_figures, unit_rollup_figures, members, audit_log`)
	return err
}

// timeSections prints the median time of each report section, and of all
// of them, for the bench's branch, bloc and province.
func timeSections(ctx context.Context, pool *pgxpool.Pool, t benchTargets, runs int, stdout io.Writer) error {
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM members`).Scan(&n); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "report sections, %d members, year %d, median of %d runs (ms)\n", n, t.year, runs)
	fmt.Fprintf(stdout, "%-16s %10s %10s %10s\n", "section", "branch", "bloc", "province")
	store := report.NewStore(pool)
	for _, s := range reportSections {
		fmt.Fprintf(stdout, "%-16s", s.name)
		for _, unit := range []int64{t.branch, t.bloc, t.province} {
			d, err := medianRun(ctx, runs, func() (time.Duration, error) {
				start := time.Now()
				_, err := store.YearlyParts(ctx, unit, t.year, s.parts)
				return time.Since(start), err
			})
			if err != nil {
				return fmt.Errorf("%s of unit %d: %w", s.name, unit, err)
			}
			fmt.Fprintf(stdout, " %10.1f", ms(d))
		}
		fmt.Fprintln(stdout)
	}
	return nil
}

// httpReports prints the median time of the whole report (fullReportQuery)
// as a dashboard gets it: a GraphQL query over HTTP to a server of its own
// (a child process), which reads the report's figures, resolves its fields
// and writes the JSON. Each unit's first query is not timed (the server's
// connections plan the report's statements on their first use).
func httpReports(ctx context.Context, pool *pgxpool.Pool, t benchTargets, runs int, stdout io.Writer) error {
	url, token, stop, err := benchClient(ctx, pool)
	if err != nil {
		return err
	}
	defer stop()
	fmt.Fprintf(stdout, "%-16s", "over HTTP")
	for _, unit := range []int64{t.branch, t.bloc, t.province} {
		vars := map[string]any{"u": model.EncodeID(model.KindUnit, unit), "y": t.year}
		if err := benchQuery(ctx, url, token, fullReportQuery, vars); err != nil {
			return err
		}
		d, err := medianRun(ctx, runs, func() (time.Duration, error) {
			start := time.Now()
			err := benchQuery(ctx, url, token, fullReportQuery, vars)
			return time.Since(start), err
		})
		if err != nil {
			return fmt.Errorf("the whole report of unit %d over HTTP: %w", unit, err)
		}
		fmt.Fprintf(stdout, " %10.1f", ms(d))
	}
	fmt.Fprintln(stdout)
	return nil
}

// benchClient starts a bench server (a child process) on the bench
// database and a session of the bench's account: the URL to post to, the
// bearer token, and what stops the server.
func benchClient(ctx context.Context, pool *pgxpool.Pool) (url, token string, stop func(), err error) {
	if token, err = benchSession(ctx, pool); err != nil {
		return "", "", nil, err
	}
	url, _, stopServer, err := benchServer(ctx, pool.Config().ConnString(), &statementLog{}, "")
	if err != nil {
		return "", "", nil, err
	}
	return url, token, func() { _, _ = stopServer() }, nil
}

// benchWrites are the writes whose cost the kept figures add to, each
// with the figures' trigger that fires on it; $1 is a held activity. The
// participants are members of the activity's unit, as the store requires
// (the first 50 members of the country, as this bench took before, could
// not attend it through the API, and each added a unit to the weights).
var benchWrites = []struct {
	name, table, sql string // name: %d is the rows the statement wrote
}{
	{"%d participations", "participations", `INSERT INTO participations (activity_id, member_id, volunteer_hours)
		SELECT $1, m.id, 2 FROM members m WHERE m.unit_id = (SELECT unit_id FROM activities WHERE id = $1) AND m.status = 'ACTIVE'
			AND m.id NOT IN (SELECT member_id FROM participations WHERE activity_id = $1) ORDER BY m.id LIMIT 50`},
	{"%d contribution", "contributions", `INSERT INTO contributions (activity_id, kind, description, value_dong)
		VALUES ($1, 'CASH', 'Ủng hộ quỹ khuyến học', 1500000)`},
}

// writeLatency times each bench write with the kept figures' triggers on
// and off, in transactions rolled back so the database stays as it was
// (the triggers run at the statement's end, so the statement's time holds
// their cost). All runs share one connection, as a server's long-lived
// connections do: a new connection compiles the trigger functions and
// plans their statements on its first write, which is not what a write
// costs once the server has run a while. Writes are quick and noisy, so
// they get more runs than the sections.
func writeLatency(ctx context.Context, pool *pgxpool.Pool, act int64, runs int, stdout io.Writer) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	runs = 10*runs + 1
	fmt.Fprintf(stdout, "\nwrite latency, median of %d runs on one connection, on and off in turn (ms)\n%-20s %10s %10s %7s\n", runs, "write", "figures on", "off", "ratio")
	for _, w := range benchWrites {
		var written int64 // by the last timed run: fewer than 50 when the branch has fewer members
		timed := func(on bool) func() (time.Duration, error) {
			return func() (time.Duration, error) {
				return rolledBack(ctx, conn, func(tx pgx.Tx) (time.Duration, error) {
					if !on {
						if err := setFigureTriggers(ctx, tx, w.table, "DISABLE"); err != nil {
							return 0, err
						}
					}
					// The ALTER makes the next write reload the table's
					// triggers: a write undone first leaves both cases warm.
					if _, err := tx.Exec(ctx, `SAVEPOINT warm`); err != nil {
						return 0, err
					}
					if _, err := tx.Exec(ctx, w.sql, act); err != nil {
						return 0, err
					}
					if _, err := tx.Exec(ctx, `ROLLBACK TO SAVEPOINT warm`); err != nil {
						return 0, err
					}
					start := time.Now()
					tag, err := tx.Exec(ctx, w.sql, act)
					written = tag.RowsAffected()
					return time.Since(start), err
				})
			}
		}
		took, err := interleavedMedians(ctx, runs, timed(true), timed(false))
		if err != nil {
			return fmt.Errorf("%s: %w", w.table, err)
		}
		fmt.Fprintf(stdout, "%-20s %10.2f %10.2f %7.2f\n", fmt.Sprintf(w.name, written), ms(took[0]), ms(took[1]), float64(took[0])/float64(took[1]))
	}
	return nil
}

// interleavedMedians runs each of fs once to warm the caches, then runs
// rounds of all of them in turn, and returns the median of what each
// measured. Taking turns run by run, rather than all runs of one case and
// then the other's, keeps the machine's drift (a busy neighbour, a
// checkpoint) out of the ratio between them.
func interleavedMedians(ctx context.Context, runs int, fs ...func() (time.Duration, error)) ([]time.Duration, error) {
	took := make([][]time.Duration, len(fs))
	for i, f := range fs {
		if _, err := f(); err != nil {
			return nil, err
		}
		took[i] = make([]time.Duration, runs)
	}
	for r := range runs {
		for i, f := range fs {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			d, err := f()
			if err != nil {
				return nil, err
			}
			took[i][r] = d
		}
	}
	medians := make([]time.Duration, len(fs))
	for i, t := range took {
		slices.Sort(t)
		medians[i] = t[runs/2]
	}
	return medians, nil
}

// medianRun runs f once to warm the caches, then runs times more and
// returns the median of the durations f measured.
func medianRun(ctx context.Context, runs int, f func() (time.Duration, error)) (time.Duration, error) {
	medians, err := interleavedMedians(ctx, runs, f)
	if err != nil {
		return 0, err
	}
	return medians[0], nil
}

// rolledBack runs f in a transaction that is then rolled back, and
// returns what f measured.
func rolledBack(ctx context.Context, conn *pgxpool.Conn, f func(pgx.Tx) (time.Duration, error)) (time.Duration, error) {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer func() { _ = tx.Rollback(ctx) }()
	return f(tx)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// storeWriteLatency times the bench writes as the API makes them, through
// the activity store and committed, with the figures' triggers on and off:
// the database's part of a request, where writeLatency isolates the
// statement and httpWriteLatency times the whole request.
// The rows each run writes are deleted after it, with the same triggers on
// or off, so the figures stay equal to the records. Turning the triggers
// off is a committed ALTER: this is for a bench database only
// (withFigureTriggers turns them back on).
func storeWriteLatency(ctx context.Context, pool *pgxpool.Pool, act int64, members []int64, runs int, stdout io.Writer) error {
	store := activity.NewStore(pool)
	writes := []benchWrite{
		{fmt.Sprintf("%d participations", len(members)), "participations",
			func() error {
				list := make([]activity.ParticipantInput, len(members))
				for i, id := range members {
					list[i] = activity.ParticipantInput{MemberID: id, Role: activity.Participant, Attended: true, VolunteerHours: 2}
				}
				_, err := store.RecordParticipations(ctx, act, list)
				return err
			}, undoParticipations(ctx, pool, act, members)},
		{"a contribution", "contributions",
			func() error {
				_, err := store.CreateContribution(ctx, activity.ContributionInput{ActivityID: act, Kind: activity.Cash,
					Description: benchContribution, Value: 1_500_000})
				return err
			}, undoContribution(ctx, pool, act)},
	}
	fmt.Fprintf(stdout, "\nthe same writes through the activity store, committed, median of %d runs, on and off in turn (ms)\n", runs)
	return timeWrites(ctx, pool, writes, runs, stdout)
}

// httpWriteLatency times the bench writes as a secretary's browser makes
// them: GraphQL mutations over HTTP to a server of its own (a child
// process, as loadbench runs), with the figures' triggers on and off.
func httpWriteLatency(ctx context.Context, pool *pgxpool.Pool, act int64, members []int64, runs int, stdout io.Writer) error {
	url, token, stop, err := benchClient(ctx, pool)
	if err != nil {
		return err
	}
	defer stop()
	participants := make([]map[string]any, len(members))
	for i, id := range members {
		participants[i] = map[string]any{"memberId": model.EncodeID(model.KindMember, id), "volunteerHours": 2}
	}
	activityID := model.EncodeID(model.KindActivity, act)
	var sent int
	writes := []benchWrite{
		{fmt.Sprintf("%d participations", len(members)), "participations",
			func() error {
				return benchMutation(ctx, url, token, `mutation($in: ParticipationsRecordInput!) {
					participationsRecord(input: $in) { userErrors { field message } } }`,
					map[string]any{"activityId": activityID, "participants": participants})
			}, undoParticipations(ctx, pool, act, members)},
		{"a contribution", "contributions",
			func() error {
				sent++ // each create its own key: a repeated key returns the first record
				return benchMutation(ctx, url, token, `mutation($in: ContributionCreateInput!) {
					contributionCreate(input: $in) { userErrors { field message } } }`,
					map[string]any{"activityId": activityID, "kind": "CASH", "description": benchContribution, "value": 1_500_000,
						"idempotencyKey": fmt.Sprintf("reportbench-%d-%d", time.Now().UnixNano(), sent)})
			}, undoContribution(ctx, pool, act)},
	}
	fmt.Fprintf(stdout, "\nthe same writes as GraphQL mutations over HTTP, committed, median of %d runs, on and off in turn (ms)\n", runs)
	return timeWrites(ctx, pool, writes, runs, stdout)
}

// benchContribution describes the bench's contributions, so that their
// undo deletes them and nothing else.
const benchContribution = "Ủng hộ quỹ khuyến học (bench)"

// A benchWrite is a write the bench times and the undo that deletes what
// it wrote (run with the same triggers, so the figures stay right).
type benchWrite struct {
	name, table string
	write, undo func() error
}

// benchActivity names the held activity the write benches record to. The
// bench makes it in the branch with the most members, as a secretary
// records a meeting just held, so that 50 of them can attend it: every
// activity gendata holds has some of its branch's members already, and no
// branch has 50 left beside them. It is deleted when the writes are done.
const benchActivity = "Sinh hoạt chi đoàn chuyên đề tháng 11 (bench)"

// benchWriteTarget finds the bench's activity (one left by a run that was
// stopped) or makes it, and up to 50 of its branch's members not taking
// part in it (a participant must belong to the organising unit).
func benchWriteTarget(ctx context.Context, pool *pgxpool.Pool, t benchTargets) (act int64, members []int64, err error) {
	err = pool.QueryRow(ctx, `SELECT id FROM activities WHERE title = $1`, benchActivity).Scan(&act)
	if errors.Is(err, pgx.ErrNoRows) {
		err = pool.QueryRow(ctx, `INSERT INTO activities (unit_id, title, kind, work_area, starts_on, ends_on, status)
			SELECT m.unit_id, $1, 'MEETING', 'POLITICAL_EDUCATION', make_date($2, 11, 20), make_date($2, 11, 20), 'DONE'
			FROM members m JOIN units u ON u.id = m.unit_id AND u.level = 'BRANCH'
			WHERE m.status = 'ACTIVE' GROUP BY m.unit_id ORDER BY count(*) DESC, m.unit_id LIMIT 1
			RETURNING id`, benchActivity, t.year).Scan(&act)
	}
	if err != nil {
		return 0, nil, fmt.Errorf("the bench's activity: %w", err)
	}
	rows, err := pool.Query(ctx, `SELECT m.id FROM members m
		WHERE m.unit_id = (SELECT unit_id FROM activities WHERE id = $1) AND m.status = 'ACTIVE'
			AND NOT EXISTS (SELECT FROM participations p WHERE p.activity_id = $1 AND p.member_id = m.id)
		ORDER BY m.id LIMIT 50`, act)
	if err != nil {
		return 0, nil, err
	}
	members, err = pgx.CollectRows(rows, pgx.RowTo[int64])
	return act, members, err
}

// dropBenchActivity deletes the bench's activity with the figures'
// triggers on, so the figures stay equal to the records.
func dropBenchActivity(ctx context.Context, pool *pgxpool.Pool, act int64) error {
	_, err := pool.Exec(ctx, `DELETE FROM activities WHERE id = $1`, act)
	return err
}

func undoParticipations(ctx context.Context, pool *pgxpool.Pool, act int64, members []int64) func() error {
	return func() error {
		_, err := pool.Exec(ctx, `DELETE FROM participations WHERE activity_id = $1 AND member_id = ANY ($2)`, act, members)
		return err
	}
}

func undoContribution(ctx context.Context, pool *pgxpool.Pool, act int64) func() error {
	return func() error {
		_, err := pool.Exec(ctx, `DELETE FROM contributions WHERE activity_id = $1 AND description = $2`, act, benchContribution)
		return err
	}
}

// timeWrites prints each write's median time with the figures' triggers
// on and off, the two taking turns. Each run writes once untimed and
// undoes it, so the write timed after turning the triggers off or on
// finds the table's triggers loaded, as a server's writes do.
func timeWrites(ctx context.Context, pool *pgxpool.Pool, writes []benchWrite, runs int, stdout io.Writer) error {
	fmt.Fprintf(stdout, "%-20s %10s %10s %7s\n", "write", "figures on", "off", "ratio")
	for _, w := range writes {
		timed := func(on bool) func() (time.Duration, error) {
			return func() (time.Duration, error) {
				return withFigureTriggers(ctx, pool, w.table, on, func() (time.Duration, error) {
					if err := w.write(); err != nil {
						return 0, err
					}
					if err := w.undo(); err != nil {
						return 0, err
					}
					start := time.Now()
					if err := w.write(); err != nil {
						return 0, err
					}
					return time.Since(start), w.undo()
				})
			}
		}
		took, err := interleavedMedians(ctx, runs, timed(true), timed(false))
		if err != nil {
			return fmt.Errorf("%s: %w", w.name, err)
		}
		fmt.Fprintf(stdout, "%-20s %10.2f %10.2f %7.2f\n", w.name, ms(took[0]), ms(took[1]), float64(took[0])/float64(took[1]))
	}
	return nil
}

// benchMutation posts a mutation with its input as $in and fails on any
// error or user error, so a refused write is not timed as a quick one.
func benchMutation(ctx context.Context, url, token, query string, input map[string]any) error {
	out, err := benchPost(ctx, url, token, query, map[string]any{"in": input})
	if err != nil {
		return err
	}
	var r struct {
		Data map[string]struct{ UserErrors []any }
	}
	if err := json.Unmarshal(out, &r); err != nil {
		return err
	}
	for _, payload := range r.Data {
		if len(payload.UserErrors) > 0 {
			return fmt.Errorf("mutation refused: %.300s", out)
		}
	}
	return nil
}

// benchQuery posts a query and fails on any error, so a refused query is
// not timed as a quick one.
func benchQuery(ctx context.Context, url, token, query string, vars map[string]any) error {
	_, err := benchPost(ctx, url, token, query, vars)
	return err
}

// benchPost posts a GraphQL document with its variables as the bench's
// account and returns the response, failing on any error in it.
func benchPost(ctx context.Context, url, token, query string, vars map[string]any) ([]byte, error) {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	var r struct{ Errors []any }
	if err := json.Unmarshal(out, &r); err != nil || resp.StatusCode != http.StatusOK || len(r.Errors) > 0 {
		return nil, fmt.Errorf("the request fails: %d %.300s", resp.StatusCode, out)
	}
	return out, nil
}

// withFigureTriggers runs f with the figures' triggers on table as they
// are (on) or turned off by a committed ALTER and turned back on when f
// returns, even if the bench was interrupted meanwhile.
func withFigureTriggers(ctx context.Context, pool *pgxpool.Pool, table string, on bool, f func() (time.Duration, error)) (d time.Duration, err error) {
	if on {
		return f()
	}
	if err := setFigureTriggers(ctx, pool, table, "DISABLE"); err != nil {
		return 0, err
	}
	defer func() {
		if enableErr := setFigureTriggers(context.WithoutCancel(ctx), pool, table, "ENABLE"); err == nil {
			err = enableErr
		}
	}()
	return f()
}

// setFigureTriggers enables or disables the figures' insert and delete
// triggers on table, in q's transaction if it is one.
func setFigureTriggers(ctx context.Context, q db.DB, table, action string) error {
	_, err := q.Exec(ctx, `ALTER TABLE `+table+` `+action+` TRIGGER unit_figures_insert, `+action+` TRIGGER unit_figures_delete`)
	return err
}
