package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ome-preflight/ome-preflight/pairing"
)

func TestExplainCLI(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "application.log")
	os.WriteFile(log, []byte(`[ERROR] 2024-01-25 11:10:34.735 [http-nio-8080-exec-3] SSLController - uploadNewCertificateChain(): Error uploading certificate chain: {"error":{"code":"Base.1.0.GeneralError",
"@Message.ExtendedInfo":[{"MessageId":"CGEN1008","RelatedProperties":[],"MessageArgs":["Invalid CSR key."],"Severity":"Critical"}]}}
`), 0o600)
	res := runCLI(t, "explain", "--format", "json", log)
	var rep pairing.ExplainReport
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
