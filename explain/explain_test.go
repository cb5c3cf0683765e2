package explain

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ome-preflight/ome-preflight/pairing"
	"github.com/ome-preflight/ome-preflight/report"

	"github.com/ome-preflight/ome-preflight/fixtures"
)

// kbLog is the KB's log line, wrapped by OME over several lines.
const kbLog = `[INFO ] 2024-01-25 11:10:30.001 [http-nio-8080-exec-3] SSLController - uploadNewCertificateChain(): start
[ERROR] 2024-01-25 11:10:34.735 [http-nio-8080-exec-3] SSLController - uploadNewCertificateChain(): Error uploading certificate chain: {"error":{"code":"Base.1.0.GeneralError","message":"A general error has occurred. See ExtendedInfo for more information.","@Message.ExtendedInfo":[{"MessageId":"CGEN1008","RelatedProperties":[],"Message":"Unable to process the request because an error occurred.",
"MessageArgs":["No Client/Server authentication EKU present in leaf certificate."],"Severity":"Critical","Resolution":"Retry the operation. If the issue persists, contact your system administrator."}]}}
[ERROR] 2024-01-25 11:12:01.100 [http-nio-8080-exec-5] SSLController - uploadNewCertificateChain(): Error uploading certificate chain: {"error":{"code":"Base.1.0.GeneralError","@Message.ExtendedInfo":[{"MessageId":"CSEC9002","RelatedProperties":[],"MessageArgs":[],"Severity":"Critical"}]}}
[WARN ] 2024-01-25 11:13:00.000 [x] Other - thing(): nothing to see
[ERROR] 2024-01-25 11:13:01.100 [x] Foo - bar(): {"error":{"@Message.ExtendedInfo":[{"MessageId":"XYZ1234","MessageArgs":["what"]}]}}
`

func TestExplain(t *testing.T) {
	type row struct {
		Line  int
		ID    string
		Args  string
		Rule  string
		Known bool
	}
	cases := []struct {
		name string
		in   string
		want []row
	}{
		{"application.log", kbLog, []row{
			{2, "CGEN1008", "No Client/Server authentication EKU present in leaf certificate.", "leaf-eku", true},
			{4, "CSEC9002", "", "encoding", true},
			{6, "XYZ1234", "what", "", false}}},
		{"pasted pretty JSON", `{
  "error": {
    "@Message.ExtendedInfo": [
      { "MessageId": "CGEN1008", "MessageArgs": [ "Invalid CSR key." ] },
      { "MessageId": "CGEN1008", "MessageArgs": [ "Invalid certificate chain provided." ] }
    ]
  }
}`, []row{{1, "CGEN1008", "Invalid CSR key.", "csr-key", true}, {1, "CGEN1008", "Invalid certificate chain provided.", "chain-complete", true}}},
		{"truncated JSON", `[ERROR] 2024-02-01 10:00:00.000 [x] SSLController - upload(): {"error":{"@Message.ExtendedInfo":[{"MessageId":"CGEN1008","MessageArgs":["User Certificate is not a web server certificate."],"Sev`,
			[]row{{1, "CGEN1008", "User Certificate is not a web server certificate.", "leaf-key-usage", true}}},
		{"plain text", "CGEN6002 - Unable to complete the request because the input value for DistinguishedName is missing or an invalid value is entered.",
			[]row{{1, "CGEN6002", "", "csr-wildcard", true}}},
		{"wizard", "[ERROR] 2024-03-01 09:00:00.000 [m] Migration - validate(): Unable to mutually authenticate and connect to the remote appliance. Please check ...",
			[]row{{1, "", "", "pair-ca-names", true}}},
		{"CGEN1008 with other args", `{"MessageId":"CGEN1008","MessageArgs":["Something else."]}`, []row{{1, "CGEN1008", "Something else.", "", false}}},
		{"nothing", "hello\n\nworld\n", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := Explain("app.log", strings.NewReader(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			var got []row
			for _, e := range rep.Entries {
				got = append(got, row{e.Line, e.OMEMessageID, strings.Join(e.OMEMessageArgs, "|"), e.Rule, e.Known})
				if e.Cause == "" || e.Fix == "" {
					t.Errorf("entry without cause or fix: %+v", e)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func FuzzExplain(f *testing.F) {
	f.Add(kbLog)
	f.Add(`{"error":{"@Message.ExtendedInfo":[{"MessageId":"CGEN1008","MessageArgs":["Invalid CSR key."]}]}}`)
	f.Add("[ERROR] 2024-01-25 11:10:34.735 {{{{")
	f.Fuzz(func(t *testing.T, in string) {
		rep, err := Explain("fuzz", strings.NewReader(in))
		if err != nil {
			return
		}
		if rep.Entries == nil {
			t.Fatal("nil entries")
		}
		if len(rep.Entries) > report.MaxExplainEntries || len(rep.Notes) > report.MaxExplainNotes+1 {
			t.Fatalf("%d entries, %d notes: over the bounds", len(rep.Entries), len(rep.Notes))
		}
		for _, e := range rep.Entries {
			if e.Count < 1 || e.LastLine < e.Line {
				t.Fatalf("entry counted %d, lines %d to %d", e.Count, e.Line, e.LastLine)
			}
		}
	})
}

// A UTF-16 application.log (PowerShell 5.1 '>' or Notepad "Unicode")
// explains the same entries as its UTF-8 original: no silent all-clear.
func TestExplainUTF16(t *testing.T) {
	want, err := Explain("application.log", strings.NewReader(kbLog))
	if err != nil || len(want.Entries) != 3 {
		t.Fatalf("UTF-8: %v, %d entries", err, len(want.Entries))
	}
	for _, enc := range []struct {
		name     string
		big, bom bool
		label    string
	}{{"LE with BOM", false, true, "utf-16le"}, {"LE without BOM", false, false, "utf-16le"}, {"BE with BOM", true, true, "utf-16be"}, {"BE without BOM", true, false, "utf-16be"}} {
		t.Run(enc.name, func(t *testing.T) {
			got, err := Explain("application.log", strings.NewReader(string(fixtures.UTF16([]byte(kbLog), enc.big, enc.bom))))
			if err != nil {
				t.Fatal(err)
			}
			if got.Encoding != enc.label {
				t.Errorf("encoding %q, want %q", got.Encoding, enc.label)
			}
			if diff := cmp.Diff(want.Entries, got.Entries); diff != "" {
				t.Errorf("entries differ from the UTF-8 log (-want +got):\n%s", diff)
			}
		})
	}
}

// Hostile logs stay linear: entries full of '{' and unterminated strings
// cost at most about four passes over each entry, and a log is streamed.
func TestExplainHostileIsBounded(t *testing.T) {
	line := "[ERROR] 2024-01-25 11:10:34.735 [x] C - u(): " + strings.Repeat(`{"a":"`+strings.Repeat("x", 16000), 60) + "\n"
	log := strings.Repeat(line, 20) // 20 MB
	work := 0
	rep, err := explain("hostile.log", strings.NewReader(log), func(n int) { work += n })
	if err != nil || len(rep.Entries) != 0 {
		t.Fatalf("%v, %d entries", err, len(rep.Entries))
	}
	if work == 0 || work > 5*len(log) {
		t.Errorf("JSON decoding scanned %d bytes for a %d-byte log: not linear", work, len(log))
	}
}

// The time-first layout ("2024-01-25 11:10:34,735 ERROR [...]") explains the
// same entries as OME's own.
func TestExplainTimeFirstLayout(t *testing.T) {
	want, _ := Explain("application.log", strings.NewReader(kbLog))
	re := regexp.MustCompile(`(?m)^\[(ERROR|WARN |INFO )\] (\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})\.(\d{3})`)
	alt := re.ReplaceAllString(kbLog, "$2,$3 $1")
	if alt == kbLog || !strings.Contains(alt, "2024-01-25 11:10:34,735 ERROR") {
		t.Fatalf("layout not rewritten:\n%s", alt)
	}
	got, err := Explain("application.log", strings.NewReader(alt))
	if err != nil {
		t.Fatal(err)
	}
	for i := range want.Entries {
		want.Entries[i].Time = strings.Replace(want.Entries[i].Time, ".", ",", 1)
		want.Entries[i].LastTime = strings.Replace(want.Entries[i].LastTime, ".", ",", 1)
	}
	if diff := cmp.Diff(want.Entries, got.Entries); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// A log whose layout no header pattern matches is read a line at a time
// (one entry each, with its own line number: the same error on every line
// is one entry found on lines 1 to 100), while a JSON document pasted over
// several lines stays one entry.
func TestExplainUnknownLayoutPerLine(t *testing.T) {
	var b strings.Builder
	for i := 1; i <= 100; i++ {
		fmt.Fprintf(&b, "<%d> host ome: upload failed {\"error\":{\"@Message.ExtendedInfo\":[{\"MessageId\":\"CGEN1008\",\"MessageArgs\":[\"Invalid CSR key.\"]}]}}\n", i)
	}
	rep, err := Explain("syslog", strings.NewReader(b.String()))
	if err != nil || len(rep.Entries) != 1 {
		t.Fatalf("%v: %d entries, want 1", err, len(rep.Entries))
	}
	if e := rep.Entries[0]; e.Line != 1 || e.LastLine != 100 || e.Count != 100 || e.Rule != "csr-key" {
		t.Errorf("entry: lines %d to %d, count %d, rule %q; want lines 1 to 100, count 100, csr-key", e.Line, e.LastLine, e.Count, e.Rule)
	}
}

// CGEN6002 and CGEN1004 are generic: reported as they are, with their
// arguments and related properties, not as a CSR wildcard.
func TestExplainGenericMessages(t *testing.T) {
	log := `[ERROR] 2024-02-01 10:00:00.000 [x] TimeController - setTime(): {"error":{"@Message.ExtendedInfo":[{"MessageId":"CGEN6002","MessageArgs":["SystemTime"]}]}}
[ERROR] 2024-02-01 10:00:01.000 [x] ProxyController - set(): {"error":{"@Message.ExtendedInfo":[{"MessageId":"CGEN1004","RelatedProperties":["#/PortNumber"],"MessageArgs":["PortNumber"]}]}}
[ERROR] 2024-02-01 10:00:02.000 [x] CsrController - generateCSR(): {"error":{"@Message.ExtendedInfo":[{"MessageId":"CGEN6002","MessageArgs":["DistinguishedName"]}]}}
`
	rep, err := Explain("application.log", strings.NewReader(log))
	if err != nil || len(rep.Entries) != 3 {
		t.Fatalf("%v, %d entries", err, len(rep.Entries))
	}
	if e := rep.Entries[0]; e.Rule != "" || !strings.Contains(e.Cause, "SystemTime") {
		t.Errorf("generic CGEN6002: rule %q cause %q", e.Rule, e.Cause)
	}
	if e := rep.Entries[1]; len(e.RelatedProperties) != 1 || !strings.Contains(e.Cause, "#/PortNumber") {
		t.Errorf("CGEN1004: related %v cause %q", e.RelatedProperties, e.Cause)
	}
	if e := rep.Entries[2]; e.Rule != "csr-wildcard" {
		t.Errorf("CGEN6002 for DistinguishedName: rule %q", e.Rule)
	}
}

// explain's message map is the catalogue's: every rule that names an OME
// MessageId and MessageArgs is found again from them.
func TestExplainMapFollowsCatalogue(t *testing.T) {
	for _, r := range pairing.Catalogue() {
		if r.OMEMessageID == "" || len(r.OMEMessageArgs) == 0 {
			continue
		}
		rule, known, _, _ := lookup(r.OMEMessageID, r.OMEMessageArgs, nil, "")
		if !known || rule == "" {
			t.Errorf("%s (%s %q): explain does not know it", r.ID, r.OMEMessageID, r.OMEMessageArgs)
			continue
		}
		got, _ := pairing.RuleByID(rule)
		if got.OMEMessageID != r.OMEMessageID || got.OMEMessageArgs[0] != r.OMEMessageArgs[0] {
			t.Errorf("%s: explain maps its message to %s", r.ID, rule)
		}
	}
	ssl := `[ERROR] 2024-01-25 11:10:34.735 [ajp-nio-0:0:0:0:0:0:0:1-8009-exec-10] SSLController - uploadNewCertificateChain(): Error uploading certificate chain: {}`
	if rule, known, cause, _ := lookup("CGEN1008", nil, nil, ssl); rule != "" || !known || !strings.Contains(cause, "common-name") {
		t.Errorf("CGEN1008 without args from SSLController: %q %v %q; want the candidate rules named", rule, known, cause)
	}
}

// Dell's own texts: CGEN1008 without MessageArgs is a certificate error
// only from the certificate controller (Dell's Terraform provider mocks it
// for TemplateService/Baselines); CGEN1006 and CGEN1002 have known texts;
// CGEN1004 naming San comes from CSR generation.
func TestExplainDellTexts(t *testing.T) {
	entry := func(controller, info string) string {
		return `[ERROR] 2024-02-01 10:00:00.000 [ajp-nio-8009-exec-1] ` + controller + ` {"error":{"code":"Base.1.0.GeneralError","@Message.ExtendedInfo":[` + info + `]}}`
	}
	const cgen1008 = `{"MessageId":"CGEN1008","RelatedProperties":[],"Message":"Unable to process the request because an error occurred.","MessageArgs":[],"Severity":"Critical"}`
	cases := []struct {
		name       string
		log        string
		rule       string
		cause, not []string // substrings the cause must have, and must not
		fix        string
	}{
		{"CGEN1008 no args from SSLController", entry("SSLController - uploadNewCertificateChain():", cgen1008), "",
			[]string{"several requirements", "common-name", "leaf-cn-wildcard"}, []string{"general error"}, "ome-preflight check"},
		{"CGEN1008 no args from SSLController without a method", entry("SSLController -", cgen1008), "",
			[]string{"common-name"}, []string{"general error"}, "ome-preflight check"},
		{"CGEN1008 no args from another controller", entry("TemplateController - getBaseline():", cgen1008), "",
			[]string{"general error", "TemplateController - getBaseline()", "not a certificate error"}, nil, "common-name"},
		{"CGEN1008 no args pasted without context", `{"error":{"@Message.ExtendedInfo":[` + cgen1008 + `]}}`, "",
			[]string{"general error", "does not show", "not a certificate error"}, nil, "ome-preflight check"},
		{"CGEN1008 with args from another controller stays the rule", entry("Other - x():", `{"MessageId":"CGEN1008","MessageArgs":["Invalid CSR key."]}`), "csr-key",
			nil, []string{"general error"}, ""},
		{"CGEN1006", entry("ApplicationController - get():", `{"MessageId":"CGEN1006","RelatedProperties":[],"Message":"Unable to complete the request because the resource URI does not exist or is not implemented.","MessageArgs":[]}`), "",
			[]string{"resource URI does not exist or is not implemented", "HTTP 404", "Not a certificate error"}, []string{"unknown"}, "Check the request resource URI"},
		{"CGEN1002", entry("DeviceController - run():", `{"MessageId":"CGEN1002","RelatedProperties":[],"MessageArgs":[]}`), "",
			[]string{"requested URI is invalid"}, []string{"unknown"}, "Enter a valid URI"},
		{"CGEN1004 San", entry("ApplicationController - generateCSR():", `{"MessageId":"CGEN1004","RelatedProperties":["San"],"MessageArgs":["San"]}`), "csr-san",
			[]string{"CSR generation", "at most 4", "without spaces"}, []string{"version", "generic"}, "ome-preflight csr appliance.csr"},
		{"CGEN1004 San in RelatedProperties only", entry("ApplicationController - generateCSR():", `{"MessageId":"CGEN1004","RelatedProperties":["#/San"],"MessageArgs":[]}`), "csr-san",
			[]string{"at most 4"}, []string{"generic"}, "issue 537"},
		{"CGEN1008 EKU names the template command", cgen1008Line("2024-01-25 11:10:34.735", "No Client/Server authentication EKU present in leaf certificate."), "leaf-eku",
			nil, nil, "ome-preflight template template.txt"},
		{"CGEN1004 other property", entry("ProxyController - set():", `{"MessageId":"CGEN1004","RelatedProperties":["#/PortNumber"],"MessageArgs":["PortNumber"]}`), "",
			[]string{"generic", "#/PortNumber"}, []string{"CSR", "3.10"}, "PortNumber"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := Explain("application.log", strings.NewReader(tc.log))
			if err != nil || len(rep.Entries) != 1 {
				t.Fatalf("%v, %d entries", err, len(rep.Entries))
			}
			e := rep.Entries[0]
			if e.Rule != tc.rule || !e.Known {
				t.Errorf("rule %q known %v; want %q, known", e.Rule, e.Known, tc.rule)
			}
			for _, w := range tc.cause {
				if !strings.Contains(e.Cause, w) {
					t.Errorf("cause lacks %q: %s", w, e.Cause)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(e.Cause, w) || strings.Contains(e.Fix, w) {
					t.Errorf("cause or fix has %q: %s / %s", w, e.Cause, e.Fix)
				}
			}
			if !strings.Contains(e.Fix, tc.fix) {
				t.Errorf("fix lacks %q: %s", tc.fix, e.Fix)
			}
		})
	}
}

// cgen1008Line is a real OME log line (Dell KB 000221202's error).
func cgen1008Line(when, arg string) string {
	return `[ERROR] ` + when + ` [http-nio-8080-exec-3] SSLController - uploadNewCertificateChain(): Error uploading certificate chain: {"error":{"code":"Base.1.0.GeneralError","message":"A general error has occurred. See ExtendedInfo for more information.","@Message.ExtendedInfo":[{"MessageId":"CGEN1008","RelatedProperties":[],"Message":"Unable to process the request because an error occurred.","MessageArgs":["` + arg + `"],"Severity":"Critical","Resolution":"Retry the operation. If the issue persists, contact your system administrator."}]}}` + "\n"
}

// The same error repeated is one entry: its first line and time, a count,
// and its last line and time. Different errors stay apart, in order of
// first occurrence.
func TestExplainGroupsRepeats(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 300; i++ {
		if i == 150 {
			b.WriteString(`[ERROR] 2024-01-25 11:10:00.000 [x] SSLController - uploadNewCertificateChain(): {"error":{"@Message.ExtendedInfo":[{"MessageId":"CSEC9002","MessageArgs":[]}]}}` + "\n")
		}
		arg := "Invalid CSR key."
		if i == 299 {
			arg = "Invalid certificate chain provided." // same ID, other args: another entry
		}
		b.WriteString(cgen1008Line(fmt.Sprintf("2024-01-25 %02d:%02d:%02d.000", 10+i/3600, i/60%60, i%60), arg))
	}
	rep, err := Explain("application.log", strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Line, Count, LastLine int
		Time, LastTime, Rule  string
	}
	var got []row
	for _, e := range rep.Entries {
		got = append(got, row{e.Line, e.Count, e.LastLine, e.Time, e.LastTime, e.Rule})
	}
	want := []row{
		{1, 299, 300, "2024-01-25 10:00:00.000", "2024-01-25 10:04:58.000", "csr-key"},
		{151, 1, 151, "2024-01-25 11:10:00.000", "2024-01-25 11:10:00.000", "encoding"},
		{301, 1, 301, "2024-01-25 10:04:59.000", "2024-01-25 10:04:59.000", "chain-complete"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
	if rep.OmittedEntries != 0 || rep.OmittedOccurrences != 0 || len(rep.Notes) != 0 {
		t.Errorf("omitted %d/%d, notes %q: nothing was left out", rep.OmittedEntries, rep.OmittedOccurrences, rep.Notes)
	}
}

// tinyMessages is one log entry whose JSON body holds n tiny messages,
// each with its own arguments: the shape that made 5 MB of log into
// 263,000 report entries.
func tinyMessages(when string, from, n int) string {
	var b strings.Builder
	b.WriteString(`[ERROR] ` + when + ` [x] SSLController - uploadNewCertificateChain(): {"error":{"@Message.ExtendedInfo":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"MessageId":"CGEN1008","MessageArgs":["a%d"]}`, from+i)
	}
	b.WriteString("]}}\n")
	return b.String()
}

// A log that multiplies its messages (one JSON body with thousands of
// them; thousands of distinct errors) gives a report of bounded size that
// says how much it leaves out.
func TestExplainAmplifyingBounded(t *testing.T) {
	t.Run("messages per log entry", func(t *testing.T) {
		log := cgen1008Line("2024-01-25 10:00:00.000", "Invalid CSR key.") +
			tinyMessages("2024-01-25 10:00:01.000", 0, 20000) + tinyMessages("2024-01-25 10:00:02.000", 20000, 20000) +
			cgen1008Line("2024-01-25 10:00:03.000", "Invalid CSR key.")
		rep, err := Explain("application.log", strings.NewReader(log))
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Entries) != 1+2*report.MaxExplainMessagesPerEntry {
			t.Fatalf("%d entries, want %d", len(rep.Entries), 1+2*report.MaxExplainMessagesPerEntry)
		}
		if e := rep.Entries[0]; e.Rule != "csr-key" || e.Count != 2 || e.LastLine != 4 {
			t.Errorf("the real error: rule %q count %d last line %d", e.Rule, e.Count, e.LastLine)
		}
		if e := rep.Entries[1+report.MaxExplainMessagesPerEntry]; e.Line != 3 || e.OMEMessageArgs[0] != "a20000" {
			t.Errorf("second body's first message: line %d args %q", e.Line, e.OMEMessageArgs)
		}
		if want := 2 * (20000 - report.MaxExplainMessagesPerEntry); rep.OmittedOccurrences != want || rep.OmittedEntries != 0 {
			t.Errorf("omitted %d occurrences, %d entries; want %d, 0", rep.OmittedOccurrences, rep.OmittedEntries, want)
		}
		want := []string{
			fmt.Sprintf("line 2: 20000 OME messages in one log entry; the first %d are explained", report.MaxExplainMessagesPerEntry),
			fmt.Sprintf("line 3: 20000 OME messages in one log entry; the first %d are explained", report.MaxExplainMessagesPerEntry),
		}
		if diff := cmp.Diff(want, rep.Notes); diff != "" {
			t.Errorf("notes (-want +got)\n%s", diff)
		}
	})
	t.Run("distinct errors", func(t *testing.T) {
		var b strings.Builder
		b.WriteString(cgen1008Line("2024-01-25 10:00:00.000", "Invalid CSR key."))
		for i := 0; i < 3*report.MaxExplainEntries; i++ { // each error twice: 3000 distinct
			fmt.Fprintf(&b, `[ERROR] 2024-01-25 10:00:00.500 [x] C - u(): {"error":{"@Message.ExtendedInfo":[{"MessageId":"XYZ%d","MessageArgs":["x"]}]}}`+"\n", i%(report.MaxExplainEntries*3/2))
		}
		b.WriteString(cgen1008Line("2024-01-25 10:00:01.000", "Invalid CSR key."))
		rep, err := Explain("application.log", strings.NewReader(b.String()))
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Entries) != report.MaxExplainEntries {
			t.Fatalf("%d entries, want %d", len(rep.Entries), report.MaxExplainEntries)
		}
		// Listed: the real error (lines 1 and 3002) and XYZ0 to XYZ998,
		// each seen twice; omitted: XYZ999 to XYZ1499, twice each.
		if e := rep.Entries[0]; e.Count != 2 || e.LastLine != 3*report.MaxExplainEntries+2 {
			t.Errorf("the real error: count %d last line %d", e.Count, e.LastLine)
		}
		if e := rep.Entries[report.MaxExplainEntries-1]; e.OMEMessageID != "XYZ998" || e.Count != 2 {
			t.Errorf("last listed: %s count %d", e.OMEMessageID, e.Count)
		}
		if rep.OmittedEntries != 501 || rep.OmittedOccurrences != 1002 {
			t.Errorf("omitted %d entries, %d occurrences; want 501, 1002", rep.OmittedEntries, rep.OmittedOccurrences)
		}
		js, err := json.Marshal(rep)
		if err != nil || len(js) > 2<<20 {
			t.Errorf("JSON report: %v, %d bytes", err, len(js))
		}
	})
}

// One line past the line bound (5 MiB) is cut, with a note, and the log
// goes on: the errors before and after it are explained.
func TestExplainOverlongLine(t *testing.T) {
	long := strings.Repeat("x", 5<<20)
	t.Run("a line of its own", func(t *testing.T) {
		log := cgen1008Line("2024-01-25 10:00:00.000", "Invalid CSR key.") + long + "\r\n" +
			`[ERROR] 2024-01-25 10:00:01.000 [x] C - u(): {"error":{"@Message.ExtendedInfo":[{"MessageId":"CSEC9002","MessageArgs":[]}]}}`
		rep, err := Explain("application.log", strings.NewReader(log))
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Entries) != 2 || rep.Entries[0].Rule != "csr-key" || rep.Entries[1].Line != 3 || rep.Entries[1].Rule != "encoding" {
			t.Fatalf("entries %+v", rep.Entries)
		}
		want := []string{
			fmt.Sprintf("line 2: the log entry from line 1 is over %d bytes; the rest of it is not read", maxEntryBytes),
			fmt.Sprintf("line 2: %d bytes long; cut to its first %d bytes", 5<<20, maxLineBytes),
		}
		if diff := cmp.Diff(want, rep.Notes); diff != "" {
			t.Errorf("notes (-want +got)\n%s", diff)
		}
	})
	t.Run("inside pasted JSON", func(t *testing.T) {
		// The cut falls inside a string full of brackets: its end is still
		// followed, so the document ends on line 2 and line 3 is its own.
		log := `{"error":{"@Message.ExtendedInfo":[{"MessageId":"CGEN1008","MessageArgs":["Invalid CSR key."],"Junk":"` +
			strings.Repeat("{[", 3<<20) + "\"}\n]}}\n" + `{"MessageId":"CSEC9002","MessageArgs":[]}` + "\n"
		rep, err := Explain("pasted", strings.NewReader(log))
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Entries) != 2 || rep.Entries[0].Rule != "csr-key" || rep.Entries[1].OMEMessageID != "CSEC9002" || rep.Entries[1].Line != 3 {
			t.Fatalf("entries %+v", rep.Entries)
		}
		want := []string{
			fmt.Sprintf("line 1: %d bytes long; cut to its first %d bytes", len(log)-len("\n]}}\n")-len(`{"MessageId":"CSEC9002","MessageArgs":[]}`+"\n"), maxLineBytes),
			fmt.Sprintf("line 2: the log entry from line 1 is over %d bytes; the rest of it is not read", maxEntryBytes),
		}
		if diff := cmp.Diff(want, rep.Notes); diff != "" {
			t.Errorf("notes (-want +got)\n%s", diff)
		}
	})
}

// lineReader cuts lines at the bound exactly, at a rune boundary, and
// reads the line after a cut one whole.
func TestExplainLineReader(t *testing.T) {
	euro := "\u20ac" // 3 bytes
	cases := []struct {
		name  string
		line  string
		long  bool
		keep  int
		total int64
	}{
		{"short", "abc\r", false, 3, 0},
		{"at the bound", strings.Repeat("a", maxLineBytes), false, maxLineBytes, 0},
		{"below the bound with CR", strings.Repeat("a", maxLineBytes-1) + "\r", false, maxLineBytes - 1, 0},
		{"at the bound with CR", strings.Repeat("a", maxLineBytes) + "\r", false, maxLineBytes, 0},
		{"one past with CR", strings.Repeat("a", maxLineBytes+1) + "\r", true, maxLineBytes, maxLineBytes + 1},
		{"one past", strings.Repeat("a", maxLineBytes+1), true, maxLineBytes, maxLineBytes + 1},
		{"rune across the bound", strings.Repeat("a", maxLineBytes-1) + euro, true, maxLineBytes - 1, maxLineBytes + 2},
		{"far past", strings.Repeat("b", 3*maxLineBytes+12345), true, maxLineBytes, 3*maxLineBytes + 12345},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, end := range []string{"\n", ""} {
				in := tc.line + end + "next\n"
				if end == "" {
					in = tc.line // the last line, without a newline
				}
				lr := &lineReader{br: bufio.NewReaderSize(strings.NewReader(in), 64<<10)}
				line, long, err := lr.next()
				if err != nil || long != tc.long || len(line) != tc.keep || !strings.HasPrefix(tc.line, string(line)) {
					t.Fatalf("end %q: %v, long %v, kept %d; want long %v, kept %d", end, err, long, len(line), tc.long, tc.keep)
				}
				if long {
					var skipped bytes.Buffer
					total, err := lr.skip(func(b []byte) { skipped.Write(b) })
					content := strings.TrimSuffix(tc.line, "\r")
					if err != nil || total != tc.total || skipped.String() != content[maxLineBytes:] {
						t.Fatalf("end %q: skip: %v, total %d, skipped %d bytes; want total %d", end, err, total, skipped.Len(), tc.total)
					}
				}
				line, _, err = lr.next()
				if end == "" {
					if err != io.EOF {
						t.Fatalf("after the last line: %q, %v", line, err)
					}
					return
				}
				if err != nil || string(line) != "next" {
					t.Fatalf("end %q: next line %q, %v", end, line, err)
				}
			}
		})
	}
}
