package httpserver

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"os"

	"github.com/rs/zerolog/hlog"

	"github.com/sodoan/sodoan/graph/model"
	"github.com/sodoan/sodoan/internal/access"
	"github.com/sodoan/sodoan/internal/apperr"
	"github.com/sodoan/sodoan/internal/i18n"
	"github.com/sodoan/sodoan/internal/news"
	"github.com/sodoan/sodoan/internal/validate"
)

// officerUpload reads an upload's file for a signed-in officer: the request
// body, or the "file" part of a multipart form (with its name), at most
// limit bytes and some for the form. When the caller may not upload, or the
// form has no file, it has answered and body is nil; else done closes it.
func officerUpload(w http.ResponseWriter, r *http.Request, limit int64, forbiddenVI, forbiddenEN string) (body io.Reader, name string, done func()) {
	ctx := r.Context()
	p := access.From(ctx)
	if !p.SignedIn() {
		writeGraphQLError(w, http.StatusUnauthorized, "UNAUTHENTICATED", i18n.Pick(ctx,
			"Cần đăng nhập trước (gửi Authorization: Bearer <token> lấy từ mutation login).",
			"Sign in first (send Authorization: Bearer <token> from login)."))
		return nil, "", nil
	}
	if !p.IsOfficer() {
		writeGraphQLError(w, http.StatusForbidden, "FORBIDDEN", i18n.Pick(ctx, forbiddenVI, forbiddenEN))
		return nil, "", nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit+1<<20)
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		f, h, err := r.FormFile("file")
		if err != nil {
			writeGraphQLError(w, http.StatusBadRequest, "BAD_USER_INPUT", i18n.Pick(ctx, "Thiếu tệp (trường file của biểu mẫu).", "The form has no file field."))
			return nil, "", nil
		}
		return f, h.Filename, func() { f.Close() }
	}
	return r.Body, "", func() {}
}

// uploadPhoto serves POST /uploads/photos: the image as the request body
// (or the "file" part of a multipart form), for a signed-in officer.
//
// It needs the Authorization header, which a form on another site cannot
// send, so a cross-site form post cannot upload; cookies are never read.
func uploadPhoto(store *news.Store, media news.Media) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		p := access.From(ctx)
		body, _, done := officerUpload(w, r, media.MaxBytes, "Chỉ cán bộ Đoàn được tải ảnh lên.", "Only officers may upload photos.")
		if body == nil {
			return
		}
		defer done()
		photo, err := store.Save(ctx, media, body, p.AccountID)
		if inv, ok := apperr.AsInvalid(err); ok {
			fe := inv.Errors[0]
			status := http.StatusUnprocessableEntity
			if fe.Code == validate.TooLong {
				status = http.StatusRequestEntityTooLarge
			}
			writeJSON(w, status, map[string]any{"errors": []any{map[string]any{
				"message": i18n.Pick(ctx, fe.VI, fe.EN), "extensions": map[string]any{"code": "BAD_USER_INPUT", "reason": fe.Code}}}})
			return
		}
		if errors.Is(err, news.ErrBusy) {
			w.Header().Set("Retry-After", "5")
			writeJSON(w, http.StatusServiceUnavailable, map[string]any{"errors": []any{map[string]any{
				"message":    i18n.Pick(ctx, "Máy chủ đang xử lý nhiều ảnh; hãy tải lại sau ít giây.", "The server is busy processing other images; upload again in a few seconds."),
				"extensions": map[string]any{"code": "UNAVAILABLE", "reason": "BUSY"}}}})
			return
		}
		if err != nil && ctx.Err() != nil {
			return // the client gave up while its upload waited; no one reads an answer
		}
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeGraphQLError(w, http.StatusRequestEntityTooLarge, "BAD_USER_INPUT", i18n.Pick(ctx, "Ảnh quá lớn.", "The image is too large."))
			return
		}
		if err != nil {
			hlog.FromRequest(r).Error().Err(err).Msg("upload photo")
			writeGraphQLError(w, http.StatusInternalServerError, "INTERNAL", i18n.Pick(ctx, "Không lưu được ảnh.", "The photo could not be stored."))
			return
		}
		writeJSON(w, http.StatusCreated, map[string]any{
			"id": model.EncodeID(model.KindPhoto, photo.ID), "url": "/media/" + photo.FileName(),
			"width": photo.Width, "height": photo.Height, "contentType": photo.ContentType,
		})
	}
}

// serveMedia serves GET /media/{name}. Names are content hashes, so a file
// never changes: it may be cached for a year.
func serveMedia(media news.Media) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("name")
		f, mod, err := media.Open(name)
		if errors.Is(err, os.ErrNotExist) {
			http.NotFound(w, r)
			return
		}
		if err != nil {
			hlog.FromRequest(r).Error().Err(err).Msg("open media")
			http.Error(w, "media unavailable", http.StatusInternalServerError)
			return
		}
		defer f.Close()
		w.Header().Set("Content-Type", news.ContentType(name))
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		w.Header().Set("Content-Security-Policy", "default-src 'none'")
		http.ServeContent(w, r, "", mod, f)
	}
}
