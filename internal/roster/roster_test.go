package roster

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/sodoan/sodoan/internal/member"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// The template reads back as its sample member, with nothing ignored.
func TestTemplateReadsBack(t *testing.T) {
	data, err := Template()
	if err != nil {
		t.Fatal(err)
	}
	s, err := Read(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Problems) != 0 || len(s.Ignored) != 0 || len(s.Rows) != 1 {
		t.Fatalf("template read as %+v", s)
	}
	r := s.Rows[0]
	if r.Line != 2 || r.FullName != "Nguyễn Thị Minh Thư" || r.Gender != member.Female || !r.BirthDate.Equal(day("2003-08-14")) ||
		!r.JoinedOn.Equal(day("2020-03-26")) || r.Position != member.PlainMember || r.CardNumber == nil || *r.CardNumber != "NT-0931999" {
		t.Errorf("sample row = %+v", r)
	}
}

// A list as an office saves it from Excel: a title above the headers,
// headers without diacritics in capitals, semicolons, a byte order mark,
// columns the template has not, and mistakes, each told by row and column.
func TestReadCSVAsOfficesWriteIt(t *testing.T) {
	csv := "\ufeffDANH SÁCH ĐOÀN VIÊN CHI ĐOÀN THÔN MỘT;;;;;\n" +
		";;;;;\n" +
		"STT;HO VA TEN;GIOI TINH;NGAY SINH;NGAY VAO DOAN;Dân tộc;Chức vụ;So the doan vien\n" +
		"1;Trần  Văn   Hùng;Nam;05/01/2002;26/3/2018;Kinh;Bí thư;NT-1\n" +
		"2;Lê Thị Hoa;nữ;31/02/2001;26/03/2017;Kinh;;\n" +
		";;;;;;;\n" +
		"3;;Nữ;01/01/2000;26/03/2016;Chăm;Đoàn viên;\n" +
		"4;Phạm Văn Tú;X;12/12/2001;2017-03-26;Kinh;Chi hội trưởng;NT-4\n" +
		"5;Ka Tơ Rin;Nữ;07/07/2003;26.03.2019;Raglai;Phó Bí thư;\n"
	s, err := Read(strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.Ignored, []string{"STT", "Dân tộc"}) {
		t.Errorf("ignored = %v", s.Ignored)
	}
	var names []string
	for _, r := range s.Rows {
		names = append(names, r.FullName)
	}
	if !slices.Equal(names, []string{"Trần Văn Hùng", "Ka Tơ Rin"}) {
		t.Errorf("rows read = %v", names)
	}
	if r := s.Rows[0]; r.Line != 4 || r.Gender != member.Male || r.Position != member.Secretary || !r.JoinedOn.Equal(day("2018-03-26")) ||
		*r.CardNumber != "NT-1" {
		t.Errorf("first row = %+v", r)
	}
	if r := s.Rows[1]; r.Position != member.DeputySecretary || !r.JoinedOn.Equal(day("2019-03-26")) || r.CardNumber != nil {
		t.Errorf("last row = %+v", r)
	}
	type where struct {
		line         int
		column, code string
	}
	var got []where
	for _, p := range s.Problems {
		got = append(got, where{p.Line, p.Column, p.Code})
		if p.VI == "" || p.EN == "" {
			t.Errorf("problem without words: %+v", p)
		}
	}
	want := []where{
		{5, "NGAY SINH", "INVALID"},
		{7, "HO VA TEN", "REQUIRED"},
		{8, "GIOI TINH", "INVALID"},
		{8, "Chức vụ", "INVALID"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems = %+v\nwant %+v", got, want)
	}
}

// A workbook whose dates Excel stored as dates reads them as those days,
// whatever format shows them.
func TestReadXLSXDateCells(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	for i, h := range []string{"Họ và tên", "Giới tính", "Ngày sinh", "Ngày vào Đoàn"} {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetCellStr("Sheet1", col+"1", h); err != nil {
			t.Fatal(err)
		}
	}
	short, _ := f.NewStyle(&excelize.Style{NumFmt: 14}) // the locale's short date: m-d-yy as excelize shows it
	if err := errors.Join(f.SetCellStr("Sheet1", "A2", "Võ Minh Khang"), f.SetCellStr("Sheet1", "B2", "Nam"),
		f.SetCellValue("Sheet1", "C2", day("2003-08-04")), f.SetCellStyle("Sheet1", "C2", "C2", short),
		f.SetCellValue("Sheet1", "D2", day("2019-03-26")), f.SetCellStyle("Sheet1", "D2", "D2", short)); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	s, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Problems) != 0 || len(s.Rows) != 1 || !s.Rows[0].BirthDate.Equal(day("2003-08-04")) || !s.Rows[0].JoinedOn.Equal(day("2019-03-26")) {
		t.Errorf("read %+v", s)
	}
}

func TestReadRefusesWhatIsNoMemberList(t *testing.T) {
	for name, tt := range map[string]struct {
		data string
		want error
	}{
		"not UTF-8":          {"Họ và tên,Giới tính\n\xff\xfe", ErrUnreadable},
		"a broken workbook":  {"PK\x03\x04 not really a zip", ErrUnreadable},
		"no required header": {"Họ và tên,Giới tính\nAn,Nam\n", ErrNoHeader},
		"empty":              {"", ErrNoHeader},
	} {
		if _, err := Read(strings.NewReader(tt.data)); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", name, err, tt.want)
		}
	}
}

// The size: 10,000 members in one file.
func BenchmarkRead10000(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString("Họ và tên,Giới tính,Ngày sinh,Ngày vào Đoàn,Số thẻ đoàn viên,Chức vụ,Số điện thoại\n")
	for i := range 10000 {
		buf.WriteString("Nguyễn Văn Thành,Nam,14/08/2003,26/03/2019,NT-")
		buf.WriteString(strings.Repeat("0", 5) + string(rune('0'+i%10)))
		buf.WriteString(",Đoàn viên,0912 345 678\n")
	}
	data := buf.Bytes()
	for b.Loop() {
		s, err := Read(bytes.NewReader(data))
		if err != nil || len(s.Rows) != 10000 {
			b.Fatalf("%v, %d rows", err, len(s.Rows))
		}
	}
}

// A workbook that unpacks to more than maxUnzipped is refused, not opened:
// a small zip bomb must not fill the server's memory.
func TestReadRefusesWorkbooksThatUnpackTooLarge(t *testing.T) {
	data, err := Template()
	if err != nil {
		t.Fatal(err)
	}
	defer func(was int64) { maxUnzipped = was }(maxUnzipped)
	maxUnzipped = 1 << 10
	if _, err := Read(bytes.NewReader(data)); !errors.Is(err, ErrUnreadable) {
		t.Errorf("a workbook past the unzip limit: %v, want ErrUnreadable", err)
	}
}
