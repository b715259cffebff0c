package httpserver

import (
	"context"
	"net/http"
	"strconv"
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

// withAuth resolves the bearer token into the request's principal, names
// the actor for the audit triggers, and after the response writes the
// personal-data reads the request made to the audit log.
//
// No token is an anonymous request. A token that no longer signs anyone in
// (expired, revoked, unknown) is refused with 401 rather than served as
// anonymous, so a client learns to sign in again instead of silently
// seeing less.
//
// Each new token that signs no one in is charged to the client's address
// in badTokens (nil: no limit); an address that has spent its budget gets
// 429 for tokens the server has not seen, without looking them up, so a
// flood of made-up tokens cannot keep the database busy. A stale token
// resent (a forgotten tab behind an office's address) is known to be bad:
// it gets 401 without a lookup and is not charged again, so it does not
// spend the office's budget.
func withAuth(accounts *account.Store, badTokens *ratelimit.Limiter, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		p := access.Anonymous
		if token, ok := bearer(r); ok {
			address := ratelimit.AddressKey(account.ClientFrom(ctx).IP)
			if badTokens != nil && accounts.Remembered(token) == nil && !accounts.Rejected(token) {
				if spent, wait := badTokens.Spent(address); spent {
					w.Header().Set("Retry-After", strconv.Itoa(ratelimit.RetrySeconds(wait)))
					writeGraphQLError(w, http.StatusTooManyRequests, "RATE_LIMITED", i18n.Pick(ctx,
						"Quá nhiều mã đăng nhập không hợp lệ từ địa chỉ này; hãy đăng nhập lại sau "+strconv.Itoa(ratelimit.RetrySeconds(wait))+" giây.",
						"Too many invalid sign-in tokens from this address; sign in again in "+strconv.Itoa(ratelimit.RetrySeconds(wait))+" s."))
					return
				}
			}
			known := accounts.Rejected(token)
			found, err := accounts.Authenticate(ctx, token)
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
				if badTokens != nil && !known {
					badTokens.Take(address, 1)
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

// bearer returns the token of an "Authorization: Bearer <token>" header.
func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return "", false
	}
	return strings.TrimSpace(token), true
}

// writeGraphQLError answers with a GraphQL-shaped error, so clients handle
// it like any other.
func writeGraphQLError(w http.ResponseWriter, status int, code, message string) {
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
	}
	writeJSON(w, status, map[string]any{"errors": []any{map[string]any{
		"message": message, "extensions": map[string]string{"code": code},
	}}})
}
