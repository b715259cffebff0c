package httpserver

import (
	"net/http"

	"github.com/klauspost/compress/gzhttp"
)

// compressMinSize is the smallest answer worth compressing; below it gzip's
// framing costs more than it saves.
const compressMinSize = 1 << 10

// newCompressor gzips answers of compressMinSize or more for clients that
// accept gzip (dashboards' JSON shrinks several times). zstd is left out:
// gzip is what every browser and proxy handles.
func newCompressor() func(http.Handler) http.Handler {
	wrap, err := gzhttp.NewWrapper(gzhttp.MinSize(compressMinSize), gzhttp.EnableZstd(false))
	if err != nil {
		panic("gzip options: " + err.Error()) // fixed options: a programming error
	}
	return func(h http.Handler) http.Handler { return wrap(h) }
}
