// Package graph is the GraphQL layer: schema files, generated execution code
// and thin resolvers that call the services in internal/.
package graph

import "github.com/jackc/pgx/v5/pgxpool"

//go:generate go tool gqlgen generate

// Resolver holds the services the resolvers call; nothing else, so every
// request's state lives in its context.
type Resolver struct {
	Pool    *pgxpool.Pool
	Version string
}
