package model

import (
	"time"

	"github.com/sodoan/sodoan/internal/org"
)

// UnitVersion is a version of a unit as read for a day: its ancestors and
// children are those of that day.
type UnitVersion struct {
	*org.UnitVersion
	On time.Time
}
