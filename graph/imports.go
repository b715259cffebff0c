package graph

import (
	"bytes"
	"context"
	"errors"
	"slices"

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
	res, err := r.MemberStore.Import(ctx, member.ImportInput{UnitID: unitID, UploadID: &uploadID, Rows: sheet.Rows,
		DryRun: dryRun || len(sheet.Problems) > 0})
	if err != nil {
		return nil, err
	}
	for i := range res.Problems {
		if h, ok := sheet.Headers[res.Problems[i].Field]; ok {
			res.Problems[i].Column = &h
		}
	}
	for _, p := range sheet.Problems {
		res.Problems = append(res.Problems, member.ImportProblem{Line: p.Line, Column: &p.Column, Code: p.Code, VI: p.VI, EN: p.EN})
	}
	slices.SortStableFunc(res.Problems, func(a, b member.ImportProblem) int { return a.Line - b.Line })
	if len(res.Problems) > 0 {
		res.ID, res.Created, res.Updated, res.Unchanged, res.Changes = 0, 0, 0, 0, nil
	}
	res.DryRun, res.IgnoredColumns = dryRun, sheet.Ignored
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
	return res, nil
}
