package award

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/validate"
)

// UnitRatingLevel is a level of the yearly rating of a unit by the level
// above it (xếp loại tổ chức Đoàn).
type UnitRatingLevel string

const (
	UnitExcellent    UnitRatingLevel = "EXCELLENT"
	UnitGood         UnitRatingLevel = "GOOD"
	UnitCompleted    UnitRatingLevel = "COMPLETED"
	UnitNotCompleted UnitRatingLevel = "NOT_COMPLETED"
	UnitStrong       UnitRatingLevel = "STRONG"
	UnitFair         UnitRatingLevel = "FAIR"
	UnitAverage      UnitRatingLevel = "AVERAGE"
	UnitWeak         UnitRatingLevel = "WEAK"
)

// unitScale is the scale units were rated on from one year to another,
// best level first, with each level's wording.
type unitScale struct {
	from, to int
	levels   []UnitRatingLevel
	wording  map[UnitRatingLevel]string
}

// unitScales are the scales by the years they apply to: the four levels
// of task completion, as members are rated, from 2023; before that,
// "vững mạnh, khá, trung bình, yếu". A new scale is a new entry here (and
// its levels in the schema and migration 34's check).
var unitScales = []unitScale{
	{from: 1931, to: 2022, levels: []UnitRatingLevel{UnitStrong, UnitFair, UnitAverage, UnitWeak},
		wording: map[UnitRatingLevel]string{UnitStrong: "Vững mạnh", UnitFair: "Khá", UnitAverage: "Trung bình", UnitWeak: "Yếu"}},
	{from: 2023, to: 2200, levels: []UnitRatingLevel{UnitExcellent, UnitGood, UnitCompleted, UnitNotCompleted},
		wording: map[UnitRatingLevel]string{UnitExcellent: "Hoàn thành xuất sắc nhiệm vụ", UnitGood: "Hoàn thành tốt nhiệm vụ",
			UnitCompleted: "Hoàn thành nhiệm vụ", UnitNotCompleted: "Không hoàn thành nhiệm vụ"}},
}

// scaleOf is the scale of year; ok is false outside every scale.
func scaleOf(year int) (unitScale, bool) {
	for _, s := range unitScales {
		if year >= s.from && year <= s.to {
			return s, true
		}
	}
	return unitScale{}, false
}

// Wording is the level's Vietnamese name, as the rating's year words it.
func (l UnitRatingLevel) Wording() string {
	for _, s := range unitScales {
		if w, ok := s.wording[l]; ok {
			return w
		}
	}
	return string(l)
}

// Rank is the level's place on its scale, 0 the best: what orders a
// report's counts.
func (l UnitRatingLevel) Rank() int {
	for _, s := range unitScales {
		if i := slices.Index(s.levels, l); i >= 0 {
			return i
		}
	}
	return 99 // not on any scale: last
}

// UnitRating is a unit's rating for a year by the level above it.
type UnitRating struct {
	UnitID         int64
	Year           int32
	Level          UnitRatingLevel
	DecisionNumber *string
	Comment        *string
}

// UnitRatingColumns are UnitRating's columns, in its fields' order.
const UnitRatingColumns = `unit_id, year, level, decision_number, comment`

var scanUnitRating = db.Scanner(func(r *UnitRating) []any {
	return []any{&r.UnitID, &r.Year, &r.Level, &r.DecisionNumber, &r.Comment}
})

// UnitRatingInput rates a unit for a year.
type UnitRatingInput struct {
	UnitID         int64
	Year           int
	Level          UnitRatingLevel
	DecisionNumber *string
	Comment        *string
}

// RateUnit records a unit's rating for a year, replacing an earlier one.
// The level must be of the year's scale; the top of the tree, which no
// level above rates here, and a unit that did not exist during the year
// are refused.
func (s *Store) RateUnit(ctx context.Context, in UnitRatingInput) (*UnitRating, error) {
	v := checkRatingYear(in.Year)
	if in.Year > s.now().Year() {
		v.Add(validate.Input("year"), validate.OutOfRange, "Chưa thể xếp loại cho năm sau.", "A future year cannot be rated yet.")
	}
	if scale, ok := scaleOf(in.Year); ok && !slices.Contains(scale.levels, in.Level) {
		names := make([]string, len(scale.levels))
		for i, l := range scale.levels {
			names[i] = string(l) + " (" + scale.wording[l] + ")"
		}
		v.Add(validate.Input("level"), validate.NotAllowed,
			fmt.Sprintf("Năm %d xếp loại theo thang: %s.", in.Year, strings.Join(names, ", ")),
			fmt.Sprintf("%d is rated on the scale %s.", in.Year, strings.Join(names, ", ")))
	}
	in.DecisionNumber = v.OptionalText(validate.Input("decisionNumber"), in.DecisionNumber, maxDecision)
	in.Comment = v.OptionalText(validate.Input("comment"), in.Comment, maxReason)
	var out *UnitRating
	err := db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		var parent *int64
		var existed bool
		err := tx.QueryRow(ctx, `SELECT u.parent_id, EXISTS (SELECT 1 FROM unit_versions v WHERE v.unit_id = u.id
				AND v.during && daterange(make_date($2, 1, 1), make_date($2, 12, 31), '[]'))
			FROM units u WHERE u.id = $1 FOR SHARE`, in.UnitID, in.Year).Scan(&parent, &existed)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			v.Add(validate.Input("unitId"), validate.NotFound, "Không tìm thấy đơn vị.", "No such unit.")
		case err != nil:
			return fmt.Errorf("unit %d to rate: %w", in.UnitID, err)
		case parent == nil:
			v.Add(validate.Input("unitId"), validate.NotAllowed, "Đơn vị cao nhất không có cấp trên xếp loại.",
				"The top unit has no level above to rate it.")
		case !existed && !v.Has(validate.Input("year")):
			v.Add(validate.Input("year"), validate.OutOfRange, fmt.Sprintf("Đơn vị không tồn tại trong năm %d.", in.Year),
				fmt.Sprintf("The unit did not exist in %d.", in.Year))
		}
		if err := v.Err(); err != nil {
			return err
		}
		out, err = scanUnitRating(tx.QueryRow(ctx, `INSERT INTO unit_ratings (unit_id, year, level, decision_number, comment)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (unit_id, year) DO UPDATE SET level = EXCLUDED.level, decision_number = EXCLUDED.decision_number,
				comment = EXCLUDED.comment, updated_at = now()
			RETURNING `+UnitRatingColumns, in.UnitID, in.Year, in.Level, in.DecisionNumber, in.Comment))
		if err != nil {
			return fmt.Errorf("rate unit %d for %d: %w", in.UnitID, in.Year, err)
		}
		return nil
	})
	return out, err
}

// UnrateUnit removes a unit's rating for a year (one given by mistake); a
// year without one is NOT_FOUND, so nothing is taken for removed.
func (s *Store) UnrateUnit(ctx context.Context, unitID int64, year int) error {
	v := checkRatingYear(year)
	if err := v.Err(); err != nil {
		return err
	}
	tag, err := s.pool.Exec(ctx, `DELETE FROM unit_ratings WHERE unit_id = $1 AND year = $2`, unitID, year)
	if err != nil {
		return fmt.Errorf("remove rating of unit %d for %d: %w", unitID, year, err)
	}
	if tag.RowsAffected() == 0 {
		v.Add(validate.Input("year"), validate.NotFound, fmt.Sprintf("Đơn vị chưa được xếp loại năm %d.", year),
			fmt.Sprintf("The unit has no rating for %d.", year))
	}
	return v.Err()
}

// UnitRatingsOf returns each unit's ratings, newest year first, keyed by unit.
func (s *Store) UnitRatingsOf(ctx context.Context, unitIDs []int64) (map[int64][]*UnitRating, error) {
	return db.Grouped(ctx, s.pool, "load unit ratings", scanUnitRating, func(r *UnitRating) int64 { return r.UnitID },
		`SELECT `+UnitRatingColumns+` FROM unit_ratings WHERE unit_id = ANY ($1) ORDER BY unit_id, year DESC`, unitIDs)
}

func checkRatingYear(year int) *validate.Errors {
	var v validate.Errors
	v.Year(validate.Input("year"), year)
	if _, ok := scaleOf(year); !ok && !v.Has(validate.Input("year")) {
		v.Add(validate.Input("year"), validate.OutOfRange, "Năm không có thang xếp loại.", "No rating scale covers the year.")
	}
	return &v
}
