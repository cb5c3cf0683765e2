package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestChecklistHTMLFailingRow: a pair whose target leaf expired ten days
// before the window. The HTML leads with a banner verdict, draws a legend
// under each timeline, writes years on the zoomed axis, marks the failing
// row with how long before the window it expired, and folds the pair's
// details below its summary; golden HTML. scripts/screenshot-checklist.sh
// draws the same document in headless Chromium.
func TestChecklistHTMLFailingRow(t *testing.T) {
	pinClock(t, func() time.Time { return testBase })
	dir := t.TempDir()
	writeLab(t, dir, "good-pair", "expired-one-side")
	inv := `pairs:
  - name: dc1-good
    window: 4h
    source: { chain: good-pair/source.pem, clock: 2026-11-23T09:00:00Z }
    target: { chain: good-pair/target.pem, clock: 2026-11-23T09:02:00Z }
  - name: dc2-expired
    window: 4h
    source: { chain: expired-one-side/source.pem, clock: 2026-11-23T09:00:00Z }
    target: { chain: expired-one-side/target.pem, clock: 2026-11-23T09:00:00Z }
`
	os.WriteFile(filepath.Join(dir, "inventory.yaml"), []byte(inv), 0o600)
	t.Chdir(dir)
	res := runCLI(t, "checklist", "--out", "out", "inventory.yaml")
	if res.code != 1 {
		t.Fatalf("exit %d, want 1: %s", res.code, res.stderr)
	}
	b, err := os.ReadFile(filepath.Join("out", "checklist.html"))
	if err != nil {
		t.Fatal(err)
	}
	html := string(b)
	if !regexp.MustCompile(`<div class="banner fail" role="status">FAIL: 1 of 2 pairs would not pair`).MatchString(html) {
		t.Error("no banner verdict naming the failing pair count")
	}
	if i, j := strings.Index(html, `class="banner`), strings.Index(html, "<table"); i < 0 || i > j {
		t.Error("the banner is not above the summary table")
	}
	// Each timeline has its legend.
	if n, m := strings.Count(html, `<ul class="legend">`), strings.Count(html, "<svg"); n != m || n != 4 {
		t.Errorf("%d legends for %d timelines, want one each (4)", n, m)
	}
	for _, must := range []string{"source clock</li>", "target clock</li>", "change window from the source clock", "change window from the target clock"} {
		if !strings.Contains(html, must) {
			t.Errorf("legend lacks %q", must)
		}
	}
	// Years on the zoomed axis: every tick reads YYYY-MM-DD HH:MM.
	if !regexp.MustCompile(`text-anchor="middle">2026-11-23 0\d:\d\d</text>`).MatchString(html) {
		t.Error("zoomed axis ticks carry no year")
	}
	// The expired leaf is marked on its row, in days before the window.
	if !strings.Contains(html, `class="badnote"`) || !strings.Contains(html, ">expired 10 days before the window</text>") {
		t.Error("the failing row has no 'expired 10 days before the window' note")
	}
	// Details fold below the summary, one per pair; the summary (fix first)
	// stays outside.
	if n := strings.Count(html, `<details class="pair">`); n != 2 || strings.Count(html, "</details>") != 2 {
		t.Errorf("%d folded pair details, want 2", n)
	}
	if i, j := strings.Index(html, "Fix this first"), strings.Index(html, `<details class="pair">`); i < 0 || j < 0 {
		t.Error("no fix-first or no fold")
	}
	for _, must := range []string{"Ran by ome-preflight dev at 2026-11-23T09:00:00Z", "<code>inventory.yaml</code>", "ome-preflight rules RULE"} {
		if !strings.Contains(html, must) {
			t.Errorf("HTML lacks %q", must)
		}
	}
	if sum := fileSHA(t, "inventory.yaml"); !strings.Contains(html, sum) {
		t.Error("HTML lacks the inventory's SHA-256")
	}
	golden(t, "checklist/expired.html", strings.ReplaceAll(html, dir+string(os.PathSeparator), ""))
}
