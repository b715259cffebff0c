package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/sodoan/sodoan/internal/report"
)

// ErrNoBrowser is PDF's error when the server has no Chromium to print with.
var ErrNoBrowser = errors.New("no Chromium to print the report with")

// PDF writes the report as a PDF: the printable page printed by headless
// Chromium (chromium: its path), on A4 as the page's @page asks.
func PDF(ctx context.Context, w io.Writer, e *report.Export, chromium string) error {
	bin, err := exec.LookPath(chromium)
	if err != nil {
		return ErrNoBrowser
	}
	dir, err := os.MkdirTemp("", "sodoan-pdf-")
	if err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	defer os.RemoveAll(dir)
	var page bytes.Buffer
	if err := HTML(&page, e); err != nil {
		return err
	}
	in, out := filepath.Join(dir, "bao-cao.html"), filepath.Join(dir, "bao-cao.pdf")
	if err := os.WriteFile(in, page.Bytes(), 0o600); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	// The page needs no network: it is printed offline.
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir="+filepath.Join(dir, "profile"),
		"--no-pdf-header-footer", "--print-to-pdf="+out, "file://"+in)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("pdf: chromium: %w: %s", err, bytes.TrimSpace(msg))
	}
	data, err := os.ReadFile(out)
	if err != nil {
		return fmt.Errorf("pdf: chromium wrote nothing: %w", err)
	}
	_, err = w.Write(data)
	return err
}
