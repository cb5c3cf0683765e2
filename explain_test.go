package main

import (
	"encoding/json"
	"fmt"
	"github.com/ome-preflight/ome-preflight/report"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestExplainCLI(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "application.log")
	os.WriteFile(log, []byte(`[ERROR] 2024-01-25 11:10:34.735 [http-nio-8080-exec-3] SSLController - uploadNewCertificateChain(): Error uploading certificate chain: {"error":{"code":"Base.1.0.GeneralError",
"@Message.ExtendedInfo":[{"MessageId":"CGEN1008","RelatedProperties":[],"MessageArgs":["Invalid CSR key."],"Severity":"Critical"}]}}
`), 0o600)
	res := runCLI(t, "explain", "--format", "json", log)
	var rep report.ExplainReport
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil || res.code != 1 {
		t.Fatalf("code %d: %v %s", res.code, err, res.stderr)
	}
	if len(rep.Entries) != 1 || rep.Entries[0].Line != 1 || rep.Entries[0].Time != "2024-01-25 11:10:34.735" || rep.Entries[0].Rule != "csr-key" ||
		rep.SchemaVersion != 1 || rep.Command != "explain" {
		t.Errorf("got %+v", rep)
	}
	clean := filepath.Join(dir, "clean.log")
	os.WriteFile(clean, []byte("[INFO ] 2024-01-25 11:10:34.735 [x] Y - z(): fine\n"), 0o600)
	if r := runCLI(t, "explain", clean); r.code != 0 || !strings.Contains(r.stdout, "no OME error") {
		t.Errorf("clean log: code %d %q", r.code, r.stdout)
	}
	if r := runCLI(t, "explain", filepath.Join(dir, "missing.log")); r.code != 2 || !strings.Contains(r.stderr, "missing.log") {
		t.Errorf("missing log: code %d %q", r.code, r.stderr)
	}
	var out strings.Builder
	code := run([]string{"ome-preflight", "explain", "-"}, strings.NewReader(`{"error":{"@Message.ExtendedInfo":[{"MessageId":"CSEC9002","MessageArgs":[]}]}}`), &out, &strings.Builder{}, time.Now)
	if code != 1 || !strings.Contains(out.String(), "CSEC9002") {
		t.Errorf("stdin: code %d %q", code, out.String())
	}
}

func explainLine(when, arg string) string {
	return `[ERROR] ` + when + ` [http-nio-8080-exec-3] SSLController - uploadNewCertificateChain(): Error uploading certificate chain: {"error":{"code":"Base.1.0.GeneralError","@Message.ExtendedInfo":[{"MessageId":"CGEN1008","RelatedProperties":[],"MessageArgs":["` + arg + `"],"Severity":"Critical"}]}}` + "\n"
}

// A repeated error is listed once, with how often and where last, in text,
// Markdown and JSON; an error found once reads as before.
func TestExplainCLIGroupsRepeats(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "application.log")
	os.WriteFile(log, []byte(explainLine("2024-01-25 11:10:34.735", "Invalid CSR key.")+explainLine("2024-01-25 11:10:35.000", "Invalid certificate chain provided.")+
		explainLine("2024-01-25 11:10:36.000", "Invalid CSR key.")+explainLine("2024-01-25 11:10:37.250", "Invalid CSR key.")), 0o600)
	res := runCLI(t, "explain", log)
	if res.code != 1 {
		t.Fatalf("code %d: %s", res.code, res.stderr)
	}
	lines := strings.Split(res.stdout, "\n")
	if len(lines) != 9 || lines[0] != `line 1 2024-01-25 11:10:34.735 CGEN1008 ["Invalid CSR key."] (seen 3 times, last line 4 at 2024-01-25 11:10:37.250)` ||
		lines[4] != `line 2 2024-01-25 11:10:35.000 CGEN1008 ["Invalid certificate chain provided."]` || strings.Contains(res.stdout, "not listed") {
		t.Errorf("text:\n%s", res.stdout)
	}
	if r := runCLI(t, "explain", "--format", "markdown", log); !strings.Contains(r.stdout, `(seen 3 times, last line 4 at 2024-01-25 11:10:37.250): rule csr-key`) {
		t.Errorf("markdown:\n%s", r.stdout)
	}
	res = runCLI(t, "explain", "--format", "json", log)
	var rep struct {
		Entries []struct {
			Line     int     `json:"line"`
			Time     string  `json:"time"`
			Count    *int    `json:"count"`
			LastLine *int    `json:"last_line"`
			LastTime *string `json:"last_time"`
		} `json:"entries"`
		OmittedEntries     *int `json:"omitted_entries"`
		OmittedOccurrences *int `json:"omitted_occurrences"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil || len(rep.Entries) != 2 || rep.OmittedEntries == nil || rep.OmittedOccurrences == nil ||
		*rep.OmittedEntries != 0 || *rep.OmittedOccurrences != 0 {
		t.Fatalf("%v:\n%s", err, res.stdout)
	}
	for i, want := range []struct {
		line, count, last int
		time, lastTime    string
	}{{1, 3, 4, "2024-01-25 11:10:34.735", "2024-01-25 11:10:37.250"}, {2, 1, 2, "2024-01-25 11:10:35.000", "2024-01-25 11:10:35.000"}} {
		e := rep.Entries[i]
		if e.Count == nil || e.LastLine == nil || e.LastTime == nil || e.Line != want.line || e.Time != want.time || *e.Count != want.count || *e.LastLine != want.last || *e.LastTime != want.lastTime {
			t.Errorf("entry %d: %s", i, res.stdout)
		}
	}
}

// A log that multiplies its messages gives a bounded report that says, in
// text and JSON, how much it leaves out.
func TestExplainCLIAmplifyingBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString(`[ERROR] 2024-01-25 11:10:34.735 [x] SSLController - uploadNewCertificateChain(): {"error":{"@Message.ExtendedInfo":[`)
	for i := 0; i < 5000; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"MessageId":"CGEN1008","MessageArgs":["a%d"]}`, i)
	}
	b.WriteString("]}}\n")
	log := filepath.Join(t.TempDir(), "application.log")
	os.WriteFile(log, []byte(b.String()), 0o600)
	res := runCLI(t, "explain", log)
	if res.code != 1 || strings.Count(res.stdout, "\nline 1 ") != report.MaxExplainMessagesPerEntry-1 ||
		!strings.Contains(res.stdout, fmt.Sprintf("\nnot listed: %d more error messages (the report lists the first 1000 distinct errors and the first %d messages of a log entry)\n", 5000-report.MaxExplainMessagesPerEntry, report.MaxExplainMessagesPerEntry)) ||
		!strings.HasSuffix(res.stdout, fmt.Sprintf("\nnote: line 1: 5000 OME messages in one log entry; the first %d are explained\n", report.MaxExplainMessagesPerEntry)) {
		t.Errorf("code %d, text:\n%s", res.code, res.stdout)
	}
	res = runCLI(t, "explain", "--format", "json", log)
	var rep report.ExplainReport
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil || len(rep.Entries) != report.MaxExplainMessagesPerEntry ||
		rep.OmittedOccurrences != 5000-report.MaxExplainMessagesPerEntry || len(rep.Notes) != 1 {
		t.Errorf("%v: %d entries, %d omitted, notes %q", err, len(rep.Entries), rep.OmittedOccurrences, rep.Notes)
	}
}

// One line over the old 4 MiB limit no longer refuses the log: it is cut,
// with a note, and the errors around it are explained.
func TestExplainCLIOverlongLine(t *testing.T) {
	log := filepath.Join(t.TempDir(), "application.log")
	os.WriteFile(log, []byte(explainLine("2024-01-25 11:10:34.735", "Invalid CSR key.")+strings.Repeat("y", 5<<20)+"\n"+
		explainLine("2024-01-25 11:10:35.000", "Invalid certificate chain provided.")), 0o600)
	res := runCLI(t, "explain", log)
	if res.code != 1 || res.stderr != "" || !strings.HasPrefix(res.stdout, `line 1 2024-01-25 11:10:34.735 CGEN1008 ["Invalid CSR key."]`) ||
		!strings.Contains(res.stdout, `line 3 2024-01-25 11:10:35.000 CGEN1008 ["Invalid certificate chain provided."]`) ||
		!strings.Contains(res.stdout, "\nnote: line 2: 5242880 bytes long; cut to its first 1048576 bytes\n") {
		t.Errorf("code %d, stderr %q, text:\n%.2000s", res.code, res.stderr, res.stdout)
	}
}
