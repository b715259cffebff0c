package httpserver

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/rs/zerolog/hlog"

	"github.com/sodoan/sodoan/graph/model"
	"github.com/sodoan/sodoan/internal/access"
	"github.com/sodoan/sodoan/internal/account"
	"github.com/sodoan/sodoan/internal/apperr"
	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/i18n"
	"github.com/sodoan/sodoan/internal/member"
	"github.com/sodoan/sodoan/internal/ratelimit"
	"github.com/sodoan/sodoan/internal/report"
	"github.com/sodoan/sodoan/internal/requestid"
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

// exportMembers serves a link made by Unit.memberListUrl: the unit's
// active members in the import template's form, for the officer who asked
// while they still manage the unit; every member listed is logged as a
// read of their personal data.
func exportMembers(accounts *account.Store, reports *report.Store, members *member.Store, limit *ratelimit.Limiter) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		log := hlog.FromRequest(r)
		if chargeAddress(w, r, limit, 1,
			func(wait string) string {
				return "Quá nhiều lượt tải từ địa chỉ này; hãy thử lại sau " + wait + " giây."
			},
			func(wait string) string { return "Too many downloads from this address; try again in " + wait + " s." }) {
			return
		}
		fail := func(status int, msg string) { writePlain(w, status, msg) }
		link, err := reports.ResolveLink(ctx, r.URL.Query().Get("token"))
		if err != nil {
			log.Error().Err(err).Msg("member list link")
			fail(http.StatusServiceUnavailable, "Hệ thống tạm thời không xuất được danh sách; hãy thử lại.")
			return
		}
		if link == nil || link.Format != report.MemberList {
			fail(http.StatusNotFound, "Liên kết tải danh sách không đúng hoặc đã hết hạn (15 phút); hãy tạo liên kết mới.")
			return
		}
		p, err := accounts.PrincipalOf(ctx, link.AccountID)
		var path string
		if err == nil && p != nil {
			path, err = reports.UnitPath(ctx, link.UnitID)
		}
		if err != nil {
			log.Error().Err(err).Msg("member list principal")
			fail(http.StatusServiceUnavailable, "Hệ thống tạm thời không xuất được danh sách; hãy thử lại.")
			return
		}
		if p == nil || p.RequireManage(path) != nil {
			fail(http.StatusForbidden, "Tài khoản không còn quyền xem danh sách đoàn viên của đơn vị này.")
			return
		}
		list, err := members.ActiveIn(ctx, link.UnitID)
		var buf bytes.Buffer
		if err == nil {
			err = roster.Write(&buf, list)
		}
		if err != nil {
			log.Error().Err(err).Msg("export member list")
			fail(http.StatusServiceUnavailable, "Hệ thống tạm thời không xuất được danh sách; hãy thử lại.")
			return
		}
		reads := make([]access.Read, len(list))
		for i, m := range list {
			reads[i] = access.Read{MemberID: m.ID, UnitID: m.UnitID}
		}
		if err := accounts.LogReads(ctx, db.Actor{AccountID: link.AccountID, RequestID: requestid.From(ctx)}, reads); err != nil {
			log.Error().Err(err).Msg("log member list reads")
			fail(http.StatusServiceUnavailable, "Hệ thống tạm thời không xuất được danh sách; hãy thử lại.")
			return // personal data is not handed out unlogged
		}
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="danh-sach-doan-vien-don-vi-%d.xlsx"`, link.UnitID))
		w.Header().Set("Cache-Control", "private, no-store")
		_, _ = w.Write(buf.Bytes())
		log.Info().Int64("account_id", link.AccountID).Int64("unit_id", link.UnitID).Int("members", len(list)).Msg("member list exported")
	}
}
