package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ome-preflight/ome-preflight/fixtures"
	"github.com/ome-preflight/ome-preflight/report"
)

// An inventory's template and CSRs make each pair's first section,
// "Before issuing": the CSRs judged by csr's rules (a wildcard CSR fails the
// pair), the template by template's (an unreadable dump is na with its
// reason; the AD CS Web Server template fails the pair: no Client
// Authentication).
func TestChecklistBeforeIssuing(t *testing.T) {
	lab := filepath.Join(t.TempDir(), "lab")
	if _, err := fixtures.WriteLab(lab, testBase, false); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(lab, "readme")
	t.Chdir(dir)
	pinClock(t, func() time.Time { return testBase })
	os.WriteFile("wild.csr", fixtures.CSR("*.example.com", fixtures.Key(fixtures.RSA2048, 1)), 0o600)
	os.WriteFile("template.txt", []byte("[Version]\n"), 0o600)
	inv := "template: template.txt\npairs:\n  - name: good\n    source: { chain: source.pem, csr: src.csr }\n    target: { chain: target.pem, csr: dst.csr }\n" +
		"  - name: wild\n    source: { chain: source.pem, csr: wild.csr }\n    target: { chain: target.pem }\n"
	os.WriteFile("before.yaml", []byte(inv), 0o600)
	web, err := os.ReadFile(filepath.Join(repoRoot(), "testdata", "template", "webserver-default.txt"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile("webserver.txt", web, 0o600)
	os.WriteFile("web.yaml", []byte("pairs:\n  - name: web\n    template: webserver.txt\n    window: 4h\n    source: { chain: source.pem }\n    target: { chain: target.pem }\n"), 0o600)
	r := runCLI(t, "checklist", "--format", "json", "--out", "out3", "web.yaml")
	if r.code != 1 || !strings.Contains(r.stdout, "No Client/Server authentication EKU present in leaf certificate.") {
		t.Errorf("Web Server template: exit %d, want 1 with CGEN1008's text\n%.2000s", r.code, r.stdout)
	}
	// The pair's window is the template's --window-end: template-validity
	// is judged, not left na.
	var webRep struct {
		Pairs []struct {
			BeforeIssuing []report.BeforeIssuing `json:"before_issuing"`
		} `json:"pairs"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &webRep); err != nil || len(webRep.Pairs) != 1 || len(webRep.Pairs[0].BeforeIssuing) != 1 || webRep.Pairs[0].BeforeIssuing[0].Report == nil {
		t.Fatalf("web pair: %v\n%.1000s", err, r.stdout)
	}
	validity := report.Status(-1)
	for _, c := range webRep.Pairs[0].BeforeIssuing[0].Report.Checks {
		if c.Rule == "template-validity" {
			validity = c.Status
		}
	}
	if validity != report.Pass {
		t.Errorf("template-validity with the pair's window: %v, want pass", validity)
	}
	res := runCLI(t, "checklist", "--format", "json", "--out", "out", "before.yaml")
	var cl struct {
		Pairs []struct {
			Name          string                 `json:"name"`
			Verdict       report.Verdict         `json:"verdict"`
			BeforeIssuing []report.BeforeIssuing `json:"before_issuing"`
		} `json:"pairs"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &cl); err != nil || len(cl.Pairs) != 2 {
		t.Fatalf("exit %d: %v\n%s%s", res.code, err, res.stdout, res.stderr)
	}
	good, wild := cl.Pairs[0], cl.Pairs[1]
	if len(good.BeforeIssuing) != 3 || good.BeforeIssuing[0].What != "template" || good.BeforeIssuing[0].Status != report.NA ||
		!strings.HasPrefix(good.BeforeIssuing[0].Reason, "template not checked: ") {
		t.Errorf("good pair's before-issuing: %+v", good.BeforeIssuing)
	}
	for _, b := range good.BeforeIssuing[1:] {
		if b.Status != report.Pass || b.Report == nil || b.Report.Command != "csr" {
			t.Errorf("%s %s: %s", b.What, b.File, b.Status)
		}
	}
	if good.Verdict != report.VerdictPass {
		t.Errorf("good pair: %s", good.Verdict)
	}
	if wild.Verdict != report.VerdictFail || len(wild.BeforeIssuing) != 2 || wild.BeforeIssuing[1].Status != report.Error ||
		wild.BeforeIssuing[1].Report.Findings[0].OMEMessageID != "CGEN6002" {
		t.Errorf("wildcard pair: %s %+v", wild.Verdict, wild.BeforeIssuing)
	}
	if res.code != 1 {
		t.Errorf("exit %d, want 1 (a CSR fails)", res.code)
	}
	md, err := os.ReadFile(filepath.Join("out", "checklist.md"))
	if err != nil {
		t.Fatal(err)
	}
	pair := string(md)[strings.Index(string(md), "# Pair wild"):]
	bi, rep := strings.Index(pair, "## Before issuing"), strings.Index(pair, "## OME")
	if bi < 0 || rep >= 0 && rep < bi || !strings.Contains(pair, "- [ ] source csr") || !strings.Contains(string(md), "- (not checked) template") {
		t.Errorf("checklist.md, pair wild:\n%.1500s", pair)
	}
	html, err := os.ReadFile(filepath.Join("out", "checklist.html"))
	if err != nil {
		t.Fatal(err)
	}
	if h := string(html); !strings.Contains(h, "<h3>Before issuing</h3>") || !strings.Contains(h, "(not checked) template") || !strings.Contains(h, "CGEN6002") {
		t.Errorf("checklist.html lacks the before-issuing section (template not checked, the wildcard CSR's CGEN6002)")
	}
	// A template key naming a file that is not there: exit 2, naming it.
	os.WriteFile("bad.yaml", []byte("pairs:\n  - name: x\n    template: nothere.txt\n    source: { chain: source.pem }\n    target: { chain: target.pem }\n"), 0o600)
	if r := runCLI(t, "checklist", "--out", "out2", "bad.yaml"); r.code != 2 || !strings.Contains(r.stderr, "nothere.txt") {
		t.Errorf("missing template: exit %d %s", r.code, r.stderr)
	}
}
