package report

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Format is an export format.
type Format string

const (
	XLSX Format = "XLSX"
	HTML Format = "HTML"
	DOCX Format = "DOCX"
	PDF  Format = "PDF"
	// MemberList is a link to a unit's member list (the import template's
	// form), not to a report: its Year is 0.
	MemberList Format = "MEMBERS"
)

// linkLifetime is how long a download link works.
const linkLifetime = 15 * time.Minute

// Link is what a download link grants: one unit's report for one year (or
// the days of it in From and AsOf), or one submission of it as it was handed
// in, in one format, to the account that asked for it.
type Link struct {
	AccountID    int64
	UnitID       int64
	Year         int
	Format       Format
	From, AsOf   *time.Time
	SubmissionID *int64
}

func hashLink(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// CreateLink makes a download link and returns its token. Expired links
// are swept at the same time.
func (s *Store) CreateLink(ctx context.Context, l Link) (string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("link token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	b := &pgx.Batch{}
	b.Queue(`DELETE FROM download_links WHERE expires_at < now()`)
	b.Queue(`INSERT INTO download_links (token_hash, account_id, unit_id, year, format, from_on, as_of, submission_id, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, hashLink(token), l.AccountID, l.UnitID, l.Year, l.Format, l.From, l.AsOf, l.SubmissionID,
		s.now().Add(linkLifetime))
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return "", fmt.Errorf("create download link: %w", err)
	}
	return token, nil
}

// ResolveLink returns what an unexpired token grants, or nil.
func (s *Store) ResolveLink(ctx context.Context, token string) (*Link, error) {
	var l Link
	err := s.pool.QueryRow(ctx, `SELECT account_id, unit_id, year, format, from_on, as_of, submission_id FROM download_links
		WHERE token_hash = $1 AND expires_at > $2`, hashLink(token), s.now()).
		Scan(&l.AccountID, &l.UnitID, &l.Year, &l.Format, &l.From, &l.AsOf, &l.SubmissionID)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("resolve download link: %w", err)
	}
	return &l, nil
}

// UnitPath returns a unit's path in the tree.
func (s *Store) UnitPath(ctx context.Context, unitID int64) (string, error) {
	var path string
	if err := s.pool.QueryRow(ctx, `SELECT path::text FROM units WHERE id = $1`, unitID).Scan(&path); err != nil {
		return "", fmt.Errorf("unit path: %w", err)
	}
	return path, nil
}
