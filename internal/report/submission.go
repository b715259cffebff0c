package report

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/idempotency"
	"github.com/sodoan/sodoan/internal/money"
	"github.com/sodoan/sodoan/internal/validate"
	"github.com/sodoan/sodoan/internal/versionlock"
)

// SubmissionStatus is where a submitted report stands.
type SubmissionStatus string

const (
	Submitted SubmissionStatus = "SUBMITTED"
	Accepted  SubmissionStatus = "ACCEPTED"
	Returned  SubmissionStatus = "RETURNED"
)

// Submission is a unit's report for a period as it was handed in to the
// level above (ToUnitID): its figures, details and texts of that moment.
type Submission struct {
	ID          int64
	UnitID      int64
	ToUnitID    int64
	Year        int32
	Period      Period
	Status      SubmissionStatus
	SubmittedAt time.Time
	AnsweredAt  *time.Time
	AnswerNote  *string
	Figures     *Report
	Document    *FrozenDocument
	Version     int32
}

// FrozenDocument is a document's details and texts as submitted.
type FrozenDocument struct {
	Document Document `json:"document"`
	Texts    []Text   `json:"texts"`
}

// TextList is the texts as the document's store lists them.
func (f *FrozenDocument) TextList() []*Text {
	out := make([]*Text, len(f.Texts))
	for i := range f.Texts {
		out[i] = &f.Texts[i]
	}
	return out
}

const submissionColumns = `s.id, s.unit_id, s.to_unit_id, s.year, s.period, s.status, s.submitted_at, s.answered_at, s.answer_note,
	s.figures, s.document, s.version`

var scanSubmission = db.Scanner(func(s *Submission) []any {
	return []any{&s.ID, &s.UnitID, &s.ToUnitID, &s.Year, &s.Period, &s.Status, &s.SubmittedAt, &s.AnsweredAt, &s.AnswerNote,
		&s.Figures, &s.Document, &s.Version}
})

var submissionNamed = versionlock.Named{VI: "báo cáo đã nộp", EN: "submitted report"}

// periodDays are the from and as-of days of a report of the period, as
// Period takes them (nil: the year's).
func periodDays(k DocumentKey) (from, asOf *time.Time) {
	if k.Period == WholeYear {
		return nil, nil
	}
	f, t := k.Period.Bounds(k.Year)
	return &f, &t
}

// Submit hands a unit's report for a period in to the unit above it: the
// report is computed whole, and kept with the document's details and
// texts as they are now. Refused at the top of the tree, and while an
// earlier submission of the period waits for its answer or was accepted.
func (s *Store) Submit(ctx context.Context, k DocumentKey) (*Submission, error) {
	var v validate.Errors
	k.check(&v, s.now())
	if err := v.Err(); err != nil {
		return nil, err
	}
	// What refuses a submission whatever the figures is asked before
	// the report is computed.
	var parent *int64
	switch err := s.pool.QueryRow(ctx, `SELECT parent_id FROM units WHERE id = $1`, k.UnitID).Scan(&parent); {
	case errors.Is(err, pgx.ErrNoRows):
		v.Add(validate.Input("unitId"), validate.NotFound, "Không tìm thấy đơn vị.", "No such unit.")
		return nil, v.Err()
	case err != nil:
		return nil, fmt.Errorf("unit %d to submit: %w", k.UnitID, err)
	case parent == nil:
		v.Add(validate.Input("unitId"), validate.NotAllowed, "Đơn vị cao nhất không nộp báo cáo lên đâu.",
			"The top unit has no level above to submit to.")
		return nil, v.Err()
	}
	// The whole export is kept, so that the submission prints as it was.
	e, err := s.Export(ctx, KeyOf(k))
	if err != nil {
		return nil, err
	}
	details, err := packDetails(&e.Details)
	if err != nil {
		return nil, err
	}
	var out *Submission
	err = idempotency.InTx(ctx, s.pool, func(tx pgx.Tx) (int64, error) {
		doc, err := s.lockDocument(ctx, tx, &v, k, false)
		if err != nil {
			return 0, err
		}
		// The parent of now: the tree may have moved since it was read.
		if err := tx.QueryRow(ctx, `SELECT parent_id FROM units WHERE id = $1`, k.UnitID).Scan(&parent); err != nil {
			return 0, fmt.Errorf("parent of unit %d: %w", k.UnitID, err)
		}
		if parent == nil {
			v.Add(validate.Input("unitId"), validate.NotAllowed, "Đơn vị đã thành đơn vị cao nhất; không nộp báo cáo lên đâu.",
				"The unit is now at the top; it has no level above to submit to.")
			return 0, v.Err()
		}
		texts, err := db.Collect(ctx, tx, "report texts to submit", scanText, `SELECT `+textColumns+` FROM report_texts t
			WHERE t.document_id = $1`, doc.ID)
		if err != nil {
			return 0, err
		}
		frozen := &FrozenDocument{Document: *doc}
		for _, t := range texts {
			frozen.Texts = append(frozen.Texts, *t)
		}
		out, err = scanSubmission(tx.QueryRow(ctx, `INSERT INTO report_submissions AS s
				(unit_id, to_unit_id, year, period, account_id, figures, details, document)
			VALUES ($1, $2, $3, $4, nullif(current_setting('sodoan.account_id', true), '')::bigint, $5, $6, $7)
			RETURNING `+submissionColumns, k.UnitID, *parent, k.Year, k.Period, e.Report, details, frozen))
		if err != nil {
			return 0, db.Duplicate(fmt.Errorf("submit report of unit %d: %w", k.UnitID, err), "report_submissions_one_active",
				validate.Input("period"), "Báo cáo kỳ này đã nộp và đang chờ cấp trên hoặc đã được nhận.",
				"The report of this period has been submitted and waits for, or has had, the level above's acceptance.")
		}
		return out.ID, nil
	})
	if id, ok := idempotency.ReplayOf(err); ok {
		list, err := s.SubmissionsByIDs(ctx, []int64{id})
		return list[id], err
	}
	return out, err
}

// packDetails is an export's lists as a submission keeps them: JSON,
// gzipped (migration 47).
func packDetails(d *Details) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := json.NewEncoder(zw).Encode(d); err != nil {
		return nil, fmt.Errorf("pack report details: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("pack report details: %w", err)
	}
	return buf.Bytes(), nil
}

// submittedDetails reads the lists a submission kept; nil for one made
// before they were kept.
func (s *Store) submittedDetails(ctx context.Context, id int64) (*Details, error) {
	var packed []byte
	if err := s.pool.QueryRow(ctx, `SELECT details FROM report_submissions WHERE id = $1`, id).Scan(&packed); err != nil {
		return nil, fmt.Errorf("details of submission %d: %w", id, err)
	}
	if packed == nil {
		return nil, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(packed))
	if err != nil {
		return nil, fmt.Errorf("details of submission %d: %w", id, err)
	}
	var d Details
	if err := json.NewDecoder(zr).Decode(&d); err != nil {
		return nil, fmt.Errorf("details of submission %d: %w", id, err)
	}
	return &d, nil
}

// refuseFrozen refuses a change to a document's texts or details while
// its report is submitted or accepted: what was handed in stays as it was.
func refuseFrozen(ctx context.Context, tx pgx.Tx, k DocumentKey) error {
	var frozen bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM report_submissions
		WHERE unit_id = $1 AND year = $2 AND period = $3 AND status <> 'RETURNED')`, k.UnitID, k.Year, k.Period).Scan(&frozen); err != nil {
		return fmt.Errorf("report submitted: %w", err)
	}
	if frozen {
		var v validate.Errors
		v.Add(validate.Input("unitId"), validate.NotAllowed, "Báo cáo kỳ này đã nộp cấp trên; chỉ sửa được khi cấp trên trả lại.",
			"This period's report has been submitted; it can be changed once the level above returns it.")
		return v.Err()
	}
	return nil
}

// AnswerInput is the parent's answer to a submission.
type AnswerInput struct {
	ID      int64
	Version int32
	// Note is why a report is returned (required then), or a remark.
	Note *string
}

func lockSubmission(ctx context.Context, tx pgx.Tx, id int64, version int32) (*Submission, error) {
	return versionlock.Lock(ctx, tx, `SELECT `+submissionColumns+` FROM report_submissions s WHERE s.id = $1 FOR UPDATE`, id, version,
		scanSubmission, func(s *Submission) int32 { return s.Version }, submissionNamed)
}

// Accept accepts a submitted report.
func (s *Store) Accept(ctx context.Context, a AnswerInput) (*Submission, error) {
	return s.answer(ctx, a, Accepted)
}

// Return returns a submitted report with the reason: the unit may change
// it and submit it again.
func (s *Store) Return(ctx context.Context, a AnswerInput) (*Submission, error) {
	return s.answer(ctx, a, Returned)
}

func (s *Store) answer(ctx context.Context, a AnswerInput, to SubmissionStatus) (*Submission, error) {
	return versionlock.Update(ctx, s.pool, a.ID, a.Version, lockSubmission, func(tx pgx.Tx, cur *Submission) (*Submission, error) {
		var v validate.Errors
		if cur.Status != Submitted {
			v.Add(validate.Input("id"), validate.NotAllowed, "Báo cáo đã được nhận hoặc trả lại.", "The report has already been answered.")
		}
		a.Note = v.OptionalText(validate.Input("note"), a.Note, 2000)
		if to == Returned && a.Note == nil && !v.Has(validate.Input("note")) {
			v.Add(validate.Input("note"), validate.Required, "Ghi lý do trả lại báo cáo.", "Say why the report is returned.")
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		out, err := scanSubmission(tx.QueryRow(ctx, `UPDATE report_submissions AS s SET status = $2, answered_at = now(),
			answer_note = $3, version = version + 1, updated_at = now() WHERE id = $1 RETURNING `+submissionColumns, cur.ID, to, a.Note))
		if err != nil {
			return nil, fmt.Errorf("answer report submission %d: %w", cur.ID, err)
		}
		return out, nil
	})
}

// SubmissionsByIDs returns submissions keyed by id.
func (s *Store) SubmissionsByIDs(ctx context.Context, ids []int64) (map[int64]*Submission, error) {
	return db.ByIDs(ctx, s.pool, "report_submissions s", submissionColumns, ids, scanSubmission, func(x *Submission) int64 { return x.ID })
}

// Submissions lists a unit's submissions of a period, the latest first.
func (s *Store) Submissions(ctx context.Context, k DocumentKey) ([]*Submission, error) {
	return db.Collect(ctx, s.pool, "list report submissions", scanSubmission, `SELECT `+submissionColumns+` FROM report_submissions s
		WHERE s.unit_id = $1 AND s.year = $2 AND s.period = $3 ORDER BY s.submitted_at DESC, s.id DESC`, k.UnitID, k.Year, k.Period)
}

// ChildSubmission is a unit below another and its latest submission of a
// period (nil: not submitted).
type ChildSubmission struct {
	UnitID     int64
	Submission *Submission
}

// ChildSubmissions lists the units directly below unitID today, each with
// its latest submission of the period, by name.
func (s *Store) ChildSubmissions(ctx context.Context, unitID int64, year int, period Period) ([]*ChildSubmission, error) {
	rows, err := s.pool.Query(ctx, `SELECT u.id, l.id FROM units u
		LEFT JOIN LATERAL (SELECT s.id FROM report_submissions s WHERE s.unit_id = u.id AND s.year = $2 AND s.period = $3
			ORDER BY s.submitted_at DESC, s.id DESC LIMIT 1) l ON true
		WHERE u.parent_id = $1 AND u.archived_at IS NULL ORDER BY u.name, u.id`, unitID, year, period)
	if err != nil {
		return nil, fmt.Errorf("child submissions of unit %d: %w", unitID, err)
	}
	var out []*ChildSubmission
	var ids []int64
	var child int64
	var sub *int64
	if _, err := pgx.ForEachRow(rows, []any{&child, &sub}, func() error {
		out = append(out, &ChildSubmission{UnitID: child})
		if sub != nil {
			ids = append(ids, *sub)
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("child submissions of unit %d: %w", unitID, err)
	}
	subs, err := s.SubmissionsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	byUnit := make(map[int64]*Submission, len(subs))
	for _, x := range subs {
		byUnit[x.UnitID] = x
	}
	for _, c := range out {
		c.Submission = byUnit[c.UnitID]
	}
	return out, nil
}

// FigureChange is a figure whose value now differs from the submitted one.
type FigureChange struct {
	Figure         string // its path in the report, e.g. "members.atYearEnd"
	Submitted, Now *float64
}

// Changes compares a submission's figures with the records' now: every
// number of the report that differs (nil where a side has none).
func (s *Store) Changes(ctx context.Context, sub *Submission) ([]FigureChange, error) {
	from, asOf := periodDays(DocumentKey{UnitID: sub.UnitID, Year: int(sub.Year), Period: sub.Period})
	now, err := s.Period(ctx, sub.UnitID, int(sub.Year), from, asOf, All)
	if err != nil {
		return nil, err
	}
	was, err := numbers(sub.Figures)
	if err != nil {
		return nil, err
	}
	is, err := numbers(now)
	if err != nil {
		return nil, err
	}
	var out []FigureChange
	for path, w := range was {
		if n, ok := is[path]; !ok || n != w {
			c := FigureChange{Figure: path, Submitted: ptr(w)}
			if ok {
				c.Now = ptr(n)
			}
			out = append(out, c)
		}
	}
	for path, n := range is {
		if _, ok := was[path]; !ok {
			out = append(out, FigureChange{Figure: path, Now: ptr(n)})
		}
	}
	slices.SortFunc(out, func(a, b FigureChange) int {
		switch {
		case a.Figure < b.Figure:
			return -1
		case a.Figure > b.Figure:
			return 1
		}
		return 0
	})
	return out, nil
}

// numbers flattens a report's numbers by their JSON path; the day it was
// computed until is not a figure.
func numbers(r *Report) (map[string]float64, error) {
	if r == nil {
		return map[string]float64{}, nil
	}
	cp := *r
	cp.ComputedUntil = time.Time{}
	raw, err := json.Marshal(cp)
	if err != nil {
		return nil, fmt.Errorf("report figures: %w", err)
	}
	var tree any
	if err := json.Unmarshal(raw, &tree); err != nil {
		return nil, fmt.Errorf("report figures: %w", err)
	}
	out := map[string]float64{}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case float64:
			if !math.IsNaN(x) {
				out[path] = x
			}
		case map[string]any:
			for k, e := range x {
				walk(join(path, k), e)
			}
		case []any:
			for i, e := range x {
				walk(join(path, label(e, i)), e)
			}
		}
	}
	walk("", tree)
	return out, nil
}

// label names an element of a list by what it is of (a work area, a unit,
// a pledge, a month), else by its place.
func label(e any, i int) string {
	if m, ok := e.(map[string]any); ok {
		for _, k := range []string{"WorkArea", "UnitID", "PledgeID", "Month", "Kind", "Form"} {
			if v, ok := m[k]; ok && v != nil && v != "" {
				return fmt.Sprint(v)
			}
		}
	}
	return strconv.Itoa(i)
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func ptr[T any](v T) *T { return &v }

// Row is the report's headline figures as a row of its parent's
// breakdown: what the parent adds up from its children's reports.
func (r *Report) Row() Unit {
	return Unit{UnitID: r.UnitID, Name: r.Name, Members: r.Members.AtYearEnd, Activities: r.Total.Activities,
		Participations: r.Total.Participations, VolunteerHours: r.Total.VolunteerHours,
		ContributionValue: money.Sum(r.Total.Cash, r.Total.InKind)}
}

// Rollup is a report's breakdown read from the reports its children
// submitted for its period rather than from their records.
type Rollup struct {
	Children []*SubmittedRow
	// Total is the unit's own row (from the records) and the children's
	// submitted rows added up; Submitted how many children have one.
	Total     Unit
	Submitted int
}

// SubmittedRow is a unit directly below and its figures as submitted.
type SubmittedRow struct {
	UnitID int64
	// Submission is its latest submission of the period not returned
	// (waiting or accepted), Figures that submission's row; nil: none.
	Submission *Submission
	Figures    *Unit
	// Live is the same row from the records now.
	Live Unit
}

// SubmittedRollup reads the submissions of the units directly below r's
// unit for r's period (none for days that are not a standard period). r
// must have its breakdown.
func (s *Store) SubmittedRollup(ctx context.Context, r *Report) (*Rollup, error) {
	out := &Rollup{Total: Unit{UnitID: r.UnitID, Name: r.Name}}
	if r.Own != nil {
		out.Total = *r.Own
	}
	ids := make([]int64, len(r.Children))
	for i, c := range r.Children {
		ids[i] = c.UnitID
	}
	byUnit := map[int64]*Submission{}
	if period := (ExportKey{UnitID: r.UnitID, Year: r.Year, From: r.AskedFrom, AsOf: r.AskedAsOf}).Period(); period != "" && len(ids) > 0 {
		subs, err := db.Collect(ctx, s.pool, "children's submissions", scanSubmission, `SELECT `+submissionColumns+`
			FROM report_submissions s WHERE s.unit_id = ANY ($1) AND s.year = $2 AND s.period = $3 AND s.status <> 'RETURNED'`,
			ids, r.Year, period)
		if err != nil {
			return nil, err
		}
		for _, x := range subs {
			byUnit[x.UnitID] = x
		}
	}
	for _, c := range r.Children {
		row := &SubmittedRow{UnitID: c.UnitID, Live: c}
		if sub := byUnit[c.UnitID]; sub != nil && sub.Figures != nil {
			fig := sub.Figures.Row()
			fig.Name = c.Name
			row.Submission, row.Figures = sub, &fig
			out.Submitted++
			t := &out.Total
			t.Members += fig.Members
			t.Activities += fig.Activities
			t.Participations += fig.Participations
			t.VolunteerHours += fig.VolunteerHours
			t.ContributionValue = money.Sum(t.ContributionValue, fig.ContributionValue)
		}
		out.Children = append(out.Children, row)
	}
	out.Total.UnitID, out.Total.Name = r.UnitID, r.Name
	return out, nil
}
