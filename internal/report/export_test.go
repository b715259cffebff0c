package report

// SetNotableWay forces how s finds notable activities: 1 walks the
// country's ranking, 2 ranks the scope's own activities.
func SetNotableWay(s *Store, way int) { s.notableWay = way }
