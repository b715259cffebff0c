// Package testimages makes the images that are costly to decode but cheap
// to send, for tests and benchmarks of upload handling: Go's encoders
// write neither progressive JPEGs nor compress a 16-bit PNG quickly.
package testimages

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
)

// ProgressiveJPEG is a valid w × h progressive JPEG of one flat grey, with
// three components at full resolution (4:4:4) and a single DC scan: each
// 8×8 block costs one bit to send, while the decoder keeps 64 int32
// coefficients per block per component until the end.
func ProgressiveJPEG(w, h int) []byte {
	var b bytes.Buffer
	b.Write([]byte{0xff, 0xd8})
	segment := func(marker byte, payload []byte) {
		b.Write([]byte{0xff, marker})
		_ = binary.Write(&b, binary.BigEndian, uint16(len(payload)+2))
		b.Write(payload)
	}
	quant := append([]byte{0x00}, bytes.Repeat([]byte{1}, 64)...)
	segment(0xdb, quant)
	sof := []byte{8, byte(h >> 8), byte(h), byte(w >> 8), byte(w), 3}
	for id := byte(1); id <= 3; id++ {
		sof = append(sof, id, 0x11, 0)
	}
	segment(0xc2, sof)
	// DC table 0: one code, "0", for category 0 (no difference).
	dht := append([]byte{0x00, 1}, make([]byte, 15)...)
	segment(0xc4, append(dht, 0))
	segment(0xda, []byte{3, 1, 0x00, 2, 0x00, 3, 0x00, 0, 0, 0x00})
	blocks := ((w + 7) / 8) * ((h + 7) / 8) * 3
	b.Write(make([]byte, blocks/8))
	if rest := blocks % 8; rest > 0 {
		b.WriteByte(byte(0xff >> rest)) // the remaining zero bits, then 1s as padding
	}
	b.Write([]byte{0xff, 0xd9})
	return b.Bytes()
}

// PNG16 is a valid w × h PNG of 16-bit RGBA (8 bytes a pixel once decoded),
// all transparent black.
func PNG16(w, h int) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(kind string, data []byte) {
		_ = binary.Write(&b, binary.BigEndian, uint32(len(data)))
		crc := crc32.NewIEEE()
		crc.Write([]byte(kind))
		crc.Write(data)
		b.WriteString(kind)
		b.Write(data)
		_ = binary.Write(&b, binary.BigEndian, crc.Sum32())
	}
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(w))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(h))
	chunk("IHDR", append(ihdr, 16, 6, 0, 0, 0))
	var idat bytes.Buffer
	z, _ := zlib.NewWriterLevel(&idat, zlib.BestSpeed)
	row := make([]byte, 1+8*w) // filter type 0, then the pixels
	for range h {
		_, _ = z.Write(row)
	}
	_ = z.Close()
	chunk("IDAT", idat.Bytes())
	chunk("IEND", nil)
	return b.Bytes()
}

// PNG16Declaring is a 1 × 1 PNG16 whose header claims w × h: a header
// can be read, the image cannot be decoded.
func PNG16Declaring(w, h int) []byte {
	b := PNG16(1, 1)
	binary.BigEndian.PutUint32(b[16:], uint32(w)) // IHDR data follows the signature, length and type
	binary.BigEndian.PutUint32(b[20:], uint32(h))
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}
