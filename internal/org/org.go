// Package org keeps the organisation tree (units, đơn vị): central →
// province → bloc or district → grassroots union → branch. Every read of
// "this unit and everything below it" is a path prefix match on an index.
package org

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Level is a unit's rank in the tree.
type Level string

const (
	Central    Level = "CENTRAL"
	Province   Level = "PROVINCE"
	Bloc       Level = "BLOC"
	District   Level = "DISTRICT"
	Grassroots Level = "GRASSROOTS"
	Branch     Level = "BRANCH"
)

// Levels lists every level, top first.
var Levels = []Level{Central, Province, Bloc, District, Grassroots, Branch}

// Rank orders levels: a unit's rank is always greater than its parent's.
// Blocs and districts share a rank.
func (l Level) Rank() int {
	switch l {
	case Central:
		return 1
	case Province:
		return 2
	case Bloc, District:
		return 3
	case Grassroots:
		return 4
	case Branch:
		return 5
	}
	return 0
}

// Valid reports whether l is one of the levels.
func (l Level) Valid() bool { return l.Rank() > 0 }

// Unit is one node of the tree.
type Unit struct {
	ID        int64
	ParentID  *int64
	Level     Level
	Name      string
	ShortName *string
	Address   *string
	// Path is the chain of ids from the root, "1.4.17" (an ltree).
	Path       string
	ArchivedAt *time.Time
	Version    int32
}

// Archived reports whether the unit was archived.
func (u *Unit) Archived() bool { return u.ArchivedAt != nil }

// VI is the level's Vietnamese name, for messages.
func (l Level) VI() string {
	switch l {
	case Central:
		return "Trung ương"
	case Province:
		return "tỉnh"
	case Bloc:
		return "khối"
	case District:
		return "huyện"
	case Grassroots:
		return "cơ sở"
	case Branch:
		return "chi đoàn"
	}
	return string(l)
}

// AncestorIDs are the ids of the units above u, root first, read from its path.
func (u *Unit) AncestorIDs() []int64 {
	parts := strings.Split(u.Path, ".")
	ids := make([]int64, 0, len(parts))
	for _, p := range parts[:len(parts)-1] {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			// Paths are written by the database trigger from ids only.
			panic(fmt.Sprintf("org: malformed path %q of unit %d", u.Path, u.ID))
		}
		ids = append(ids, id)
	}
	return ids
}
