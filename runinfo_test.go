package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ome-preflight/ome-preflight/fixtures"
	"github.com/ome-preflight/ome-preflight/pairing"
	"github.com/ome-preflight/ome-preflight/render"
	"github.com/ome-preflight/ome-preflight/report"
)

func fileSHA(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// setVersion stands in for -ldflags -X main.version for one test.
func setVersion(t *testing.T, v string) {
	old := version
	version = v
	t.Cleanup(func() { version = old })
}

// Every format of check, compare and rules-backed reports names the tool's
// version (main.version), the run's clock and each input's SHA-256; the
// JSON keeps its contract's fields and gains "run".
func TestRunInfoInEveryFormat(t *testing.T) {
	setVersion(t, "v9.8.7-test")
	ran := time.Date(2026, 11, 20, 14, 30, 0, 0, time.UTC)
	pinClock(t, func() time.Time { return ran })
	for _, tc := range []struct {
		scenario string
		args     []string
		files    []string
	}{
		{"csr-match", []string{"check", "--at", testAt, "--csr", "appliance.csr", "chain.pem"}, []string{"chain.pem", "appliance.csr"}},
		{"different-intermediates", []string{"compare", "--source-time", testAt, "--target-time", testAt, "source.pem", "target.pem"}, []string{"source.pem", "target.pem"}},
	} {
		t.Run(tc.scenario, func(t *testing.T) {
			writeScenario(t, scenarioByName(t, tc.scenario))
			for _, format := range []string{"text", "json", "markdown", "summary"} {
				res := runCLI(t, append([]string{"--no-color", tc.args[0], "--format", format}, tc.args[1:]...)...)
				if res.code > 1 {
					t.Fatalf("%s: exit %d: %s", format, res.code, res.stderr)
				}
				for _, must := range []string{"v9.8.7-test", "2026-11-20T14:30:00Z"} {
					if !strings.Contains(res.stdout, must) {
						t.Errorf("%s: output lacks %q:\n%s", format, must, res.stdout)
					}
				}
				for _, f := range tc.files {
					if sum := fileSHA(t, f); !strings.Contains(res.stdout, sum) {
						t.Errorf("%s: output lacks %s's SHA-256 %s", format, f, sum)
					}
				}
				if format == "json" {
					var r report.Report
					if err := json.Unmarshal([]byte(res.stdout), &r); err != nil {
						t.Fatal(err)
					}
					if r.Run == nil || r.Run.Version != "v9.8.7-test" || !r.Run.At.Equal(ran) || len(r.Run.Inputs) != len(tc.files) {
						t.Fatalf("run = %+v", r.Run)
					}
					for i, f := range tc.files {
						if in := r.Run.Inputs[i]; in.File != f || in.SHA256 != fileSHA(t, f) || in.Bytes == 0 {
							t.Errorf("input %d = %+v, want %s", i, in, f)
						}
					}
					if !strings.Contains(res.stdout, `"schema_version": 1`) || !strings.Contains(res.stdout, `"findings"`) {
						t.Error("the JSON contract's fields are gone")
					}
				}
			}
		})
	}
}

// A private key given to probe is never hashed nor named as an input.
func TestRunInfoNeverHashesAKey(t *testing.T) {
	r := newRun(time.Now())
	r.add("client certificate", "nope.pem")
	if len(r.Inputs) != 1 || r.Inputs[0].SHA256 != "" || !strings.Contains(r.Inputs[0].Error, "nope.pem") {
		t.Errorf("an unreadable input: %+v; want its error, naming it", r.Inputs)
	}
	for _, f := range inputFileFlags {
		if strings.Contains(f.flag, "key") {
			t.Errorf("%s is hashed: a private key's digest is no evidence", f.flag)
		}
	}
}

// The ticket summary: at most 15 plain lines for every scenario of the
// catalogue, no escape sequence, the verdict first; goldens for a few.
func TestSummaryFormat(t *testing.T) {
	pinClock(t, func() time.Time { return testBase })
	goldens := map[string]bool{"check/wrong-order": true, "check/good-chain": true, "compare/good-pair": true,
		"compare/different-intermediates": true, "compare/window-too-long": true, "check/csr-mismatch": true}
	for _, s := range fixtures.Scenarios() {
		t.Run(s.Command+"/"+s.Name, func(t *testing.T) {
			writeScenario(t, s)
			res := runCLI(t, scenarioArgs(s, "summary")...)
			if want := map[string]int{"pass": 0, "fail": 1}[s.Want]; res.code != want {
				t.Fatalf("exit %d, want %d: %s", res.code, want, res.stderr)
			}
			lines := strings.Split(strings.TrimRight(res.stdout, "\n"), "\n")
			if len(lines) > render.SummaryMaxLines {
				t.Errorf("%d lines, at most %d:\n%s", len(lines), render.SummaryMaxLines, res.stdout)
			}
			if strings.ContainsAny(res.stdout, "\x1b\t") {
				t.Errorf("summary has an escape sequence or a tab:\n%q", res.stdout)
			}
			if !strings.Contains(lines[0], strings.ToUpper(s.Want)) {
				t.Errorf("first line %q lacks the verdict %s", lines[0], strings.ToUpper(s.Want))
			}
			leaf := "Leaf SHA-256"
			if !strings.Contains(res.stdout, leaf) || !strings.Contains(res.stdout, "Tool: ome-preflight") {
				t.Errorf("summary lacks the leaf's SHA-256 or the tool:\n%s", res.stdout)
			}
			if s.Command == "compare" && (!strings.Contains(res.stdout, "Clocks: source") || !strings.Contains(res.stdout, "OME versions: source not read")) {
				t.Errorf("compare summary lacks clocks or versions:\n%s", res.stdout)
			}
			if goldens[s.Command+"/"+s.Name] {
				golden(t, filepath.Join("summary", s.Command, s.Name+".txt"), res.stdout)
			}
		})
	}
}

// rules RULE prints one rule's documentation from the binary: every
// catalogue entry, with its id, severity, OME message, citation, models,
// description and fix; a mistyped id is answered with the nearest one.
func TestRulesOneRule(t *testing.T) {
	for _, r := range pairing.Catalogue() {
		res := runCLI(t, "rules", r.ID)
		if res.code != 0 {
			t.Fatalf("rules %s: exit %d: %s", r.ID, res.code, res.stderr)
		}
		for _, must := range []string{r.ID, string(r.Severity), r.Reference, r.Models, r.Description, r.Fix, r.OMEMessageID} {
			if !strings.Contains(res.stdout, must) {
				t.Errorf("rules %s lacks %q:\n%s", r.ID, must, res.stdout)
			}
		}
		if strings.Count(res.stdout, "\nFix:") != 1 || strings.Contains(res.stdout, "http") {
			t.Errorf("rules %s: want one rule's documentation, no web link:\n%s", r.ID, res.stdout)
		}
	}
	js := runCLI(t, "rules", "--format", "json", "pair-trust")
	var rr report.RulesReport
	if err := json.Unmarshal([]byte(js.stdout), &rr); err != nil || len(rr.Rules) != 1 || rr.Rules[0].ID != "pair-trust" {
		t.Errorf("rules --format json pair-trust: %v %+v", err, rr)
	}
	bad := runCLI(t, "rules", "pair-trst")
	if bad.code != 2 || !strings.Contains(bad.stderr, `did you mean "pair-trust"`) {
		t.Errorf("rules pair-trst: exit %d, %q", bad.code, bad.stderr)
	}
	if sum := runCLI(t, "rules", "--format", "summary"); sum.code != 2 {
		t.Errorf("rules --format summary: exit %d, want 2 (no summary of the catalogue)", sum.code)
	}
}

// probe --format summary against two mocks on loopback: the versions the
// APIs gave, both leaves' SHA-256 as served, the inputs' SHA-256, at most
// 15 lines.
func TestProbeSummary(t *testing.T) {
	frozen := func() time.Time { return testBase }
	pinClock(t, frozen)
	dir := t.TempDir()
	writeLab(t, dir, "good-pair")
	gp := filepath.Join(dir, "good-pair")
	src := startMock(t, gp, "source", "127.0.0.1:0", frozen, func(o *fixtures.MockOptions) { o.ClientAuth = "none" })
	defer src.Close()
	tgt := startMock(t, gp, "target", "127.0.0.1:0", frozen, func(o *fixtures.MockOptions) { o.ClientAuth = "none" })
	defer tgt.Close()
	t.Setenv("OME_PASSWORD", "pw")
	t.Chdir(gp)
	res := runCLI(t, "probe", "--format", "summary", "--timeout", "5s", "--source", src.Addr, "--target", tgt.Addr, "--user", "admin",
		"--source-chain", "source.pem", "--target-chain", "target.pem")
	lines := strings.Split(strings.TrimRight(res.stdout, "\n"), "\n")
	if res.code > 1 || len(lines) > render.SummaryMaxLines {
		t.Fatalf("exit %d, %d lines (at most %d):\n%s\n%s", res.code, len(lines), render.SummaryMaxLines, res.stdout, res.stderr)
	}
	if !strings.HasPrefix(lines[0], "probe "+src.Addr+" -> "+tgt.Addr+": ") {
		t.Errorf("first line %q", lines[0])
	}
	leafSHA := func(f string) string {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		blk, _ := pem.Decode(b)
		sum := sha256.Sum256(blk.Bytes)
		return hex.EncodeToString(sum[:])
	}
	for _, must := range []string{"OME versions: source 3.10.2, target 4.0.1", "Leaf SHA-256 source: " + leafSHA("source.pem") + " (OMENT-310)",
		"Leaf SHA-256 target: " + leafSHA("target.pem") + " (OMENT-400)",
		"Input source chain source.pem: SHA-256 " + fileSHA(t, "source.pem"), "Input target chain target.pem: SHA-256 " + fileSHA(t, "target.pem"),
		"Tool: ome-preflight dev, ran 2026-11-23T09:00:00Z"} {
		if !strings.Contains(res.stdout, must) {
			t.Errorf("summary lacks %q:\n%s", must, res.stdout)
		}
	}
}
