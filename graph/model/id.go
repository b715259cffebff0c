package model

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/sodoan/sodoan/internal/apperr"
)

// Kind is the type part of a global ID.
type Kind string

// Kinds of records reachable through node(id:). The strings are part of
// every ID handed out: never rename one.
const (
	KindUnit           Kind = "Unit"
	KindMember         Kind = "Member"
	KindActivity       Kind = "Activity"
	KindCampaign       Kind = "Campaign"
	KindContribution   Kind = "Contribution"
	KindCommendation   Kind = "Commendation"
	KindPledge         Kind = "Pledge"
	KindAccount        Kind = "Account"
	KindAuditEntry     Kind = "AuditEntry"
	KindPlanTarget     Kind = "PlanTarget"
	KindPost           Kind = "Post"
	KindPhoto          Kind = "Photo"
	KindUnitChange     Kind = "UnitChange"
	KindPosition       Kind = "Position"
	KindTerm           Kind = "CommitteeTerm"
	KindReferral       Kind = "PartyReferral"
	KindTransfer       Kind = "MemberTransfer"
	KindDuesCollection Kind = "DuesCollection"
	KindRemittance     Kind = "DuesRemittance"
	KindSubmission     Kind = "ReportSubmission"
	KindMemberList     Kind = "MemberList"   // an uploaded spreadsheet, not a Node
	KindMemberImport   Kind = "MemberImport" // an import's log entry, not a Node
)

// EncodeID makes the opaque global ID of a record: base64url of "Kind:key".
func EncodeID(kind Kind, key int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(string(kind) + ":" + strconv.FormatInt(key, 10)))
}

// DecodeAnyID splits a global ID into kind and key.
func DecodeAnyID(id string) (Kind, int64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimSpace(id))
	if err != nil {
		return "", 0, false
	}
	kind, key, ok := strings.Cut(string(b), ":")
	if !ok {
		return "", 0, false
	}
	n, err := strconv.ParseInt(key, 10, 64)
	if err != nil || n <= 0 {
		return "", 0, false
	}
	return Kind(kind), n, true
}

// DecodeID returns the key of a global ID that must be of kind. An ID that
// is malformed or of another kind is NOT_FOUND, said plainly: it is a bug in
// the caller, and null would hide it.
func DecodeID(kind Kind, id string) (int64, error) {
	k, n, ok := DecodeAnyID(id)
	if !ok || k != kind {
		return 0, badID(kind, id)
	}
	return n, nil
}

func badID(kind Kind, id string) error {
	want := "an ID"
	if kind != "" {
		want = "a " + string(kind) + " ID"
	}
	return &apperr.Error{Code: apperr.NotFound,
		Message: strconv.Quote(id) + " is not " + want + " issued by this API",
		VI:      "Mã " + strconv.Quote(id) + " không hợp lệ hoặc không đúng loại bản ghi."}
}

// CheckAnyID is DecodeAnyID with the error node(id:) reports.
func CheckAnyID(id string) (Kind, int64, error) {
	k, n, ok := DecodeAnyID(id)
	if !ok {
		return "", 0, badID("", id)
	}
	return k, n, nil
}
