package member

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/apperr"
	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/dues"
	"github.com/sodoan/sodoan/internal/idempotency"
	"github.com/sodoan/sodoan/internal/validate"
)

// ImportRow is one member of a spreadsheet (internal/roster reads them).
// Line is its row in the file, which problems name.
type ImportRow struct {
	Line       int
	FullName   string
	Gender     Gender
	BirthDate  time.Time
	JoinedOn   time.Time
	CardNumber *string
	Position   Position
	Phone      *string
	Email      *string
	Address    *string
	// DuesCategory nil keeps a matched member's, and makes a new member
	// unsalaried.
	DuesCategory *dues.Category
}

// ImportProblem is why a row cannot be imported: Field is the column's key
// (fullName, cardNumber, ...; empty for the whole row).
type ImportProblem struct {
	Line   int     `json:"line"`
	Field  string  `json:"field"`
	Code   string  `json:"code"`
	VI     string  `json:"vi"`
	EN     string  `json:"en"`
	Column *string `json:"column,omitempty"` // the header as the file writes it, set by the caller
}

// ImportChange is what the import does to one row's member: creates them,
// or updates the Fields that differ (none: unchanged).
type ImportChange struct {
	Line     int      `json:"line"`
	MemberID int64    `json:"memberId,omitempty"` // 0 for a member a dry run would create
	Created  bool     `json:"created"`
	Fields   []string `json:"fields,omitempty"`
}

// ImportResult is an import's outcome. With any Problems nothing was
// written (nor is anything written by a dry run).
type ImportResult struct {
	ID                          int64 // of the import's log, once written
	Created, Updated, Unchanged int
	Changes                     []ImportChange
	Problems                    []ImportProblem
	plans                       []planned // what apply writes, in Changes' order
	// DryRun and IgnoredColumns are the caller's to set, for its answer.
	DryRun         bool
	IgnoredColumns []string
	// Status is RUNNING while a background import goes on (at Stage, of
	// RowsTotal rows), FAILED when it stopped (Failure says why).
	Status    ImportStatus
	Stage     *ImportStage
	RowsTotal *int
	Failure   *ImportFailure
	UnitID    int64
}

// ImportStatus is where an import stands.
type ImportStatus string

const (
	ImportRunning ImportStatus = "RUNNING"
	ImportDone    ImportStatus = "DONE"
	ImportFailed  ImportStatus = "FAILED"
)

// ImportStage is what a running import is doing.
type ImportStage string

const (
	ImportChecking ImportStage = "CHECKING"
	ImportWriting  ImportStage = "WRITING"
)

// ImportFailure is why an import failed: nothing of it was written.
type ImportFailure string

const (
	// ImportProblems: the list has problems (listed with it).
	ImportProblems ImportFailure = "PROBLEMS"
	// ImportInterrupted: the import stopped before it could finish (the
	// server shut down or failed); import the list again.
	ImportInterrupted ImportFailure = "INTERRUPTED"
)

// ImportInput imports rows into a branch.
type ImportInput struct {
	UnitID   int64
	UploadID *int64
	Rows     []ImportRow
	DryRun   bool
	// Headers are the file's headers by field (fullName: "Họ và tên"),
	// which the problems name.
	Headers map[string]string
	// JobID is the background import's log row (StartImport), which the
	// import fills in and whose stage it moves on; nil imports at once.
	JobID *int64
}

// Import writes a member list into a branch, all or nothing: a row whose
// card number is known, or whose name and birth date match a member of the
// branch, updates that member (only the fields the file has a value for:
// an empty cell keeps what is recorded); any other row creates a member
// admitted on their joining day. Every row is checked as memberCreate
// would check it, and the problems are returned by row and column, with
// nothing written. A real import is logged (member_imports) and takes an
// idempotency key: resent, it answers what it did the first time.
func (s *Store) Import(ctx context.Context, in ImportInput) (*ImportResult, error) {
	if len(in.Rows) == 0 {
		var v validate.Errors
		v.Add(validate.Input("upload"), validate.Required, "Tệp không có dòng đoàn viên nào.", "The file has no member rows.")
		return nil, v.Err()
	}
	var res *ImportResult
	run := func(tx pgx.Tx) (int64, error) {
		var v validate.Errors
		if err := branchCheck(ctx, tx, &v, validate.Input("unitId"), in.UnitID); err != nil {
			return 0, err
		}
		if err := v.Err(); err != nil {
			return 0, err
		}
		var err error
		res, err = s.plan(ctx, tx, in)
		if err != nil {
			return 0, err
		}
		for i := range res.Problems {
			if h, ok := in.Headers[res.Problems[i].Field]; ok {
				res.Problems[i].Column = &h
			}
		}
		if len(res.Problems) > 0 || in.DryRun {
			return 0, nil
		}
		if in.JobID != nil {
			if err := s.importStage(ctx, *in.JobID, ImportWriting); err != nil {
				return 0, err
			}
		}
		return s.apply(ctx, tx, in, res)
	}
	if in.DryRun {
		err := db.InTx(ctx, s.pool, func(tx pgx.Tx) error { _, err := run(tx); return err })
		return res, err
	}
	write := func(tx pgx.Tx) (int64, error) {
		id, err := run(tx)
		if err == nil && len(res.Problems) > 0 {
			err = errProblems // roll back: nothing of a file with problems is written
		}
		return id, err
	}
	var err error
	if in.JobID != nil {
		err = db.InTx(ctx, s.pool, func(tx pgx.Tx) error { _, err := write(tx); return err }) // StartImport claimed the key
	} else {
		err = idempotency.InTx(ctx, s.pool, write)
	}
	if errors.Is(err, errProblems) {
		return res, nil
	}
	if id, ok := idempotency.ReplayOf(err); ok {
		return s.ImportByID(ctx, id)
	}
	return res, err
}

var errProblems = errors.New("the member list has problems")

// planned is a row with the member it becomes: created (ID 0) or updated.
type planned struct {
	row    ImportRow
	m      *Member
	fields []string
}

// plan matches each row to a member, checks it and says what would change.
func (s *Store) plan(ctx context.Context, tx pgx.Tx, in ImportInput) (*ImportResult, error) {
	res := &ImportResult{}
	existing, err := db.Collect(ctx, tx, "members of the branch", scanOne,
		`SELECT `+memberColumns+` FROM members m WHERE m.unit_id = $1 FOR UPDATE`, in.UnitID)
	if err != nil {
		return nil, err
	}
	var cards []string
	for _, r := range in.Rows {
		if r.CardNumber != nil {
			cards = append(cards, *r.CardNumber)
		}
	}
	elsewhere, err := db.Collect(ctx, tx, "members by card", scanOne,
		`SELECT `+memberColumns+` FROM members m WHERE m.card_number = ANY ($1) AND m.unit_id <> $2`, cards, in.UnitID)
	if err != nil {
		return nil, err
	}
	byCard, byPerson := map[string]*Member{}, map[string]*Member{}
	for _, m := range existing {
		if m.CardNumber != nil {
			byCard[*m.CardNumber] = m
		}
		byPerson[personKey(m.FullName, m.BirthDate)] = m
	}
	taken := map[string]bool{}
	for _, m := range elsewhere {
		taken[*m.CardNumber] = true
	}
	seenCard, seenPerson, seenMember := map[string]int{}, map[string]int{}, map[int64]int{}
	var plans []planned
	for _, r := range in.Rows {
		problem := func(field, code, vi, en string) {
			res.Problems = append(res.Problems, ImportProblem{Line: r.Line, Field: field, Code: code, VI: vi, EN: en})
		}
		pk := personKey(r.FullName, r.BirthDate)
		if r.CardNumber != nil {
			if line, dup := seenCard[*r.CardNumber]; dup {
				problem("cardNumber", validate.Duplicate, fmt.Sprintf("Số thẻ trùng với dòng %d.", line), fmt.Sprintf("The same card number as row %d.", line))
				continue
			}
			seenCard[*r.CardNumber] = r.Line
			if taken[*r.CardNumber] {
				problem("cardNumber", validate.Duplicate, "Số thẻ đã có đoàn viên ở chi đoàn khác dùng.", "A member of another branch has this card number.")
				continue
			}
		}
		if line, dup := seenPerson[pk]; dup {
			problem("fullName", validate.Duplicate, fmt.Sprintf("Trùng họ tên và ngày sinh với dòng %d.", line),
				fmt.Sprintf("The same name and birth date as row %d.", line))
			continue
		}
		seenPerson[pk] = r.Line
		var cur *Member
		if r.CardNumber != nil {
			cur = byCard[*r.CardNumber]
		}
		if cur == nil {
			cur = byPerson[pk]
		}
		p := planned{row: r}
		if cur != nil {
			if line, dup := seenMember[cur.ID]; dup {
				problem("", validate.Duplicate, fmt.Sprintf("Cùng một đoàn viên với dòng %d.", line), fmt.Sprintf("The same member as row %d.", line))
				continue
			}
			seenMember[cur.ID] = r.Line
			next := *cur
			p.fields = merge(&next, r)
			p.m = &next
		} else {
			p.m = &Member{UnitID: in.UnitID, FullName: r.FullName, Gender: r.Gender, BirthDate: r.BirthDate, JoinedOn: r.JoinedOn,
				CardNumber: r.CardNumber, Position: r.Position, Phone: r.Phone, Email: r.Email, Address: r.Address, Status: Active,
				DuesCategory: dues.Unsalaried}
			if r.DuesCategory != nil {
				p.m.DuesCategory = *r.DuesCategory
			}
		}
		var v validate.Errors
		s.checkDetails(&v, p.m)
		if err := v.Err(); err != nil {
			var inv *apperr.Invalid
			errors.As(err, &inv)
			for _, fe := range inv.Errors {
				problem(fe.Field[len(fe.Field)-1], fe.Code, fe.VI, fe.EN)
			}
			continue
		}
		plans = append(plans, p)
	}
	for _, p := range plans {
		c := ImportChange{Line: p.row.Line, MemberID: p.m.ID, Created: p.m.ID == 0, Fields: p.fields}
		switch {
		case c.Created:
			res.Created++
		case len(c.Fields) > 0:
			res.Updated++
		default:
			res.Unchanged++
		}
		res.Changes = append(res.Changes, c)
	}
	res.plans = plans
	return res, nil
}

func personKey(name string, birth time.Time) string {
	return strings.ToLower(strings.Join(strings.Fields(name), " ")) + "|" + birth.Format(time.DateOnly)
}

// merge puts r's values over m's, an empty optional cell keeping m's, and
// returns the fields that changed.
func merge(m *Member, r ImportRow) []string {
	var changed []string
	set := func(field string, differ bool, apply func()) {
		if differ {
			apply()
			changed = append(changed, field)
		}
	}
	set("fullName", r.FullName != m.FullName, func() { m.FullName = r.FullName })
	set("gender", r.Gender != m.Gender, func() { m.Gender = r.Gender })
	set("birthDate", !r.BirthDate.Equal(m.BirthDate), func() { m.BirthDate = r.BirthDate })
	set("joinedOn", !r.JoinedOn.Equal(m.JoinedOn), func() { m.JoinedOn = r.JoinedOn })
	set("position", r.Position != m.Position, func() { m.Position = r.Position })
	set("duesCategory", r.DuesCategory != nil && *r.DuesCategory != m.DuesCategory, func() { m.DuesCategory = *r.DuesCategory })
	for _, o := range []struct {
		field string
		from  *string
		to    **string
	}{{"cardNumber", r.CardNumber, &m.CardNumber}, {"phone", r.Phone, &m.Phone}, {"email", r.Email, &m.Email}, {"address", r.Address, &m.Address}} {
		set(o.field, o.from != nil && (*o.to == nil || **o.to != *o.from), func() { *o.to = o.from })
	}
	return changed
}

// apply writes a planned import: the new members and their admissions in
// one statement each, the updates in one, and the import's log.
func (s *Store) apply(ctx context.Context, tx pgx.Tx, in ImportInput, res *ImportResult) (int64, error) {
	var created, updated columns
	for _, p := range res.plans {
		switch {
		case p.m.ID == 0:
			created.add(p.m)
		case len(p.fields) > 0:
			updated.add(p.m)
		}
	}
	if len(created.names) > 0 {
		rows, err := tx.Query(ctx, `INSERT INTO members AS m (unit_id, full_name, gender, birth_date, joined_on, card_number, position, phone, email, address, dues_category)
			SELECT $1, * FROM unnest($2::text[], $3::text[], $4::date[], $5::date[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
			RETURNING m.id, m.full_name, m.birth_date, m.joined_on`, append([]any{in.UnitID}, created.values()[1:]...)...)
		if err != nil {
			return 0, duplicateCard(fmt.Errorf("insert imported members: %w", err))
		}
		// Who got which id, by name and birth date: one created member each
		// (plan refused twins), and RETURNING's order is not promised.
		ids, joined, idOf := []int64{}, []time.Time{}, map[string]int64{}
		var id int64
		var name string
		var birth, join time.Time
		if _, err := pgx.ForEachRow(rows, []any{&id, &name, &birth, &join}, func() error {
			ids, joined, idOf[personKey(name, birth)] = append(ids, id), append(joined, join), id
			return nil
		}); err != nil {
			return 0, duplicateCard(fmt.Errorf("insert imported members: %w", err))
		}
		if _, err := tx.Exec(ctx, `INSERT INTO member_events (member_id, kind, occurred_on, unit_id)
			SELECT id, 'ADMITTED', on_day, $3 FROM unnest($1::bigint[], $2::date[]) AS x (id, on_day)`, ids, joined, in.UnitID); err != nil {
			return 0, fmt.Errorf("record imported members' admissions: %w", err)
		}
		for i := range res.Changes {
			if c, m := &res.Changes[i], res.plans[i].m; c.Created {
				c.MemberID = idOf[personKey(m.FullName, m.BirthDate)]
			}
		}
	}
	if len(updated.ids) > 0 {
		if _, err := tx.Exec(ctx, `UPDATE members AS m SET full_name = u.full_name, gender = u.gender, birth_date = u.birth_date,
				joined_on = u.joined_on, card_number = u.card_number, position = u.position, phone = u.phone, email = u.email,
				address = u.address, dues_category = u.dues_category, version = m.version + 1, updated_at = now()
			FROM unnest($1::bigint[], $2::text[], $3::text[], $4::date[], $5::date[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
				AS u (id, full_name, gender, birth_date, joined_on, card_number, position, phone, email, address, dues_category)
			WHERE m.id = u.id`, updated.values()...); err != nil {
			return 0, duplicateCard(fmt.Errorf("update imported members: %w", err))
		}
	}
	summary, err := json.Marshal(map[string]any{"changes": res.Changes})
	if err != nil {
		return 0, fmt.Errorf("log member import: %w", err)
	}
	if in.JobID != nil {
		// The job's row, written when it started, is filled in as the
		// import commits.
		res.ID = *in.JobID
		_, err = tx.Exec(ctx, `UPDATE member_imports SET status = 'DONE', stage = NULL, created = $2, updated = $3, unchanged = $4,
			summary = $5, updated_at = now() WHERE id = $1`, res.ID, res.Created, res.Updated, res.Unchanged, summary)
	} else {
		err = tx.QueryRow(ctx, `INSERT INTO member_imports (unit_id, account_id, upload_id, created, updated, unchanged, summary)
			VALUES ($1, nullif(current_setting('sodoan.account_id', true), '')::bigint, $2, $3, $4, $5, $6) RETURNING id`,
			in.UnitID, in.UploadID, res.Created, res.Updated, res.Unchanged, summary).Scan(&res.ID)
	}
	if err != nil {
		return 0, fmt.Errorf("log member import: %w", err)
	}
	return res.ID, nil
}

// columns are members' fields side by side, for unnest.
type columns struct {
	ids                              []int64
	names, genders, positions        []string
	births, joins                    []time.Time
	cards, phones, emails, addresses []*string
	categories                       []string
}

func (c *columns) add(m *Member) {
	c.ids = append(c.ids, m.ID)
	c.names, c.genders, c.positions = append(c.names, m.FullName), append(c.genders, string(m.Gender)), append(c.positions, string(m.Position))
	c.births, c.joins = append(c.births, m.BirthDate), append(c.joins, m.JoinedOn)
	c.cards, c.phones = append(c.cards, m.CardNumber), append(c.phones, m.Phone)
	c.emails, c.addresses = append(c.emails, m.Email), append(c.addresses, m.Address)
	c.categories = append(c.categories, string(m.DuesCategory))
}

// values are the columns in the statements' order: id, full name, gender,
// birth date, joining date, card, position, phone, email, address, dues category.
func (c *columns) values() []any {
	return []any{c.ids, c.names, c.genders, c.births, c.joins, c.cards, c.positions, c.phones, c.emails, c.addresses, c.categories}
}
