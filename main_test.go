package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"github.com/ome-preflight/ome-preflight/report"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ome-preflight/ome-preflight/fixtures"
	"github.com/ome-preflight/ome-preflight/pairing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// testBase is the instant every test PKI is built around and judged at.
var testBase = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

const testAt = "2026-11-23T09:00:00Z"

type result struct {
	code           int
	stdout, stderr string
}

func runCLI(t testing.TB, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(append([]string{"ome-preflight"}, args...), strings.NewReader(""), &out, &errb, clockFor(t))
	return result{code, out.String(), errb.String()}
}

// writeScenario writes a scenario's files into a fresh folder and makes it
// the working directory, so reports name files as the user would.
func writeScenario(t *testing.T, s fixtures.Scenario) {
	t.Helper()
	dir := t.TempDir()
	for _, f := range s.Build(testBase) {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
}

func scenarioArgs(s fixtures.Scenario, format string) []string {
	args := []string{s.Command}
	if s.Command == "check" {
		args = append(args, "--at", testAt)
	}
	if format != "" {
		args = append(args, "--format", format)
	}
	args = append(args, s.ArgsAt(testBase)...)
	return append(args, s.Positional...)
}

func rulesWith(r report.Report, sev report.Severity) []string {
	set := map[string]bool{}
	for _, f := range r.Findings {
		if f.Severity == sev {
			set[f.Rule] = true
		}
	}
	out := []string{}
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestScenarios runs `check` or `compare` on every scenario of the catalogue: exit
// code, verdict, the exact set of error rules, the expected warnings, the
// OME message of every error finding, and the text output against golden
// files.
func TestScenarios(t *testing.T) {
	// The run's clock: every report names when it ran.
	pinClock(t, func() time.Time { return testBase })
	catalogue := map[string]report.RuleInfo{}
	for _, r := range pairing.Catalogue() {
		catalogue[r.ID] = r
	}
	for _, s := range fixtures.Scenarios() {
		t.Run(s.Command+"/"+s.Name, func(t *testing.T) {
			writeScenario(t, s)
			res := runCLI(t, scenarioArgs(s, "json")...)
			wantCode := map[string]int{"pass": 0, "fail": 1}[s.Want]
			if res.code != wantCode {
				t.Fatalf("exit code %d, want %d\nstderr: %s\nstdout: %s", res.code, wantCode, res.stderr, res.stdout)
			}
			var r report.Report
			if err := json.Unmarshal([]byte(res.stdout), &r); err != nil {
				t.Fatalf("stdout is not JSON: %v\n%s", err, res.stdout)
			}
			if string(r.Verdict) != s.Want {
				t.Errorf("verdict %q, want %q", r.Verdict, s.Want)
			}
			// Every na says why: evidence missing, or why the rule does
			// not apply (not_applicable).
			for _, c := range r.Checks {
				if c.Status == report.NA && c.Reason == "" {
					t.Errorf("%s (%s) is na without a reason", c.Rule, c.Side)
				}
			}
			wantErrs := append([]string{}, s.WantErrors...)
			sort.Strings(wantErrs)
			if diff := cmp.Diff(wantErrs, rulesWith(r, report.SevError)); diff != "" {
				t.Errorf("error rules (-want +got):\n%s", diff)
			}
			warns := rulesWith(r, report.SevWarning)
			for _, w := range s.WantWarnings {
				if !slices.Contains(warns, w) {
					t.Errorf("warning %q missing; got %v", w, warns)
				}
			}
			for _, f := range r.Findings {
				if f.Severity != report.SevError {
					continue
				}
				want := catalogue[f.Rule]
				wantID, wantArgs := want.OMEMessageID, want.OMEMessageArgs
				if s.Name == "server-mode-no-key-encipherment" && f.Rule == "leaf-key-usage" {
					wantID, wantArgs = "CSEC9002", []string{} // KB #4: a single server certificate
				}
				if f.Rule == "pair-trust" || f.Rule == "pair-ca-names" || f.Rule == "pair-ca-keys" || f.Rule == "pair-validity" {
					if r.WizardMessage != pairing.WizardMessage {
						t.Errorf("pair failure without the wizard's message: %q", r.WizardMessage)
					}
				}
				if f.OMEMessageID != wantID || !cmp.Equal(f.OMEMessageArgs, wantArgs) {
					t.Errorf("%s: OME message %s %q, want %s %q", f.Rule, f.OMEMessageID, f.OMEMessageArgs, wantID, wantArgs)
				}
				if f.Message == "" || f.Fix == "" || f.Reference == "" || f.Doc != pairing.DocBase+f.Rule {
					t.Errorf("%s: finding lacks message, fix or reference: %+v", f.Rule, f)
				}
			}
			text := runCLI(t, append([]string{"--no-color"}, scenarioArgs(s, "")...)...)
			if text.code != wantCode {
				t.Errorf("text run exit code %d, want %d", text.code, wantCode)
			}
			golden(t, filepath.Join(s.Command, s.Name+".txt"), text.stdout)
			md := runCLI(t, scenarioArgs(s, "markdown")...)
			if !strings.Contains(md.stdout, "- [") {
				t.Errorf("markdown has no checklist:\n%s", md.stdout)
			}
		})
	}
}

var goldenDir = func() string { wd, _ := os.Getwd(); return filepath.Join(wd, "testdata", "golden") }()

// unstable matches what differs between runs: key and certificate hashes
// (the fixtures' keys are fresh each run), shortened or whole.
var (
	unstable      = regexp.MustCompile(`[0-9a-f]{16}\.\.\.`)
	unstableWhole = regexp.MustCompile(`\b[0-9a-f]{64}\b`)
	unstableBytes = regexp.MustCompile(`SHA-256 (` + "`?" + `<sha256>` + "`?" + `) \(\d+( bytes|바이트)\)`)
)

func golden(t *testing.T, name, got string) {
	t.Helper()
	got = unstable.ReplaceAllString(got, "<hash>...")
	got = unstableWhole.ReplaceAllString(got, "<sha256>")
	got = unstableBytes.ReplaceAllString(got, "SHA-256 $1 (N$2)")
	path := filepath.Join(goldenDir, name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run make golden)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got); run make golden if intended:\n%s", name, diff)
	}
}

// TestJSONContract pins the field names design.md promises automation.
func TestJSONContract(t *testing.T) {
	s := scenarioByName(t, "server-auth-only")
	writeScenario(t, s)
	res := runCLI(t, scenarioArgs(s, "json")...)
	var m map[string]any
	if err := json.Unmarshal([]byte(res.stdout), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"schema_version", "command", "verdict", "chain", "input", "findings"} {
		if _, ok := m[k]; !ok {
			t.Errorf("report lacks %q", k)
		}
	}
	if m["schema_version"] != float64(1) || m["command"] != "check" {
		t.Errorf("schema_version %v command %v", m["schema_version"], m["command"])
	}
	cert := m["chain"].([]any)[0].(map[string]any)
	for _, k := range []string{"index", "role", "subject", "issuer", "common_name", "not_before", "not_after", "serial", "sha256",
		"spki_sha256", "key", "signature_algorithm", "key_usage", "ext_key_usage", "is_ca", "san"} {
		if _, ok := cert[k]; !ok {
			t.Errorf("chain entry lacks %q", k)
		}
	}
	if cert["role"] != "leaf" || cert["key"] != "RSA 2048" || cert["signature_algorithm"] != "SHA256-RSA" {
		t.Errorf("chain[0] = %v", cert)
	}
	in := m["input"].(map[string]any)
	if in["file"] != "chain.pem" || in["encoding"] != "pem" {
		t.Errorf("input = %v", in)
	}
	var eku map[string]any
	for _, f := range m["findings"].([]any) {
		f := f.(map[string]any)
		for _, k := range []string{"rule", "severity", "side", "cert_index", "ome_message_id", "ome_message_args", "message", "fix", "reference"} {
			if _, ok := f[k]; !ok {
				t.Errorf("finding lacks %q: %v", k, f)
			}
		}
		if f["rule"] == "leaf-eku" {
			eku = f
		}
	}
	want := map[string]any{"rule": "leaf-eku", "severity": "error", "side": "", "cert_index": float64(0), "ome_message_id": "CGEN1008",
		"ome_message_args": []any{"No Client/Server authentication EKU present in leaf certificate."}}
	for k, v := range want {
		if !cmp.Equal(eku[k], v) {
			t.Errorf("leaf-eku %s = %v, want %v", k, eku[k], v)
		}
	}
}

func scenarioByName(t *testing.T, name string) fixtures.Scenario {
	for _, s := range fixtures.Scenarios() {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no scenario %q", name)
	return fixtures.Scenario{}
}

// TestUsageErrors: bad flags and unreadable input exit 2 with a message
// naming the problem, and never print a report.
func TestUsageErrors(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.pem")
	os.WriteFile(empty, nil, 0o600)
	junk := filepath.Join(dir, "junk.txt")
	os.WriteFile(junk, []byte("hello, this is not a certificate\n"), 0o600)
	key := filepath.Join(dir, "key.pem")
	os.WriteFile(key, fixtures.KeyPEM(fixtures.Key(fixtures.RSA2048, 1)), 0o600)
	good := filepath.Join(dir, "good.pem")
	os.WriteFile(good, scenarioByName(t, "good-chain").Build(testBase)[0].Data, 0o600)
	cases := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"missing file", []string{"check", filepath.Join(dir, "nope.pem")}, "nope.pem"},
		{"no file", []string{"check"}, "one certificate file"},
		{"two files", []string{"check", good, good}, "one certificate file"},
		{"directory", []string{"check", dir}, "is a directory"},
		{"bad flag", []string{"check", "--bogus", good}, "bogus"},
		{"bad format", []string{"check", "--format", "xml", good}, "bad --format"},
		{"bad mode", []string{"check", "--mode", "chain", good}, "bad --mode"},
		{"bad time", []string{"check", "--at", "yesterday", good}, "RFC 3339"},
		{"csr is a chain", []string{"check", "--csr", good, good}, "not a certificate signing request"},
		{"bad log level", []string{"--log-level", "loud", "check", good}, "bad --log-level"},
		{"unknown command", []string{"chekc", good}, "unknown command"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := runCLI(t, tc.args...)
			if res.code != exitUsage {
				t.Errorf("exit code %d, want 2; stderr %q", res.code, res.stderr)
			}
			if !strings.Contains(res.stderr, tc.stderr) {
				t.Errorf("stderr %q lacks %q", res.stderr, tc.stderr)
			}
			if strings.Contains(res.stdout, "verdict") {
				t.Errorf("a report was printed: %s", res.stdout)
			}
		})
	}
}

// Readable files that hold no certificate are reports, exit 1, CSEC9002
// (design.md), naming what the file is.
func TestNotACertificateIsARefusal(t *testing.T) {
	dir := t.TempDir()
	files := map[string][]byte{
		"empty.pem":  nil,
		"junk.txt":   []byte("hello, this is not a certificate\n"),
		"key.pem":    fixtures.KeyPEM(fixtures.Key(fixtures.RSA2048, 1)),
		"random.bin": bytes.Repeat([]byte{0x8f, 0x13, 0xa7, 0x01, 0xee}, 600),
		"req.csr":    fixtures.CSR("OMENT-310", fixtures.Key(fixtures.RSA2048, 1)),
	}
	want := map[string]string{"empty.pem": "file is empty", "junk.txt": "not a certificate file", "key.pem": "only PRIVATE KEY",
		"random.bin": "not a certificate file", "req.csr": "only CERTIFICATE REQUEST"}
	for name, data := range files {
		f := filepath.Join(dir, name)
		os.WriteFile(f, data, 0o600)
		res := runCLI(t, "check", "--format", "json", f)
		var r report.Report
		if err := json.Unmarshal([]byte(res.stdout), &r); err != nil || res.code != 1 {
			t.Errorf("%s: exit %d (want 1), %v\n%s", name, res.code, err, res.stderr)
			continue
		}
		if r.Verdict != "fail" || len(r.Findings) != 1 || r.Findings[0].Rule != "encoding" || r.Findings[0].OMEMessageID != "CSEC9002" ||
			!strings.Contains(r.Findings[0].Message, want[name]) {
			t.Errorf("%s: %+v", name, r.Findings)
		}
		for _, c := range r.Checks {
			if c.Status == report.Pass {
				t.Errorf("%s: %s passes on a file with no certificate", name, c.Rule)
			}
		}
	}
}

// TestGlobalFlagsAfterCommand: --no-color and --log-level work on both sides
// of the command name; logs never reach stdout.
func TestGlobalFlagsAfterCommand(t *testing.T) {
	s := scenarioByName(t, "good-chain")
	writeScenario(t, s)
	a := runCLI(t, "--log-level", "debug", "check", "--at", testAt, "--format", "json", "chain.pem")
	b := runCLI(t, "check", "--log-level", "debug", "--log-format", "json", "--at", testAt, "--format", "json", "chain.pem")
	for _, r := range []result{a, b} {
		if r.code != 0 || !strings.Contains(r.stderr, "read") {
			t.Errorf("code %d, stderr %q: want a debug log line", r.code, r.stderr)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(r.stdout), &m); err != nil {
			t.Errorf("stdout is not only the report: %v", err)
		}
	}
	if !strings.Contains(b.stderr, `"level":"debug"`) {
		t.Errorf("--log-format json after the command was ignored: %q", b.stderr)
	}
}

// TestPKCS12Password reads a password-protected PFX from the environment
// variable, refuses a wrong one, and never prints it.
func TestPKCS12Password(t *testing.T) {
	p := fixtures.MustBuild(testBase, fixtures.Spec{ID: "root", CA: true}, fixtures.Spec{ID: "leaf", Issuer: "root"})
	pfx := fixtures.PFX(p.Certs["leaf"].Key, p.Chain("leaf", "root"), "s3cret-pw")
	dir := t.TempDir()
	f := filepath.Join(dir, "a.pfx")
	os.WriteFile(f, pfx, 0o600)
	t.Setenv("OME_PREFLIGHT_PFX_PASSWORD", "s3cret-pw")
	res := runCLI(t, "check", "--at", testAt, "--format", "json", f)
	if res.code != 1 || !strings.Contains(res.stdout, `"encoding": "pkcs12"`) || !strings.Contains(res.stdout, `"CSEC9002"`) {
		t.Errorf("code %d stdout %s stderr %s", res.code, res.stdout, res.stderr)
	}
	t.Setenv("OME_PREFLIGHT_PFX_PASSWORD", "wrong-pw")
	res = runCLI(t, "check", f)
	if res.code != 2 || !strings.Contains(res.stderr, "password is incorrect") {
		t.Errorf("wrong password: code %d stderr %q", res.code, res.stderr)
	}
	if strings.Contains(res.stderr+res.stdout, "wrong-pw") || strings.Contains(res.stderr+res.stdout, "PRIVATE KEY-----") {
		t.Error("password or key printed")
	}
}

func TestRulesCatalogue(t *testing.T) {
	res := runCLI(t, "rules", "--format", "json")
	var rep report.RulesReport
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil || res.code != 0 || rep.SchemaVersion != report.SchemaVersion || rep.Command != "rules" {
		t.Fatalf("code %d: %v, schema_version %d, command %q", res.code, err, rep.SchemaVersion, rep.Command)
	}
	rules := rep.Rules
	seen := map[string]bool{}
	for _, r := range rules {
		if seen[r.ID] {
			t.Errorf("duplicate rule id %q", r.ID)
		}
		seen[r.ID] = true
		if r.Description == "" || r.Fix == "" || r.Reference == "" {
			t.Errorf("rule %q lacks description, fix or reference", r.ID)
		}
	}
	// Every upload rule fails in at least one scenario and passes in good-chain.
	failing := map[string]bool{}
	for _, s := range fixtures.CheckScenarios() {
		for _, id := range append(s.WantErrors, s.WantWarnings...) {
			failing[id] = true
		}
	}
	for _, r := range rules {
		if r.Family == report.FamilyUpload && !failing[r.ID] && r.ID != "encoding-text" {
			t.Errorf("rule %q is never shown failing by a scenario", r.ID)
		}
	}
	md := runCLI(t, "rules", "--format", "markdown")
	if !strings.Contains(md.stdout, "| <a id=\"rule-csr-key\"></a>`csr-key` | upload | error | CGEN1008 \\[\"Invalid CSR key.\"\\]") {
		t.Errorf("markdown catalogue:\n%s", md.stdout)
	}
}

func TestFixturesWrite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "lab")
	res := runCLI(t, "fixtures", "write", dir)
	if res.code != 0 {
		t.Fatalf("code %d: %s", res.code, res.stderr)
	}
	readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
	if err != nil || !strings.Contains(string(readme), "`missing-root`") {
		t.Fatalf("README: %v", err)
	}
	// Written with the real clock: the lab is valid now.
	t.Chdir(filepath.Join(dir, "good-chain"))
	if r := runCLI(t, "check", "chain.pem"); r.code != 0 {
		t.Errorf("good-chain from the lab: code %d\n%s", r.code, r.stdout)
	}
	js := runCLI(t, "fixtures", "write", "--format", "json", filepath.Join(t.TempDir(), "lab2"))
	var listing struct {
		Scenarios []struct{ Name, Command, Verdict string }
	}
	if err := json.Unmarshal([]byte(js.stdout), &listing); err != nil || len(listing.Scenarios) != len(fixtures.Scenarios()) {
		t.Errorf("fixtures write --format json: %v %.300s", err, js.stdout)
	}
	if r := runCLI(t, "fixtures", "write", dir); r.code != 2 || !strings.Contains(r.stderr, "not empty") {
		t.Errorf("second write into the same folder: code %d %q", r.code, r.stderr)
	}
}

// TestReadmeRulesTable fails when README.md's rules table is not the output
// of `rules --format markdown`; make golden rewrites it.
func TestReadmeRulesTable(t *testing.T) {
	res := runCLI(t, "rules", "--format", "markdown")
	path := filepath.Join(filepath.Dir(goldenDir), "..", "README.md")
	readme, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const start, end = "<!-- rules:start -->\n", "<!-- rules:end -->"
	i, j := strings.Index(string(readme), start), strings.Index(string(readme), end)
	if i < 0 || j < i {
		t.Fatal("README.md lacks the rules markers")
	}
	want := string(readme[:i+len(start)]) + res.stdout + string(readme[j:])
	if *update {
		os.WriteFile(path, []byte(want), 0o644)
		return
	}
	if want != string(readme) {
		t.Error("README.md rules table is stale: run make golden")
	}
}

// Every rule's reference names a document in the repository, and that
// document speaks of the rule.
func TestRuleReferencesNameRepositoryDocs(t *testing.T) {
	docRe := regexp.MustCompile(`docs/[a-z0-9-]+\.md`)
	root := repoRoot()
	for _, r := range pairing.Catalogue() {
		doc := docRe.FindString(r.Reference)
		if doc == "" {
			t.Errorf("%s: reference %q names no document of the repository", r.ID, r.Reference)
			continue
		}
		b, err := os.ReadFile(filepath.Join(root, doc))
		if err != nil {
			t.Errorf("%s: %s: %v", r.ID, doc, err)
			continue
		}
		if !strings.Contains(string(b), "`"+r.ID+"`") {
			t.Errorf("%s: %s does not mention the rule", r.ID, doc)
		}
	}
}

// The README's real outputs are the scenario goldens: they cannot go stale.
func TestReadmeExamples(t *testing.T) {
	path := filepath.Join(repoRoot(), "README.md")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	examples := map[string]string{
		"$ ome-preflight check --at 2026-11-23T09:00:00Z chain.pem\n":                                                                            "check/server-auth-only.txt",
		"$ ome-preflight compare --source-time 2026-11-23T09:00:00Z --target-time 2026-11-23T09:00:00Z source.pem target.pem\n":                  "compare/different-intermediates.txt",
		"$ ome-preflight compare --format summary --source-time 2026-11-23T09:00:00Z --target-time 2026-11-23T09:00:00Z source.pem target.pem\n": "summary/compare/different-intermediates.txt",
	}
	for cmd, g := range examples {
		want, err := os.ReadFile(filepath.Join(goldenDir, g))
		if err != nil {
			t.Fatal(err)
		}
		i := strings.Index(readme, cmd)
		if i < 0 {
			t.Errorf("README lacks the example %q", cmd)
			continue
		}
		start := i + len(cmd)
		end := strings.Index(readme[start:], "$ echo $?")
		if end < 0 {
			t.Errorf("README example %q has no '$ echo $?' line", cmd)
			continue
		}
		got := readme[start : start+end]
		if strings.TrimSpace(got) != strings.TrimSpace(string(want)) {
			if *update {
				readme = readme[:start] + strings.TrimRight(string(want), "\n") + "\n" + readme[start+end:]
				continue
			}
			t.Errorf("README example %q differs from %s: run make golden", strings.TrimSpace(cmd), g)
		}
	}
	// The examples that run on the lab's extra folders: run them as
	// written, from the folder, and compare what they print.
	lab := filepath.Join(t.TempDir(), "lab")
	if _, err := fixtures.WriteLab(lab, testBase, false); err != nil {
		t.Fatal(err)
	}
	for _, x := range fixtures.Extras(testBase) {
		if x.Folder == "readme" {
			continue
		}
		cmd := "$ " + x.Command + "\n"
		i := strings.Index(readme, cmd)
		if i < 0 {
			t.Errorf("README lacks the example %q", x.Command)
			continue
		}
		start := i + len(cmd)
		end := strings.Index(readme[start:], "```")
		t.Chdir(filepath.Join(lab, x.Folder))
		res := runCLI(t, strings.Fields(x.Command)[1:]...)
		if res.code > 1 {
			t.Errorf("%s: exit %d: %s", x.Command, res.code, res.stderr)
		}
		got := res.stdout + res.stderr
		if strings.TrimSpace(readme[start:start+end]) != strings.TrimSpace(got) {
			if *update {
				readme = readme[:start] + strings.TrimRight(got, "\n") + "\n" + readme[start+end:]
				continue
			}
			t.Errorf("README example %q prints otherwise now:\n%s", x.Command, got)
		}
	}
	// The probe example: two mocks from the lab's good-pair on the README's
	// loopback ports, the target serving only its leaf; dates aside.
	probeCmd := "$ ome-preflight probe --source 127.0.0.1:18443 --target 127.0.0.1:18444 --source-chain source.pem --target-chain target.pem --client-cert standin.pem --client-key standin.key\n"
	if i := strings.Index(readme, probeCmd); i < 0 {
		t.Error("README lacks the probe example")
	} else if ms, mt, err := readmeMocks(t, filepath.Join(lab, "good-pair")); err != nil {
		t.Logf("probe example not run: %v", err)
	} else {
		defer ms.Close()
		defer mt.Close()
		start := i + len(probeCmd)
		end := strings.Index(readme[start:], "$ echo $?")
		t.Chdir(filepath.Join(lab, "good-pair"))
		res := runCLI(t, "--no-color", "probe", "--source", "127.0.0.1:18443", "--target", "127.0.0.1:18444", "--source-chain", "source.pem",
			"--target-chain", "target.pem", "--client-cert", "standin.pem", "--client-key", "standin.key")
		shown := readme[start : start+end]
		dates := regexp.MustCompile(`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z`)
		// Dates, and the inputs' digests and sizes (fresh keys each run).
		norm := func(s string) string {
			s = unstableWhole.ReplaceAllString(dates.ReplaceAllString(s, "DATE"), "<sha256>")
			return unstableBytes.ReplaceAllString(s, "SHA-256 $1 (N$2)")
		}
		gotLines, wantLines := strings.Split(strings.TrimSpace(norm(res.stdout)), "\n"), strings.Split(strings.TrimSpace(norm(shown)), "\n")
		// The README elides the middle of the error list with "  ...".
		ok := res.code == 1
		j := 0
		for _, w := range wantLines {
			if strings.TrimSpace(w) == "..." {
				// Skip to the blank line before the next section.
				for j+1 < len(gotLines) && !strings.HasPrefix(gotLines[j+1], "Info (") && !strings.HasPrefix(gotLines[j+1], "NOT CHECKED") {
					j++
				}
				continue
			}
			if j >= len(gotLines) || gotLines[j] != w {
				ok = false
				break
			}
			j++
		}
		if !ok {
			if *update {
				t.Log("the README's probe example differs: regenerate it by hand (it elides the error list)")
			}
			t.Errorf("README probe example differs from what it prints now (exit %d):\n%s", res.code, res.stdout)
		}
	}
	if *update {
		os.WriteFile(path, []byte(readme), 0o644)
	}
}

// Every command line of the README's code blocks that works on files runs
// as written in the lab's readme folder: no usage error, no missing file.
func TestReadmeCommandLinesRun(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot(), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	lab := filepath.Join(t.TempDir(), "lab")
	if _, err := fixtures.WriteLab(lab, testBase, false); err != nil {
		t.Fatal(err)
	}
	t.Chdir(filepath.Join(lab, "readme"))
	pinClock(t, func() time.Time { return testBase })
	// The template dumps the README's template lines name (the lab has
	// none: they come from testdata/template).
	for name, src := range map[string]string{"template.txt": "webserver-default.txt", "webserver.txt": "webserver-default.txt", "webserver-ome.txt": "webserver-ome-v2.txt"} {
		b, err := os.ReadFile(filepath.Join(repoRoot(), "testdata", "template", src))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(name, b, 0o600)
	}
	ran := 0
	inBlock, changeWindow := false, false
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "#") && !inBlock {
			// That section's lines need appliances and run in order:
			// TestReadmeChangeWindow runs them against mocks.
			changeWindow = strings.HasPrefix(line, "### During the change window")
		}
		if strings.HasPrefix(line, "```") {
			inBlock = !inBlock
			continue
		}
		if !inBlock || changeWindow || !strings.HasPrefix(line, "ome-preflight ") {
			continue
		}
		line, _, _ = strings.Cut(line, "#")
		line, _, _ = strings.Cut(line, ">")
		args := strings.Fields(line)[1:]
		switch args[0] {
		case "check", "compare", "assemble", "explain", "checklist", "rules", "csr", "standin", "template":
		default:
			continue // probe and mock need appliances: the probe tests run them
		}
		if args[0] == "assemble" || args[0] == "checklist" {
			args = append([]string{args[0], "--force"}, args[1:]...)
		}
		res := runCLI(t, args...)
		if res.code != 0 && res.code != 1 {
			t.Errorf("README line %q: exit %d: %s", strings.TrimSpace(line), res.code, res.stderr)
		}
		ran++
	}
	if ran < 10 {
		t.Errorf("only %d README command lines ran", ran)
	}
}

// readmeMocks starts the README's two mock appliances from a lab pair
// folder: the source on 127.0.0.1:18443, the target serving only its leaf
// on 127.0.0.1:18444.
func readmeMocks(t *testing.T, dir string) (*fixtures.Mock, *fixtures.Mock, error) {
	start := func(side, addr string, leafOnly bool) (*fixtures.Mock, error) {
		certs, key := loadPair(t, dir, side)
		return fixtures.StartMock(fixtures.MockOptions{Chain: certs, Key: key, Listen: addr, ClientAuth: "none", LeafOnly: leafOnly})
	}
	ms, err := start("source", "127.0.0.1:18443", false)
	if err != nil {
		return nil, nil, err
	}
	mt, err := start("target", "127.0.0.1:18444", true)
	if err != nil {
		ms.Close()
		return nil, nil, err
	}
	return ms, mt, nil
}

// Every JSON output carries schema_version.
func TestEveryJSONHasSchemaVersion(t *testing.T) {
	dir := t.TempDir()
	lab := filepath.Join(dir, "lab")
	if res := runCLI(t, "fixtures", "write", "--format", "json", lab); res.code != 0 || !strings.Contains(res.stdout, `"schema_version": 1`) {
		t.Errorf("fixtures write: %d %s", res.code, res.stdout)
	}
	gp := filepath.Join(lab, "good-pair")
	inv := filepath.Join(dir, "inv.yaml")
	os.WriteFile(inv, []byte("pairs:\n  - name: a\n    source: { chain: lab/good-pair/source.pem }\n    target: { chain: lab/good-pair/target.pem }\n"), 0o600)
	log := filepath.Join(dir, "application.log")
	os.WriteFile(log, []byte(`{"error":{"@Message.ExtendedInfo":[{"MessageId":"CSEC9002","MessageArgs":[]}]}}`), 0o600)
	for _, args := range [][]string{
		{"rules", "--format", "json"},
		{"check", "--format", "json", filepath.Join(gp, "source.pem")},
		{"compare", "--format", "json", filepath.Join(gp, "source.pem"), filepath.Join(gp, "target.pem")},
		{"assemble", "--format", "json", filepath.Join(gp, "source.pem")},
		{"explain", "--format", "json", log},
		{"checklist", "--format", "json", "--out", filepath.Join(dir, "out"), inv},
	} {
		res := runCLI(t, args...)
		var v struct {
			SchemaVersion *int `json:"schema_version"`
		}
		if err := json.Unmarshal([]byte(res.stdout), &v); err != nil || v.SchemaVersion == nil || *v.SchemaVersion != report.SchemaVersion {
			t.Errorf("%v: exit %d, %v, schema_version %v\n%.300s", args, res.code, err, v.SchemaVersion, res.stdout)
		}
	}
}
