// Package origins reads the list of web origins allowed to call the API from
// a browser (CORS_ALLOWED_ORIGINS) and matches request origins against it.
//
// An entry is one of:
//
//	https://dash.example.org        that origin exactly (default port implied)
//	http://localhost:*              that scheme and host, any port
//	https://*.example.org           any subdomain of example.org (not itself)
//	*                               any origin
package origins

import (
	"fmt"
	"net/url"
	"strings"
)

// Matcher decides whether a request's Origin may read the API's answers.
type Matcher struct {
	any   bool
	rules []rule
}

type rule struct {
	scheme, host string
	subdomains   bool // host is a suffix: ".example.org"
	anyPort      bool
	port         string // "" is the scheme's default port
}

// Parse reads entries; empty ones are skipped. An error names the first
// entry that is not an origin pattern.
func Parse(entries []string) (Matcher, error) {
	var m Matcher
	for _, e := range entries {
		e = strings.TrimSpace(e)
		switch e {
		case "":
			continue
		case "*":
			m.any = true
			continue
		}
		r, err := parseRule(e)
		if err != nil {
			return Matcher{}, fmt.Errorf("%q: %w", e, err)
		}
		m.rules = append(m.rules, r)
	}
	return m, nil
}

func parseRule(e string) (rule, error) {
	scheme, rest, ok := strings.Cut(e, "://")
	scheme = strings.ToLower(scheme)
	if !ok || (scheme != "http" && scheme != "https") {
		return rule{}, fmt.Errorf("must start with http:// or https://")
	}
	if strings.ContainsAny(rest, "/?#@") {
		return rule{}, fmt.Errorf("an origin has no path, query or user (e.g. https://dash.example.org)")
	}
	r := rule{scheme: scheme}
	hostPort := strings.ToLower(rest)
	if strings.HasSuffix(hostPort, ":*") {
		r.anyPort = true
		hostPort = strings.TrimSuffix(hostPort, ":*")
	}
	if strings.HasPrefix(hostPort, "*.") {
		r.subdomains = true
		hostPort = hostPort[1:]
	}
	// Parsed as a URL so bracketed IPv6 and ports are read the standard way.
	u, err := url.Parse(scheme + "://" + strings.TrimPrefix(hostPort, "."))
	if err != nil || u.Hostname() == "" || strings.Contains(u.Hostname(), "*") {
		return rule{}, fmt.Errorf("must be scheme://host, scheme://host:port or scheme://host:* (e.g. http://localhost:*)")
	}
	if r.anyPort && u.Port() != "" {
		return rule{}, fmt.Errorf("names a port and :*")
	}
	r.host, r.port = u.Hostname(), defaultless(scheme, u.Port())
	if r.subdomains {
		r.host = "." + r.host
	}
	return r, nil
}

// defaultless drops a port that is the scheme's default, so
// https://a.org:443 and https://a.org are the same origin.
func defaultless(scheme, port string) string {
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		return ""
	}
	return port
}

// Allowed reports whether origin (a request's Origin header) matches.
func (m Matcher) Allowed(origin string) bool {
	if m.any {
		return origin != ""
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || u.Path != "" || u.User != nil || u.RawQuery != "" {
		return false
	}
	scheme, host, port := strings.ToLower(u.Scheme), strings.ToLower(u.Hostname()), defaultless(strings.ToLower(u.Scheme), u.Port())
	for _, r := range m.rules {
		if r.scheme != scheme {
			continue
		}
		if r.subdomains {
			if !strings.HasSuffix(host, r.host) || len(host) == len(r.host) {
				continue
			}
		} else if r.host != host {
			continue
		}
		if r.anyPort || r.port == port {
			return true
		}
	}
	return false
}

// None reports whether no origin is allowed.
func (m Matcher) None() bool { return !m.any && len(m.rules) == 0 }

// Local is the development default: pages served from this machine on any
// port (a dashboard's dev server such as http://localhost:5173).
func Local() []string { return []string{"http://localhost:*", "http://127.0.0.1:*"} }
