package model

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Any string sent as an ID either names one record (and encoding that
// record gives an ID that decodes the same) or is refused; never a panic.
func FuzzDecodeID(f *testing.F) {
	f.Add(EncodeID(KindMember, 42))
	f.Add(EncodeID(KindUnit, 1))
	f.Add("TWVtYmVyOi0x") // Member:-1
	f.Add("not base64!")
	f.Add("")
	f.Fuzz(func(t *testing.T, id string) {
		kind, key, ok := DecodeAnyID(id)
		if !ok {
			if _, _, err := CheckAnyID(id); err == nil {
				t.Fatalf("CheckAnyID accepted %q that DecodeAnyID refused", id)
			}
			return
		}
		if key <= 0 {
			t.Fatalf("%q decoded to key %d", id, key)
		}
		k2, key2, ok := DecodeAnyID(EncodeID(kind, key))
		if !ok || k2 != kind || key2 != key {
			t.Fatalf("%q → (%s, %d) does not round-trip", id, kind, key)
		}
	})
}

// Dates are YYYY-MM-DD and real: what is accepted prints back as given.
func FuzzDate(f *testing.F) {
	for _, s := range []string{"2022-12-29", "2024-02-29", "2023-02-29", "29/12/2022", "6/3/2026", "31/04/2026", " 2022-01-01 ", "0000-01-01"} {
		f.Add(s)
	}
	dayFirst := regexp.MustCompile(`^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$`)
	f.Fuzz(func(t *testing.T, s string) {
		d, err := UnmarshalDate(s)
		if err != nil {
			return
		}
		s = strings.TrimSpace(s)
		if d.Format("2006-01-02") == s {
			return
		}
		m := dayFirst.FindStringSubmatch(s)
		if m == nil {
			t.Fatalf("%q accepted as %s", s, d.Format(time.DateOnly))
		}
		day, _ := strconv.Atoi(m[1])
		month, _ := strconv.Atoi(m[2])
		year, _ := strconv.Atoi(m[3])
		if d.Day() != day || int(d.Month()) != month || d.Year() != year {
			t.Fatalf("%q accepted as %s", s, d.Format(time.DateOnly))
		}
	})
}

// Money is whole đồng: a string or JSON number is either refused or read
// exactly.
func FuzzMoney(f *testing.F) {
	for _, s := range []string{"1232000", "1.232.000", "1.232.000 đ", "1,232,000", "2.450", "-5", "9223372036854775807", "9223372036854775808", "1e6", " 42 "} {
		f.Add(s)
	}
	digits := strings.NewReplacer(".", "", " ", "", "\u00a0", "")
	f.Fuzz(func(t *testing.T, s string) {
		if n, err := UnmarshalMoney(json.Number(s)); err == nil {
			if back, perr := strconv.ParseInt(s, 10, 64); perr != nil || back != n {
				t.Fatalf("JSON number %q accepted as %d", s, n)
			}
		}
		n, err := UnmarshalMoney(s)
		if err != nil {
			return
		}
		plain := strings.ToLower(strings.TrimSpace(s))
		for _, unit := range []string{"đồng", "vnđ", "vnd", "đ"} {
			plain = strings.TrimSpace(strings.TrimSuffix(plain, unit))
		}
		if back, perr := strconv.ParseInt(digits.Replace(plain), 10, 64); perr != nil || back != n {
			t.Fatalf("%q accepted as %d", s, n)
		}
	})
}
