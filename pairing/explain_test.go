package pairing

import (
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
