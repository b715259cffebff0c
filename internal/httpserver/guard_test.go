package httpserver

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

// The client address is the peer's unless the peer is a proxy we trust;
// then X-Forwarded-For is read from the right, skipping our own proxies,
// so a client cannot pick its address by sending the header itself.
func TestClientIP(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	tests := []struct {
		name, peer, forwarded, want string
	}{
		{"direct client", "203.0.113.9:5000", "", "203.0.113.9"},
		{"direct client sending the header", "203.0.113.9:5000", "1.2.3.4", "203.0.113.9"},
		{"behind our proxy", "10.0.0.2:5000", "198.51.100.4", "198.51.100.4"},
		{"spoofed hop left of the real one", "10.0.0.2:5000", "1.2.3.4, 198.51.100.4", "198.51.100.4"},
		{"two of our proxies", "10.0.0.2:5000", "198.51.100.4, 10.0.0.3", "198.51.100.4"},
		{"garbled header", "10.0.0.2:5000", "not-an-ip", "10.0.0.2"},
		{"IPv6 proxy", "[::1]:5000", "2001:db8::7", "2001:db8::7"},
		{"hop written with its port", "10.0.0.2:5000", "198.51.100.4:61000", "198.51.100.4"},
		{"IPv4 peer written as IPv6", "[::ffff:203.0.113.9]:5000", "", "203.0.113.9"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tt.peer
		if tt.forwarded != "" {
			r.Header.Set("X-Forwarded-For", tt.forwarded)
		}
		if got := clientIP(r, trusted); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}
