// Package model holds the GraphQL-facing types: the ones gqlgen generates
// (models_gen.go) and the hand-written scalars, IDs and cursors they use.
package model
