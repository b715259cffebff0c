package httpserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/rs/zerolog"
	"github.com/rs/zerolog/hlog"

	"github.com/sodoan/sodoan/internal/access"
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
		if err == nil && p == nil {
			fail(http.StatusForbidden, "Tài khoản không còn quyền xem báo cáo của đơn vị này.")
			return
		}
		if err != nil {
			log.Error().Err(err).Msg("export principal")
			fail(http.StatusServiceUnavailable, "Hệ thống tạm thời không xuất được báo cáo; hãy thử lại.")
			return
		}
		e, status, msg := linkedExport(ctx, log, reports, timeline, p, link)
		if status != 0 {
			fail(status, msg)
			return
		}
		var buf bytes.Buffer
		name := fileName(e)
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

// linkedExport reads what a link exports, once the link's account is found
// to still see it: a unit's report of the link's days, from the records,
// or a submission as it was handed in. A status other than 0 refuses it
// with the message.
func linkedExport(ctx context.Context, log *zerolog.Logger, reports *report.Store, timeline *org.Timeline, p *access.Principal,
	link *report.Link) (*report.Export, int, string) {
	const busy = "Hệ thống tạm thời không xuất được báo cáo; hãy thử lại."
	const denied = "Tài khoản không còn quyền xem báo cáo của đơn vị này."
	var sub *report.Submission
	if link.SubmissionID != nil {
		subs, err := reports.SubmissionsByIDs(ctx, []int64{*link.SubmissionID})
		if err != nil {
			log.Error().Err(err).Msg("export submission")
			return nil, http.StatusServiceUnavailable, busy
		}
		if sub = subs[*link.SubmissionID]; sub == nil {
			return nil, http.StatusNotFound, "Không còn báo cáo đã nộp này."
		}
	}
	// The officers of the unit see its report; a submission is seen by
	// those of the unit it was handed in to too, and an ended unit's
	// report by its heirs', as yearlyReport allows.
	allowed := false
	for _, id := range []int64{link.UnitID, toUnitOf(sub)} {
		if id == 0 || allowed {
			continue
		}
		path, err := reports.UnitPath(ctx, id)
		var heirs []string
		if err == nil && !p.Manages(path) {
			heirs, err = timeline.HeirsOf(ctx, id)
		}
		if err != nil {
			log.Error().Err(err).Msg("export access")
			return nil, http.StatusServiceUnavailable, busy
		}
		allowed = p.RequireManageOrInherit(path, heirs) == nil
	}
	if !allowed {
		return nil, http.StatusForbidden, denied
	}
	var e *report.Export
	var err error
	if sub != nil {
		e, err = reports.SubmittedExport(ctx, sub)
	} else {
		e, err = reports.Export(ctx, report.ExportKey{UnitID: link.UnitID, Year: link.Year, From: link.From, AsOf: link.AsOf})
	}
	if err != nil {
		log.Error().Err(err).Msg("export report")
		return nil, http.StatusServiceUnavailable, busy
	}
	return e, 0, ""
}

func toUnitOf(s *report.Submission) int64 {
	if s == nil {
		return 0
	}
	return s.ToUnitID
}

// fileName names a download by what it is: "bao-cao-6-thang-dau-nam-2022-don-vi-3",
// "-da-nop-5" for submission 5 as handed in.
func fileName(e *report.Export) string {
	kind := map[report.Period]string{report.WholeYear: "tong-ket-nam", report.FirstHalf: "so-ket-6-thang-dau-nam",
		report.Q1: "quy-1-nam", report.Q2: "quy-2-nam", report.Q3: "quy-3-nam", report.Q4: "quy-4-nam"}[e.Period()]
	if kind == "" {
		kind = e.From.Format("02-01") + "-den-" + e.Date.Format("02-01") + "-nam"
	}
	name := fmt.Sprintf("bao-cao-%s-%d-don-vi-%d", kind, e.Year, e.UnitID)
	if e.Submission != nil {
		name += fmt.Sprintf("-da-nop-%d", e.Submission.ID)
	}
	return name
}

// writePlain answers a download link opened in a browser: a sentence for
// the person, not JSON.
func writePlain(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	fmt.Fprintln(w, msg)
}
