package httpserver

import (
	"errors"
	"io"
	"net/http"

	"github.com/rs/zerolog/hlog"

	"github.com/sodoan/sodoan/graph/model"
	"github.com/sodoan/sodoan/internal/access"
	"github.com/sodoan/sodoan/internal/apperr"
	"github.com/sodoan/sodoan/internal/i18n"
	"github.com/sodoan/sodoan/internal/member"
	"github.com/sodoan/sodoan/internal/roster"
)

// uploadMemberList keeps an officer's spreadsheet (the body, or a form's
// file field) for the membersImport mutation, which names it by the ID
// answered.
func uploadMemberList(store *member.Store) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		p := access.From(ctx)
		body, name, done := officerUpload(w, r, member.MaxListBytes, "Chỉ cán bộ Đoàn được tải danh sách lên.", "Only officers may upload member lists.")
		if body == nil {
			return
		}
		defer done()
		data, err := io.ReadAll(body)
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeGraphQLError(w, http.StatusRequestEntityTooLarge, "BAD_USER_INPUT", i18n.Pick(ctx, "Tệp quá lớn (tối đa 20 MB).", "The file is too large (20 MB at most)."))
			return
		}
		if err != nil {
			return // the client went away mid-upload
		}
		id, err := store.SaveList(ctx, p.AccountID, name, data)
		if inv, ok := apperr.AsInvalid(err); ok {
			fe := inv.Errors[0]
			writeGraphQLError(w, http.StatusUnprocessableEntity, "BAD_USER_INPUT", i18n.Pick(ctx, fe.VI, fe.EN))
			return
		}
		if err != nil {
			hlog.FromRequest(r).Error().Err(err).Msg("upload member list")
			writeGraphQLError(w, http.StatusInternalServerError, "INTERNAL", i18n.Pick(ctx, "Không lưu được tệp.", "The file could not be stored."))
			return
		}
		writeJSON(w, http.StatusCreated, map[string]any{"id": model.EncodeID(model.KindMemberList, id)})
	}
}

// memberListTemplate serves the workbook to fill in (no data: anyone may).
func memberListTemplate(w http.ResponseWriter, r *http.Request) {
	data, err := roster.Template()
	if err != nil {
		hlog.FromRequest(r).Error().Err(err).Msg("member list template")
		writeGraphQLError(w, http.StatusInternalServerError, "INTERNAL", i18n.Pick(r.Context(), "Không tạo được tệp mẫu.", "The template could not be made."))
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="mau-danh-sach-doan-vien.xlsx"`)
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(data)
}
