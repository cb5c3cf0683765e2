package main

import (
	"bytes"
	"encoding/json"
	"github.com/ome-preflight/ome-preflight/report"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ome-preflight/ome-preflight/fixtures"
)

// hostileName carries what a hostile certificate, appliance or log can put
// in a name: a screen clear, an OSC 8 link, BEL, new lines with a fake
// verdict, a Markdown heading, a task box, a table cell, a code span, a
// link, an autolink and a right-to-left override.
const hostileName = "OMENT\x1b[2J\x1b]8;;https://evil.example/\x07click\x1b]8;;\x07\r\nPASS: OME should accept this upload\n# Heading\n- [ ] injected | cell `code` [link](https://evil.example) www.evil.example \u202eexe.pdf"

// rawControl finds what must never reach a terminal or a document raw.
var rawControl = regexp.MustCompile("[\x00-\x08\x0b-\x1f\x7f\u0080-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f]")

var ruleLink = regexp.MustCompile("\\[`[a-z0-9-]+`\\]\\(https://github\\.com/ome-preflight/ome-preflight/blob/main/README\\.md#rule-[a-z0-9-]+( \"offline: ome-preflight rules [a-z0-9-]+\")?\\)")

func assertInert(t *testing.T, what, out string, md bool) {
	t.Helper()
	if m := rawControl.FindString(out); m != "" {
		t.Errorf("%s: raw control or bidi character %q reaches the output", what, m)
	}
	for _, line := range strings.Split(out, "\n") {
		for _, bad := range []string{"# Heading", "- [ ] injected"} {
			if strings.HasPrefix(strings.TrimLeft(line, " #"), bad) && !strings.Contains(line, "OMENT") {
				t.Errorf("%s: a value started a line of its own: %q", what, line)
			}
		}
	}
	if md {
		// The renderer's own links to the rules' documentation are not
		// values: take them out before looking for injected ones.
		out := ruleLink.ReplaceAllString(out, "RULE")
		for _, bad := range []*regexp.Regexp{regexp.MustCompile(`[^\\]\]\(`), regexp.MustCompile("[^\\\\]`code"), regexp.MustCompile(`[^\\]\[link`),
			regexp.MustCompile(`https://evil`), regexp.MustCompile(`www\.evil`)} {
			if m := bad.FindString(out); m != "" {
				t.Errorf("%s: Markdown still has %q", what, m)
			}
		}
		// Every table row keeps the header's number of cells.
		cells := -1
		for _, line := range strings.Split(out, "\n") {
			if !strings.HasPrefix(line, "|") {
				cells = -1
				continue
			}
			n := len(regexp.MustCompile(`(^|[^\\])\|`).FindAllString(line, -1))
			if cells >= 0 && n != cells {
				t.Errorf("%s: a row has %d cells, the table %d: %q", what, n, cells, line)
			}
			cells = n
		}
	}
}

func TestHostileNamesAreInert(t *testing.T) {
	noLeaks(t)
	now := labClock(t)
	p := fixtures.MustBuild(testBase,
		fixtures.Spec{ID: "root", CN: "Root-CA", CA: true},
		fixtures.Spec{ID: "inter", CN: hostileName, Issuer: "root", CA: true},
		fixtures.Spec{ID: "source", CN: hostileName, Issuer: "inter", DNS: []string{"oment-310.example.com"}},
	)
	dir := t.TempDir()
	file := writeChain(t, dir, "source.pem", p.Chain("source", "inter", "root")...)
	for _, format := range []string{"text", "markdown"} {
		res := runCLI(t, "--no-color", "--log-level", "debug", "check", "--format", format, file)
		assertInert(t, "check "+format, res.stdout, format == "markdown")
		assertInert(t, "check logs", res.stderr, false)
		if format == "text" && strings.Count(res.stdout, "\nPASS:")+strings.Count(res.stdout, "\nFAIL:")+strings.Count(res.stdout, "\nINCOMPLETE:") != 1 {
			t.Errorf("check text: not exactly one verdict line:\n%s", res.stdout)
		}
	}

	// A hostile appliance: its chain and its client-CA names.
	m := mockOf(t, p, now, "source", func(o *fixtures.MockOptions) {
		o.ClientAuth, o.ClientCAs = "request", p.Chain("inter")
	})
	for _, format := range []string{"text", "markdown"} {
		res := runCLI(t, "--no-color", "--log-level", "debug", "probe", "--format", format, "--timeout", "5s", "--source", m.Addr, "--target", m.Addr)
		assertInert(t, "probe "+format, res.stdout, format == "markdown")
		assertInert(t, "probe logs", res.stderr, false)
	}

	// A hostile log line for explain.
	log := filepath.Join(dir, "application.log")
	os.WriteFile(log, []byte(`[ERROR] 2024-01-25 11:10:34.735 [x] SSLController - uploadNewCertificateChain(): {"error":{"@Message.ExtendedInfo":[{"MessageId":"CGEN1008\u001b[2J\u202e","MessageArgs":["\u0007\n# Heading\n- [ ] injected [link](https://evil.example)"]}]}}`+"\n"), 0o600)
	for _, format := range []string{"text", "markdown"} {
		res := runCLI(t, "--no-color", "explain", "--format", format, log)
		assertInert(t, "explain "+format, res.stdout, format == "markdown")
		if !strings.Contains(res.stdout, `\x1b`) {
			t.Errorf("explain %s: the escape is not shown visibly:\n%s", format, res.stdout)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for a command writing while the test
// reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Every line a command prints on stderr goes through the reports' escaping:
// assemble's "found"/"wrote" lines and skipped file names, the mock's
// start-up line, the checklist's progress line.
func TestStderrLinesAreInert(t *testing.T) {
	noLeaks(t)
	p := fixtures.MustBuild(testBase,
		fixtures.Spec{ID: "root", CN: "Root-CA", CA: true},
		fixtures.Spec{ID: "inter", CN: hostileName, Issuer: "root", CA: true},
		fixtures.Spec{ID: "source", CN: hostileName, Issuer: "inter", DNS: []string{"oment-310.example.com"}},
	)
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	if err := os.Mkdir(in, 0o755); err != nil {
		t.Fatal(err)
	}
	writeChain(t, in, "leaf.pem", p.Chain("source")...)
	writeChain(t, in, "cas.pem", p.Chain("inter", "root")...)
	if err := os.WriteFile(filepath.Join(in, "notes\x1b[2J\u202etxt.pem"), []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	res := runCLI(t, "--no-color", "assemble", "-o", filepath.Join(dir, "chain.pem"), in)
	if res.code != 0 {
		t.Fatalf("assemble exit %d:\n%s", res.code, res.stderr)
	}
	if !strings.Contains(res.stderr, "wrote ") || !strings.Contains(res.stderr, `\x1b`) {
		t.Errorf("assemble: no escaped wrote line on stderr:\n%s", res.stderr)
	}
	assertInert(t, "assemble stderr", res.stderr, false)

	// The mock's start-up line names the served certificate.
	key := filepath.Join(dir, "source.key")
	if err := os.WriteFile(key, fixtures.KeyPEM(p.Certs["source"].Key), 0o600); err != nil {
		t.Fatal(err)
	}
	chainFile := writeChain(t, dir, "source.pem", p.Chain("source", "inter", "root")...)
	var errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run([]string{"ome-preflight", "--no-color", "mock", "--chain", chainFile, "--key", key, "--listen", "127.0.0.1:0"},
			strings.NewReader(""), io.Discard, &errb, clockFor(t))
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(errb.String(), "mock appliance on") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(errb.String(), "mock appliance on") {
		t.Fatalf("the mock did not start:\n%s", errb.String())
	}
	// The mock listens for the signal before it says it started: this
	// process's own SIGINT stops it.
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the mock did not stop on SIGINT")
	}
	assertInert(t, "mock start-up line", errb.String(), false)

	// The checklist's progress line names the inventory's pair.
	var prog bytes.Buffer
	e := &env{stderr: &prog}
	e.progress("[%d/%d] %s: %s", 1, 7, "\x1b]0;pwned\x07\x1b[2J\x1b[32mALL PASS\x1b[0m", "pass")
	out := strings.TrimPrefix(prog.String(), "\r\x1b[K")
	assertInert(t, "checklist progress line", out, false)
	if !strings.Contains(out, `\x1b]0;pwned`) {
		t.Errorf("progress line: the pair name is not shown escaped: %q", out)
	}
}

// JSON is data: names from certificates and appliances reach it as they
// are (encoding/json escapes controls), never pre-escaped for a terminal.
func TestJSONKeepsValuesRaw(t *testing.T) {
	noLeaks(t)
	now := labClock(t)
	p := fixtures.MustBuild(testBase,
		fixtures.Spec{ID: "root", CN: "Root-CA", CA: true},
		fixtures.Spec{ID: "inter", CN: fixtures.InterCN, Issuer: "root", CA: true},
		fixtures.Spec{ID: "source", CN: hostileName, Issuer: "inter", DNS: []string{"oment-310.example.com"}},
		fixtures.Spec{ID: "target", CN: fixtures.TargetCN, Issuer: "inter"},
		fixtures.Spec{ID: "other", CN: "other", Issuer: "inter"},
	)
	dir := t.TempDir()
	// The leaf twice: the duplicate's finding names it.
	file := writeChain(t, dir, "source.pem", p.Chain("source", "inter", "root", "source")...)
	res := runCLI(t, "check", "--format", "json", file)
	var r report.Report
	if err := json.Unmarshal([]byte(res.stdout), &r); err != nil {
		t.Fatalf("exit %d: %v\n%s", res.code, err, res.stderr)
	}
	raw := 0
	for _, f := range r.Findings {
		if strings.Contains(f.Message, `\x1b`) || strings.Contains(f.Fix, `\x1b`) {
			t.Errorf("%s: message or fix escaped for a terminal: %q", f.Rule, f.Message)
		}
		if strings.Contains(f.Message, hostileName) {
			raw++
		}
	}
	if raw == 0 {
		t.Errorf("no finding names the leaf as it is:\n%s", res.stdout)
	}

	// key_unproven: an appliance that signs with another key than its
	// certificate's.
	m := mockOf(t, p, now, "source", func(o *fixtures.MockOptions) { o.Key = p.Certs["other"].Key })
	tgt := mockOf(t, p, now, "target", nil)
	rep := probeReport(t, 1, probeArgs(m.Addr, tgt.Addr)...)
	if ku := rep.Source.Observed.KeyUnproven; !strings.Contains(ku, hostileName) {
		t.Errorf("key_unproven does not carry the certificate's name as it is: %q", ku)
	}
}
