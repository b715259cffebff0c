package model

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
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
	for _, s := range []string{"2022-12-29", "2024-02-29", "2023-02-29", "29/12/2022", " 2022-01-01 ", "0000-01-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := UnmarshalDate(s)
		if err != nil {
			return
		}
		if got := d.Format("2006-01-02"); got != strings.TrimSpace(s) {
			t.Fatalf("%q accepted as %s", s, got)
		}
	})
}

// Money is whole đồng: a string or JSON number is either refused or read
// exactly.
func FuzzMoney(f *testing.F) {
	for _, s := range []string{"1232000", "1.232.000", "1,232,000", "-5", "9223372036854775807", "9223372036854775808", "1e6", " 42 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, v := range []any{s, json.Number(s)} {
			n, err := UnmarshalMoney(v)
			if err != nil {
				continue
			}
			back, perr := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
			if perr != nil || back != n {
				t.Fatalf("%q (%T) accepted as %d", s, v, n)
			}
		}
	})
}
