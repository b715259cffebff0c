package graph

import (
	"bytes"
	"context"
	"errors"
	"slices"

	"github.com/rs/zerolog"

	"github.com/sodoan/sodoan/internal/access"
	"github.com/sodoan/sodoan/internal/member"
	"github.com/sodoan/sodoan/internal/roster"
	"github.com/sodoan/sodoan/internal/validate"
)

// importMembers reads an upload as a member list and imports it into a
// branch: the file's own problems (its cells' form) and the records' (as
// memberCreate checks them) come back together, by row and column, and
// with any of either nothing is written.
func (r *Resolver) importMembers(ctx context.Context, unitID, uploadID int64, dryRun bool) (*member.ImportResult, error) {
	upload := validate.Input("upload")
	data, err := r.MemberStore.UploadedList(ctx, uploadID, access.From(ctx).AccountID, upload)
	if err != nil {
		return nil, err
	}
	sheet, err := roster.Read(bytes.NewReader(data))
	if err != nil {
		var v validate.Errors
		switch {
		case errors.Is(err, roster.ErrNoHeader):
			v.Add(upload, validate.Invalid, "Tệp không có dòng tiêu đề với các cột bắt buộc: Họ và tên, Giới tính, Ngày sinh, Ngày vào Đoàn (xem tệp mẫu).",
				"The file has no header row with the required columns: Họ và tên, Giới tính, Ngày sinh, Ngày vào Đoàn (see the template).")
		case errors.Is(err, roster.ErrTooManyRows):
			v.Add(upload, validate.TooLong, "Tệp có quá 20.000 dòng; hãy chia nhỏ.", "The file has more than 20,000 rows; split it.")
		case errors.Is(err, roster.ErrUnreadable):
			v.Add(upload, validate.Invalid, "Không đọc được tệp: cần tệp Excel (.xlsx) hoặc CSV (UTF-8).",
				"The file cannot be read: an Excel workbook (.xlsx) or a CSV file (UTF-8) is needed.")
		default:
			return nil, err
		}
		return nil, v.Err()
	}
	in := member.ImportInput{UnitID: unitID, UploadID: &uploadID, Rows: sheet.Rows, Headers: sheet.Headers,
		DryRun: dryRun || len(sheet.Problems) > 0}
	if !in.DryRun && len(in.Rows) > member.ImportInlineRows {
		return r.startImport(ctx, in, sheet.Ignored)
	}
	res := &member.ImportResult{}
	if len(in.Rows) > 0 || len(sheet.Problems) == 0 { // a file whose every row is wrong has only its problems to say
		if res, err = r.MemberStore.Import(ctx, in); err != nil {
			return nil, err
		}
	}
	for _, p := range sheet.Problems {
		res.Problems = append(res.Problems, member.ImportProblem{Line: p.Line, Column: &p.Column, Code: p.Code, VI: p.VI, EN: p.EN})
	}
	slices.SortStableFunc(res.Problems, func(a, b member.ImportProblem) int { return a.Line - b.Line })
	if len(res.Problems) > 0 {
		res.ID, res.Created, res.Updated, res.Unchanged, res.Changes = 0, 0, 0, 0, nil
	}
	res.DryRun, res.IgnoredColumns, res.Status = dryRun, sheet.Ignored, member.ImportDone
	if len(res.Problems) > 0 && !dryRun {
		f := member.ImportProblems
		res.Status, res.Failure = member.ImportFailed, &f
	}
	return tidyImport(res), nil
}

// startImport imports a long list in the background and answers at once
// with the import RUNNING; memberImport(id:) tells how it goes. A resent
// request answers the same import and starts nothing.
func (r *Resolver) startImport(ctx context.Context, in member.ImportInput, ignored []string) (*member.ImportResult, error) {
	id, started, err := r.MemberStore.StartImport(ctx, in.UnitID, in.UploadID, len(in.Rows))
	if err != nil {
		return nil, err
	}
	if started {
		in.JobID = &id
		r.Jobs.Go(ctx, func(ctx context.Context) {
			if err := r.MemberStore.RunImport(ctx, in); err != nil {
				zerolog.Ctx(ctx).Error().Err(err).Int64("import", id).Msg("background member import failed")
			}
		})
	}
	res, err := r.MemberStore.ImportByID(ctx, id)
	if err != nil || res == nil {
		return nil, err
	}
	res.IgnoredColumns = ignored
	return tidyImport(res), nil
}

// tidyImport gives an import's lists their empty values: the schema's
// lists are never null.
func tidyImport(res *member.ImportResult) *member.ImportResult {
	if res.Changes == nil {
		res.Changes = []member.ImportChange{}
	}
	for i := range res.Changes {
		if res.Changes[i].Fields == nil {
			res.Changes[i].Fields = []string{}
		}
	}
	if res.Problems == nil {
		res.Problems = []member.ImportProblem{}
	}
	if res.IgnoredColumns == nil {
		res.IgnoredColumns = []string{}
	}
	return res
}
