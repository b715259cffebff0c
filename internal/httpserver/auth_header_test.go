package httpserver_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/sodoan/sodoan/internal/apitest"
)

// A token sent in any form but "Authorization: Bearer <token>" is refused
// with a code and a hint in the caller's language, not served as anonymous.
func TestMalformedAuthorizationHeader(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	token := e.Session(t, e.Account(t, "canbo", nil, nil))

	for _, header := range []string{token, "Token " + token, "Basic dXNlcjpwYXNz", "Bearer", "Bearer   ", "Bearer" + token} {
		for _, lang := range []struct{ accept, hint string }{
			{"vi", "hãy gửi Authorization: Bearer <token>"},
			{"en", "send Authorization: Bearer <token>"},
		} {
			resp := e.Anonymous().Do(t, `{ me { username } }`, nil, "Authorization", header, "Accept-Language", lang.accept)
			if resp.Status != http.StatusUnauthorized || len(resp.Errors) != 1 ||
				resp.Errors[0].Extensions["code"] != "BAD_AUTHORIZATION_HEADER" || !strings.Contains(resp.Errors[0].Message, lang.hint) {
				t.Errorf("Authorization %q (%s): %d %+v, want 401 BAD_AUTHORIZATION_HEADER with %q", header, lang.accept, resp.Status, resp.Errors, lang.hint)
			}
			if got := resp.Header.Get("WWW-Authenticate"); got != `Bearer error="invalid_request"` {
				t.Errorf("Authorization %q: WWW-Authenticate %q", header, got)
			}
		}
	}

	// The accepted forms: none at all, and Bearer in any case.
	if resp := e.Anonymous().Do(t, `{ me { username } }`, nil); resp.Status != http.StatusOK || len(resp.Errors) != 0 {
		t.Errorf("no header: %d %+v", resp.Status, resp.Errors)
	}
	for _, header := range []string{"Bearer " + token, "bearer " + token, "  BEARER  " + token + " "} {
		resp := e.Anonymous().Do(t, `{ me { username } }`, nil, "Authorization", header)
		if resp.Status != http.StatusOK || len(resp.Errors) != 0 || !strings.Contains(string(resp.Data), "canbo") {
			t.Errorf("Authorization %q: %d %s %+v", header, resp.Status, resp.Data, resp.Errors)
		}
	}
}

// The sign-in-first error says how to sign in, in Vietnamese as in English.
func TestSignInFirstSaysHow(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	for _, lang := range []string{"vi", "en"} {
		resp := e.Anonymous().Do(t, `{ accounts { totalCount } }`, nil, "Accept-Language", lang)
		if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "UNAUTHENTICATED" ||
			!strings.Contains(resp.Errors[0].Message, "Authorization: Bearer <token>") || !strings.Contains(resp.Errors[0].Message, "login") {
			t.Errorf("%s: %+v", lang, resp.Errors)
		}
	}
}
