package org

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/access"
	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/idempotency"
	"github.com/sodoan/sodoan/internal/patch"
	"github.com/sodoan/sodoan/internal/validate"
	"github.com/sodoan/sodoan/internal/versionlock"
)

// Limits on text fields; the database checks the same.
const (
	maxName      = 300
	maxShortName = 100
	maxAddress   = 500
)

// CreateInput is a new unit.
type CreateInput struct {
	ParentID  *int64
	Level     Level
	Name      string
	ShortName *string
	Address   *string
}

var (
	fieldParent = validate.Input("parentId")
	fieldLevel  = validate.Input("level")
	fieldName   = validate.Input("name")
	fieldShort  = validate.Input("shortName")
	fieldAddr   = validate.Input("address")
	fieldID     = validate.Input("id")
)

// Create adds a unit under its parent.
func (s *Store) Create(ctx context.Context, in CreateInput) (*Unit, error) {
	var v validate.Errors
	in.Name = v.Text(fieldName, in.Name, true, maxName)
	in.ShortName = v.OptionalText(fieldShort, in.ShortName, maxShortName)
	in.Address = v.OptionalText(fieldAddr, in.Address, maxAddress)

	var created *Unit
	err := idempotency.InTx(ctx, s.pool, func(tx pgx.Tx) (int64, error) {
		if in.ParentID != nil {
			parent, err := lockUnit(ctx, tx, *in.ParentID)
			if err != nil {
				return 0, err
			}
			checkParent(&v, fieldParent, parent, in.Level)
		} else if in.Level != Central && in.Level != Province {
			v.Add(fieldParent, validate.Required,
				"Đơn vị cấp này phải thuộc một đơn vị cấp trên.",
				"A unit at this level needs a parent unit.")
		}
		if err := v.Err(); err != nil {
			return 0, err
		}
		u, err := scanUnit(tx.QueryRow(ctx, `INSERT INTO units (parent_id, level, name, short_name, address)
			VALUES ($1, $2, $3, $4, $5) RETURNING `+unitColumns,
			in.ParentID, in.Level, in.Name, in.ShortName, in.Address))
		if err != nil {
			return 0, fmt.Errorf("insert unit: %w", err)
		}
		created = u
		return u.ID, nil
	})
	return created, err
}

// checkParent records why parent cannot hold a unit at level, if it cannot.
func checkParent(v *validate.Errors, field []string, parent *Unit, level Level) {
	switch {
	case parent == nil:
		v.Add(field, validate.NotFound, "Không tìm thấy đơn vị cấp trên.", "No such parent unit.")
	case parent.Archived():
		v.Add(field, validate.NotAllowed, "Đơn vị cấp trên đã lưu trữ.", "The parent unit is archived.")
	case parent.Level.Rank() >= level.Rank():
		v.Add(field, validate.NotAllowed,
			fmt.Sprintf("Đơn vị cấp %s không thể trực thuộc đơn vị cấp %s.", level.VI(), parent.Level.VI()),
			fmt.Sprintf("A %s unit cannot sit under a %s unit.", level, parent.Level))
	}
}

const lockUnitSQL = `SELECT ` + unitColumns + ` FROM units WHERE id = $1 FOR UPDATE`

// lockUnit reads a unit for update, or nil when it does not exist.
func lockUnit(ctx context.Context, tx pgx.Tx, id int64) (*Unit, error) {
	return db.OrNil(tx.QueryRow(ctx, lockUnitSQL, id), scanUnit, "lock unit %d", id)
}

// lockCurrent locks the unit being changed and checks the caller's version.
func lockCurrent(ctx context.Context, tx pgx.Tx, id int64, version int32) (*Unit, error) {
	return versionlock.Lock(ctx, tx, lockUnitSQL, id, version, scanUnit,
		func(u *Unit) int32 { return u.Version }, versionlock.Named{VI: "đơn vị", EN: "unit"})
}

// UpdateInput changes a unit's own fields. A nil field is left as it is;
// Clear* fields empty an optional one.
type UpdateInput struct {
	ID        int64
	Version   int32
	Level     *Level
	Name      *string
	ShortName patch.Optional[string]
	Address   patch.Optional[string]
	// MayChangeLevel says the caller may restructure the unit (manages its
	// parent): its own officers rename it but do not change its level.
	// Compared here, under the row lock, so a level that changed since the
	// caller looked cannot be changed back unchecked.
	MayChangeLevel bool
}

// Update changes a unit's name, short name, address or level.
func (s *Store) Update(ctx context.Context, in UpdateInput) (*Unit, error) {
	return versionlock.Update(ctx, s.pool, in.ID, in.Version, lockCurrent, func(tx pgx.Tx, u *Unit) (*Unit, error) {
		var v validate.Errors
		if in.Name != nil {
			u.Name = v.Text(fieldName, *in.Name, true, maxName)
		}
		if in.ShortName.Set {
			u.ShortName = v.OptionalText(fieldShort, in.ShortName.Value, maxShortName)
		}
		if in.Address.Set {
			u.Address = v.OptionalText(fieldAddr, in.Address.Value, maxAddress)
		}
		if in.Level != nil && *in.Level != u.Level {
			if !in.MayChangeLevel {
				return nil, access.ErrForbidden
			}
			if err := checkLevelChange(ctx, tx, &v, u, *in.Level); err != nil {
				return nil, err
			}
			u.Level = *in.Level
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		updated, err := scanUnit(tx.QueryRow(ctx, `UPDATE units
			SET level = $2, name = $3, short_name = $4, address = $5, version = version + 1, updated_at = now()
			WHERE id = $1 RETURNING `+unitColumns, u.ID, u.Level, u.Name, u.ShortName, u.Address))
		if err != nil {
			return nil, fmt.Errorf("update unit %d: %w", u.ID, err)
		}
		return updated, nil
	})
}

// checkLevelChange makes sure the unit would still sit below its parent and
// above its children at the new level.
func checkLevelChange(ctx context.Context, tx pgx.Tx, v *validate.Errors, u *Unit, level Level) error {
	if u.ParentID != nil {
		parent, err := lockUnit(ctx, tx, *u.ParentID)
		if err != nil {
			return err
		}
		checkParent(v, fieldLevel, parent, level)
	} else if level != Central && level != Province {
		v.Add(fieldLevel, validate.NotAllowed,
			"Đơn vị gốc chỉ có thể là cấp Trung ương hoặc tỉnh.",
			"A root unit can only be central or provincial.")
	}
	var highestChild *string
	err := tx.QueryRow(ctx, `SELECT level FROM units WHERE parent_id = $1
		ORDER BY unit_level_rank(level) LIMIT 1`, u.ID).Scan(&highestChild)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("children of unit %d: %w", u.ID, err)
	}
	if highestChild != nil && Level(*highestChild).Rank() <= level.Rank() {
		v.Add(fieldLevel, validate.NotAllowed,
			"Cấp mới không cao hơn cấp của các đơn vị trực thuộc.",
			"The new level would not sit above the unit's children.")
	}
	return nil
}

// MoveInput moves a unit and its subtree under another parent.
type MoveInput struct {
	ID       int64
	Version  int32
	ParentID int64
}

// Move puts a unit, with everything below it, under a new parent. The
// database rewrites the subtree's paths in the same transaction.
func (s *Store) Move(ctx context.Context, in MoveInput) (*Unit, error) {
	return versionlock.Update(ctx, s.pool, in.ID, in.Version, lockCurrent, func(tx pgx.Tx, u *Unit) (*Unit, error) {
		parent, err := lockUnit(ctx, tx, in.ParentID)
		if err != nil {
			return nil, err
		}
		var v validate.Errors
		if parent != nil && access.PathHas(parent.Path, u.ID) {
			v.Add(fieldParent, validate.NotAllowed,
				"Không thể chuyển đơn vị vào chính nó hoặc đơn vị trực thuộc nó.",
				"A unit cannot move under itself or a unit below it.")
		} else {
			checkParent(&v, fieldParent, parent, u.Level)
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		moved, err := scanUnit(tx.QueryRow(ctx, `UPDATE units
			SET parent_id = $2, version = version + 1, updated_at = now()
			WHERE id = $1 RETURNING `+unitColumns, u.ID, parent.ID))
		if err != nil {
			return nil, fmt.Errorf("move unit %d: %w", u.ID, err)
		}
		return moved, nil
	})
}

// ArchiveInput archives or restores a unit.
type ArchiveInput struct {
	ID       int64
	Version  int32
	Archived bool
}

// Archive marks a dissolved or merged unit archived (or restores it). A unit
// still holding active members or units that are not archived stays open:
// they must be moved or archived first, so nobody is left in a closed unit.
func (s *Store) Archive(ctx context.Context, in ArchiveInput) (*Unit, error) {
	return versionlock.Update(ctx, s.pool, in.ID, in.Version, lockCurrent, func(tx pgx.Tx, u *Unit) (*Unit, error) {
		var v validate.Errors
		if in.Archived {
			var openChildren, activeMembers int
			err := tx.QueryRow(ctx, `SELECT
				(SELECT count(*) FROM units WHERE parent_id = $1 AND archived_at IS NULL),
				(SELECT count(*) FROM members WHERE unit_id = $1 AND status = 'ACTIVE')`, u.ID).
				Scan(&openChildren, &activeMembers)
			if err != nil {
				return nil, fmt.Errorf("check unit %d before archiving: %w", u.ID, err)
			}
			if openChildren > 0 || activeMembers > 0 {
				v.Add(fieldID, validate.NotAllowed,
					fmt.Sprintf("Đơn vị còn %d đơn vị trực thuộc và %d đoàn viên đang sinh hoạt; hãy chuyển hoặc lưu trữ trước.", openChildren, activeMembers),
					fmt.Sprintf("The unit still has %d open units below it and %d active members; move or archive them first.", openChildren, activeMembers))
			}
		} else if u.ParentID != nil {
			parent, err := lockUnit(ctx, tx, *u.ParentID)
			if err != nil {
				return nil, err
			}
			if parent.Archived() {
				v.Add(fieldID, validate.NotAllowed,
					"Đơn vị cấp trên đang lưu trữ; hãy khôi phục đơn vị cấp trên trước.",
					"The parent unit is archived; restore it first.")
			}
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		out, err := scanUnit(tx.QueryRow(ctx, `UPDATE units
			SET archived_at = CASE WHEN $2 THEN coalesce(archived_at, now()) END,
			    version = version + 1, updated_at = now()
			WHERE id = $1 RETURNING `+unitColumns, u.ID, in.Archived))
		if err != nil {
			return nil, fmt.Errorf("archive unit %d: %w", u.ID, err)
		}
		return out, nil
	})
}

// CheckOpen records on field why unitID cannot take new records, if it
// cannot: it does not exist, or it is archived. Stores that attach records
// to a unit (activities, campaigns, posts) call it in their transaction;
// it keeps the unit open (FOR SHARE) until that transaction ends, so an
// archive running meanwhile waits for it.
func CheckOpen(ctx context.Context, q db.DB, v *validate.Errors, field []string, unitID int64) error {
	var archived bool
	err := q.QueryRow(ctx, `SELECT archived_at IS NOT NULL FROM units WHERE id = $1 FOR SHARE`, unitID).Scan(&archived)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		v.Add(field, validate.NotFound, "Không tìm thấy đơn vị.", "No such unit.")
	case err != nil:
		return fmt.Errorf("check unit %d: %w", unitID, err)
	case archived:
		v.Add(field, validate.NotAllowed, "Đơn vị đã lưu trữ.", "The unit is archived.")
	}
	return nil
}
