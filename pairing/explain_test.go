package pairing

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

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
		if err == nil && rep.Entries == nil {
			t.Fatal("nil entries")
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
	before := explainWork.Load()
	rep, err := Explain("hostile.log", strings.NewReader(log))
	if err != nil || len(rep.Entries) != 0 {
		t.Fatalf("%v, %d entries", err, len(rep.Entries))
	}
	if work := explainWork.Load() - before; work > int64(5*len(log)) {
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
	}
	if diff := cmp.Diff(want.Entries, got.Entries); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// A log whose layout no header pattern matches is read a line at a time
// (one entry each, with its own line number), while a JSON document
// pasted over several lines stays one entry.
func TestExplainUnknownLayoutPerLine(t *testing.T) {
	var b strings.Builder
	for i := 1; i <= 100; i++ {
		fmt.Fprintf(&b, "<%d> host ome: upload failed {\"error\":{\"@Message.ExtendedInfo\":[{\"MessageId\":\"CGEN1008\",\"MessageArgs\":[\"Invalid CSR key.\"]}]}}\n", i)
	}
	rep, err := Explain("syslog", strings.NewReader(b.String()))
	if err != nil || len(rep.Entries) != 100 {
		t.Fatalf("%v: %d entries, want 100", err, len(rep.Entries))
	}
	for i, e := range rep.Entries {
		if e.Line != i+1 || e.Rule != "csr-key" {
			t.Errorf("entry %d: line %d rule %q", i, e.Line, e.Rule)
		}
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
	for _, r := range Catalogue() {
		if r.OMEMessageID == "" || len(r.OMEMessageArgs) == 0 {
			continue
		}
		rule, known, _, _ := lookup(r.OMEMessageID, r.OMEMessageArgs, nil, "")
		if !known || rule == "" {
			t.Errorf("%s (%s %q): explain does not know it", r.ID, r.OMEMessageID, r.OMEMessageArgs)
			continue
		}
		got, _ := RuleByID(rule)
		if got.OMEMessageID != r.OMEMessageID || got.OMEMessageArgs[0] != r.OMEMessageArgs[0] {
			t.Errorf("%s: explain maps its message to %s", r.ID, rule)
		}
	}
	if rule, known, cause, _ := lookup("CGEN1008", nil, nil, ""); rule != "" || !known || !strings.Contains(cause, "common-name") {
		t.Errorf("CGEN1008 without args: %q %v %q; want the candidate rules named", rule, known, cause)
	}
}
