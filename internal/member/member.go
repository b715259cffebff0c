// Package member keeps Union members (đoàn viên): their details, their
// lifecycle (admission, transfers, ageing out, removal) and their yearly
// ratings.
package member

import (
	"time"

	"github.com/sodoan/sodoan/internal/dues"
)

type Gender string

const (
	Male   Gender = "MALE"
	Female Gender = "FEMALE"
)

// Position is a member's post in the branch committee.
type Position string

const (
	Secretary       Position = "SECRETARY"
	DeputySecretary Position = "DEPUTY_SECRETARY"
	CommitteeMember Position = "COMMITTEE_MEMBER"
	PlainMember     Position = "MEMBER"
)

type Status string

const (
	Active         Status = "ACTIVE"
	TransferredOut Status = "TRANSFERRED_OUT"
	AgedOut        Status = "AGED_OUT"
	Removed        Status = "REMOVED"
)

// EventKind is a step of a member's lifecycle.
type EventKind string

const (
	Admitted    EventKind = "ADMITTED"
	Transferred EventKind = "TRANSFERRED"
	AgedOutKind EventKind = "AGED_OUT"
	RemovedKind EventKind = "REMOVED"
)

// Member is a Union member's record.
type Member struct {
	ID         int64
	UnitID     int64
	FullName   string
	Gender     Gender
	BirthDate  time.Time
	JoinedOn   time.Time
	CardNumber *string
	Position   Position
	Phone      *string
	Email      *string
	Address    *string
	Status     Status
	Version    int32
	// DuesCategory is what the member pays union dues by now.
	DuesCategory dues.Category
}

// Event is one step of a member's history.
type Event struct {
	ID             int64
	MemberID       int64
	Kind           EventKind
	OccurredOn     time.Time
	DecisionNumber *string
	UnitID         *int64
	FromUnitID     *int64
	FromExternal   *string
	ToUnitID       *int64
	ToExternal     *string
	Note           *string
	// EarlyReason is, for ageing out before AgeLimit, the ground given.
	EarlyReason *EarlyReason
	// TransferID is, for a move between two units by a two-step
	// transfer, that transfer (its issue date and number).
	TransferID *int64
}

// EarlyReason is a ground the Union's rules allow for ageing out
// (trưởng thành) before the age limit.
type EarlyReason string

const (
	// EarlyPartyMember: a Party member assigned to Party, government or
	// mass-organisation work that takes them out of Union activity.
	EarlyPartyMember EarlyReason = "PARTY_MEMBER"
	// EarlyCommitteeDecision: decided by the Union committee above for
	// another ground its rules allow, by a numbered decision.
	EarlyCommitteeDecision EarlyReason = "COMMITTEE_DECISION"
)

// RatingLevel is a yearly rating (xếp loại đoàn viên).
type RatingLevel string

const (
	Excellent    RatingLevel = "EXCELLENT"
	Good         RatingLevel = "GOOD"
	Completed    RatingLevel = "COMPLETED"
	NotCompleted RatingLevel = "NOT_COMPLETED"
)

// Rating is a member's rating for a year.
type Rating struct {
	MemberID int64
	Year     int32
	Level    RatingLevel
	Comment  *string
	UnitID   int64
}

// Order is a member list's order.
type Order string

const (
	ByName         Order = "NAME"
	ByJoinedOnDesc Order = "JOINED_ON_DESC"
)
