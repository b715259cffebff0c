package httpserver

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/rs/zerolog"
	"github.com/rs/zerolog/hlog"

	"github.com/sodoan/sodoan/internal/access"
	"github.com/sodoan/sodoan/internal/account"
	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/i18n"
	"github.com/sodoan/sodoan/internal/ratelimit"
	"github.com/sodoan/sodoan/internal/requestid"
)

// tokenChecks is what withAuth needs to resolve bearer tokens.
type tokenChecks struct {
	accounts *account.Store
	// bad charges each new token that signs no one in to the client's
	// address (nil: no limit); lookups is where an address over that
	// budget has its unknown tokens looked up.
	bad     *ratelimit.Limiter
	lookups *ratelimit.Gate
}

// withAuth resolves the bearer token into the request's principal, names
// the actor for the audit triggers, and after the response writes the
// personal-data reads the request made to the audit log.
//
// No token is an anonymous request. A token that no longer signs anyone in
// (expired, revoked, unknown) is refused with 401 rather than served as
// anonymous, so a client learns to sign in again instead of silently
// seeing less.
//
// Each new token that signs no one in is charged to the client's address.
// An address that has spent its budget still has its unknown tokens looked
// up, never refused (one of them may be a colleague's real session behind
// the same office address), but through the lookups gate: one at a time
// for the address and a few at once overall, so a flood of invented tokens
// costs the database at most that many concurrent index probes. A stale
// token resent (a forgotten tab) is known to be bad: it gets 401 without a
// lookup and is not charged again.
func withAuth(tc tokenChecks, next http.Handler) http.Handler {
	accounts := tc.accounts
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		p := access.Anonymous
		token, ok, malformed := bearer(r)
		if malformed {
			// A token in the wrong form would otherwise be served as
			// anonymous, and the caller left wondering why it sees less.
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_request"`)
			writeGraphQLError(w, http.StatusUnauthorized, "BAD_AUTHORIZATION_HEADER", i18n.Pick(ctx,
				"Tiêu đề Authorization không đúng dạng: hãy gửi Authorization: Bearer <token>, với token lấy từ mutation login.",
				"The Authorization header is not in the expected form: send Authorization: Bearer <token>, with the token from the login mutation."))
			return
		}
		if ok {
			address := ratelimit.AddressKey(account.ClientFrom(ctx).IP)
			known := accounts.Rejected(token)
			var found *access.Principal
			lookup := func() (err error) {
				found, err = accounts.Authenticate(ctx, token)
				return err
			}
			var err error
			// Counted as a refusal of the bad-token budget once: here, when
			// the token has to queue for its lookup.
			queued := !known && accounts.Remembered(token) == nil && tc.overBudget(address)
			if queued {
				hlog.FromRequest(r).UpdateContext(func(c zerolog.Context) zerolog.Context {
					return c.Str("token_lookup", "queued")
				})
				err = tc.lookups.Do(ctx, address, lookup)
			} else {
				err = lookup()
			}
			if errors.Is(err, context.Canceled) {
				return // the client left before its token was checked (perhaps waiting its turn): nobody to answer
			}
			if err != nil {
				hlog.FromRequest(r).Error().Err(err).Msg("authenticate")
				status, code := http.StatusInternalServerError, "INTERNAL"
				switch {
				case db.Unavailable(err):
					status, code = http.StatusServiceUnavailable, "UNAVAILABLE"
				case db.TimedOut(err):
					status, code = http.StatusGatewayTimeout, "TIMEOUT"
				}
				writeGraphQLError(w, status, code, i18n.Pick(ctx,
					"Hệ thống tạm thời không kiểm tra được phiên đăng nhập; hãy thử lại.",
					"Sign-in cannot be checked right now; try again."))
				return
			}
			if found == nil {
				if tc.bad != nil && !known && !queued { // a queued one found the budget spent already
					tc.bad.Take(address, 1)
				}
				writeGraphQLError(w, http.StatusUnauthorized, "UNAUTHENTICATED", i18n.Pick(ctx,
					"Phiên đăng nhập đã hết hạn hoặc không hợp lệ; hãy đăng nhập lại.",
					"The session has expired or is not valid; sign in again."))
				return
			}
			p = found
		}
		actor := db.Actor{AccountID: p.AccountID, RequestID: requestid.From(ctx)}
		reads := &access.ReadLog{}
		ctx = access.WithReadLog(db.WithActor(access.With(ctx, p), actor), reads)
		if p.SignedIn() {
			hlog.FromRequest(r).UpdateContext(func(c zerolog.Context) zerolog.Context {
				return c.Int64("account_id", p.AccountID)
			})
		}
		next.ServeHTTP(w, r.WithContext(ctx))

		if list := reads.Drain(); len(list) > 0 {
			if err := accounts.LogReads(context.WithoutCancel(ctx), actor, list); err != nil {
				hlog.FromRequest(r).Error().Err(err).Int("reads", len(list)).Msg("personal-data reads not logged")
			}
		}
	})
}

// overBudget reports whether address has spent its bad-token budget.
func (tc tokenChecks) overBudget(address string) bool {
	if tc.bad == nil || tc.lookups == nil {
		return false
	}
	spent, _ := tc.bad.Spent(address)
	return spent
}

// bearer returns the token of an "Authorization: Bearer <token>" header;
// ok is false when there is no header. malformed is true when there is a
// header of any other form (no scheme, another scheme, no token).
func bearer(r *http.Request) (token string, ok, malformed bool) {
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	if h == "" {
		return "", false, false
	}
	scheme, token, _ := strings.Cut(h, " ")
	token = strings.TrimSpace(token)
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", false, true
	}
	return token, true, false
}

// writeGraphQLError answers with a GraphQL-shaped error, so clients handle
// it like any other.
func writeGraphQLError(w http.ResponseWriter, status int, code, message string) {
	if status == http.StatusUnauthorized && w.Header().Get("WWW-Authenticate") == "" {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
	}
	writeJSON(w, status, map[string]any{"errors": []any{map[string]any{
		"message": message, "extensions": map[string]string{"code": code},
	}}})
}
