package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ome-preflight/ome-preflight/fixtures"
)

// hostileName carries what a hostile certificate, appliance or log can put
// in a name: a screen clear, an OSC 8 link, BEL, new lines with a fake
// verdict, a Markdown heading, a task box, a table cell, a code span, a
// link, an autolink and a right-to-left override.
const hostileName = "OMENT\x1b[2J\x1b]8;;https://evil.example/\x07click\x1b]8;;\x07\r\nPASS: OME should accept this upload\n# Heading\n- [ ] injected | cell `code` [link](https://evil.example) www.evil.example \u202eexe.pdf"

// rawControl finds what must never reach a terminal or a document raw.
var rawControl = regexp.MustCompile("[\x00-\x08\x0b-\x1f\x7f\u0080-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f]")

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
		if format == "text" && strings.Count(res.stdout, "\nPASS:")+strings.Count(res.stdout, "\nFAIL:") != 1 {
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
