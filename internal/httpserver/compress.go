package httpserver

import (
	"net/http"

	"github.com/klauspost/compress/gzhttp"
	"github.com/klauspost/compress/gzip"
)

// compressMinSize is the smallest answer worth compressing; below it gzip's
// framing costs more than it saves.
const compressMinSize = 1 << 10

// newCompressor gzips answers of compressMinSize or more for clients that
// accept gzip (dashboards' JSON shrinks several times). zstd is left out:
// gzip is what every browser and proxy handles. The fastest level: on the
// nested dashboard query the default level was an eighth of the server's
// CPU, and JSON this repetitive still shrinks several times at level 1.
func newCompressor() func(http.Handler) http.Handler {
	wrap, err := gzhttp.NewWrapper(gzhttp.MinSize(compressMinSize), gzhttp.EnableZstd(false), gzhttp.CompressionLevel(gzip.BestSpeed))
	if err != nil {
		panic("gzip options: " + err.Error()) // fixed options: a programming error
	}
	return func(h http.Handler) http.Handler { return wrap(h) }
}
