package org

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/access"
	"github.com/sodoan/sodoan/internal/apperr"
	"github.com/sodoan/sodoan/internal/dates"
	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/member"
	"github.com/sodoan/sodoan/internal/patch"
	"github.com/sodoan/sodoan/internal/validate"
)

// Restructuring decisions. Each is one transaction: the decision row, the
// changed units (today's row in units and, through the database's
// triggers, their versions: the version before closes on the day before
// the effective date and a new one opens on it), the members transferred,
// the posts ended and the lineage, all audited. Decisions dated after today
// are refused for now: units holds today's tree, and a decision not yet in
// force would need something to apply it on its day.

// ChangeKind is the kind of a restructuring decision.
type ChangeKind string

const (
	ChangeRename      ChangeKind = "RENAME"
	ChangeMove        ChangeKind = "MOVE"
	ChangeMerge       ChangeKind = "MERGE"
	ChangeSplit       ChangeKind = "SPLIT"
	ChangeDissolve    ChangeKind = "DISSOLVE"
	ChangeLevelChange ChangeKind = "CHANGE_LEVEL"
)

// Change is a recorded restructuring decision.
type Change struct {
	ID             int64
	Kind           ChangeKind
	UnitID         int64 // the unit the decision is about; a merge's successor
	EffectiveOn    time.Time
	DecisionNumber string
	Note           *string
	CreatedBy      *int64
	CreatedAt      time.Time
	// Links are the lineage the decision recorded (merge, split, dissolve).
	Links []LineageLink
}

// LineageLink says that Successor carries on (part of) Predecessor from the
// change's effective date.
type LineageLink struct {
	ChangeID      int64
	PredecessorID int64
	SuccessorID   int64
}

// Decided is what every restructuring decision carries.
type Decided struct {
	EffectiveOn    time.Time
	DecisionNumber string // số quyết định, e.g. "125-QĐ/TĐTN"
	Note           *string
}

const (
	maxDecision = 100
	maxNote     = 2000
	// maxDecided bounds the units one merge joins or one split forms: the
	// reform joined a handful at a time, and each is locked and checked in
	// one transaction (5,000 held a connection for 9 s).
	maxDecided = 50
)

var (
	fieldEffective = validate.Input("effectiveOn")
	fieldDecision  = validate.Input("decisionNumber")
	fieldNote      = validate.Input("note")
	fieldUnit      = validate.Input("unitId")
)

func enDate(d time.Time) string { return d.Format(time.DateOnly) }

// checkDecided checks the decision's own fields.
func (t *Timeline) checkDecided(v *validate.Errors, d *Decided) {
	d.DecisionNumber = v.Text(fieldDecision, d.DecisionNumber, true, maxDecision)
	d.Note = v.OptionalText(fieldNote, d.Note, maxNote)
	d.EffectiveOn = dateOf(d.EffectiveOn)
	switch {
	case d.EffectiveOn.IsZero():
		v.Add(fieldEffective, validate.Required, "Cần ngày hiệu lực.", "The effective date is required.")
	case d.EffectiveOn.Before(FoundingDate):
		v.Add(fieldEffective, validate.OutOfRange,
			"Ngày hiệu lực không được trước ngày thành lập Đoàn (26/03/1931).",
			"The effective date cannot be before the Union's founding (1931-03-26).")
	case d.EffectiveOn.After(t.today()):
		v.Add(fieldEffective, validate.OutOfRange,
			"Chưa ghi nhận được quyết định có hiệu lực sau hôm nay; hãy ghi nhận vào ngày quyết định có hiệu lực.",
			"Decisions taking effect after today cannot be recorded yet; record it on or after its effective date.")
	}
}

// unitState is a unit locked for a change, with the span of its versions.
type unitState struct {
	*Unit
	start    *time.Time // its first version's start: when it came to exist
	openFrom *time.Time // its open version's start; nil once it ended
	lastDay  *time.Time // its last version's end, when it ended
}

func (s *unitState) ended() bool { return s.openFrom == nil || s.Archived() }

// lockState locks a unit and reads the span of its versions, or nil when
// the unit does not exist.
func lockState(ctx context.Context, tx pgx.Tx, id int64) (*unitState, error) {
	u, err := lockUnit(ctx, tx, id)
	if err != nil || u == nil {
		return nil, err
	}
	s := &unitState{Unit: u}
	err = tx.QueryRow(ctx, `SELECT min(valid_from), max(valid_from) FILTER (WHERE valid_to IS NULL), max(valid_to)
		FROM unit_versions WHERE unit_id = $1`, id).Scan(&s.start, &s.openFrom, &s.lastDay)
	if err != nil {
		return nil, fmt.Errorf("versions of unit %d: %w", id, err)
	}
	return s, nil
}

// checkChangeable records why unit s cannot change on eff, if it cannot:
// it does not exist, has ended, did not exist yet, or has a version that
// starts after eff (a change on eff would overlap it).
func checkChangeable(v *validate.Errors, field []string, s *unitState, eff time.Time) {
	switch {
	case s == nil:
		v.Add(field, validate.NotFound, "Không tìm thấy đơn vị.", "No such unit.")
	case s.ended():
		v.Add(field, validate.NotAllowed, "Đơn vị đã giải thể, hợp nhất hoặc lưu trữ.", "The unit was dissolved, merged or archived.")
	case eff.IsZero():
	case s.start != nil && eff.Before(*s.start):
		v.Add(fieldEffective, validate.DateOrder,
			fmt.Sprintf("Ngày hiệu lực trước khi đơn vị %s được thành lập (%s).", s.Name, dates.Format(*s.start)),
			fmt.Sprintf("The effective date is before %s existed (from %s).", s.Name, enDate(*s.start)))
	case eff.Before(*s.openFrom):
		v.Add(fieldEffective, validate.Conflict,
			fmt.Sprintf("Đơn vị %s đã có thay đổi từ ngày %s; thay đổi với ngày hiệu lực sớm hơn sẽ chồng lên thay đổi đó.", s.Name, dates.Format(*s.openFrom)),
			fmt.Sprintf("%s already has a change effective %s; a change effective earlier would overlap it.", s.Name, enDate(*s.openFrom)))
	}
}

// checkSubtreeFrom records a conflict when a unit below s has a version
// starting after eff: moving s on eff would rewrite that unit's path in a
// version that is already history.
func checkSubtreeFrom(ctx context.Context, tx pgx.Tx, v *validate.Errors, field []string, s *unitState, eff time.Time) error {
	var latest *time.Time
	var name *string
	err := tx.QueryRow(ctx, `SELECT v.valid_from, v.name FROM units u JOIN unit_versions v ON v.unit_id = u.id AND v.valid_to IS NULL
		WHERE u.path <@ $1::ltree AND u.id <> $2 ORDER BY v.valid_from DESC LIMIT 1`, s.Path, s.ID).Scan(&latest, &name)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("latest change below unit %d: %w", s.ID, err)
	}
	if latest != nil && latest.After(eff) {
		v.Add(field, validate.Conflict,
			fmt.Sprintf("Đơn vị trực thuộc %s đã có thay đổi từ ngày %s, sau ngày hiệu lực.", *name, dates.Format(*latest)),
			fmt.Sprintf("%s, below this unit, has a change effective %s, after the effective date.", *name, enDate(*latest)))
	}
	return nil
}

// checkParentAt records why parent cannot take a unit at level from eff,
// if it cannot: checkParent's reasons, or that it did not stand where it
// stands now on eff (a child placed under it then would get a path the
// parent did not have).
func checkParentAt(ctx context.Context, tx pgx.Tx, v *validate.Errors, field []string, parent *unitState, level Level, eff time.Time) error {
	if parent == nil {
		checkParent(v, field, nil, level)
		return nil
	}
	checkParent(v, field, parent.Unit, level)
	if v.Has(field) || eff.IsZero() {
		return nil
	}
	var since *time.Time
	if err := tx.QueryRow(ctx, `SELECT unit_stable_since($1)`, parent.ID).Scan(&since); err != nil {
		return fmt.Errorf("since when unit %d stands where it is: %w", parent.ID, err)
	}
	switch {
	case since == nil:
		v.Add(field, validate.NotAllowed, "Đơn vị cấp trên đã giải thể hoặc hợp nhất.", "The parent unit was dissolved or merged.")
	case since.After(eff):
		v.Add(field, validate.DateOrder,
			fmt.Sprintf("Đơn vị cấp trên chỉ ở vị trí hiện nay từ ngày %s, sau ngày hiệu lực.", dates.Format(*since)),
			fmt.Sprintf("The parent unit stands where it is now only from %s, after the effective date.", enDate(*since)))
	}
	return nil
}

// decideOn runs a decision about one unit in one transaction (restructure):
// the unit is locked and must be changeable on the effective date, its
// errors joining v (which holds the decision's own); then apply checks the
// rest and writes. A unit that does not exist ends it with v's errors.
func (t *Timeline) decideOn(ctx context.Context, v *validate.Errors, unitID int64, eff time.Time,
	apply func(tx pgx.Tx, u *unitState) error) error {
	return t.restructure(ctx, func(tx pgx.Tx) error {
		u, err := lockState(ctx, tx, unitID)
		if err != nil {
			return err
		}
		checkChangeable(v, fieldUnit, u, eff)
		if u == nil {
			return v.Err()
		}
		return apply(tx, u)
	})
}

// decideSet records decision d about unit unitID (d already checked into
// v): check runs on the locked unit and returns what the decision sets
// (the SET clause, its values from $2), which decideUpdate writes.
func (t *Timeline) decideSet(ctx context.Context, v *validate.Errors, unitID int64, d Decided, kind ChangeKind,
	check func(pgx.Tx, *unitState) (set string, args []any, err error)) (*Change, error) {
	var out *Change
	err := t.decideOn(ctx, v, unitID, d.EffectiveOn, func(tx pgx.Tx, u *unitState) error {
		set, args, err := check(tx, u)
		if err != nil {
			return err
		}
		out, err = decideUpdate(ctx, tx, v, kind, u, d, set, args...)
		return err
	})
	return out, err
}

// decideUpdate records a decision about u, once v holds no errors, and
// applies it to u's row: set is what changes, with $1 u's id and args from $2.
func decideUpdate(ctx context.Context, tx pgx.Tx, v *validate.Errors, kind ChangeKind, u *unitState, d Decided,
	set string, args ...any) (*Change, error) {
	if err := v.Err(); err != nil {
		return nil, err
	}
	c, err := recordChange(ctx, tx, kind, u.ID, d)
	if err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `UPDATE units SET `+set+`, version = version + 1, updated_at = now() WHERE id = $1`,
		append([]any{u.ID}, args...)...); err != nil {
		return nil, fmt.Errorf("%s of unit %d: %w", kind, u.ID, err)
	}
	return c, nil
}

// restructure runs fn in a transaction and clears the effective date it
// named for the triggers, so a plain edit later in an enclosing transaction
// (the demo loader's) is not dated with it.
func (t *Timeline) restructure(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return db.InTx(ctx, t.pool, func(tx pgx.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `SELECT set_config('sodoan.effective_on', '', true), set_config('sodoan.unit_change', '', true)`)
		return err
	})
}

// setEffective names the effective date for the versioning triggers.
func setEffective(ctx context.Context, tx pgx.Tx, eff time.Time) error {
	_, err := tx.Exec(ctx, `SELECT set_config('sodoan.effective_on', $1, true)`, eff.Format(time.DateOnly))
	if err != nil {
		return fmt.Errorf("name the effective date: %w", err)
	}
	return nil
}

// recordChange writes the decision and names it (and its date) for the
// versioning triggers, so the versions it opens point at it.
func recordChange(ctx context.Context, tx pgx.Tx, kind ChangeKind, unitID int64, d Decided) (*Change, error) {
	var actor *int64
	if a, ok := db.ActorFrom(ctx); ok && a.AccountID != 0 {
		actor = &a.AccountID
	}
	c := Change{Kind: kind, UnitID: unitID, EffectiveOn: d.EffectiveOn, DecisionNumber: d.DecisionNumber, Note: d.Note, CreatedBy: actor}
	err := tx.QueryRow(ctx, `INSERT INTO unit_changes (kind, unit_id, effective_on, decision_number, note, created_by)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, created_at`, kind, unitID, d.EffectiveOn, d.DecisionNumber, d.Note, actor).
		Scan(&c.ID, &c.CreatedAt)
	if err != nil {
		return nil, fmt.Errorf("record %s decision: %w", kind, err)
	}
	if err := setEffective(ctx, tx, d.EffectiveOn); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `SELECT set_config('sodoan.unit_change', $1, true)`, strconv.FormatInt(c.ID, 10)); err != nil {
		return nil, fmt.Errorf("name the decision: %w", err)
	}
	return &c, nil
}

// linkVersions points the open versions of units created before their
// decision was recorded (a merge's or split's new units) at it.
func linkVersions(ctx context.Context, tx pgx.Tx, c *Change, ids []int64) error {
	_, err := tx.Exec(ctx, `UPDATE unit_versions SET change_id = $1 WHERE unit_id = ANY($2) AND valid_to IS NULL`, c.ID, ids)
	if err != nil {
		return fmt.Errorf("link new units to decision %d: %w", c.ID, err)
	}
	return nil
}

func recordLineage(ctx context.Context, tx pgx.Tx, c *Change, predecessors []int64, successors []int64) error {
	for _, p := range predecessors {
		for _, s := range successors {
			if p == s {
				continue
			}
			if _, err := tx.Exec(ctx, `INSERT INTO unit_lineage (change_id, predecessor_id, successor_id) VALUES ($1, $2, $3)`,
				c.ID, p, s); err != nil {
				return fmt.Errorf("record lineage %d -> %d: %w", p, s, err)
			}
			c.Links = append(c.Links, LineageLink{ChangeID: c.ID, PredecessorID: p, SuccessorID: s})
		}
	}
	return nil
}

// RenameDecision renames a unit from a date (đổi tên).
type RenameDecision struct {
	UnitID    int64
	Name      *string
	ShortName patch.Optional[string]
	Decided
}

// Rename renames a unit from the effective date; reports of earlier days
// keep the old name.
func (t *Timeline) Rename(ctx context.Context, in RenameDecision) (*Change, error) {
	var v validate.Errors
	t.checkDecided(&v, &in.Decided)
	return t.decideSet(ctx, &v, in.UnitID, in.Decided, ChangeRename, func(tx pgx.Tx, u *unitState) (string, []any, error) {
		name, short := u.Name, u.ShortName
		if in.Name != nil {
			name = v.Text(fieldName, *in.Name, true, maxName)
		}
		if in.ShortName.Set {
			short = v.OptionalText(fieldShort, in.ShortName.Value, maxShortName)
		}
		if !v.Has(fieldName) && !v.Has(fieldShort) && name == u.Name && equalText(short, u.ShortName) {
			v.Add(fieldName, validate.NotAllowed, "Tên mới giống tên hiện nay.", "The new name is the unit's name already.")
		}
		return `name = $2, short_name = $3`, []any{name, short}, nil
	})
}

func equalText(a, b *string) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

// MoveDecision puts a unit, with everything below it, under another parent
// from a date (điều chuyển).
type MoveDecision struct {
	UnitID   int64
	ParentID int64
	Decided
}

// Move puts a unit and its subtree under another parent from the effective
// date. The versions of every unit below get the new path from that day.
func (t *Timeline) Move(ctx context.Context, in MoveDecision) (*Change, error) {
	var v validate.Errors
	t.checkDecided(&v, &in.Decided)
	return t.decideSet(ctx, &v, in.UnitID, in.Decided, ChangeMove, func(tx pgx.Tx, u *unitState) (string, []any, error) {
		parent, err := lockState(ctx, tx, in.ParentID)
		if err != nil {
			return "", nil, err
		}
		switch {
		case parent != nil && access.PathHas(parent.Path, u.ID):
			v.Add(fieldParent, validate.NotAllowed,
				"Không thể chuyển đơn vị vào chính nó hoặc đơn vị trực thuộc nó.",
				"A unit cannot move under itself or a unit below it.")
		case parent != nil && u.ParentID != nil && *u.ParentID == parent.ID:
			v.Add(fieldParent, validate.NotAllowed, "Đơn vị đã trực thuộc đơn vị này.", "The unit is under this parent already.")
		default:
			if err := checkParentAt(ctx, tx, &v, fieldParent, parent, u.Level, in.EffectiveOn); err != nil {
				return "", nil, err
			}
		}
		if !u.ended() && !in.EffectiveOn.IsZero() {
			if err := checkSubtreeFrom(ctx, tx, &v, fieldUnit, u, in.EffectiveOn); err != nil {
				return "", nil, err
			}
		}
		if err := v.Err(); err != nil {
			return "", nil, err // parent may be nil: no such unit
		}
		return `parent_id = $2`, []any{parent.ID}, nil
	})
}

// LevelDecision changes a unit's level from a date.
type LevelDecision struct {
	UnitID int64
	Level  Level
	Decided
}

// ChangeLevel changes a unit's level from the effective date.
func (t *Timeline) ChangeLevel(ctx context.Context, in LevelDecision) (*Change, error) {
	var v validate.Errors
	t.checkDecided(&v, &in.Decided)
	if !in.Level.Valid() {
		v.Add(fieldLevel, validate.Invalid, "Cấp đơn vị không hợp lệ.", "Not a unit level.")
	}
	return t.decideSet(ctx, &v, in.UnitID, in.Decided, ChangeLevelChange, func(tx pgx.Tx, u *unitState) (string, []any, error) {
		if v.Has(fieldLevel) {
			return "", nil, v.Err()
		}
		if in.Level == u.Level {
			v.Add(fieldLevel, validate.NotAllowed, "Đơn vị đã ở cấp này.", "The unit is at this level already.")
		} else if err := checkLevelChange(ctx, tx, &v, u.Unit, in.Level); err != nil {
			return "", nil, err
		}
		if u.Level == Branch {
			if err := checkNoMembers(ctx, tx, &v, fieldLevel, u.ID,
				"Chi đoàn còn đoàn viên đang sinh hoạt; đoàn viên chỉ sinh hoạt tại chi đoàn.",
				"The branch has active members, and members belong to a branch."); err != nil {
				return "", nil, err
			}
		}
		return `level = $2`, []any{in.Level}, nil
	})
}

func checkNoMembers(ctx context.Context, tx pgx.Tx, v *validate.Errors, field []string, unitID int64, vi, en string) error {
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM members WHERE unit_id = $1 AND status = 'ACTIVE'`, unitID).Scan(&n); err != nil {
		return fmt.Errorf("members of unit %d: %w", unitID, err)
	}
	if n > 0 {
		v.Add(field, validate.NotAllowed, vi, en)
	}
	return nil
}

// NewUnit is a unit a merge or split forms.
type NewUnit struct {
	ParentID  *int64 // nil: a root (central or provincial) unit
	Level     *Level // nil: the level of the units it comes from
	Name      string
	ShortName *string
	Address   *string
}

// MergeDecision merges units (hợp nhất, sáp nhập): into a new unit formed
// from them, or into an existing one that absorbs them and goes on.
type MergeDecision struct {
	UnitIDs []int64 // the units that end
	IntoID  *int64  // the unit absorbing them, or
	New     *NewUnit
	// Level is the successor's level; required when the merged units (and
	// the absorbing one) are not all at one level.
	Level *Level
	Decided
}

// Merge ends the given units on the day before the effective date and puts
// what they held under the successor from that day: their open units below
// move under it and their active members are transferred to it (a branch),
// each transfer in the member's history. Their activities, commendations
// and posts stay with them: history does not move. Lineage links each
// merged unit to the successor.
func (t *Timeline) Merge(ctx context.Context, in MergeDecision) (*Change, error) {
	var v validate.Errors
	t.checkDecided(&v, &in.Decided)
	newUnit := checkMergeInput(&v, &in)
	if err := v.Err(); err != nil {
		return nil, err
	}
	eff := in.EffectiveOn

	var out *Change
	err := t.restructure(ctx, func(tx pgx.Tx) error {
		sources, into, err := lockMerged(ctx, tx, &v, in, eff)
		if err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		level, ok := mergedLevel(&v, in.Level, sources, into)
		if !ok {
			return v.Err()
		}
		checkMergeNesting(&v, sources, into)
		if err := checkSuccessor(ctx, tx, &v, in.New != nil, newUnit, sources, into, level, eff); err != nil {
			return err
		}
		ids, err := checkMergedEnd(ctx, tx, &v, sources, level, eff)
		if err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		out, err = t.writeMerge(ctx, tx, in.Decided, ids, into, newUnit, level)
		return err
	})
	return out, err
}

// checkMergeInput checks what a merge can be checked for before reading
// anything: one successor (absorbing unit or new unit), enough units, none
// twice or merged into itself, and the new unit's own fields. A new unit's
// level stands for the successor's when none is given. It returns the new
// unit with its fields cleaned.
func checkMergeInput(v *validate.Errors, in *MergeDecision) NewUnit {
	fieldUnits := validate.Input("unitIds")
	fieldInto := validate.Input("intoUnitId")
	switch {
	case (in.IntoID == nil) == (in.New == nil):
		v.Add(fieldInto, validate.Required,
			"Chọn đơn vị nhận sáp nhập, hoặc mô tả đơn vị mới hình thành (chỉ một trong hai).",
			"Give either the unit that absorbs the others or the new unit they form, not both.")
	case in.New != nil && len(in.UnitIDs) < 2:
		v.Add(fieldUnits, validate.Required, "Hợp nhất cần ít nhất hai đơn vị.", "A merge into a new unit needs at least two units.")
	case len(in.UnitIDs) == 0:
		v.Add(fieldUnits, validate.Required, "Cần ít nhất một đơn vị được sáp nhập.", "At least one unit to merge is needed.")
	case len(in.UnitIDs) > maxDecided:
		// Each unit is locked and checked in the decision's transaction.
		v.Add(fieldUnits, validate.TooLong, fmt.Sprintf("Tối đa %d đơn vị mỗi quyết định.", maxDecided),
			fmt.Sprintf("At most %d units in one decision.", maxDecided))
	}
	if in.Level != nil && !in.Level.Valid() {
		v.Add(fieldLevel, validate.Invalid, "Cấp đơn vị không hợp lệ.", "Not a unit level.")
	}
	seen := map[int64]bool{}
	for i, id := range in.UnitIDs {
		if seen[id] {
			v.Add(validate.Input("unitIds", i), validate.Duplicate, "Đơn vị bị lặp lại.", "The unit appears twice.")
		}
		if in.IntoID != nil && *in.IntoID == id {
			v.Add(validate.Input("unitIds", i), validate.NotAllowed, "Đơn vị không thể sáp nhập vào chính nó.", "A unit cannot be merged into itself.")
		}
		seen[id] = true
	}
	var newUnit NewUnit
	if in.New != nil {
		newUnit = *in.New
		newUnit.Name = v.Text(validate.Input("newUnit", "name"), newUnit.Name, true, maxName)
		newUnit.ShortName = v.OptionalText(validate.Input("newUnit", "shortName"), newUnit.ShortName, maxShortName)
		newUnit.Address = v.OptionalText(validate.Input("newUnit", "address"), newUnit.Address, maxAddress)
		if newUnit.Level != nil && in.Level == nil {
			in.Level = newUnit.Level
		}
	}
	return newUnit
}

// lockMerged locks the merged units, then the absorbing one, and records
// any that cannot change on eff.
func lockMerged(ctx context.Context, tx pgx.Tx, v *validate.Errors, in MergeDecision, eff time.Time) ([]*unitState, *unitState, error) {
	sources := make([]*unitState, len(in.UnitIDs))
	for i, id := range in.UnitIDs {
		s, err := lockState(ctx, tx, id)
		if err != nil {
			return nil, nil, err
		}
		checkChangeable(v, validate.Input("unitIds", i), s, eff)
		sources[i] = s
	}
	var into *unitState
	if in.IntoID != nil {
		var err error
		if into, err = lockState(ctx, tx, *in.IntoID); err != nil {
			return nil, nil, err
		}
		checkChangeable(v, validate.Input("intoUnitId"), into, eff)
	}
	return sources, into, nil
}

// mergedLevel is the successor's level: the one given, or the one level
// all the units share. When they do not share one and none is given it
// records that and reports false.
func mergedLevel(v *validate.Errors, given *Level, sources []*unitState, into *unitState) (Level, bool) {
	levels := map[Level]bool{}
	for _, s := range sources {
		levels[s.Level] = true
	}
	if into != nil {
		levels[into.Level] = true
	}
	switch {
	case given != nil:
		return *given, true
	case len(levels) > 1:
		v.Add(fieldLevel, validate.Required,
			"Các đơn vị không cùng cấp; hãy chọn cấp của đơn vị sau hợp nhất.",
			"The units are not at one level; give the level of the merged unit.")
		return "", false
	case into != nil:
		return into.Level, true
	}
	return sources[0].Level, true
}

// checkMergeNesting records a merged unit that lies below another merged
// one, or an absorbing unit below a merged one: it would end up under a
// unit that ends, or under itself.
func checkMergeNesting(v *validate.Errors, sources []*unitState, into *unitState) {
	for i, s := range sources {
		for j, o := range sources {
			if i != j && access.PathHas(o.Path, s.ID) {
				v.Add(validate.Input("unitIds", j), validate.NotAllowed,
					"Không thể hợp nhất một đơn vị với đơn vị cấp trên của nó.",
					"A unit cannot be merged with a unit above it.")
			}
		}
		if into != nil && access.PathHas(into.Path, s.ID) {
			v.Add(validate.Input("intoUnitId"), validate.NotAllowed,
				"Đơn vị nhận sáp nhập đang trực thuộc một đơn vị bị sáp nhập.",
				"The absorbing unit lies below one of the units merged into it.")
		}
	}
}

// checkSuccessor checks that the successor can be at level from eff: an
// absorbing unit can change to it, a new unit's parent can take it and
// does not lie below a merged unit.
func checkSuccessor(ctx context.Context, tx pgx.Tx, v *validate.Errors, isNew bool, newUnit NewUnit, sources []*unitState, into *unitState, level Level, eff time.Time) error {
	if into != nil && level != into.Level {
		if err := checkLevelChange(ctx, tx, v, into.Unit, level); err != nil {
			return err
		}
	}
	if !isNew {
		return nil
	}
	field := validate.Input("newUnit", "parentId")
	if newUnit.ParentID == nil {
		if level != Central && level != Province {
			v.Add(field, validate.Required,
				"Đơn vị cấp này phải thuộc một đơn vị cấp trên.", "A unit at this level needs a parent unit.")
		}
		return nil
	}
	parent, err := lockState(ctx, tx, *newUnit.ParentID)
	if err != nil {
		return err
	}
	for _, s := range sources {
		if parent != nil && access.PathHas(parent.Path, s.ID) {
			v.Add(field, validate.NotAllowed,
				"Đơn vị cấp trên của đơn vị mới đang trực thuộc một đơn vị bị hợp nhất.",
				"The new unit's parent lies below one of the merged units.")
		}
	}
	return checkParentAt(ctx, tx, v, field, parent, level, eff)
}

// checkMergedEnd checks that the merged units can end on eff: nothing
// below them changed later, what they hold can go under a unit at level,
// and no post of theirs starts on or after eff. It returns their ids.
func checkMergedEnd(ctx context.Context, tx pgx.Tx, v *validate.Errors, sources []*unitState, level Level, eff time.Time) ([]int64, error) {
	fieldUnits := validate.Input("unitIds")
	ids := make([]int64, len(sources))
	for i, s := range sources {
		ids[i] = s.ID
		if err := checkSubtreeFrom(ctx, tx, v, validate.Input("unitIds", i), s, eff); err != nil {
			return nil, err
		}
	}
	if err := checkCarried(ctx, tx, v, fieldUnits, ids, level); err != nil {
		return nil, err
	}
	if err := checkPostsEnd(ctx, tx, v, fieldUnits, ids, eff); err != nil {
		return nil, err
	}
	return ids, nil
}

// writeMerge writes a checked merge: the new unit (or the absorbing one's
// level), the decision, the hand-over of what the merged units hold, their
// end and the lineage.
func (t *Timeline) writeMerge(ctx context.Context, tx pgx.Tx, d Decided, ids []int64, into *unitState, newUnit NewUnit, level Level) (*Change, error) {
	if err := setEffective(ctx, tx, d.EffectiveOn); err != nil {
		return nil, err
	}
	var successor int64
	if into != nil {
		successor = into.ID
	} else {
		err := tx.QueryRow(ctx, `INSERT INTO units (parent_id, level, name, short_name, address)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			newUnit.ParentID, level, newUnit.Name, newUnit.ShortName, newUnit.Address).Scan(&successor)
		if err != nil {
			return nil, fmt.Errorf("insert merged unit: %w", err)
		}
	}
	c, err := recordChange(ctx, tx, ChangeMerge, successor, d)
	if err != nil {
		return nil, err
	}
	if into == nil {
		if err := linkVersions(ctx, tx, c, []int64{successor}); err != nil {
			return nil, err
		}
	} else if level != into.Level {
		if _, err := tx.Exec(ctx, `UPDATE units SET level = $2, version = version + 1, updated_at = now() WHERE id = $1`,
			successor, level); err != nil {
			return nil, fmt.Errorf("change level of unit %d: %w", successor, err)
		}
	}
	if err := t.handOver(ctx, tx, ids, successor, nil, nil, d, validate.Input("unitIds")); err != nil {
		return nil, err
	}
	if err := endUnits(ctx, tx, ids, d.EffectiveOn); err != nil {
		return nil, err
	}
	if err := recordLineage(ctx, tx, c, ids, []int64{successor}); err != nil {
		return nil, err
	}
	return c, nil
}

// checkCarried records why the open units directly below `from` or their
// active members could not go to a unit at level.
func checkCarried(ctx context.Context, tx pgx.Tx, v *validate.Errors, field []string, from []int64, level Level) error {
	var highest *string
	var members int
	err := tx.QueryRow(ctx, `SELECT
			(SELECT level FROM units WHERE parent_id = ANY($1) AND archived_at IS NULL ORDER BY unit_level_rank(level) LIMIT 1),
			(SELECT count(*) FROM members WHERE unit_id = ANY($1) AND status = 'ACTIVE')`, from).Scan(&highest, &members)
	if err != nil {
		return fmt.Errorf("what units %v hold: %w", from, err)
	}
	if highest != nil && Level(*highest).Rank() <= level.Rank() {
		v.Add(field, validate.NotAllowed,
			fmt.Sprintf("Các đơn vị trực thuộc (cấp %s) không thể trực thuộc đơn vị cấp %s.", Level(*highest).VI(), level.VI()),
			fmt.Sprintf("The units below (%s) cannot sit under a %s unit.", *highest, level))
	}
	if members > 0 && level != Branch {
		v.Add(field, validate.NotAllowed,
			fmt.Sprintf("Còn %d đoàn viên đang sinh hoạt; đoàn viên chỉ sinh hoạt tại chi đoàn.", members),
			fmt.Sprintf("%d active members would be moved, and members belong to a branch.", members))
	}
	return nil
}

// checkPostsEnd records a conflict when a unit that ends on eff has a post
// starting on or after eff: its committee would sit in a unit that no
// longer exists.
func checkPostsEnd(ctx context.Context, tx pgx.Tx, v *validate.Errors, field []string, units []int64, eff time.Time) error {
	var n int
	err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM positions WHERE unit_id = ANY($1) AND valid_from >= $2)
		+ (SELECT count(*) FROM committee_terms WHERE unit_id = ANY($1) AND valid_from >= $2)`, units, eff).Scan(&n)
	if err != nil {
		return fmt.Errorf("posts of units %v: %w", units, err)
	}
	if n > 0 {
		v.Add(field, validate.Conflict,
			"Đơn vị có nhiệm kỳ hoặc chức vụ bắt đầu từ ngày hiệu lực trở đi.",
			"The unit has a committee term or post that starts on or after the effective date.")
	}
	return nil
}

// handOver moves the open units directly below `from` under `to` and
// transfers their active members to it on the decision's date. With
// childIDs or memberIDs non-nil only those go (a split's share).
func (t *Timeline) handOver(ctx context.Context, tx pgx.Tx, from []int64, to int64, childIDs, memberIDs []int64, d Decided, field []string) error {
	_, err := tx.Exec(ctx, `UPDATE units SET parent_id = $2, version = version + 1, updated_at = now()
		WHERE parent_id = ANY($1) AND archived_at IS NULL AND ($3::bigint[] IS NULL OR id = ANY($3))`, from, to, childIDs)
	if err != nil {
		return fmt.Errorf("move units below %v to %d: %w", from, to, err)
	}
	rows, err := tx.Query(ctx, `SELECT id, version, full_name FROM members
		WHERE unit_id = ANY($1) AND status = 'ACTIVE' AND ($2::bigint[] IS NULL OR id = ANY($2)) ORDER BY id FOR UPDATE`, from, memberIDs)
	if err != nil {
		return fmt.Errorf("members of %v: %w", from, err)
	}
	type mv struct {
		id      int64
		version int32
		name    string
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (mv, error) {
		var m mv
		err := r.Scan(&m.id, &m.version, &m.name)
		return m, err
	})
	if err != nil {
		return fmt.Errorf("members of %v: %w", from, err)
	}
	// Through the member store, so a transfer made by a decision is the
	// same record, with the same checks, as one a secretary makes.
	members := member.NewStore(tx)
	number := d.DecisionNumber
	for _, m := range list {
		_, err := members.Transfer(ctx, member.TransferInput{ID: m.id, Version: m.version, ToUnitID: &to,
			On: d.EffectiveOn, DecisionNumber: &number, Note: d.Note})
		if inv, ok := apperr.AsInvalid(err); ok {
			var v validate.Errors
			for _, fe := range inv.Errors {
				v.Add(field, validate.Conflict,
					fmt.Sprintf("Không thể chuyển sinh hoạt cho đoàn viên %s: %s", m.name, fe.VI),
					fmt.Sprintf("Member %s cannot be transferred: %s", m.name, fe.EN))
			}
			return v.Err()
		}
		if err != nil {
			return fmt.Errorf("transfer member %d: %w", m.id, err)
		}
	}
	return nil
}

// endUnits ends units on the day before eff: their posts and terms still
// running end then, and they are archived, which closes their versions.
func endUnits(ctx context.Context, tx pgx.Tx, ids []int64, eff time.Time) error {
	if _, err := tx.Exec(ctx, `UPDATE positions SET valid_to = $2::date - 1, version = version + 1, updated_at = now()
		WHERE unit_id = ANY($1) AND (valid_to IS NULL OR valid_to >= $2)`, ids, eff); err != nil {
		return fmt.Errorf("end posts of units %v: %w", ids, err)
	}
	if _, err := tx.Exec(ctx, `UPDATE committee_terms SET valid_to = $2::date - 1, version = version + 1, updated_at = now()
		WHERE unit_id = ANY($1) AND (valid_to IS NULL OR valid_to >= $2)`, ids, eff); err != nil {
		return fmt.Errorf("end committee terms of units %v: %w", ids, err)
	}
	if _, err := tx.Exec(ctx, `UPDATE units SET archived_at = now(), version = version + 1, updated_at = now()
		WHERE id = ANY($1)`, ids); err != nil {
		return fmt.Errorf("archive units %v: %w", ids, err)
	}
	return nil
}

// SplitPart is one unit a split forms, with its share of the source.
type SplitPart struct {
	NewUnit
	ChildIDs  []int64 // open units directly below the source that go to this part
	MemberIDs []int64 // active members of the source that go to this part
}

// SplitDecision divides a unit (chia tách) into new units. Unless
// KeepSource, the source ends and everything it holds must be shared out;
// with KeepSource the parts are split off a source that goes on.
type SplitDecision struct {
	UnitID     int64
	Parts      []SplitPart
	KeepSource bool
	Decided
}

// Split forms the parts from the effective date, moves each part's units
// and transfers its members, links the source to each part and, unless the
// source is kept, ends it.
func (t *Timeline) Split(ctx context.Context, in SplitDecision) (*Change, error) {
	var v validate.Errors
	t.checkDecided(&v, &in.Decided)
	shares := checkSplitInput(&v, in.Parts, in.KeepSource)
	if err := v.Err(); err != nil {
		return nil, err
	}
	eff := in.EffectiveOn

	var out *Change
	err := t.decideOn(ctx, &v, in.UnitID, eff, func(tx pgx.Tx, src *unitState) error {
		if err := v.Err(); err != nil {
			return err
		}
		held, err := holdingsOf(ctx, tx, src.ID)
		if err != nil {
			return err
		}
		levels, err := checkSplitParts(ctx, tx, &v, in.Parts, src, held, eff)
		if err != nil {
			return err
		}
		if !in.KeepSource {
			checkSharedOut(&v, held, shares)
			if err := checkPostsEnd(ctx, tx, &v, fieldUnit, []int64{src.ID}, eff); err != nil {
				return err
			}
		}
		if len(shares.childOf) > 0 {
			if err := checkSubtreeFrom(ctx, tx, &v, fieldUnit, src, eff); err != nil {
				return err
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		out, err = t.writeSplit(ctx, tx, in, src.ID, levels)
		return err
	})
	return out, err
}

// splitShares says which part each unit below the source and each member
// was given to, by index into the parts.
type splitShares struct {
	childOf, memberOf map[int64]int
}

// checkSplitInput checks what a split can be checked for before reading
// anything: enough parts, each part's own fields, and no unit or member
// given to two parts.
func checkSplitInput(v *validate.Errors, parts []SplitPart, keepSource bool) splitShares {
	min := 2
	if keepSource {
		min = 1
	}
	switch {
	case len(parts) < min:
		v.Add(validate.Input("parts"), validate.Required,
			fmt.Sprintf("Cần ít nhất %d đơn vị mới.", min), fmt.Sprintf("At least %d new units are needed.", min))
	case len(parts) > maxDecided:
		v.Add(validate.Input("parts"), validate.TooLong, fmt.Sprintf("Tối đa %d đơn vị mới mỗi quyết định.", maxDecided),
			fmt.Sprintf("At most %d new units in one decision.", maxDecided))
	}
	shares := splitShares{childOf: map[int64]int{}, memberOf: map[int64]int{}}
	for i := range parts {
		p := &parts[i]
		p.Name = v.Text(validate.Input("parts", i, "name"), p.Name, true, maxName)
		p.ShortName = v.OptionalText(validate.Input("parts", i, "shortName"), p.ShortName, maxShortName)
		p.Address = v.OptionalText(validate.Input("parts", i, "address"), p.Address, maxAddress)
		if p.Level != nil && !p.Level.Valid() {
			v.Add(validate.Input("parts", i, "level"), validate.Invalid, "Cấp đơn vị không hợp lệ.", "Not a unit level.")
		}
		for j, id := range p.ChildIDs {
			if _, dup := shares.childOf[id]; dup {
				v.Add(validate.Input("parts", i, "childIds", j), validate.Duplicate, "Đơn vị đã được giao cho phần khác.", "The unit is given to another part already.")
			}
			shares.childOf[id] = i
		}
		for j, id := range p.MemberIDs {
			if _, dup := shares.memberOf[id]; dup {
				v.Add(validate.Input("parts", i, "memberIds", j), validate.Duplicate, "Đoàn viên đã được giao cho phần khác.", "The member is given to another part already.")
			}
			shares.memberOf[id] = i
		}
	}
	return shares
}

// holdings is what a unit holds directly: its open units below, with their
// levels, and its active members.
type holdings struct {
	children map[int64]Level
	members  []int64
	active   map[int64]bool
}

// holdingsOf reads what unit id holds, to check a split's shares against.
func holdingsOf(ctx context.Context, tx pgx.Tx, id int64) (*holdings, error) {
	children, err := db.ByID[Level](ctx, tx, `SELECT id, level FROM units WHERE parent_id = $1 AND archived_at IS NULL`, id)
	if err != nil {
		return nil, fmt.Errorf("units below %d: %w", id, err)
	}
	h := &holdings{children: children, active: map[int64]bool{}}
	if err := tx.QueryRow(ctx, `SELECT coalesce(array_agg(id), '{}') FROM members WHERE unit_id = $1 AND status = 'ACTIVE'`, id).
		Scan(&h.members); err != nil {
		return nil, fmt.Errorf("members of %d: %w", id, err)
	}
	for _, m := range h.members {
		h.active[m] = true
	}
	return h, nil
}

// checkSplitParts settles each part's level and parent (a part without
// one takes the source's) and checks its parent and its share of the
// source. It returns the parts' levels, which the writes use.
func checkSplitParts(ctx context.Context, tx pgx.Tx, v *validate.Errors, parts []SplitPart, src *unitState, held *holdings, eff time.Time) ([]Level, error) {
	levels := make([]Level, len(parts))
	for i := range parts {
		p := &parts[i]
		levels[i] = src.Level
		if p.Level != nil {
			levels[i] = *p.Level
		}
		if p.ParentID == nil {
			p.ParentID = src.ParentID
		}
		if err := checkSplitParent(ctx, tx, v, validate.Input("parts", i, "parentId"), p.ParentID, src, levels[i], eff); err != nil {
			return nil, err
		}
		checkSplitShare(v, i, p, levels[i], held)
	}
	return levels, nil
}

// checkSplitParent checks that a part can stand under parentID from eff,
// and not below the unit it is split from; without a parent it must be a
// root level.
func checkSplitParent(ctx context.Context, tx pgx.Tx, v *validate.Errors, field []string, parentID *int64, src *unitState, level Level, eff time.Time) error {
	if parentID == nil {
		if level != Central && level != Province {
			v.Add(field, validate.Required, "Đơn vị cấp này phải thuộc một đơn vị cấp trên.", "A unit at this level needs a parent unit.")
		}
		return nil
	}
	parent, err := lockState(ctx, tx, *parentID)
	if err != nil {
		return err
	}
	if parent != nil && access.PathHas(parent.Path, src.ID) {
		v.Add(field, validate.NotAllowed, "Đơn vị mới không thể trực thuộc đơn vị bị chia tách.",
			"A new unit cannot sit below the unit it is split from.")
		return nil
	}
	return checkParentAt(ctx, tx, v, field, parent, level, eff)
}

// checkSplitShare checks that part i is given only open units directly
// below the source that rank under its level, and only the source's active
// members, and those only when it is a branch.
func checkSplitShare(v *validate.Errors, i int, p *SplitPart, level Level, held *holdings) {
	for j, id := range p.ChildIDs {
		l, ok := held.children[id]
		switch {
		case !ok:
			v.Add(validate.Input("parts", i, "childIds", j), validate.NotFound,
				"Không phải đơn vị đang trực thuộc đơn vị bị chia tách.", "Not an open unit directly below the unit split.")
		case l.Rank() <= level.Rank():
			v.Add(validate.Input("parts", i, "childIds", j), validate.NotAllowed,
				fmt.Sprintf("Đơn vị cấp %s không thể trực thuộc đơn vị cấp %s.", l.VI(), level.VI()),
				fmt.Sprintf("A %s unit cannot sit under a %s unit.", l, level))
		}
	}
	for j, id := range p.MemberIDs {
		switch {
		case !held.active[id]:
			v.Add(validate.Input("parts", i, "memberIds", j), validate.NotFound,
				"Không phải đoàn viên đang sinh hoạt tại đơn vị bị chia tách.", "Not an active member of the unit split.")
		case level != Branch:
			v.Add(validate.Input("parts", i, "memberIds", j), validate.NotAllowed,
				"Đoàn viên chỉ sinh hoạt tại chi đoàn.", "Members belong to a branch (chi đoàn).")
		}
	}
}

// checkSharedOut records what a source that ends still holds that no part
// was given: nothing may be left under a unit that no longer exists.
func checkSharedOut(v *validate.Errors, held *holdings, shares splitShares) {
	left := 0
	for id := range held.children {
		if _, ok := shares.childOf[id]; !ok {
			left++
		}
	}
	for _, id := range held.members {
		if _, ok := shares.memberOf[id]; !ok {
			left++
		}
	}
	if left > 0 {
		v.Add(validate.Input("parts"), validate.Required,
			fmt.Sprintf("Còn %d đơn vị trực thuộc hoặc đoàn viên chưa được giao cho đơn vị mới nào.", left),
			fmt.Sprintf("%d units below or members are not given to any new unit.", left))
	}
}

// writeSplit writes a checked split: the parts, the decision (after the
// parts, whose first versions are then linked to it), each part's share,
// the source's end unless kept, and the lineage.
func (t *Timeline) writeSplit(ctx context.Context, tx pgx.Tx, in SplitDecision, srcID int64, levels []Level) (*Change, error) {
	eff := in.EffectiveOn
	if err := setEffective(ctx, tx, eff); err != nil {
		return nil, err
	}
	parts := make([]int64, len(in.Parts))
	for i, p := range in.Parts {
		if err := tx.QueryRow(ctx, `INSERT INTO units (parent_id, level, name, short_name, address)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, p.ParentID, levels[i], p.Name, p.ShortName, p.Address).Scan(&parts[i]); err != nil {
			return nil, fmt.Errorf("insert part %d of split: %w", i, err)
		}
	}
	c, err := recordChange(ctx, tx, ChangeSplit, srcID, in.Decided)
	if err != nil {
		return nil, err
	}
	if err := linkVersions(ctx, tx, c, parts); err != nil {
		return nil, err
	}
	for i, p := range in.Parts {
		if err := t.handOver(ctx, tx, []int64{srcID}, parts[i], nonNil(p.ChildIDs), nonNil(p.MemberIDs), in.Decided,
			validate.Input("parts", i)); err != nil {
			return nil, err
		}
	}
	if !in.KeepSource {
		if err := endUnits(ctx, tx, []int64{srcID}, eff); err != nil {
			return nil, err
		}
	}
	if err := recordLineage(ctx, tx, c, []int64{srcID}, parts); err != nil {
		return nil, err
	}
	return c, nil
}

// nonNil makes an empty share an empty array, not "everything" (NULL).
func nonNil(ids []int64) []int64 {
	if ids == nil {
		return []int64{}
	}
	return ids
}

// DissolveDecision ends a unit (giải thể). Its active members go to
// MembersToID (a branch); without active members none is needed.
type DissolveDecision struct {
	UnitID      int64
	MembersToID *int64
	Decided
}

// Dissolve ends a unit on the day before the effective date. A unit with
// open units below it is refused: they are moved, merged or dissolved
// first, so nothing is left under a unit that no longer exists.
func (t *Timeline) Dissolve(ctx context.Context, in DissolveDecision) (*Change, error) {
	var v validate.Errors
	t.checkDecided(&v, &in.Decided)
	fieldTo := validate.Input("membersToUnitId")
	eff := in.EffectiveOn
	var out *Change
	err := t.decideOn(ctx, &v, in.UnitID, eff, func(tx pgx.Tx, u *unitState) error {
		if v.Has(fieldUnit) {
			return v.Err()
		}
		var children, members int
		if err := tx.QueryRow(ctx, `SELECT
				(SELECT count(*) FROM units WHERE parent_id = $1 AND archived_at IS NULL),
				(SELECT count(*) FROM members WHERE unit_id = $1 AND status = 'ACTIVE')`, u.ID).Scan(&children, &members); err != nil {
			return fmt.Errorf("what unit %d holds: %w", u.ID, err)
		}
		if children > 0 {
			v.Add(fieldUnit, validate.NotAllowed,
				fmt.Sprintf("Đơn vị còn %d đơn vị trực thuộc; hãy điều chuyển, hợp nhất hoặc giải thể các đơn vị đó trước.", children),
				fmt.Sprintf("The unit still has %d open units below it; move, merge or dissolve them first.", children))
		}
		switch {
		case in.MembersToID == nil && members > 0:
			v.Add(fieldTo, validate.Required,
				fmt.Sprintf("Đơn vị còn %d đoàn viên đang sinh hoạt; hãy chọn chi đoàn nhận.", members),
				fmt.Sprintf("The unit still has %d active members; give the branch that takes them.", members))
		case in.MembersToID != nil && *in.MembersToID == u.ID:
			v.Add(fieldTo, validate.NotAllowed, "Đơn vị nhận không thể là đơn vị bị giải thể.", "The unit dissolved cannot take its own members.")
		case in.MembersToID != nil:
			to, err := lockState(ctx, tx, *in.MembersToID)
			if err != nil {
				return err
			}
			switch {
			case to == nil:
				v.Add(fieldTo, validate.NotFound, "Không tìm thấy đơn vị.", "No such unit.")
			case to.ended():
				v.Add(fieldTo, validate.NotAllowed, "Đơn vị nhận đã giải thể, hợp nhất hoặc lưu trữ.", "The receiving unit was dissolved, merged or archived.")
			case to.Level != Branch:
				v.Add(fieldTo, validate.NotAllowed, "Đoàn viên chỉ sinh hoạt tại chi đoàn.", "Members belong to a branch (chi đoàn).")
			case to.start != nil && eff.Before(*to.start):
				v.Add(fieldTo, validate.DateOrder,
					fmt.Sprintf("Chi đoàn nhận chỉ được thành lập từ ngày %s.", dates.Format(*to.start)),
					fmt.Sprintf("The receiving branch exists only from %s.", enDate(*to.start)))
			}
		}
		if err := checkPostsEnd(ctx, tx, &v, fieldUnit, []int64{u.ID}, eff); err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		c, err := recordChange(ctx, tx, ChangeDissolve, u.ID, in.Decided)
		if err != nil {
			return err
		}
		if in.MembersToID != nil {
			if err := t.handOver(ctx, tx, []int64{u.ID}, *in.MembersToID, []int64{}, nil, in.Decided, fieldTo); err != nil {
				return err
			}
			if err := recordLineage(ctx, tx, c, []int64{u.ID}, []int64{*in.MembersToID}); err != nil {
				return err
			}
		}
		if err := endUnits(ctx, tx, []int64{u.ID}, eff); err != nil {
			return err
		}
		out = c
		return nil
	})
	return out, err
}

// Lineage is where a unit came from and what it became.
type Lineage struct {
	Predecessors []LineageStep // units this one carries on
	Successors   []LineageStep // units that carry this one on
}

// LineageStep is one link of a unit's lineage, with its decision.
type LineageStep struct {
	UnitID         int64
	ChangeID       int64
	Kind           ChangeKind
	EffectiveOn    time.Time
	DecisionNumber string
}

// LineageOf returns a unit's direct predecessors and successors, oldest
// decision first. A merged unit's report compares itself with these.
func (t *Timeline) LineageOf(ctx context.Context, id int64) (*Lineage, error) {
	rows, err := t.pool.Query(ctx, `SELECT l.successor_id = $1, CASE WHEN l.successor_id = $1 THEN l.predecessor_id ELSE l.successor_id END,
			c.id, c.kind, c.effective_on, c.decision_number
		FROM unit_lineage l JOIN unit_changes c ON c.id = l.change_id
		WHERE l.successor_id = $1 OR l.predecessor_id = $1
		ORDER BY c.effective_on, c.id, 2`, id)
	if err != nil {
		return nil, fmt.Errorf("lineage of unit %d: %w", id, err)
	}
	out := &Lineage{}
	_, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (struct{}, error) {
		var pred bool
		var s LineageStep
		if err := r.Scan(&pred, &s.UnitID, &s.ChangeID, &s.Kind, &s.EffectiveOn, &s.DecisionNumber); err != nil {
			return struct{}{}, err
		}
		if pred {
			out.Predecessors = append(out.Predecessors, s)
		} else {
			out.Successors = append(out.Successors, s)
		}
		return struct{}{}, nil
	})
	if err != nil {
		return nil, fmt.Errorf("lineage of unit %d: %w", id, err)
	}
	return out, nil
}

// ChangesOf returns the decisions about a unit (or that formed it, or that
// it was merged or split in), oldest first.
func (t *Timeline) ChangesOf(ctx context.Context, id int64) ([]*Change, error) {
	rows, err := t.pool.Query(ctx, `SELECT c.id, c.kind, c.unit_id, c.effective_on, c.decision_number, c.note, c.created_by, c.created_at
		FROM unit_changes c
		WHERE c.unit_id = $1 OR EXISTS (SELECT 1 FROM unit_lineage l WHERE l.change_id = c.id AND $1 IN (l.predecessor_id, l.successor_id))
		ORDER BY c.effective_on, c.id`, id)
	if err != nil {
		return nil, fmt.Errorf("changes of unit %d: %w", id, err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Change, error) {
		var c Change
		err := r.Scan(&c.ID, &c.Kind, &c.UnitID, &c.EffectiveOn, &c.DecisionNumber, &c.Note, &c.CreatedBy, &c.CreatedAt)
		return &c, err
	})
	if err != nil {
		return nil, fmt.Errorf("changes of unit %d: %w", id, err)
	}
	return list, nil
}
