//go:build browser

package render_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sodoan/sodoan/internal/report"
	"github.com/sodoan/sodoan/internal/report/render"
	"github.com/sodoan/sodoan/internal/seed"
	"github.com/sodoan/sodoan/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// chromium runs headless Chromium with the flags this closed network needs
// (no background connections) and returns what it printed.
func chromium(t *testing.T, args ...string) string {
	t.Helper()
	bin := os.Getenv("CHROMIUM")
	if bin == "" {
		bin = "/usr/bin/chromium"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir()}
	out, err := exec.CommandContext(ctx, bin, append(base, args...)...).Output()
	if err != nil {
		t.Fatalf("chromium %v: %v", args, err)
	}
	return string(out)
}

// demoExport is the demo branch's 2022 report, as the exports have it.
func demoExport(t *testing.T) *report.Export {
	t.Helper()
	return demoExports(t, report.WholeYear)[0]
}

// demoExports is the demo branch's 2022 reports of the periods.
func demoExports(t *testing.T, periods ...report.Period) []*report.Export {
	t.Helper()
	pool := testdb.Migrated(t)
	ctx := context.Background()
	if _, err := seed.Load(ctx, pool); err != nil {
		t.Fatal(err)
	}
	var office int64
	if err := pool.QueryRow(ctx, `SELECT id FROM units WHERE name = 'Chi đoàn Văn phòng Tỉnh ủy'`).Scan(&office); err != nil {
		t.Fatal(err)
	}
	var out []*report.Export
	for _, p := range periods {
		e, err := report.NewStore(pool).Export(ctx, report.KeyOf(report.DocumentKey{UnitID: office, Year: 2022, Period: p}))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

// The printable report renders in a real browser, with both charts drawn.
func TestReportPageRendersInChromium(t *testing.T) {
	e := demoExport(t)
	var page bytes.Buffer
	if err := render.HTML(&page, e); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "report.html")
	if err := os.WriteFile(file, page.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}

	dom := chromium(t, "--dump-dom", "file://"+file)
	if n := strings.Count(dom, `class="bar"`); n != 12+5 {
		t.Errorf("the rendered page has %d chart bars, want 17 (12 months, 5 work areas)", n)
	}
	if !strings.Contains(dom, "1.232.000 đ") || !strings.Contains(dom, "<polyline") {
		t.Error("the rendered page lacks the book cabinet's value or the participation line")
	}

	// Printed, it is A4 (595 × 842 points), with no page left blank.
	pdf := filepath.Join(dir, "report.pdf")
	chromium(t, "--print-to-pdf="+pdf, "--no-pdf-header-footer", "file://"+file)
	printed, err := os.ReadFile(pdf)
	if err != nil {
		t.Fatal(err)
	}
	boxes := regexp.MustCompile(`/MediaBox\s*\[\s*0 0 ([0-9.]+) ([0-9.]+)\s*\]`).FindAllSubmatch(printed, -1)
	if len(boxes) == 0 {
		t.Fatal("the printed page has no page sizes")
	}
	for _, b := range boxes {
		if w, _ := strconv.ParseFloat(string(b[1]), 64); w < 594 || w > 597 {
			t.Errorf("a printed page is %s × %s points, not A4", b[1], b[2])
			break
		}
	}
	t.Logf("%d printed A4 pages", len(boxes))

	shot := filepath.Join(dir, "report.png")
	chromium(t, "--screenshot="+shot, "--window-size=1024,2400", "file://"+file)
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	n := colouredPixels(img)
	t.Logf("%d chart-coloured pixels in the screenshot", n)
	if n < 2000 {
		t.Errorf("the screenshot has %d chart-coloured pixels; the charts did not draw", n)
	}
}

// colouredPixels counts pixels of the charts' blue and green.
func colouredPixels(img image.Image) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			r, g, bl = r>>8, g>>8, bl>>8
			blue := r < 80 && g > 90 && g < 130 && bl > 160   // #2f6db5
			green := r < 80 && g > 140 && bl > 50 && bl < 100 // #2f9e44
			if blue || green {
				n++
			}
		}
	}
	return n
}

// The Word document and the workbook, of the year and of its first half,
// open in LibreOffice, as offices open them: each converts to PDF, on A4,
// the document's pages portrait, and the document reads with its title.
func TestExportsOpenInLibreOffice(t *testing.T) {
	exports := demoExports(t, report.WholeYear, report.FirstHalf)
	dir := t.TempDir()
	for _, f := range []struct {
		name  string
		e     *report.Export
		write func(io.Writer, *report.Export) error
		title string
	}{
		{"bao-cao.docx", exports[0], render.DOCX, "PHẦN II. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2023"},
		{"bao-cao.xlsx", exports[0], render.XLSX, ""},
		{"so-ket.docx", exports[1], render.DOCX, "PHẦN I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ 6 THÁNG ĐẦU NĂM 2022"},
		{"so-ket.xlsx", exports[1], render.XLSX, ""},
	} {
		e := f.e
		var buf bytes.Buffer
		if err := f.write(&buf, e); err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(dir, f.name)
		if err := os.WriteFile(file, buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		bin := os.Getenv("SOFFICE")
		if bin == "" {
			bin = "soffice"
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		out, err := exec.CommandContext(ctx, bin, "--headless", "--norestore", "-env:UserInstallation=file://"+t.TempDir(),
			"--convert-to", "pdf", "--outdir", dir, file).CombinedOutput()
		cancel()
		if err != nil {
			t.Fatalf("LibreOffice on %s: %v\n%s", f.name, err, out)
		}
		pdf, err := os.ReadFile(strings.TrimSuffix(file, filepath.Ext(file)) + ".pdf")
		if err != nil {
			t.Fatalf("LibreOffice made no PDF of %s: %v\n%s", f.name, err, out)
		}
		boxes := regexp.MustCompile(`/MediaBox\s*\[\s*0 0 ([0-9.]+) ([0-9.]+)\s*\]`).FindAllSubmatch(pdf, -1)
		if len(boxes) == 0 {
			t.Fatalf("%s: the PDF has no pages", f.name)
		}
		for _, b := range boxes {
			w, _ := strconv.ParseFloat(string(b[1]), 64)
			h, _ := strconv.ParseFloat(string(b[2]), 64)
			a4 := (w > 594 && w < 597 && h > 840 && h < 843) || (h > 594 && h < 597 && w > 840 && w < 843)
			if !a4 || (f.name == "bao-cao.docx" && w > h) {
				t.Errorf("%s: a page is %.0f × %.0f points", f.name, w, h)
				break
			}
		}
		t.Logf("%s: %d pages in LibreOffice", f.name, len(boxes))
		if f.title == "" {
			continue
		}
		ctx, cancel = context.WithTimeout(context.Background(), 2*time.Minute)
		out, err = exec.CommandContext(ctx, bin, "--headless", "--norestore", "-env:UserInstallation=file://"+t.TempDir(),
			"--convert-to", "txt:Text (encoded):UTF8", "--outdir", dir, file).CombinedOutput()
		cancel()
		text, rerr := os.ReadFile(strings.TrimSuffix(file, filepath.Ext(file)) + ".txt")
		if err != nil || rerr != nil {
			t.Fatalf("LibreOffice reading %s as text: %v %v\n%s", f.name, err, rerr, out)
		}
		if !strings.Contains(string(text), f.title) {
			t.Errorf("%s read by LibreOffice lacks %q", f.name, f.title)
		}
	}
}

// The PDF export is the printable page printed by Chromium, on A4.
func TestReportPDFPrintsInChromium(t *testing.T) {
	bin := os.Getenv("CHROMIUM")
	if bin == "" {
		bin = "/usr/bin/chromium"
	}
	var buf bytes.Buffer
	if err := render.PDF(context.Background(), &buf, demoExport(t), bin); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", buf.Bytes()[:min(20, buf.Len())])
	}
	boxes := regexp.MustCompile(`/MediaBox\s*\[\s*0 0 ([0-9.]+) ([0-9.]+)\s*\]`).FindAllSubmatch(buf.Bytes(), -1)
	if len(boxes) == 0 {
		t.Fatal("the PDF has no pages")
	}
	for _, b := range boxes {
		if w, _ := strconv.ParseFloat(string(b[1]), 64); w < 594 || w > 597 {
			t.Errorf("a page is %s × %s points, not A4", b[1], b[2])
			break
		}
	}
}
