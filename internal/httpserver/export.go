package httpserver

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"

	"github.com/rs/zerolog/hlog"

	"github.com/sodoan/sodoan/internal/account"
	"github.com/sodoan/sodoan/internal/org"
	"github.com/sodoan/sodoan/internal/ratelimit"
	"github.com/sodoan/sodoan/internal/report"
	"github.com/sodoan/sodoan/internal/report/render"
)

// exportReport serves GET /exports/report?token=...: the link the API's
// YearlyReport.exportUrl hands out, so a browser can download or print a
// report without holding the bearer token. The link's account must still be
// active and still manage the unit when it is used.
//
// Each download builds a whole yearly report, so downloads are budgeted per
// client address (limit, nil for none) before the token is even looked up:
// a flood of links, real or guessed, cannot keep the database busy.
func exportReport(accounts *account.Store, reports *report.Store, timeline *org.Timeline, limit *ratelimit.Limiter, chromium string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		log := hlog.FromRequest(r)
		if chargeAddress(w, r, limit, 1,
			func(wait string) string {
				return "Quá nhiều lượt tải báo cáo từ địa chỉ này; hãy thử lại sau " + wait + " giây."
			},
			func(wait string) string {
				return "Too many report downloads from this address; try again in " + wait + " s."
			}) {
			return
		}
		fail := func(status int, msg string) { writePlain(w, status, msg) }
		link, err := reports.ResolveLink(ctx, r.URL.Query().Get("token"))
		if err != nil {
			log.Error().Err(err).Msg("export link")
			fail(http.StatusServiceUnavailable, "Hệ thống tạm thời không xuất được báo cáo; hãy thử lại.")
			return
		}
		if link == nil || link.Format == report.MemberList { // a member list's link opens only /exports/members
			fail(http.StatusNotFound, "Liên kết tải báo cáo không đúng hoặc đã hết hạn (15 phút); hãy tạo liên kết mới.")
			return
		}
		p, err := accounts.PrincipalOf(ctx, link.AccountID)
		if err != nil {
			log.Error().Err(err).Msg("export principal")
			fail(http.StatusServiceUnavailable, "Hệ thống tạm thời không xuất được báo cáo; hãy thử lại.")
			return
		}
		path, err := reports.UnitPath(ctx, link.UnitID)
		var heirs []string
		if err == nil && p != nil && !p.Manages(path) {
			// An ended unit's report is its heirs' too, as yearlyReport allows.
			heirs, err = timeline.HeirsOf(ctx, link.UnitID)
		}
		if err != nil || p == nil || p.RequireManageOrInherit(path, heirs) != nil {
			fail(http.StatusForbidden, "Tài khoản không còn quyền xem báo cáo của đơn vị này.")
			return
		}
		e, err := reports.Export(ctx, link.UnitID, link.Year)
		if err != nil {
			log.Error().Err(err).Msg("export report")
			fail(http.StatusServiceUnavailable, "Hệ thống tạm thời không xuất được báo cáo; hãy thử lại.")
			return
		}

		var buf bytes.Buffer
		name := fmt.Sprintf("bao-cao-tong-ket-%d-don-vi-%d", link.Year, link.UnitID)
		switch link.Format {
		case report.XLSX:
			err = render.XLSX(&buf, e)
			w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
			w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.xlsx"`)
		case report.DOCX:
			err = render.DOCX(&buf, e)
			w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
			w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.docx"`)
		case report.PDF:
			if err = render.PDF(ctx, &buf, e, chromium); errors.Is(err, render.ErrNoBrowser) {
				fail(http.StatusServiceUnavailable, "Máy chủ chưa cài Chromium nên chưa xuất được PDF; hãy tải bản Word (DOCX) hoặc mở trang báo cáo để in.")
				return
			}
			w.Header().Set("Content-Type", "application/pdf")
			w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.pdf"`)
		default:
			err = render.HTML(&buf, e)
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'")
		}
		if err != nil {
			log.Error().Err(err).Msg("render report")
			fail(http.StatusInternalServerError, "Không tạo được tệp báo cáo.")
			return
		}
		w.Header().Set("Cache-Control", "private, no-store")
		_, _ = w.Write(buf.Bytes())
		log.Info().Int64("account_id", link.AccountID).Int64("unit_id", link.UnitID).Int("year", link.Year).
			Str("format", string(link.Format)).Msg("report exported")
	}
}

// writePlain answers a download link opened in a browser: a sentence for
// the person, not JSON.
func writePlain(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	fmt.Fprintln(w, msg)
}
