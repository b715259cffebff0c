package origins

import "testing"

func TestAllowed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		entries []string
		origin  string
		want    bool
	}{
		{"exact", []string{"https://dash.example.org"}, "https://dash.example.org", true},
		{"exact, default port written", []string{"https://dash.example.org:443"}, "https://dash.example.org", true},
		{"exact, case", []string{"https://Dash.Example.org"}, "https://dash.example.org", true},
		{"other scheme", []string{"https://dash.example.org"}, "http://dash.example.org", false},
		{"other port", []string{"https://dash.example.org"}, "https://dash.example.org:8443", false},
		{"other host", []string{"https://dash.example.org"}, "https://dash.example.org.evil.test", false},
		{"any port", []string{"http://localhost:*"}, "http://localhost:5173", true},
		{"any port, none given", []string{"http://localhost:*"}, "http://localhost", true},
		{"any port, other host", []string{"http://localhost:*"}, "http://localhost.evil.test:5173", false},
		{"any port, https", []string{"http://localhost:*"}, "https://localhost:5173", false},
		{"loopback address", []string{"http://127.0.0.1:*"}, "http://127.0.0.1:3000", true},
		{"ipv6", []string{"http://[::1]:*"}, "http://[::1]:3000", true},
		{"subdomain", []string{"https://*.example.org"}, "https://a.b.example.org", true},
		{"subdomain, apex", []string{"https://*.example.org"}, "https://example.org", false},
		{"subdomain, lookalike", []string{"https://*.example.org"}, "https://evilexample.org", false},
		{"any", []string{"*"}, "https://anything.test", true},
		{"none", nil, "http://localhost:5173", false},
		{"null origin", []string{"http://localhost:*"}, "null", false},
		{"origin with path", []string{"http://localhost:*"}, "http://localhost:5173/x", false},
		{"empty origin", []string{"*"}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse(tt.entries)
			if err != nil {
				t.Fatal(err)
			}
			if got := m.Allowed(tt.origin); got != tt.want {
				t.Errorf("%v allows %q = %t, want %t", tt.entries, tt.origin, got, tt.want)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	t.Parallel()
	for _, e := range []string{
		"localhost:5173", "ftp://a.org", "https://a.org/path", "https://a.org?x", "https://user@a.org",
		"https://", "http://*", "http://a*.org", "http://localhost:80:*", "https://a.org:*x",
	} {
		if _, err := Parse([]string{e}); err == nil {
			t.Errorf("%q accepted", e)
		}
	}
	m, err := Parse([]string{" ", ""})
	if err != nil || !m.None() {
		t.Errorf("blank entries: %v, none = %t", err, m.None())
	}
}
