package imagedecode

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
	"runtime"
	"slices"
	"testing"

	"github.com/sodoan/sodoan/internal/imagedecode/testimages"
)

func encoded(t *testing.T, img image.Image, format string) []byte {
	t.Helper()
	var b bytes.Buffer
	var err error
	if format == "png" {
		err = png.Encode(&b, img)
	} else {
		err = jpeg.Encode(&b, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withTransparentGrey inserts a tRNS chunk (grey value 0 is transparent)
// after a grey PNG's header, as Go's encoder never writes one.
func withTransparentGrey(data []byte) []byte {
	chunk := []byte{0, 0, 0, 2, 't', 'R', 'N', 'S', 0, 0}
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	return slices.Concat(data[:33], chunk, data[33:])
}

// interlacedGrey is a w × h Adam7-interlaced 8-bit grey PNG, all black.
func interlacedGrey(t *testing.T, w, h int) []byte {
	t.Helper()
	var raw bytes.Buffer
	for _, p := range [][4]int{{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}} {
		pw, ph := (w-p[0]+p[2]-1)/p[2], (h-p[1]+p[3]-1)/p[3]
		if pw <= 0 || ph <= 0 {
			continue
		}
		for range ph {
			raw.Write(make([]byte, 1+pw))
		}
	}
	var idat bytes.Buffer
	z := zlib.NewWriter(&idat)
	z.Write(raw.Bytes())
	z.Close()
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(kind string, data []byte) {
		c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
		c = append(append(c, kind...), data...)
		out.Write(binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:])))
	}
	ihdr := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, uint32(w)), uint32(h))
	chunk("IHDR", append(ihdr, 8, 0, 0, 0, 1))
	chunk("IDAT", idat.Bytes())
	chunk("IEND", nil)
	return out.Bytes()
}

// heapGrowth decodes data and returns how many bytes the decoder allocated.
func heapGrowth(t *testing.T, data []byte) int64 {
	t.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	if _, _, err := image.Decode(bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	return int64(after.TotalAlloc - before.TotalAlloc)
}

// Cost is counted from the header, and is never below what Go's decoders
// really allocate (nor far above it), for each colour model and layout.
func TestCostCoversTheDecoder(t *testing.T) {
	rgba := image.NewRGBA(image.Rect(0, 0, 640, 480))
	gray16 := image.NewGray16(image.Rect(0, 0, 640, 480))
	rgba64 := image.NewRGBA64(image.Rect(0, 0, 640, 480))
	for i := range rgba.Pix {
		rgba.Pix[i] = byte(i * 7)
	}
	for _, tt := range []struct {
		name string
		data []byte
	}{
		{"8-bit RGBA PNG", encoded(t, rgba, "png")},
		{"16-bit grey PNG", encoded(t, gray16, "png")},
		{"8-bit grey PNG with a transparent value", withTransparentGrey(encoded(t, image.NewGray(image.Rect(0, 0, 640, 480)), "png"))},
		{"16-bit grey PNG with a transparent value", withTransparentGrey(encoded(t, gray16, "png"))},
		{"16-bit RGBA PNG", encoded(t, rgba64, "png")},
		{"interlaced 8-bit grey PNG", interlacedGrey(t, 640, 480)},
		{"generated 16-bit RGBA PNG", testimages.PNG16(640, 480)},
		{"baseline 4:2:0 JPEG", encoded(t, rgba, "jpeg")},
		{"baseline grey JPEG", encoded(t, image.NewGray(image.Rect(0, 0, 640, 480)), "jpeg")},
		{"progressive 4:4:4 JPEG", testimages.ProgressiveJPEG(640, 480)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg, format, err := image.DecodeConfig(bytes.NewReader(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			cost, err := Cost(tt.data, format, cfg)
			if err != nil {
				t.Fatal(err)
			}
			used := heapGrowth(t, tt.data)
			t.Logf("cost %d, used %d", cost, used)
			if cost < used || cost > 2*used+overhead {
				t.Errorf("cost %d, the decoder allocated %d", cost, used)
			}
		})
	}
}

// The attack's images pass the 50-megapixel cap but need far more memory
// than the budget: they are refused before any pixel is decoded.
func TestGateRefusesCostlyImages(t *testing.T) {
	g := New(DefaultBudget, DefaultQueue)
	for _, tt := range []struct {
		name     string
		data     []byte
		atLeast  int64
		decodeOK bool
	}{
		{"7000 × 7000 progressive JPEG", testimages.ProgressiveJPEG(7000, 7000), 700 << 20, false},
		{"7000 × 7000 16-bit PNG", testimages.PNG16Declaring(7000, 7000), 370 << 20, false},
	} {
		before := heapAlloc()
		_, err := g.Decode(t.Context(), tt.data)
		var tooLarge *TooLargeError
		if !errors.As(err, &tooLarge) || tooLarge.Need < tt.atLeast || tooLarge.Budget != DefaultBudget {
			t.Errorf("%s: %v, want a TooLargeError needing at least %d", tt.name, err, tt.atLeast)
		}
		if grown := heapAlloc() - before; grown > 16<<20 {
			t.Errorf("%s: refusing it allocated %d bytes", tt.name, grown)
		}
	}
	// A small progressive JPEG of the same kind decodes.
	info, err := g.Decode(t.Context(), testimages.ProgressiveJPEG(300, 200))
	if err != nil || info.Width != 300 || info.Height != 200 || info.Format != "jpeg" {
		t.Errorf("small progressive JPEG: %+v, %v", info, err)
	}
	if _, err := g.Decode(t.Context(), testimages.PNG16(40, 30)[:60]); !errors.Is(err, ErrDamaged) {
		t.Errorf("truncated PNG: %v", err)
	}
}

func heapAlloc() int64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.TotalAlloc)
}

// While the budget is held, a decode waits in the queue (and gives up
// with its context); beyond the queue it is refused at once.
func TestGateQueue(t *testing.T) {
	g := New(1<<20, 1)
	small := testimages.ProgressiveJPEG(16, 16)
	release, err := g.Acquire(t.Context(), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	waiting := make(chan error, 1)
	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		_, err := g.Decode(ctx, small)
		waiting <- err
	}()
	for g.waiting.Load() == 0 {
		runtime.Gosched()
	}
	if _, err := g.Decode(t.Context(), small); !errors.Is(err, ErrBusy) {
		t.Errorf("beyond the queue: %v, want ErrBusy", err)
	}
	cancel()
	if err := <-waiting; !errors.Is(err, context.Canceled) {
		t.Errorf("a waiting decode whose request ended: %v", err)
	}
	release()
	if _, err := g.Decode(t.Context(), small); err != nil {
		t.Errorf("after the budget is free: %v", err)
	}
}
