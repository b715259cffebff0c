// Package migrations holds the database schema as numbered SQL files, embedded
// in the server binary so a deployment needs nothing but the binary.
package migrations

import "embed"

// FS holds every NNNNNN_name.up.sql and NNNNNN_name.down.sql file.
//
//go:embed *.sql
var FS embed.FS
