package activity

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/idempotency"
	"github.com/sodoan/sodoan/internal/money"
	"github.com/sodoan/sodoan/internal/org"
	"github.com/sodoan/sodoan/internal/patch"
	"github.com/sodoan/sodoan/internal/validate"
	"github.com/sodoan/sodoan/internal/versionlock"
)

const (
	maxTitle        = 500
	maxCampaign     = 300
	maxDescription  = 20000
	maxCampaignDoc  = 5000
	maxPlace        = 500
	maxPlacePart    = 200
	maxGuestName    = 200
	maxGuestTitle   = 500
	maxGuests       = 100
	maxWhat         = 500
	maxQtyUnit      = 50
	maxHours        = 2000
	maxParticipants = 1000
)

// CampaignInput is a campaign's fields.
type CampaignInput struct {
	UnitID      int64
	Name        string
	Year        int
	WorkArea    WorkArea
	Description *string
}

func checkCampaign(v *validate.Errors, c *CampaignInput) {
	c.Name = v.Text(validate.Input("name"), c.Name, true, maxCampaign)
	v.Year(validate.Input("year"), c.Year)
	c.Description = v.OptionalText(validate.Input("description"), c.Description, maxCampaignDoc)
}

func duplicateCampaign(err error) error {
	return db.Duplicate(err, "campaigns_unit_id_year_name_key", validate.Input("name"),
		"Đơn vị đã có phong trào cùng tên trong năm này.",
		"The unit already has a campaign of this name this year.")
}

// CreateCampaign adds a campaign.
func (s *Store) CreateCampaign(ctx context.Context, c CampaignInput) (*Campaign, error) {
	var v validate.Errors
	checkCampaign(&v, &c)
	var out *Campaign
	err := idempotency.InTx(ctx, s.pool, func(tx pgx.Tx) (int64, error) {
		if err := org.CheckOpen(ctx, tx, &v, validate.Input("unitId"), c.UnitID); err != nil {
			return 0, err
		}
		if err := v.Err(); err != nil {
			return 0, err
		}
		var err error
		out, err = scanCampaign(tx.QueryRow(ctx, `INSERT INTO campaigns (unit_id, name, year, work_area, description)
			VALUES ($1, $2, $3, $4, $5) RETURNING `+campaignColumns, c.UnitID, c.Name, c.Year, c.WorkArea, c.Description))
		if err != nil {
			return 0, duplicateCampaign(fmt.Errorf("insert campaign: %w", err))
		}
		return out.ID, nil
	})
	return out, err
}

// CampaignUpdate changes a campaign; nil fields are kept.
type CampaignUpdate struct {
	ID          int64
	Version     int32
	Name        *string
	Year        *int
	WorkArea    *WorkArea
	Description patch.Optional[string]
}

func lockCampaign(ctx context.Context, tx pgx.Tx, id int64, version int32) (*Campaign, error) {
	return versionlock.Lock(ctx, tx, `SELECT `+campaignColumns+` FROM campaigns WHERE id = $1 FOR UPDATE`, id, version,
		scanCampaign, func(c *Campaign) int32 { return c.Version }, versionlock.Named{VI: "phong trào", EN: "campaign"})
}

// UpdateCampaign changes a campaign's fields.
func (s *Store) UpdateCampaign(ctx context.Context, u CampaignUpdate) (*Campaign, error) {
	return versionlock.Update(ctx, s.pool, u.ID, u.Version, lockCampaign, func(tx pgx.Tx, cur *Campaign) (*Campaign, error) {
		c := CampaignInput{UnitID: cur.UnitID, Name: cur.Name, Year: int(cur.Year), WorkArea: cur.WorkArea, Description: cur.Description}
		patch.Set(&c.Name, u.Name)
		patch.Set(&c.Year, u.Year)
		patch.Set(&c.WorkArea, u.WorkArea)
		u.Description.Apply(&c.Description)
		var v validate.Errors
		checkCampaign(&v, &c)
		if err := v.Err(); err != nil {
			return nil, err
		}
		out, err := scanCampaign(tx.QueryRow(ctx, `UPDATE campaigns SET name = $2, year = $3, work_area = $4, description = $5,
			version = version + 1, updated_at = now() WHERE id = $1 RETURNING `+campaignColumns,
			cur.ID, c.Name, c.Year, c.WorkArea, c.Description))
		if err != nil {
			return nil, duplicateCampaign(fmt.Errorf("update campaign %d: %w", cur.ID, err))
		}
		return out, nil
	})
}

// DeleteCampaign deletes a campaign no activity belongs to.
func (s *Store) DeleteCampaign(ctx context.Context, id int64, version int32) error {
	return versionlock.DeleteUnless(ctx, s.pool, "campaigns", id, version, lockCampaign, func(ctx context.Context, tx pgx.Tx, c *Campaign) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM activities WHERE campaign_id = $1`, c.ID).Scan(&n); err != nil {
			return fmt.Errorf("activities of campaign %d: %w", c.ID, err)
		}
		if n == 0 {
			return nil
		}
		var v validate.Errors
		v.Add(validate.Input("id"), validate.NotAllowed,
			fmt.Sprintf("Phong trào có %d hoạt động; hãy chuyển hoặc xóa các hoạt động trước.", n),
			fmt.Sprintf("%d activities belong to the campaign; move or delete them first.", n))
		return v.Err()
	})
}

// ActivityInput is an activity's own fields. Guests, when not nil, replace
// the activity's list.
type ActivityInput struct {
	UnitID        int64
	Title         string
	Kind          Kind
	WorkArea      WorkArea
	CampaignID    *int64
	StartsOn      time.Time
	EndsOn        time.Time
	Place         Place
	Description   *string
	Status        Status
	Beneficiaries Beneficiaries
	Guests        []Guest
}

func (s *Store) checkActivity(ctx context.Context, tx pgx.Tx, v *validate.Errors, a *ActivityInput) error {
	a.Title = v.Text(validate.Input("title"), a.Title, true, maxTitle)
	v.NotBefore(validate.Input("endsOn"), a.EndsOn, a.StartsOn, "ngày bắt đầu", "start date")
	v.DateRange(validate.Input("startsOn"), a.StartsOn, time.Date(1931, 3, 26, 0, 0, 0, 0, time.UTC), s.now().AddDate(5, 0, 0))
	if a.Status == Done && a.StartsOn.After(s.now()) {
		v.Add(validate.Input("status"), validate.NotAllowed, "Hoạt động chưa diễn ra không thể đánh dấu đã thực hiện.",
			"An activity that has not started yet cannot be marked done.")
	}
	a.Place.Text = v.OptionalText(validate.Input("place", "text"), a.Place.Text, maxPlace)
	a.Place.Commune = v.OptionalText(validate.Input("place", "commune"), a.Place.Commune, maxPlacePart)
	a.Place.District = v.OptionalText(validate.Input("place", "district"), a.Place.District, maxPlacePart)
	a.Place.Province = v.OptionalText(validate.Input("place", "province"), a.Place.Province, maxPlacePart)
	a.Description = v.OptionalText(validate.Input("description"), a.Description, maxDescription)
	a.Beneficiaries.Description = v.OptionalText(validate.Input("beneficiaries", "description"), a.Beneficiaries.Description, maxWhat)
	if a.Beneficiaries.Count != nil {
		v.NonNegative(validate.Input("beneficiaries", "count"), float64(*a.Beneficiaries.Count))
	}
	if len(a.Guests) > maxGuests {
		v.Add(validate.Input("guests"), validate.TooLong, fmt.Sprintf("Tối đa %d đại biểu.", maxGuests), fmt.Sprintf("At most %d guests.", maxGuests))
	}
	for i := range a.Guests {
		a.Guests[i].Name = v.Text(validate.Input("guests", i, "name"), a.Guests[i].Name, true, maxGuestName)
		a.Guests[i].Title = v.OptionalText(validate.Input("guests", i, "title"), a.Guests[i].Title, maxGuestTitle)
	}
	if err := org.CheckOpen(ctx, tx, v, validate.Input("unitId"), a.UnitID); err != nil {
		return err
	}
	if a.CampaignID != nil {
		// The campaign must be run by the organiser or a unit above it.
		var ok bool
		err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM campaigns c JOIN units cu ON cu.id = c.unit_id
			WHERE c.id = $1 AND cu.path @> (SELECT path FROM units WHERE id = $2))`, *a.CampaignID, a.UnitID).Scan(&ok)
		if err != nil {
			return fmt.Errorf("check campaign: %w", err)
		}
		if !ok {
			v.Add(validate.Input("campaignId"), validate.NotFound,
				"Không tìm thấy phong trào của đơn vị hoặc đơn vị cấp trên.",
				"No such campaign run by the organising unit or a unit above it.")
		}
	}
	return nil
}

func writeGuests(ctx context.Context, tx pgx.Tx, activityID int64, guests []Guest) error {
	if _, err := tx.Exec(ctx, `DELETE FROM activity_guests WHERE activity_id = $1`, activityID); err != nil {
		return fmt.Errorf("clear guests: %w", err)
	}
	if len(guests) == 0 {
		return nil
	}
	names := make([]string, len(guests))
	titles := make([]*string, len(guests))
	for i, g := range guests {
		names[i], titles[i] = g.Name, g.Title
	}
	_, err := tx.Exec(ctx, `INSERT INTO activity_guests (activity_id, ordinal, name, title)
		SELECT $1, g.ord - 1, g.name, g.title FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS g(name, title, ord)`,
		activityID, names, titles)
	if err != nil {
		return fmt.Errorf("insert guests: %w", err)
	}
	return nil
}

// CreateActivity adds an activity with its guests.
func (s *Store) CreateActivity(ctx context.Context, a ActivityInput) (*Activity, error) {
	if a.EndsOn.IsZero() {
		a.EndsOn = a.StartsOn
	}
	if a.Status == "" {
		a.Status = Planned
	}
	var out *Activity
	err := idempotency.InTx(ctx, s.pool, func(tx pgx.Tx) (int64, error) {
		var v validate.Errors
		if err := s.checkActivity(ctx, tx, &v, &a); err != nil {
			return 0, err
		}
		if err := v.Err(); err != nil {
			return 0, err
		}
		var err error
		out, err = scanActivity(tx.QueryRow(ctx, `INSERT INTO activities AS a (unit_id, title, kind, work_area, campaign_id,
			starts_on, ends_on, place, commune, district, province, description, status, beneficiaries, beneficiary_count)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING `+activityColumns,
			a.UnitID, a.Title, a.Kind, a.WorkArea, a.CampaignID, a.StartsOn, a.EndsOn, a.Place.Text, a.Place.Commune,
			a.Place.District, a.Place.Province, a.Description, a.Status, a.Beneficiaries.Description, a.Beneficiaries.Count))
		if err != nil {
			return 0, fmt.Errorf("insert activity: %w", err)
		}
		if err := writeGuests(ctx, tx, out.ID, a.Guests); err != nil {
			return 0, err
		}
		return out.ID, nil
	})
	return out, err
}

// ActivityUpdate changes an activity; nil fields are kept.
type ActivityUpdate struct {
	ID            int64
	Version       int32
	Title         *string
	Kind          *Kind
	WorkArea      *WorkArea
	CampaignID    patch.Optional[int64]
	StartsOn      *time.Time
	EndsOn        *time.Time
	Place         *Place
	Description   patch.Optional[string]
	Status        *Status
	Beneficiaries *Beneficiaries
	Guests        []Guest
	GuestsSet     bool
}

const lockActivitySQL = `SELECT ` + activityColumns + ` FROM activities a WHERE a.id = $1 FOR UPDATE`

var activityNamed = versionlock.Named{VI: "hoạt động", EN: "activity"}

// lockActivity reads an activity for update, or nil if there is none.
func lockActivity(ctx context.Context, tx pgx.Tx, id int64) (*Activity, error) {
	a, err := scanActivity(tx.QueryRow(ctx, lockActivitySQL, id))
	if isNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lock activity %d: %w", id, err)
	}
	return a, nil
}

// lockActivityAt locks the activity an update or delete names: it must
// exist and still be at the version the caller read.
func lockActivityAt(ctx context.Context, tx pgx.Tx, id int64, version int32) (*Activity, error) {
	return versionlock.Lock(ctx, tx, lockActivitySQL, id, version, scanOneActivity,
		func(a *Activity) int32 { return a.Version }, activityNamed)
}

// UpdateActivity changes an activity's fields and, when given, its guests.
func (s *Store) UpdateActivity(ctx context.Context, u ActivityUpdate) (*Activity, error) {
	return versionlock.Update(ctx, s.pool, u.ID, u.Version, lockActivityAt, func(tx pgx.Tx, cur *Activity) (*Activity, error) {
		a := ActivityInput{UnitID: cur.UnitID, Title: cur.Title, Kind: cur.Kind, WorkArea: cur.WorkArea, CampaignID: cur.CampaignID,
			StartsOn: cur.StartsOn, EndsOn: cur.EndsOn, Place: cur.Place, Description: cur.Description, Status: cur.Status,
			Beneficiaries: cur.Beneficiaries, Guests: u.Guests}
		patch.Set(&a.Title, u.Title)
		patch.Set(&a.Kind, u.Kind)
		patch.Set(&a.WorkArea, u.WorkArea)
		u.CampaignID.Apply(&a.CampaignID)
		patch.Set(&a.StartsOn, u.StartsOn)
		patch.Set(&a.EndsOn, u.EndsOn)
		patch.Set(&a.Place, u.Place)
		u.Description.Apply(&a.Description)
		patch.Set(&a.Status, u.Status)
		patch.Set(&a.Beneficiaries, u.Beneficiaries)
		var v validate.Errors
		if err := s.checkActivity(ctx, tx, &v, &a); err != nil {
			return nil, err
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		out, err := scanActivity(tx.QueryRow(ctx, `UPDATE activities AS a SET title = $2, kind = $3, work_area = $4,
			campaign_id = $5, starts_on = $6, ends_on = $7, place = $8, commune = $9, district = $10, province = $11,
			description = $12, status = $13, beneficiaries = $14, beneficiary_count = $15,
			version = version + 1, updated_at = now()
			WHERE id = $1 RETURNING `+activityColumns,
			cur.ID, a.Title, a.Kind, a.WorkArea, a.CampaignID, a.StartsOn, a.EndsOn, a.Place.Text, a.Place.Commune,
			a.Place.District, a.Place.Province, a.Description, a.Status, a.Beneficiaries.Description, a.Beneficiaries.Count))
		if err != nil {
			return nil, fmt.Errorf("update activity %d: %w", cur.ID, err)
		}
		if u.GuestsSet {
			if err := writeGuests(ctx, tx, cur.ID, a.Guests); err != nil {
				return nil, err
			}
		}
		return out, nil
	})
}

// DeleteActivity deletes an activity with its participations, guests and
// contributions.
func (s *Store) DeleteActivity(ctx context.Context, id int64, version int32) error {
	return versionlock.Delete(ctx, s.pool, "activities", id, version, lockActivityAt)
}

// ParticipantInput is one member's part in an activity.
type ParticipantInput struct {
	MemberID       int64
	Role           Role
	Attended       bool
	VolunteerHours float64
}

// RecordParticipations records (or replaces) many members' participation in
// one activity: one statement, all or nothing. Each member must belong to
// the organising unit or a unit below it.
func (s *Store) RecordParticipations(ctx context.Context, activityID int64, list []ParticipantInput) ([]*Participation, error) {
	var v validate.Errors
	cols := checkParticipantList(&v, list)
	var out []*Participation
	err := db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		a, err := versionlock.Row(ctx, tx, lockActivitySQL, activityID, scanOneActivity, validate.Input("activityId"), activityNamed)
		if err != nil {
			return err
		}
		if a.Status == Cancelled {
			v.Add(validate.Input("activityId"), validate.NotAllowed, "Hoạt động đã hủy.", "The activity was cancelled.")
		}
		if err := checkParticipantsBelong(ctx, tx, &v, cols.ids, a.UnitID); err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		out, err = upsertParticipations(ctx, tx, a.ID, cols)
		return err
	})
	return out, err
}

// participantColumns are a participant list as the columns the upsert
// unnests, with each member's place in the list.
type participantColumns struct {
	ids      []int64
	roles    []string
	attended []bool
	hours    []float64
	at       map[int64]int // member id -> index in the list
}

// checkParticipantList checks the list on its own (its size, no member
// twice, hours in range) and turns it into columns.
func checkParticipantList(v *validate.Errors, list []ParticipantInput) participantColumns {
	if len(list) == 0 {
		v.Add(validate.Input("participants"), validate.Required, "Cần ít nhất một đoàn viên.", "At least one participant is needed.")
	}
	if len(list) > maxParticipants {
		v.Add(validate.Input("participants"), validate.TooLong,
			fmt.Sprintf("Tối đa %d đoàn viên mỗi lần.", maxParticipants), fmt.Sprintf("At most %d participants at once.", maxParticipants))
	}
	c := participantColumns{
		ids: make([]int64, len(list)), roles: make([]string, len(list)),
		attended: make([]bool, len(list)), hours: make([]float64, len(list)),
		at: make(map[int64]int, len(list)),
	}
	for i, p := range list {
		if _, dup := c.at[p.MemberID]; dup {
			v.Add(validate.Input("participants", i, "memberId"), validate.Duplicate, "Đoàn viên bị lặp lại.", "The member appears twice.")
		}
		c.at[p.MemberID] = i
		if p.VolunteerHours < 0 || p.VolunteerHours > maxHours {
			v.Add(validate.Input("participants", i, "volunteerHours"), validate.OutOfRange,
				fmt.Sprintf("Số giờ phải từ 0 đến %d.", maxHours), fmt.Sprintf("Hours must be between 0 and %d.", maxHours))
		}
		c.ids[i], c.roles[i], c.attended[i], c.hours[i] = p.MemberID, string(p.Role), p.Attended, p.VolunteerHours
	}
	return c
}

// checkParticipantsBelong records the members that do not exist or do not
// belong to the organising unit or a unit below it.
func checkParticipantsBelong(ctx context.Context, tx pgx.Tx, v *validate.Errors, ids []int64, unitID int64) error {
	inTree, err := db.ByID[bool](ctx, tx, `SELECT m.id, u.path <@ (SELECT path FROM units WHERE id = $2)
		FROM members m JOIN units u ON u.id = m.unit_id WHERE m.id = ANY($1)`, ids, unitID)
	if err != nil {
		return fmt.Errorf("check participants: %w", err)
	}
	for i, id := range ids {
		ok, exists := inTree[id]
		switch {
		case !exists:
			v.Add(validate.Input("participants", i, "memberId"), validate.NotFound, "Không tìm thấy đoàn viên.", "No such member.")
		case !ok:
			v.Add(validate.Input("participants", i, "memberId"), validate.NotAllowed,
				"Đoàn viên không thuộc đơn vị tổ chức hoạt động.",
				"The member does not belong to the organising unit or a unit below it.")
		}
	}
	return nil
}

// upsertParticipations records the list in one statement, replacing what
// was recorded for the same members, and returns the rows in the list's
// order: the order of RETURNING is not one to rely on.
func upsertParticipations(ctx context.Context, tx pgx.Tx, activityID int64, c participantColumns) ([]*Participation, error) {
	rows, err := tx.Query(ctx, `WITH p AS (INSERT INTO participations AS p (activity_id, member_id, role, attended, volunteer_hours)
			SELECT $1, x.member_id, x.role, x.attended, x.hours
			FROM unnest($2::bigint[], $3::text[], $4::bool[], $5::float8[]) AS x(member_id, role, attended, hours)
			ON CONFLICT (activity_id, member_id) DO UPDATE
			SET role = EXCLUDED.role, attended = EXCLUDED.attended, volunteer_hours = EXCLUDED.volunteer_hours
			RETURNING *)
		SELECT `+participationColumns+` FROM p JOIN members m ON m.id = p.member_id`, activityID, c.ids, c.roles, c.attended, c.hours)
	if err != nil {
		return nil, fmt.Errorf("record participations: %w", err)
	}
	recorded, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Participation, error) { return scanParticipation(r) })
	if err != nil {
		return nil, fmt.Errorf("record participations: %w", err)
	}
	out := make([]*Participation, len(c.ids))
	for _, p := range recorded {
		out[c.at[p.MemberID]] = p
	}
	return out, nil
}

// RemoveParticipations deletes members' participation in an activity and
// says how many there were.
func (s *Store) RemoveParticipations(ctx context.Context, activityID int64, memberIDs []int64) (int, error) {
	var n int
	err := db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := versionlock.Row(ctx, tx, lockActivitySQL, activityID, scanOneActivity, validate.Input("activityId"), activityNamed); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM participations WHERE activity_id = $1 AND member_id = ANY($2)`, activityID, memberIDs)
		if err != nil {
			return fmt.Errorf("remove participations: %w", err)
		}
		n = int(tag.RowsAffected())
		return nil
	})
	return n, err
}

// ContributionInput is a contribution's fields.
type ContributionInput struct {
	ActivityID   int64
	Kind         ContributionKind
	Description  string
	Value        int64
	Quantity     *float64
	QuantityUnit *string
	Recipient    *string
}

func checkContribution(v *validate.Errors, c *ContributionInput) {
	c.Description = v.Text(validate.Input("description"), c.Description, true, maxWhat)
	switch {
	case c.Value < 0:
		v.Add(validate.Input("value"), validate.OutOfRange, "Giá trị không được âm.", "The value must not be negative.")
	case c.Value > money.MaxContribution:
		v.Add(validate.Input("value"), validate.OutOfRange, "Giá trị một khoản đóng góp tối đa 1.000 tỷ đồng.",
			"One contribution is worth at most 1,000 billion đồng.")
	}
	if c.Quantity != nil {
		v.NonNegative(validate.Input("quantity"), *c.Quantity)
	}
	c.QuantityUnit = v.OptionalText(validate.Input("quantityUnit"), c.QuantityUnit, maxQtyUnit)
	c.Recipient = v.OptionalText(validate.Input("recipient"), c.Recipient, maxWhat)
}

// CreateContribution adds a contribution to an activity.
func (s *Store) CreateContribution(ctx context.Context, c ContributionInput) (*Contribution, error) {
	var v validate.Errors
	checkContribution(&v, &c)
	var out *Contribution
	err := idempotency.InTx(ctx, s.pool, func(tx pgx.Tx) (int64, error) {
		a, err := lockActivity(ctx, tx, c.ActivityID)
		if err != nil {
			return 0, err
		}
		if a == nil {
			v.Add(validate.Input("activityId"), validate.NotFound, "Không tìm thấy hoạt động.", "No such activity.")
		}
		if err := v.Err(); err != nil {
			return 0, err
		}
		out, err = scanContribution(tx.QueryRow(ctx, `INSERT INTO contributions
			(activity_id, kind, description, value_dong, quantity, quantity_unit, recipient)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING `+contributionColumns,
			c.ActivityID, c.Kind, c.Description, c.Value, c.Quantity, c.QuantityUnit, c.Recipient))
		if err != nil {
			return 0, fmt.Errorf("insert contribution: %w", err)
		}
		return out.ID, nil
	})
	return out, err
}

// ContributionUpdate changes a contribution; nil fields are kept.
type ContributionUpdate struct {
	ID           int64
	Version      int32
	Kind         *ContributionKind
	Description  *string
	Value        *int64
	Quantity     patch.Optional[float64]
	QuantityUnit patch.Optional[string]
	Recipient    patch.Optional[string]
}

func lockContribution(ctx context.Context, tx pgx.Tx, id int64, version int32) (*Contribution, error) {
	return versionlock.Lock(ctx, tx, `SELECT `+contributionColumns+` FROM contributions WHERE id = $1 FOR UPDATE`, id, version,
		scanContribution, func(c *Contribution) int32 { return c.Version }, versionlock.Named{VI: "khoản đóng góp", EN: "contribution"})
}

// UpdateContribution changes a contribution.
func (s *Store) UpdateContribution(ctx context.Context, u ContributionUpdate) (*Contribution, error) {
	return versionlock.Update(ctx, s.pool, u.ID, u.Version, lockContribution, func(tx pgx.Tx, cur *Contribution) (*Contribution, error) {
		c := ContributionInput{ActivityID: cur.ActivityID, Kind: cur.Kind, Description: cur.Description, Value: cur.Value,
			Quantity: cur.Quantity, QuantityUnit: cur.QuantityUnit, Recipient: cur.Recipient}
		patch.Set(&c.Kind, u.Kind)
		patch.Set(&c.Description, u.Description)
		patch.Set(&c.Value, u.Value)
		u.Quantity.Apply(&c.Quantity)
		u.QuantityUnit.Apply(&c.QuantityUnit)
		u.Recipient.Apply(&c.Recipient)
		var v validate.Errors
		checkContribution(&v, &c)
		if err := v.Err(); err != nil {
			return nil, err
		}
		out, err := scanContribution(tx.QueryRow(ctx, `UPDATE contributions SET kind = $2, description = $3, value_dong = $4,
			quantity = $5, quantity_unit = $6, recipient = $7, version = version + 1, updated_at = now()
			WHERE id = $1 RETURNING `+contributionColumns,
			cur.ID, c.Kind, c.Description, c.Value, c.Quantity, c.QuantityUnit, c.Recipient))
		if err != nil {
			return nil, fmt.Errorf("update contribution %d: %w", cur.ID, err)
		}
		return out, nil
	})
}

// DeleteContribution deletes a contribution.
func (s *Store) DeleteContribution(ctx context.Context, id int64, version int32) error {
	return versionlock.Delete(ctx, s.pool, "contributions", id, version, lockContribution)
}
