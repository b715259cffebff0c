package account

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/access"
	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/page"
)

// AuditAction is what an audit entry records.
type AuditAction string

// AuditEntry is one row of the audit log: a changed record, or a member's
// personal data read by someone else.
type AuditEntry struct {
	ID        int64
	At        time.Time
	AccountID *int64
	RequestID *string
	Action    AuditAction
	Entity    string
	RecordID  *int64
	UnitID    *int64
	MemberID  *int64
	Before    map[string]any
	After     map[string]any
}

// AuditFilter selects audit entries.
type AuditFilter struct {
	Visible   *access.Principal // entries of units this principal manages
	UnitID    *int64            // this unit and below
	Entity    string
	RecordID  *int64
	MemberID  *int64
	AccountID *int64
	Actions   []AuditAction
}

func (f AuditFilter) where(args *db.Args) []string {
	var conds []string
	if f.Visible != nil && !f.Visible.Admin {
		conds = append(conds, "u.id IS NOT NULL AND "+f.Visible.UnitCondition("u", args))
	}
	if f.UnitID != nil {
		conds = append(conds, "u.path <@ (SELECT path FROM units WHERE id = "+args.Add(*f.UnitID)+")")
	}
	if f.Entity != "" {
		conds = append(conds, "l.entity = "+args.Add(f.Entity))
	}
	if f.RecordID != nil {
		conds = append(conds, "l.record_id = "+args.Add(*f.RecordID))
	}
	if f.MemberID != nil {
		conds = append(conds, "l.member_id = "+args.Add(*f.MemberID))
	}
	if f.AccountID != nil {
		conds = append(conds, "l.account_id = "+args.Add(*f.AccountID))
	}
	if len(f.Actions) > 0 {
		conds = append(conds, "l.action = ANY("+args.Add(f.Actions)+"::text[])")
	}
	return conds
}

// Audit lists entries newest first.
func (s *Store) Audit(ctx context.Context, f AuditFilter, p page.Request) (page.Page[*AuditEntry], error) {
	var args db.Args
	conds := f.where(&args)
	var after int64
	if ok, err := p.Key(&after); err != nil {
		return page.Page[*AuditEntry]{}, err
	} else if ok {
		conds = append(conds, "l.id < "+args.Add(after))
	}
	rows, err := s.pool.Query(ctx, `SELECT l.id, l.at, l.account_id, l.request_id, l.action, l.entity, l.record_id,
		l.unit_id, l.member_id, l.before, l.after FROM audit_log l LEFT JOIN units u ON u.id = l.unit_id`+
		db.Where(conds)+` ORDER BY l.id DESC LIMIT `+args.Add(p.Limit()), args...)
	if err != nil {
		return page.Page[*AuditEntry]{}, fmt.Errorf("audit log: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*AuditEntry, error) {
		var e AuditEntry
		var before, after []byte
		if err := r.Scan(&e.ID, &e.At, &e.AccountID, &e.RequestID, &e.Action, &e.Entity, &e.RecordID,
			&e.UnitID, &e.MemberID, &before, &after); err != nil {
			return nil, err
		}
		if err := unmarshalObject(before, &e.Before); err != nil {
			return nil, err
		}
		return &e, unmarshalObject(after, &e.After)
	})
	if err != nil {
		return page.Page[*AuditEntry]{}, fmt.Errorf("audit log: %w", err)
	}
	return page.Trim(p, list, func(e *AuditEntry) []any { return []any{e.ID} }), nil
}

func unmarshalObject(b []byte, dst *map[string]any) error {
	if b == nil {
		return nil
	}
	return json.Unmarshal(b, dst)
}

// CountAudit returns how many entries match f.
func (s *Store) CountAudit(ctx context.Context, f AuditFilter) (int, error) {
	var args db.Args
	conds := f.where(&args)
	return db.Count(ctx, s.pool, "count audit log", "audit_log l LEFT JOIN units u ON u.id = l.unit_id", conds, args...)
}

// LogReads records, in one statement, whose personal data the actor read in
// one request.
func (s *Store) LogReads(ctx context.Context, actor db.Actor, reads []access.Read) error {
	if len(reads) == 0 {
		return nil
	}
	members := make([]int64, len(reads))
	units := make([]int64, len(reads))
	for i, r := range reads {
		members[i], units[i] = r.MemberID, r.UnitID
	}
	var account *int64
	if actor.AccountID != 0 {
		account = &actor.AccountID
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO audit_log (account_id, request_id, action, entity, record_id, unit_id, member_id)
		SELECT $1, $2, 'READ', 'members', m, u, m FROM unnest($3::bigint[], $4::bigint[]) AS r(m, u)`,
		account, actor.RequestID, members, units)
	if err != nil {
		return fmt.Errorf("log personal reads: %w", err)
	}
	return nil
}
