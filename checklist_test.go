package main

import (
	"encoding/json"
	"github.com/ome-preflight/ome-preflight/render"
	"github.com/ome-preflight/ome-preflight/report"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"

	"github.com/ome-preflight/ome-preflight/fixtures"
)

// writeLab writes every pair scenario under dir/<name>/.
func writeLab(t *testing.T, dir string, names ...string) {
	t.Helper()
	for _, n := range names {
		s := scenarioByName(t, n)
		os.MkdirAll(filepath.Join(dir, n), 0o755)
		for _, f := range s.Build(testBase) {
			os.WriteFile(filepath.Join(dir, n, f.Name), f.Data, 0o600)
		}
	}
}

func TestChecklistInventoryErrors(t *testing.T) {
	dir := t.TempDir()
	writeLab(t, dir, "good-pair")
	cases := []struct{ name, yaml, want string }{
		{"unknown key", "pairs:\n  - name: a\n    sorce: {chain: good-pair/source.pem}\n    target: {chain: good-pair/target.pem}\n", `unknown key "sorce" in a pair (did you mean "source"?)`},
		{"missing target", "pairs:\n  - name: a\n    source: {chain: good-pair/source.pem}\n", `pair "a" has no target`},
		{"side without address or chain", "pairs:\n  - name: a\n    source: {csr: x}\n    target: {chain: good-pair/target.pem}\n", "needs an address or a chain"},
		{"missing file", "pairs:\n  - name: a\n    source: {chain: nope.pem}\n    target: {chain: good-pair/target.pem}\n", "nope.pem cannot be read"},
		{"bad window", "pairs:\n  - name: a\n    window: four hours\n    source: {chain: good-pair/source.pem}\n    target: {chain: good-pair/target.pem}\n", "not a duration"},
		{"bad clock", "pairs:\n  - name: a\n    source: {chain: good-pair/source.pem, clock: tomorrow}\n    target: {chain: good-pair/target.pem}\n", "not RFC 3339"},
		{"bad address", "pairs:\n  - name: a\n    source: {address: 'host:99999'}\n    target: {chain: good-pair/target.pem}\n", "bad port"},
		{"duplicate name", "pairs:\n  - name: a\n    source: {chain: good-pair/source.pem}\n    target: {chain: good-pair/target.pem}\n  - name: a\n    source: {chain: good-pair/source.pem}\n    target: {chain: good-pair/target.pem}\n", "appears twice"},
		{"empty", "", "empty inventory"},
		{"not yaml", "pairs: [ {", "inventory.yaml"},
		{"no pairs", "pairs: []\n", "no pairs"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			inv := filepath.Join(dir, "inventory.yaml")
			os.WriteFile(inv, []byte(tc.yaml), 0o600)
			res := runCLI(t, "checklist", "--out", filepath.Join(dir, "out"), inv)
			if res.code != 2 || !strings.Contains(res.stderr, tc.want) || !strings.Contains(res.stderr, "inventory.yaml") {
				t.Errorf("code %d, stderr %q; want 2 naming the file and %q", res.code, res.stderr, tc.want)
			}
		})
	}
}

var addrRe = regexp.MustCompile(`127\.0\.0\.\d+:\d+`)

// TestChecklistMixedInventory: files-only pairs and a live pair of mocks in
// one inventory; golden Markdown, self-contained HTML, JSON, exit code.
func TestChecklistMixedInventory(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	frozen := func() time.Time { return testBase }
	pinClock(t, frozen)
	dir := t.TempDir()
	writeLab(t, dir, "good-pair", "different-intermediates", "window-too-long")
	src := startMock(t, filepath.Join(dir, "good-pair"), "source", "127.0.0.1:0", frozen, nil)
	defer src.Close()
	tgt := startMock(t, filepath.Join(dir, "good-pair"), "target", "127.0.0.2:0", frozen, func(o *fixtures.MockOptions) { o.LeafOnly = true })
	defer tgt.Close()
	inv := `pairs:
  - name: files-good
    window: 4h
    source: { chain: good-pair/source.pem, clock: 2026-11-23T09:00:00Z }
    target: { chain: good-pair/target.pem, clock: 2026-11-23T09:02:00Z }
  - name: files-kb-invalid
    source: { chain: different-intermediates/source.pem, clock: 2026-11-23T09:00:00Z }
    target: { chain: different-intermediates/target.pem, clock: 2026-11-23T09:00:00Z }
  - name: files-window
    window: 4h
    source: { chain: window-too-long/source.pem, clock: 2026-11-23T09:00:00Z }
    target: { chain: window-too-long/target.pem, clock: 2026-11-23T09:00:00Z }
  - name: live-leaf-only
    window: 1h
    source: { address: "` + src.Addr + `", chain: good-pair/source.pem }
    target: { address: "` + tgt.Addr + `", chain: good-pair/target.pem }
  - name: live-unreachable
    window: 1h
    source: { address: "` + refusedAddr(t) + `" }
    target: { address: "` + src.Addr + `", chain: good-pair/source.pem }
`
	os.WriteFile(filepath.Join(dir, "inventory.yaml"), []byte(inv), 0o600)
	out := filepath.Join(dir, "out")
	t.Chdir(dir)
	res := runCLI(t, "checklist", "--timeout", "2s", "--out", out, "--format", "json", "--client-cert", "good-pair/standin.pem", "--client-key", "good-pair/standin.key", "inventory.yaml")
	if res.code != 1 {
		t.Fatalf("exit code %d, want 1 (two pairs fail)\n%s", res.code, res.stderr)
	}
	var cl report.Checklist
	if err := json.Unmarshal([]byte(res.stdout), &cl); err != nil {
		t.Fatal(err)
	}
	// The manual prerequisites: listed apart from the checks, each the
	// admin's to confirm, none passed; the verdicts do not count them.
	wantManual := []string{"migrate-source-version", "migrate-target-version", "migrate-target-snapshot", "migrate-target-no-plugins",
		"migrate-local-admin", "migrate-update-repository", "migrate-tls12", "login-ip-range", "ansible-upload-cert-chain"}
	var gotManual []string
	for _, m := range cl.Manual {
		gotManual = append(gotManual, m.ID)
		if m.Status != report.ToConfirm || m.Text == "" || m.Why == "" || m.Reference == "" {
			t.Errorf("manual item %+v: want status to_confirm with text, why and reference", m)
		}
	}
	if diff := cmp.Diff(wantManual, gotManual); diff != "" {
		t.Errorf("manual items (-want +got):\n%s", diff)
	}
	if !strings.Contains(res.stdout, `"status": "to_confirm"`) || strings.Count(res.stdout, `"to_confirm"`) != len(wantManual) {
		t.Errorf("JSON: want %d manual items with status \"to_confirm\"", len(wantManual))
	}
	for _, p := range cl.Pairs {
		for _, c := range p.Report.Checks {
			if slices.Contains(wantManual, c.Rule) {
				t.Errorf("%s: manual item %s reported as a check (%s)", p.Name, c.Rule, c.Status)
			}
		}
	}
	want := map[string]report.Verdict{"files-good": "pass", "files-kb-invalid": "fail", "files-window": "fail", "live-leaf-only": "fail", "live-unreachable": "incomplete"}
	for _, p := range cl.Pairs {
		if want[p.Name] != p.Verdict {
			t.Errorf("%s: %s, want %s (%s)", p.Name, p.Verdict, want[p.Name], p.Error)
		}
	}
	if cl.Pairs[3].Kind != "probe" || !hasFinding(*cl.Pairs[3].Report, "live-leaf-only", report.SevError) {
		t.Errorf("live pair: kind %s", cl.Pairs[3].Kind)
	}
	// The cause leads: a chain uploaded as a single certificate, with the
	// findings that follow from it marked.
	lr := cl.Pairs[3].Report
	follows := 0
	for _, f := range lr.Findings {
		if f.ConsequenceOf == "live-leaf-only" {
			follows++
		}
	}
	if lr.FixFirst == nil || lr.FixFirst.Rule != "live-leaf-only" || follows < 3 {
		t.Errorf("fix first %+v, %d findings follow from it; want live-leaf-only leading several", lr.FixFirst, follows)
	}
	// The ticket summary: the run once, then at most 15 plain lines a pair.
	sum := runCLI(t, "checklist", "--timeout", "2s", "--out", out, "--force", "--format", "summary", "--client-cert", "good-pair/standin.pem", "--client-key", "good-pair/standin.key", "inventory.yaml")
	if sum.code != 1 {
		t.Fatalf("summary: exit code %d, want 1\n%s", sum.code, sum.stderr)
	}
	blocks := strings.Split(strings.TrimRight(sum.stdout, "\n"), "\n\n")
	if len(blocks) != 1+len(cl.Pairs) {
		t.Errorf("summary: %d blocks, want the run and %d pairs:\n%s", len(blocks), len(cl.Pairs), sum.stdout)
	}
	for _, bl := range blocks[1:] {
		if n := strings.Count(bl, "\n") + 1; n > render.SummaryMaxLines || !strings.HasPrefix(bl, "Pair ") {
			t.Errorf("summary block of %d lines (at most %d), or not a pair's:\n%s", n, render.SummaryMaxLines, bl)
		}
	}
	if !strings.Contains(blocks[0], "Tool: ome-preflight dev, ran 2026-11-23T09:00:00Z") || !strings.Contains(blocks[0], "Input inventory inventory.yaml: SHA-256 ") {
		t.Errorf("summary lacks the run:\n%s", blocks[0])
	}
	golden(t, "checklist/mixed-summary.txt", strings.ReplaceAll(addrRe.ReplaceAllString(sum.stdout, "MOCK"), dir+string(os.PathSeparator), ""))
	md, _ := os.ReadFile(filepath.Join(out, "checklist.md"))
	norm := addrRe.ReplaceAllString(string(md), "MOCK")
	norm = strings.ReplaceAll(norm, dir+string(os.PathSeparator), "")
	golden(t, "checklist/mixed.md", norm)
	for _, id := range wantManual {
		line := regexp.MustCompile("(?m)^- (\\[.\\]) \\(to confirm\\) .*`" + id + "`: ").FindStringSubmatch(string(md))
		if line == nil || line[1] != "[ ]" {
			t.Errorf("checklist.md: %s is not an open box marked to confirm: %q", id, line)
		}
	}

	if ents, _ := os.ReadDir(out); len(ents) != 2 {
		t.Errorf("out holds %d entries, want checklist.md and checklist.html only (no spool left)", len(ents))
	}
	html, _ := os.ReadFile(filepath.Join(out, "checklist.html"))
	normHTML := addrRe.ReplaceAllString(string(html), "MOCK")
	normHTML = strings.ReplaceAll(normHTML, dir+string(os.PathSeparator), "")
	golden(t, "checklist/mixed.html", normHTML)
	for _, bad := range []string{"<script", "<link", "src=", "url(", "@import", `href="http`} {
		if strings.Contains(string(html), bad) {
			t.Errorf("checklist.html is not self-contained: it has %q", bad)
		}
	}
	for _, must := range []string{"<svg", "source clock", "target clock", "Pair files-kb-invalid", "The migration wizard would say",
		"To confirm by hand", "<code>login-ip-range</code>", "upload_cert_chain"} {
		if !strings.Contains(string(html), must) {
			t.Errorf("checklist.html lacks %q", must)
		}
	}
	// Look at it in headless Chromium when there is one.
	// Look at it in headless Chromium when asked (OME_PREFLIGHT_SCREENSHOT=1)
	// and installed: never merely because it is on PATH.
	if _, err := exec.LookPath("chromium"); err == nil && os.Getenv("OME_PREFLIGHT_SCREENSHOT") == "1" {
		png := filepath.Join(dir, "checklist.png")
		cmd := exec.Command(filepath.Join(repoRoot(), "scripts", "screenshot-html.sh"), filepath.Join(out, "checklist.html"), png, "1200x1600")
		if outb, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("screenshot: %v %s", err, outb)
		} else if st, err := os.Stat(png); err != nil || st.Size() < 20000 {
			t.Errorf("screenshot too small or missing: %v", err)
		}
	} else {
		t.Log("HTML not rendered: set OME_PREFLIGHT_SCREENSHOT=1 with chromium installed (scripts/screenshot-html.sh does it)")
	}
}

func repoRoot() string { return filepath.Dir(filepath.Dir(goldenDir)) }

// YAML errors name the inventory's own terms, never Go type names.
func TestInventoryErrorsInItsOwnWords(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{"pairs:\n  - name: a\n    source: \"x\"\n    target: { chain: y }\n", `line 3: a side (source or target) must be a mapping`},
		{"pairs:\n  - name: a\n    window: [1]\n    source: { chain: y }\n    target: { chain: y }\n", "line 3: this value must be text"},
		{"pairs: 5\n", "line 1: pairs must be a list of pairs, not a number"},
	} {
		_, err := ParseInventory("inv.yaml", []byte(tc.yaml))
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "main.") || strings.Contains(err.Error(), "!!") {
			t.Errorf("%q: %v; want %q and no Go or YAML type names", tc.yaml, err, tc.want)
		}
	}
}
