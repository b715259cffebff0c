package report

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/activity"
	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/validate"
)

// Period is what a report covers: a year (tổng kết), its first half (sơ
// kết 6 tháng) or a quarter.
type Period string

const (
	WholeYear Period = "YEAR"
	FirstHalf Period = "FIRST_HALF"
	Q1        Period = "Q1"
	Q2        Period = "Q2"
	Q3        Period = "Q3"
	Q4        Period = "Q4"
)

// Bounds are the first and last days of the period in year.
func (p Period) Bounds(year int) (from, to time.Time) {
	first := map[Period]time.Month{WholeYear: 1, FirstHalf: 1, Q1: 1, Q2: 4, Q3: 7, Q4: 10}[p]
	months := map[Period]int{WholeYear: 12, FirstHalf: 6, Q1: 3, Q2: 3, Q3: 3, Q4: 3}[p]
	from = time.Date(year, first, 1, 0, 0, 0, 0, time.UTC)
	return from, from.AddDate(0, months, -1)
}

// Section is a part of a report's text that the secretary writes.
type Section string

const (
	Situation   Section = "SITUATION"   // đặc điểm tình hình
	WorkAreaSec Section = "WORK_AREA"   // kết quả của một lĩnh vực
	Strengths   Section = "STRENGTHS"   // ưu điểm
	Limitations Section = "LIMITATIONS" // hạn chế
	Causes      Section = "CAUSES"      // nguyên nhân
	Lessons     Section = "LESSONS"     // bài học kinh nghiệm
	Directions  Section = "DIRECTIONS"  // phương hướng, nhiệm vụ kỳ tới
	Solutions   Section = "SOLUTIONS"   // giải pháp
)

// Document is a report's own details: its number (Số: 05-BC/CĐ), the place
// and day it is dated, and who receives it (nơi nhận).
type Document struct {
	ID         int64
	UnitID     int64
	Year       int32
	Period     Period
	Number     *string
	Place      *string
	DatedOn    *time.Time
	Recipients []string
	Version    int32
	// Frozen, when set, are the texts of a submitted document, which it
	// shows instead of today's.
	Frozen []*Text `json:"-"`
}

const documentColumns = `d.id, d.unit_id, d.year, d.period, d.number, d.place, d.dated_on, d.recipients, d.version`

var scanDocument = db.Scanner(func(d *Document) []any {
	return []any{&d.ID, &d.UnitID, &d.Year, &d.Period, &d.Number, &d.Place, &d.DatedOn, &d.Recipients, &d.Version}
})

// Text is one section of a document's text, at its latest version.
type Text struct {
	DocumentID int64
	Section    Section
	WorkArea   string // of a WORK_AREA text; "" for the others
	Body       string
	Version    int32
	UpdatedAt  time.Time
}

const textColumns = `t.document_id, t.section, t.work_area, t.body, t.version, t.updated_at`

var scanText = db.Scanner(func(t *Text) []any {
	return []any{&t.DocumentID, &t.Section, &t.WorkArea, &t.Body, &t.Version, &t.UpdatedAt}
})

// TextVersion is a version of a text as it was saved.
type TextVersion struct {
	Version int32
	Body    string
	SavedAt time.Time
}

// Limits of a document's details and texts.
const (
	maxBody       = 50000
	maxRecipients = 30
	maxRecipient  = 200
)

// DocumentKey names a unit's report for a period.
type DocumentKey struct {
	UnitID int64
	Year   int
	Period Period
}

func (k DocumentKey) check(v *validate.Errors, now time.Time) {
	if k.Year < 1931 || k.Year > now.Year()+1 {
		v.Add(validate.Input("year"), validate.OutOfRange, fmt.Sprintf("Năm từ 1931 đến %d.", now.Year()+1),
			fmt.Sprintf("A year from 1931 to %d.", now.Year()+1))
	}
}

// DocumentOf returns a unit's report document for a period; nil when
// nothing has been written for it.
func (s *Store) DocumentOf(ctx context.Context, k DocumentKey) (*Document, error) {
	return db.OrNil(s.pool.QueryRow(ctx, `SELECT `+documentColumns+` FROM report_documents d
		WHERE d.unit_id = $1 AND d.year = $2 AND d.period = $3`, k.UnitID, k.Year, k.Period), scanDocument,
		"report document of unit %d", k.UnitID)
}

// DocumentInput sets a document's details. Version is the one read (0
// for a document not written yet).
type DocumentInput struct {
	DocumentKey
	Number     *string
	Place      *string
	DatedOn    *time.Time
	Recipients []string
	Version    int32
}

// SetDocument writes a document's details.
func (s *Store) SetDocument(ctx context.Context, in DocumentInput) (*Document, error) {
	var v validate.Errors
	in.check(&v, s.now())
	in.Number = v.OptionalText(validate.Input("number"), in.Number, 100)
	in.Place = v.OptionalText(validate.Input("place"), in.Place, 200)
	if len(in.Recipients) > maxRecipients {
		v.Add(validate.Input("recipients"), validate.OutOfRange, fmt.Sprintf("Tối đa %d nơi nhận.", maxRecipients),
			fmt.Sprintf("At most %d recipients.", maxRecipients))
	}
	recipients := make([]string, 0, len(in.Recipients))
	for i, r := range in.Recipients {
		if t := v.Text(validate.Input("recipients", i), r, true, maxRecipient); t != "" {
			recipients = append(recipients, t)
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out *Document
	err := db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		cur, err := s.lockDocument(ctx, tx, &v, in.DocumentKey, true)
		if err != nil {
			return err
		}
		if cur.Version != in.Version {
			return validate.StaleError(validate.Input("version"))
		}
		out, err = scanDocument(tx.QueryRow(ctx, `UPDATE report_documents AS d SET number = $2, place = $3, dated_on = $4,
			recipients = $5, version = version + 1, updated_at = now() WHERE id = $1 RETURNING `+documentColumns,
			cur.ID, in.Number, in.Place, in.DatedOn, recipients))
		if err != nil {
			return fmt.Errorf("set report document %d: %w", cur.ID, err)
		}
		return nil
	})
	return out, err
}

// lockDocument locks the document of k, making it (at version 0) when it
// does not exist yet; a unit that does not exist is a field error. To edit
// it, its report must not be submitted (waiting or accepted): what was
// handed in stays as it was.
func (s *Store) lockDocument(ctx context.Context, tx pgx.Tx, v *validate.Errors, k DocumentKey, edit bool) (*Document, error) {
	var one int
	switch err := tx.QueryRow(ctx, `SELECT 1 FROM units WHERE id = $1 FOR KEY SHARE`, k.UnitID).Scan(&one); {
	case errors.Is(err, pgx.ErrNoRows):
		v.Add(validate.Input("unitId"), validate.NotFound, "Không tìm thấy đơn vị.", "No such unit.")
		return nil, v.Err()
	case err != nil:
		return nil, fmt.Errorf("unit %d of a report document: %w", k.UnitID, err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO report_documents (unit_id, year, period, version) VALUES ($1, $2, $3, 0)
		ON CONFLICT (unit_id, year, period) DO NOTHING`, k.UnitID, k.Year, k.Period); err != nil {
		return nil, fmt.Errorf("make report document: %w", err)
	}
	d, err := scanDocument(tx.QueryRow(ctx, `SELECT `+documentColumns+` FROM report_documents d
		WHERE d.unit_id = $1 AND d.year = $2 AND d.period = $3 FOR UPDATE`, k.UnitID, k.Year, k.Period))
	if err != nil {
		return nil, fmt.Errorf("lock report document: %w", err)
	}
	if edit {
		if err := refuseFrozen(ctx, tx, k); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// TextInput saves a section of a document's text. Version is the one read
// (0 for a section not written yet); an empty Body clears the section,
// its versions kept.
type TextInput struct {
	DocumentKey
	Section  Section
	WorkArea *activity.WorkArea
	Body     string
	Version  int32
}

// SaveText saves a section of a document's text as a new version.
func (s *Store) SaveText(ctx context.Context, in TextInput) (*Text, error) {
	var v validate.Errors
	in.check(&v, s.now())
	area := ""
	switch {
	case in.Section == WorkAreaSec && in.WorkArea == nil:
		v.Add(validate.Input("workArea"), validate.Required, "Ghi lĩnh vực của phần kết quả này.", "Say which work area the text is of.")
	case in.Section == WorkAreaSec:
		area = string(*in.WorkArea)
	case in.WorkArea != nil:
		v.Add(validate.Input("workArea"), validate.NotAllowed, "Chỉ phần kết quả theo lĩnh vực (WORK_AREA) có lĩnh vực.",
			"Only a WORK_AREA text has a work area.")
	}
	body := v.Text(validate.Input("body"), in.Body, false, maxBody)
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out *Text
	err := db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		doc, err := s.lockDocument(ctx, tx, &v, in.DocumentKey, true)
		if err != nil {
			return err
		}
		var cur int32
		if err := tx.QueryRow(ctx, `SELECT coalesce((SELECT version FROM report_texts
			WHERE document_id = $1 AND section = $2 AND work_area = $3), 0)`, doc.ID, in.Section, area).Scan(&cur); err != nil {
			return fmt.Errorf("report text of document %d: %w", doc.ID, err)
		}
		if cur != in.Version {
			return validate.StaleError(validate.Input("version"))
		}
		out, err = scanText(tx.QueryRow(ctx, `INSERT INTO report_texts AS t (document_id, unit_id, section, work_area, body, version, account_id)
			VALUES ($1, $2, $3, $4, $5, 1, nullif(current_setting('sodoan.account_id', true), '')::bigint)
			ON CONFLICT (document_id, section, work_area) DO UPDATE SET body = EXCLUDED.body, version = t.version + 1,
				account_id = EXCLUDED.account_id, updated_at = now()
			RETURNING `+textColumns, doc.ID, in.UnitID, in.Section, area, body))
		if err != nil {
			return fmt.Errorf("save report text of document %d: %w", doc.ID, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO report_text_versions (document_id, section, work_area, version, body, account_id)
			VALUES ($1, $2, $3, $4, $5, nullif(current_setting('sodoan.account_id', true), '')::bigint)`,
			doc.ID, in.Section, area, out.Version, body); err != nil {
			return fmt.Errorf("keep report text version: %w", err)
		}
		return nil
	})
	return out, err
}

// TextsOf returns each document's texts, in the document's order of
// sections, keyed by document.
func (s *Store) TextsOf(ctx context.Context, documentIDs []int64) (map[int64][]*Text, error) {
	return db.Grouped(ctx, s.pool, "load report texts", scanText, func(t *Text) int64 { return t.DocumentID },
		`SELECT `+textColumns+` FROM report_texts t WHERE t.document_id = ANY ($1)
		ORDER BY t.document_id, array_position(ARRAY['SITUATION', 'WORK_AREA', 'STRENGTHS', 'LIMITATIONS', 'CAUSES', 'LESSONS',
			'DIRECTIONS', 'SOLUTIONS'], t.section), array_position(ARRAY['POLITICAL_EDUCATION', 'YOUTH_VOLUNTEERING',
			'CREATIVE_YOUTH', 'DEFENDING_FATHERLAND', 'ORGANISATION_BUILDING'], t.work_area)`, documentIDs)
}

// MaxTextVersions bounds one list of a text's versions.
const MaxTextVersions = 100

// TextHistory returns a text's versions, the newest first.
func (s *Store) TextHistory(ctx context.Context, t *Text, first int) ([]*TextVersion, error) {
	return db.Collect(ctx, s.pool, "report text history", db.Scanner(func(v *TextVersion) []any {
		return []any{&v.Version, &v.Body, &v.SavedAt}
	}), `SELECT version, body, saved_at FROM report_text_versions WHERE document_id = $1 AND section = $2 AND work_area = $3
		ORDER BY version DESC LIMIT $4`, t.DocumentID, t.Section, t.WorkArea, min(max(first, 0), MaxTextVersions))
}
