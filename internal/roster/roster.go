// Package roster reads member lists in the spreadsheet form union offices
// keep them in (one row a member under Vietnamese headers, as the national
// member software's templates have them), from XLSX or CSV, and makes the
// template to fill in. It checks the form of each cell (dates written
// dd/mm/yyyy, Nam/Nữ, the posts by name); what the cells mean against the
// records (a known card number, a joining date before the birth date) is
// the member store's to check.
package roster

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/sodoan/sodoan/internal/dates"
	"github.com/sodoan/sodoan/internal/dues"
	"github.com/sodoan/sodoan/internal/member"
	"github.com/sodoan/sodoan/internal/unaccent"
)

// A Column of the template: its key, the header the template writes, and
// other headers offices use for it (matched, like the header itself, with
// or without diacritics and whatever the case).
type Column struct {
	Key      string
	Header   string
	Required bool
	Aliases  []string
}

// Columns are the template's columns, in its order.
var Columns = []Column{
	{Key: "fullName", Header: "Họ và tên", Required: true, Aliases: []string{"Họ tên", "Họ và tên đoàn viên"}},
	{Key: "gender", Header: "Giới tính", Required: true},
	{Key: "birthDate", Header: "Ngày sinh", Required: true, Aliases: []string{"Ngày tháng năm sinh"}},
	{Key: "joinedOn", Header: "Ngày vào Đoàn", Required: true, Aliases: []string{"Ngày kết nạp", "Ngày kết nạp Đoàn"}},
	{Key: "cardNumber", Header: "Số thẻ đoàn viên", Aliases: []string{"Số thẻ", "Số thẻ Đoàn"}},
	{Key: "position", Header: "Chức vụ", Aliases: []string{"Chức vụ Đoàn"}},
	{Key: "phone", Header: "Số điện thoại", Aliases: []string{"Điện thoại", "SĐT"}},
	{Key: "email", Header: "Email", Aliases: []string{"Thư điện tử", "E-mail"}},
	{Key: "address", Header: "Địa chỉ", Aliases: []string{"Nơi ở", "Địa chỉ thường trú", "Nơi ở hiện nay"}},
	{Key: "duesCategory", Header: "Đối tượng đoàn phí", Aliases: []string{"Đối tượng đóng đoàn phí", "Đoàn phí"}},
}

// MaxRows bounds the members of one file.
const MaxRows = 20000

// maxUnzipped bounds what a workbook may unpack to: excelize's default is
// 16 GB, so a small hostile file (a zip bomb) could fill the memory or the
// disk. 20,000 members of the template are a few megabytes.
var maxUnzipped int64 = 256 << 20

// Row is one member as the file gives them; Line is the row's number in
// the file (the header's is 1 when it is the first row).
type Row = member.ImportRow

// Problem is what is wrong with a cell (or a row, Column empty), worded
// for the person who typed it, in Vietnamese and English.
type Problem struct {
	Line   int
	Column string // the column's header as the file writes it
	Code   string // as validate's codes: REQUIRED, INVALID, ...
	VI, EN string
}

// Sheet is a file read: its rows, the problems of its cells (a row with a
// problem is not in Rows), and the headers it has that the template does
// not (ethnicity, religion, ...), which are left out.
type Sheet struct {
	Rows     []Row
	Problems []Problem
	Ignored  []string
	// Headers are the file's headers of the template's columns, by key.
	Headers map[string]string
}

// ErrUnreadable is a file that is neither an XLSX workbook nor CSV text.
var ErrUnreadable = errors.New("not an XLSX workbook or a CSV file")

// ErrNoHeader is a file without the template's required headers.
var ErrNoHeader = errors.New("no header row with the required columns")

// ErrTooManyRows is a file of more than MaxRows members.
var ErrTooManyRows = fmt.Errorf("more than %d rows", MaxRows)

// Read reads a member list: XLSX (its first sheet) or CSV (UTF-8, with or
// without a byte order mark, separated by commas or semicolons). The header
// row is the first that names the required columns, so titles above it
// are skipped; empty rows are skipped too.
func Read(r io.Reader) (*Sheet, error) {
	data, err := io.ReadAll(io.LimitReader(r, 50<<20))
	if err != nil {
		return nil, fmt.Errorf("read member list: %w", err)
	}
	var cells [][]string
	xlsx := bytes.HasPrefix(data, []byte("PK\x03\x04"))
	if xlsx {
		cells, err = xlsxCells(data)
	} else {
		cells, err = csvCells(data)
	}
	if err != nil {
		return nil, err
	}
	return parse(cells, xlsx)
}

func xlsxCells(data []byte) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: maxUnzipped, UnzipXMLSizeLimit: maxUnzipped / 4})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, ErrUnreadable
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	defer rows.Close()
	var out [][]string
	for rows.Next() {
		if len(out) > MaxRows+20 {
			return nil, ErrTooManyRows
		}
		// Raw values: a cell Excel took for a date holds its serial number,
		// read as that date whatever format the office's Excel shows it in
		// (formatted, a "short date" could read 08-14-03, month first).
		row, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrUnreadable, err)
		}
		out = append(out, row)
	}
	return out, rows.Error()
}

func csvCells(data []byte) ([][]string, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%w: the text is not UTF-8 (save the CSV as UTF-8)", ErrUnreadable)
	}
	first, _, _ := bytes.Cut(data, []byte("\n"))
	r := csv.NewReader(bytes.NewReader(data))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		r.Comma = ';' // as Excel saves CSV where the decimal mark is a comma
	}
	r.FieldsPerRecord = -1
	var out [][]string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrUnreadable, err)
		}
		if len(out) > MaxRows+20 {
			return nil, ErrTooManyRows
		}
		out = append(out, rec)
	}
}

// columnOf is the template column a header names, if any.
func columnOf(header string) (Column, bool) {
	key := unaccent.Key(header)
	for _, c := range Columns {
		for _, h := range append([]string{c.Header}, c.Aliases...) {
			if unaccent.Key(h) == key {
				return c, true
			}
		}
	}
	return Column{}, false
}

// parse reads the rows of cells; serials says a date column's number is
// an Excel date serial (cells of a workbook).
func parse(cells [][]string, serials bool) (*Sheet, error) {
	header := -1
	var cols map[string]int // column key → index
	for i, row := range cells {
		found := map[string]int{}
		for j, h := range row {
			if c, ok := columnOf(h); ok {
				if _, dup := found[c.Key]; !dup {
					found[c.Key] = j
				}
			}
		}
		if hasRequired(found) {
			header, cols = i, found
			break
		}
		if i > 20 {
			break
		}
	}
	if header < 0 {
		return nil, ErrNoHeader
	}
	s := &Sheet{Headers: map[string]string{}}
	for key, j := range cols {
		s.Headers[key] = strings.TrimSpace(cells[header][j])
	}
	for _, h := range cells[header] {
		if _, ok := columnOf(h); !ok && strings.TrimSpace(h) != "" {
			s.Ignored = append(s.Ignored, strings.TrimSpace(h))
		}
	}
	headerOf := func(key string) string { return strings.TrimSpace(cells[header][cols[key]]) }
	members := 0
	for i := header + 1; i < len(cells); i++ {
		row := cells[i]
		if blank(row) {
			continue
		}
		if members++; members > MaxRows {
			return nil, ErrTooManyRows
		}
		cell := func(key string) string {
			j, ok := cols[key]
			if !ok || j >= len(row) {
				return ""
			}
			return strings.TrimSpace(row[j])
		}
		r, problems := parseRow(i+1, cell, headerOf, serials)
		if len(problems) > 0 {
			s.Problems = append(s.Problems, problems...)
			continue
		}
		s.Rows = append(s.Rows, r)
	}
	return s, nil
}

func hasRequired(found map[string]int) bool {
	for _, c := range Columns {
		if _, ok := found[c.Key]; c.Required && !ok {
			return false
		}
	}
	return true
}

func blank(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// parseRow reads one member's row: cell gives a column's text by key,
// header its header as written.
func parseRow(line int, cell func(string) string, header func(string) string, serials bool) (Row, []Problem) {
	r := Row{Line: line, FullName: strings.Join(strings.Fields(cell("fullName")), " ")}
	var problems []Problem
	bad := func(key, code, vi, en string) {
		problems = append(problems, Problem{Line: line, Column: header(key), Code: code, VI: vi, EN: en})
	}
	if r.FullName == "" {
		bad("fullName", "REQUIRED", "Thiếu họ và tên.", "The full name is missing.")
	}
	switch unaccent.Key(cell("gender")) {
	case "nam", "male":
		r.Gender = member.Male
	case "nu", "female":
		r.Gender = member.Female
	case "":
		bad("gender", "REQUIRED", "Thiếu giới tính (Nam hoặc Nữ).", "The gender is missing (Nam or Nữ).")
	default:
		bad("gender", "INVALID", fmt.Sprintf("Giới tính %q không rõ: ghi Nam hoặc Nữ.", cell("gender")),
			fmt.Sprintf("Gender %q is unclear: write Nam or Nữ.", cell("gender")))
	}
	date := func(key, vi, en string, into *time.Time) {
		d, err := dates.Parse(cell(key))
		if n, nerr := strconv.ParseFloat(cell(key), 64); err != nil && serials && nerr == nil && n >= 1 && n < 2958466 {
			t, terr := excelize.ExcelDateToTime(n, false)
			d, err = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), terr
		}
		switch {
		case cell(key) == "":
			bad(key, "REQUIRED", "Thiếu "+vi+".", "The "+en+" is missing.")
		case err != nil:
			bad(key, "INVALID", fmt.Sprintf("%s %q không phải một ngày có thật: ghi ngày/tháng/năm, ví dụ 26/03/2008.", upperFirst(vi), cell(key)),
				fmt.Sprintf("The %s %q is not a real date: write day/month/year, e.g. 26/03/2008.", en, cell(key)))
		default:
			*into = d
		}
	}
	date("birthDate", "ngày sinh", "birth date", &r.BirthDate)
	date("joinedOn", "ngày vào Đoàn", "joining date", &r.JoinedOn)
	switch unaccent.Key(cell("position")) {
	case "", "doan vien":
		r.Position = member.PlainMember
	case "bi thu":
		r.Position = member.Secretary
	case "pho bi thu":
		r.Position = member.DeputySecretary
	case "uy vien bch", "uy vien ban chap hanh", "uy vien":
		r.Position = member.CommitteeMember
	default:
		bad("position", "INVALID", fmt.Sprintf("Chức vụ %q không rõ: ghi Bí thư, Phó Bí thư, Ủy viên BCH hoặc Đoàn viên.", cell("position")),
			fmt.Sprintf("Position %q is unclear: write Bí thư, Phó Bí thư, Ủy viên BCH or Đoàn viên.", cell("position")))
	}
	switch unaccent.Key(cell("duesCategory")) {
	case "":
	case "khong huong luong", "khong luong", "hoc sinh", "sinh vien", "hoc sinh, sinh vien":
		r.DuesCategory = ptr(dues.Unsalaried)
	case "huong luong", "co luong":
		r.DuesCategory = ptr(dues.Salaried)
	case "o nuoc ngoai", "nuoc ngoai":
		r.DuesCategory = ptr(dues.Abroad)
	default:
		bad("duesCategory", "INVALID", fmt.Sprintf("Đối tượng đoàn phí %q không rõ: ghi Không hưởng lương, Hưởng lương hoặc Ở nước ngoài.", cell("duesCategory")),
			fmt.Sprintf("Dues category %q is unclear: write Không hưởng lương, Hưởng lương or Ở nước ngoài.", cell("duesCategory")))
	}
	optional := func(key string) *string {
		if v := cell(key); v != "" {
			return &v
		}
		return nil
	}
	r.CardNumber, r.Phone, r.Email, r.Address = optional("cardNumber"), optional("phone"), optional("email"), optional("address")
	return r, problems
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return strings.ToUpper(string(r)) + s[n:]
}

// positionNames are the posts as the template writes them.
var positionNames = map[member.Position]string{member.Secretary: "Bí thư", member.DeputySecretary: "Phó Bí thư",
	member.CommitteeMember: "Ủy viên BCH", member.PlainMember: "Đoàn viên"}

// Write writes members as a workbook in the template's form, which Read
// (and so the import) reads back as the same members.
func Write(w io.Writer, members []*member.Member) error {
	f, list, err := newList()
	if err != nil {
		return err
	}
	defer f.Close()
	deref := func(s *string) string {
		if s == nil {
			return ""
		}
		return *s
	}
	for i, m := range members {
		gender := "Nam"
		if m.Gender == member.Female {
			gender = "Nữ"
		}
		values := map[string]string{"fullName": m.FullName, "gender": gender, "birthDate": dates.Format(m.BirthDate),
			"joinedOn": dates.Format(m.JoinedOn), "cardNumber": deref(m.CardNumber), "position": positionNames[m.Position],
			"phone": deref(m.Phone), "email": deref(m.Email), "address": deref(m.Address), "duesCategory": m.DuesCategory.Wording()}
		if err := setRow(f, list, i+2, values); err != nil {
			return err
		}
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write member list: %w", err)
	}
	return nil
}

// newList makes a workbook with the template's sheet of members: its
// headers, widths and text cells (so 26/03/2008 is not turned into a number).
func newList() (*excelize.File, string, error) {
	f := excelize.NewFile()
	const list = "Danh sách đoàn viên"
	fail := func(err error) (*excelize.File, string, error) {
		f.Close()
		return nil, "", err
	}
	if err := f.SetSheetName("Sheet1", list); err != nil {
		return fail(err)
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@"
	if err != nil {
		return fail(err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"DDEBF7"}, Pattern: 1}})
	if err != nil {
		return fail(err)
	}
	widths := map[string]float64{"fullName": 28, "address": 36, "email": 26}
	for i, c := range Columns {
		col, _ := excelize.ColumnNumberToName(i + 1)
		w := widths[c.Key]
		if w == 0 {
			w = 18
		}
		if err := errors.Join(f.SetColWidth(list, col, col, w), f.SetColStyle(list, col, text), f.SetCellStr(list, col+"1", c.Header)); err != nil {
			return fail(err)
		}
	}
	last, _ := excelize.ColumnNumberToName(len(Columns))
	if err := f.SetCellStyle(list, "A1", last+"1", bold); err != nil {
		return fail(err)
	}
	return f, list, nil
}

// setRow writes one member's values, by column key, on row.
func setRow(f *excelize.File, sheet string, row int, values map[string]string) error {
	for i, c := range Columns {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetCellStr(sheet, fmt.Sprintf("%s%d", col, row), values[c.Key]); err != nil {
			return err
		}
	}
	return nil
}

// Template is the workbook to fill in: the headers, one sample row of a
// made-up member, and a sheet saying how to write each column.
func Template() ([]byte, error) {
	f, list, err := newList()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	const help = "Hướng dẫn"
	if err := setRow(f, list, 2, map[string]string{"fullName": "Nguyễn Thị Minh Thư", "gender": "Nữ", "birthDate": "14/08/2003",
		"joinedOn": "26/03/2020", "cardNumber": "NT-0931999", "position": "Đoàn viên", "phone": "0912 345 678",
		"email": "minhthu@example.vn", "address": "Thôn Thành Ý, xã Phước Đại", "duesCategory": "Không hưởng lương"}); err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	if _, err := f.NewSheet(help); err != nil {
		return nil, err
	}
	lines := [][2]string{
		{"Cột", "Cách ghi"},
		{"Họ và tên", "Bắt buộc. Họ, tên đệm và tên, có dấu."},
		{"Giới tính", "Bắt buộc. Nam hoặc Nữ."},
		{"Ngày sinh", "Bắt buộc. Ngày/tháng/năm, ví dụ 14/08/2003."},
		{"Ngày vào Đoàn", "Bắt buộc. Ngày/tháng/năm; từ 16 đến 30 tuổi."},
		{"Số thẻ đoàn viên", "Nếu có. Dùng để nhận ra đoàn viên khi nhập lại danh sách."},
		{"Chức vụ", "Bí thư, Phó Bí thư, Ủy viên BCH hoặc Đoàn viên (để trống: Đoàn viên)."},
		{"Số điện thoại, Email, Địa chỉ", "Nếu có."},
		{"Đối tượng đoàn phí", "Không hưởng lương (học sinh, sinh viên, ...), Hưởng lương hoặc Ở nước ngoài; để trống: giữ như đã ghi (đoàn viên mới: Không hưởng lương)."},
		{"", "Tên cột có thể viết có dấu hoặc không dấu. Các cột khác (dân tộc, tôn giáo, ...) được bỏ qua. Tối đa 20.000 đoàn viên một tệp."},
	}
	for i, l := range lines {
		if err := errors.Join(f.SetCellStr(help, fmt.Sprintf("A%d", i+1), l[0]), f.SetCellStr(help, fmt.Sprintf("B%d", i+1), l[1])); err != nil {
			return nil, err
		}
	}
	if err := errors.Join(f.SetColWidth(help, "A", "A", 30), f.SetColWidth(help, "B", "B", 90), f.SetCellStyle(help, "A1", "B1", bold)); err != nil {
		return nil, err
	}
	f.SetActiveSheet(0)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, fmt.Errorf("write member template: %w", err)
	}
	return buf.Bytes(), nil
}

func ptr[T any](v T) *T { return &v }
