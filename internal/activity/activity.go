// Package activity keeps what units do: campaigns, activities with their
// guests, who took part (participations) and what was given (contributions).
package activity

import (
	"time"

	"github.com/sodoan/sodoan/internal/member"
)

// WorkArea is one of the Union's work areas, by which reports are organised.
type WorkArea string

const (
	PoliticalEducation   WorkArea = "POLITICAL_EDUCATION"
	YouthVolunteering    WorkArea = "YOUTH_VOLUNTEERING"
	CreativeYouth        WorkArea = "CREATIVE_YOUTH"
	DefendingFatherland  WorkArea = "DEFENDING_FATHERLAND"
	OrganisationBuilding WorkArea = "ORGANISATION_BUILDING"
)

// Kind is what sort of activity it was.
type Kind string

const (
	VolunteerWork  Kind = "VOLUNTEER_WORK"
	Donation       Kind = "DONATION"
	PoliticalStudy Kind = "POLITICAL_STUDY"
	ReadingCulture Kind = "READING_CULTURE"
	Commemoration  Kind = "COMMEMORATION"
	Meeting        Kind = "MEETING"
	Contest        Kind = "CONTEST"
	Training       Kind = "TRAINING"
	SportCulture   Kind = "SPORT_CULTURE"
	OtherKind      Kind = "OTHER"
)

type Status string

const (
	Planned   Status = "PLANNED"
	Done      Status = "DONE"
	Cancelled Status = "CANCELLED"
)

// Campaign is a named campaign run by a unit in a year.
type Campaign struct {
	ID          int64
	UnitID      int64
	Name        string
	Year        int32
	WorkArea    WorkArea
	Description *string
	Version     int32
}

// Place is where an activity happened.
type Place struct {
	Text     *string
	Commune  *string
	District *string
	Province *string
}

// Beneficiaries is who an activity served.
type Beneficiaries struct {
	Description *string
	Count       *int32
}

// Guest is a guest of honour.
type Guest struct {
	Name  string
	Title *string
}

// Activity is one activity organised by a unit.
type Activity struct {
	ID            int64
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
	Version       int32
}

type Role string

const (
	Organiser   Role = "ORGANISER"
	Participant Role = "PARTICIPANT"
)

// Participation is a member's part in an activity.
type Participation struct {
	ActivityID     int64
	MemberID       int64
	Role           Role
	Attended       bool
	VolunteerHours float64
	// Member is the participant, read with the participation.
	Member *member.Member `json:"-"`
}

type ContributionKind string

const (
	Cash         ContributionKind = "CASH"
	InKind       ContributionKind = "IN_KIND"
	YouthProject ContributionKind = "YOUTH_PROJECT"
)

// Contribution is something given through an activity.
type Contribution struct {
	ID           int64
	ActivityID   int64
	Kind         ContributionKind
	Description  string
	Value        int64
	Quantity     *float64
	QuantityUnit *string
	Recipient    *string
	Version      int32
}
