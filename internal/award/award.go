// Package award keeps commendations (khen thưởng) and pledges (cam kết)
// with the members who signed them.
package award

import (
	"time"

	"github.com/sodoan/sodoan/internal/org"
)

// Form is the form of a commendation.
type Form string

const (
	GiayKhen      Form = "GIAY_KHEN"
	BangKhen      Form = "BANG_KHEN"
	GiayChungNhan Form = "GIAY_CHUNG_NHAN"
	HuyHieu       Form = "HUY_HIEU"
	CoThiDua      Form = "CO_THI_DUA"
	OtherForm     Form = "OTHER"
)

// Commendation is a commendation given to a member or a unit.
type Commendation struct {
	ID             int64
	Form           Form
	Title          string
	IssuerUnitID   *int64
	IssuerName     *string
	IssuerLevel    org.Level
	DecisionNumber *string
	DecisionDate   *time.Time
	Year           int32
	Reason         *string
	MemberID       *int64
	UnitID         *int64
	Version        int32
}

// Pledge is a commitment a unit asks its members to sign in a year.
type Pledge struct {
	ID          int64
	UnitID      int64
	Year        int32
	Title       string
	Description *string
	Version     int32
}

// Signature is a member's signature on a pledge.
type Signature struct {
	PledgeID int64
	MemberID int64
	SignedOn time.Time
}

// RecipientKind says whether a commendation went to a person or a unit.
type RecipientKind string

const (
	Individual RecipientKind = "INDIVIDUAL"
	Collective RecipientKind = "COLLECTIVE"
)
