package news

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/imagedecode"
	"github.com/sodoan/sodoan/internal/validate"
)

// Photo is an uploaded image.
type Photo struct {
	ID          int64
	SHA256      string
	ContentType string
	Width       int
	Height      int
	Bytes       int64
}

// FileName is the photo's name under the media folder and in its URL.
func (p *Photo) FileName() string { return p.SHA256 + extensions[p.ContentType] }

var extensions = map[string]string{"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}

// ContentType is the media type of a stored photo's file name.
func ContentType(fileName string) string {
	for kind, ext := range extensions {
		if strings.HasSuffix(fileName, ext) {
			return kind
		}
	}
	return "application/octet-stream"
}

// Media stores photo files on disk under a folder, named by content.
type Media struct {
	Dir      string
	MaxBytes int64
	// Decodes bounds the memory of decoding uploads, shared by the whole
	// server; nil gives each upload a default budget of its own.
	Decodes *imagedecode.Gate
}

// ErrBusy means too many uploads are waiting to be decoded; the client
// should try again shortly.
var ErrBusy = imagedecode.ErrBusy

// maxPixels bounds an image's declared size before it is decoded: a few
// megabytes of PNG can declare 30,000 × 30,000 pixels, gigabytes once
// decoded. 50 megapixels is beyond any camera photo a branch posts.
const maxPixels = 50_000_000

func refuse(code, vi, en string) error {
	var v validate.Errors
	v.Add([]string{"file"}, code, vi, en)
	return v.Err()
}

// Save checks that r holds a JPEG, PNG or WebP image (by its bytes, not its
// name), writes it under its hash and records it. The same file uploaded
// twice is stored once.
func (s *Store) Save(ctx context.Context, m Media, r io.Reader, accountID int64) (*Photo, error) {
	data, err := io.ReadAll(io.LimitReader(r, m.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read upload: %w", err)
	}
	if int64(len(data)) > m.MaxBytes {
		return nil, refuse(validate.TooLong, fmt.Sprintf("Ảnh lớn hơn %d MB.", m.MaxBytes>>20),
			fmt.Sprintf("The image is larger than %d MB.", m.MaxBytes>>20))
	}
	kind := http.DetectContentType(data)
	if _, ok := extensions[kind]; !ok || len(data) == 0 {
		return nil, refuse(validate.Invalid, "Tệp không phải ảnh JPEG, PNG hoặc WebP.", "The file is not a JPEG, PNG or WebP image.")
	}
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(data)); err == nil && cfg.Width*cfg.Height > maxPixels {
		return nil, refuse(validate.TooLong, "Ảnh quá nhiều điểm ảnh (tối đa 50 triệu).", "The image has too many pixels (at most 50 million).")
	}
	gate := m.Decodes
	if gate == nil {
		gate = imagedecode.Shared()
	}
	// Pixels alone do not bound the memory: a progressive JPEG or a 16-bit
	// PNG within 50 million pixels can still need gigabytes to decode, so
	// the gate counts bytes and makes large decodes take turns.
	img, err := gate.Decode(ctx, data)
	var tooLarge *imagedecode.TooLargeError
	switch {
	case errors.As(err, &tooLarge):
		return nil, refuse(validate.TooLong,
			fmt.Sprintf("Ảnh quá lớn để xử lý (cần %d MB bộ nhớ, tối đa %d MB); hãy thu nhỏ ảnh hoặc lưu lại dạng JPEG thường (không progressive).", tooLarge.Need>>20, tooLarge.Budget>>20),
			fmt.Sprintf("The image is too large to process (it needs %d MB of memory, at most %d MB); scale it down or save it as a baseline (not progressive) JPEG.", tooLarge.Need>>20, tooLarge.Budget>>20))
	case errors.Is(err, imagedecode.ErrDamaged):
		return nil, refuse(validate.Invalid, "Tệp ảnh bị hỏng hoặc không đúng định dạng.", "The image is damaged or not what its header says.")
	case err != nil:
		return nil, fmt.Errorf("decode upload: %w", err)
	}
	if "image/"+img.Format != kind {
		return nil, refuse(validate.Invalid, "Tệp ảnh bị hỏng hoặc không đúng định dạng.", "The image is damaged or not what its header says.")
	}
	sum := sha256.Sum256(data)
	p := &Photo{SHA256: hex.EncodeToString(sum[:]), ContentType: kind, Width: img.Width, Height: img.Height, Bytes: int64(len(data))}
	if err := m.write(p.FileName(), data); err != nil {
		return nil, err
	}
	var account *int64
	if accountID != 0 {
		account = &accountID
	}
	err = s.pool.QueryRow(ctx, `INSERT INTO photos (sha256, content_type, width, height, bytes, account_id)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (sha256) DO UPDATE SET sha256 = EXCLUDED.sha256 RETURNING id`,
		p.SHA256, p.ContentType, p.Width, p.Height, p.Bytes, account).Scan(&p.ID)
	if err != nil {
		return nil, fmt.Errorf("record photo: %w", err)
	}
	return p, nil
}

// write stores data atomically: a reader never sees half a file.
func (m Media) write(name string, data []byte) error {
	path := filepath.Join(m.Dir, name[:2], name)
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return fmt.Errorf("media folder: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".upload-*")
	if err != nil {
		return fmt.Errorf("store photo: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("store photo: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("store photo: %w", err)
	}
	return os.Rename(tmp.Name(), path)
}

// Open returns a stored photo file by its name, or an error satisfying
// errors.Is(err, os.ErrNotExist).
func (m Media) Open(name string) (*os.File, time.Time, error) {
	base, ext, _ := strings.Cut(name, ".")
	if len(base) != 64 || strings.Trim(base, "0123456789abcdef") != "" || (ext != "jpg" && ext != "png" && ext != "webp") {
		return nil, time.Time{}, os.ErrNotExist
	}
	f, err := os.Open(filepath.Join(m.Dir, base[:2], name))
	if err != nil {
		return nil, time.Time{}, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, time.Time{}, err
	}
	return f, st.ModTime(), nil
}

const photoColumns = `id, sha256, content_type, width, height, bytes`

var scanPhoto = db.Scanner(func(p *Photo) []any {
	return []any{&p.ID, &p.SHA256, &p.ContentType, &p.Width, &p.Height, &p.Bytes}
})

// PhotosByIDs returns photos keyed by id.
func (s *Store) PhotosByIDs(ctx context.Context, ids []int64) (map[int64]*Photo, error) {
	return db.ByIDs(ctx, s.pool, "photos", photoColumns, ids, scanPhoto, func(p *Photo) int64 { return p.ID })
}
