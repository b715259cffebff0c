// Package imagedecode decodes uploaded images within a memory budget: it
// works out from an image's header how many bytes Go's decoder will
// allocate for it, refuses images that need more than the budget, and lets
// only as many decodes run at once as the budget holds.
package imagedecode

import (
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"math"
)

// overhead covers a decoder's fixed allocations (Huffman tables, row
// buffers, the zlib window) on top of what the image's size dictates.
const overhead = 256 << 10

// maxCountedPixels is far past any decode budget (a trillion pixels) and
// small enough that pixels × the widest pixel × 4 fits an int64.
const maxCountedPixels = 1 << 40

// Cost is how many bytes decoding data (of format, with header cfg as
// image.DecodeConfig read it) allocates at its peak, counted from the
// declared size, colour model and bit depth, so it is known before any
// pixel is decoded.
func Cost(data []byte, format string, cfg image.Config) (int64, error) {
	w, h := int64(cfg.Width), int64(cfg.Height)
	if w <= 0 || h <= 0 {
		return 0, errors.New("image has no pixels")
	}
	if w*h > maxCountedPixels { // beyond any budget; counted on, w × h × bytes would overflow
		return math.MaxInt64, nil
	}
	switch format {
	case "jpeg":
		f, err := readJPEGFrame(data)
		if err != nil {
			return 0, err
		}
		return f.cost() + overhead, nil
	case "png":
		bpp := pngBytesPerPixel(cfg.ColorModel)
		if (cfg.ColorModel == color.GrayModel || cfg.ColorModel == color.Gray16Model) && pngHasTransparency(data) {
			// Grey with a transparent value is decoded as NRGBA (or
			// NRGBA64), which DecodeConfig does not say.
			bpp *= 4
		}
		n := w * h * bpp
		// An interlaced PNG is decoded pass by pass into images of its own
		// and then copied into the result: the passes together are as
		// large as the result again.
		if len(data) > 28 && data[28] == 1 {
			n *= 2
		}
		return n + overhead, nil
	case "webp":
		return w*h*webpBytesPerPixel(cfg.ColorModel) + overhead, nil
	}
	// A format this package does not know: assume the widest pixels.
	return w*h*8 + overhead, nil
}

func pngBytesPerPixel(m color.Model) int64 {
	switch m {
	case color.GrayModel:
		return 1
	case color.Gray16Model:
		return 2
	case color.RGBAModel, color.NRGBAModel:
		return 4
	case color.RGBA64Model, color.NRGBA64Model:
		return 8
	}
	if _, ok := m.(color.Palette); ok {
		return 1
	}
	return 8
}

// pngHasTransparency reports whether a tRNS chunk comes before the image
// data.
func pngHasTransparency(data []byte) bool {
	for i := 8; i+8 <= len(data); {
		n := int64(binary.BigEndian.Uint32(data[i:]))
		switch string(data[i+4 : i+8]) {
		case "tRNS":
			return true
		case "IDAT":
			return false
		}
		if n > int64(len(data)) {
			return false
		}
		i += 12 + int(n)
	}
	return false
}

// webpBytesPerPixel follows x/image/webp: lossy images are 4:2:0 YCbCr;
// with an alpha channel the alpha plane is itself decoded as a lossless
// image first; lossless images are NRGBA, decoded through a buffer of
// their own.
func webpBytesPerPixel(m color.Model) int64 {
	switch m {
	case color.YCbCrModel:
		return 2
	case color.NYCbCrAModel:
		return 7
	}
	return 8
}

// jpegFrame is what a JPEG's start-of-frame header says about the planes
// the decoder will allocate.
type jpegFrame struct {
	width, height int64
	progressive   bool
	// toRGBA is set when the decoder converts its planes into a second,
	// 4-byte-per-pixel image (RGB or CMYK files).
	toRGBA bool
	comps  []jpegComponent
}

type jpegComponent struct {
	id   byte
	h, v int64
}

// cost follows image/jpeg: each component is stored as 8×8 blocks of one
// byte per sample, rounded up to whole MCUs; a progressive image also keeps
// every block's 64 coefficients as int32 until the last scan, four times
// the planes themselves; RGB and CMYK files are converted into one more
// image of 4 bytes per pixel.
func (f jpegFrame) cost() int64 {
	hmax, vmax := int64(1), int64(1)
	for _, c := range f.comps {
		hmax, vmax = max(hmax, c.h), max(vmax, c.v)
	}
	mxx := (f.width + 8*hmax - 1) / (8 * hmax)
	myy := (f.height + 8*vmax - 1) / (8 * vmax)
	var blocks int64
	for _, c := range f.comps {
		blocks += mxx * myy * c.h * c.v
	}
	n := blocks * 64
	if f.progressive {
		n += blocks * 64 * 4
	}
	if f.toRGBA {
		n += 8 * hmax * mxx * 8 * vmax * myy * 4
	}
	return n
}

var errNoFrame = errors.New("jpeg: no frame header")

// readJPEGFrame walks the segments before the first scan for the frame
// header (SOF) and an Adobe APP14 segment, which together decide how the
// image is decoded.
func readJPEGFrame(data []byte) (jpegFrame, error) {
	if len(data) < 4 || data[0] != 0xff || data[1] != 0xd8 {
		return jpegFrame{}, errNoFrame
	}
	var f jpegFrame
	adobe, found := false, false
segments:
	for i := 2; i+4 <= len(data); {
		if data[i] != 0xff {
			break
		}
		marker := data[i+1]
		if marker == 0xff { // fill byte
			i++
			continue
		}
		if marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7) { // no length
			i += 2
			continue
		}
		if marker == 0xda || marker == 0xd9 { // the first scan, or the end
			break
		}
		length := int(binary.BigEndian.Uint16(data[i+2:]))
		if length < 2 || i+2+length > len(data) {
			break
		}
		seg := data[i+4 : i+2+length]
		switch {
		case marker == 0xee && len(seg) >= 5 && string(seg[:5]) == "Adobe":
			adobe = true
		case !found && marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc:
			if len(seg) < 6 || len(seg) < 6+3*int(seg[5]) {
				break segments
			}
			f.height = int64(binary.BigEndian.Uint16(seg[1:]))
			f.width = int64(binary.BigEndian.Uint16(seg[3:]))
			f.progressive = marker == 0xc2 || marker == 0xc6 || marker == 0xca || marker == 0xce
			n := int(seg[5])
			for k := range n {
				c := seg[6+3*k : 9+3*k]
				h, v := int64(c[1]>>4), int64(c[1]&0x0f)
				if n == 1 { // a single component is never subsampled
					h, v = 1, 1
				}
				f.comps = append(f.comps, jpegComponent{id: c[0], h: max(h, 1), v: max(v, 1)})
			}
			found = true
		}
		i += 2 + length
	}
	if !found || len(f.comps) == 0 {
		return jpegFrame{}, errNoFrame
	}
	n := len(f.comps)
	rgb := n == 3 && f.comps[0].id == 'R' && f.comps[1].id == 'G' && f.comps[2].id == 'B'
	f.toRGBA = n >= 4 || (n == 3 && (adobe || rgb))
	return f, nil
}
