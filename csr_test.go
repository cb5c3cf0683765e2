package main

import (
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ome-preflight/ome-preflight/report"
)

// opensslCSR makes a CSR with openssl req in o.dir: subj, and SANs from
// the config's [alt] section (none when alt is "").
func opensslCSR(o *osslPKI, name, keyArgs, subj, alt string) {
	o.t.Helper()
	conf := "[req]\ndistinguished_name = dn\nprompt = no\n[dn]\n[ext]\n"
	if alt != "" {
		conf += "subjectAltName = @alt\n[alt]\n" + alt + "\n"
	}
	o.write(name+".cnf", conf)
	args := []string{"req", "-new", "-subj", subj, "-config", name + ".cnf", "-out", name + ".csr"}
	if alt != "" {
		args = append(args, "-reqexts", "ext")
	}
	o.run(append(args, strings.Fields(keyArgs)...)...)
}

// The csr command on CSRs openssl made: each defect is the rule's finding
// with OME's message, exit 1; a good CSR passes in each form OME's API
// hands it out, and the names it must cover are printed.
func TestCSRCommandOnOpenSSLRequests(t *testing.T) {
	requireOpenSSL(t)
	o := &osslPKI{t: t, dir: t.TempDir()}
	o.run("genrsa", "-out", "k.pem", "2048")
	key := "-key k.pem"
	opensslCSR(o, "good", key, "/CN=ome.example.com/O=Example", "DNS.1 = ome.example.com\nIP.1 = 10.0.0.5")
	opensslCSR(o, "five", key, "/CN=ome.example.com", "DNS.1 = a.example.com\nDNS.2 = b.example.com\nDNS.3 = c.example.com\nDNS.4 = d.example.com\nIP.1 = 10.0.0.5")
	opensslCSR(o, "spaced", key, "/CN=ome.example.com", "DNS.1 = ome.example.com, ome2.example.com")
	opensslCSR(o, "wildcard", key, "/CN=*.example.com", "")
	opensslCSR(o, "nocn", key, "/O=Example/OU=IT", "DNS.1 = ome.example.com")
	opensslCSR(o, "rsa3072", "-newkey rsa:3072 -nodes -keyout k3.pem", "/CN=ome.example.com", "")
	// A damaged signature: the last byte of the DER (inside the signature).
	blk, _ := pem.Decode(o.read("good.csr"))
	bad := append([]byte(nil), blk.Bytes...)
	bad[len(bad)-1] ^= 0xff
	o.write("badsig.csr", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: bad})))
	// OME's forms: the Base64 body without PEM lines, the PEM on one line,
	// and the API's JSON.
	body := base64.StdEncoding.EncodeToString(blk.Bytes)
	o.write("unwrapped.csr", body)
	o.write("flat.csr", "-----BEGIN CERTIFICATE REQUEST-----"+body+"-----END CERTIFICATE REQUEST-----")
	js, _ := json.Marshal(map[string]string{"CertificateData": string(o.read("good.csr"))})
	o.write("api.json", string(js))
	t.Chdir(o.dir)

	type want struct {
		code  int
		rule  string
		sev   report.Severity
		msgID string
		args  []string
		text  string // in the finding's message
	}
	cases := []struct {
		file string
		want want
	}{
		{"five.csr", want{1, "csr-san", report.SevError, "CGEN1004", []string{"San"}, "requests 5 subject alternative names"}},
		{"spaced.csr", want{1, "csr-san", report.SevError, "CGEN1004", []string{"San"}, `"ome.example.com, ome2.example.com"`}},
		{"wildcard.csr", want{1, "csr-wildcard", report.SevError, "CGEN6002", []string{"DistinguishedName"}, "wildcard"}},
		{"nocn.csr", want{1, "csr-common-name", report.SevError, "CGEN1008", []string{}, "no common name"}},
		{"badsig.csr", want{1, "csr-signature", report.SevError, "", []string{}, "does not verify"}},
		{"rsa3072.csr", want{0, "csr-key-size", report.SevWarning, "", []string{}, "RSA 3072"}},
		{"good.csr", want{code: 0}},
		{"unwrapped.csr", want{code: 0}},
		{"flat.csr", want{code: 0}},
		{"api.json", want{code: 0}},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			res := runCLI(t, "csr", "--format", "json", tc.file)
			if res.code != tc.want.code {
				t.Fatalf("exit %d, want %d\n%s%s", res.code, tc.want.code, res.stdout, res.stderr)
			}
			var r report.Report
			if err := json.Unmarshal([]byte(res.stdout), &r); err != nil {
				t.Fatal(err)
			}
			if len(r.Checks) != 5 {
				t.Errorf("%d checks, want the 5 csr rules", len(r.Checks))
			}
			if tc.want.rule == "" {
				if len(r.Findings) != 0 || r.Verdict != report.VerdictPass {
					t.Errorf("verdict %s, findings %+v", r.Verdict, r.Findings)
				}
				for _, c := range r.Checks {
					if c.Status != report.Pass {
						t.Errorf("%s: %s %s", c.Rule, c.Status, c.Reason)
					}
				}
				if want := []string{"ome.example.com", "10.0.0.5"}; !slices.Equal(r.CSR.Names, want) {
					t.Errorf("names %v, want %v", r.CSR.Names, want)
				}
				return
			}
			if len(r.Findings) != 1 {
				t.Fatalf("findings %+v, want one of %s", r.Findings, tc.want.rule)
			}
			f := r.Findings[0]
			if f.Rule != tc.want.rule || f.Severity != tc.want.sev || f.OMEMessageID != tc.want.msgID || !slices.Equal(f.OMEMessageArgs, tc.want.args) || !strings.Contains(f.Message, tc.want.text) {
				t.Errorf("finding %+v, want %+v", f, tc.want)
			}
		})
	}
	// The text report prints the names; markdown has a box per rule.
	res := runCLI(t, "csr", "five.csr")
	if !strings.Contains(res.stdout, "will have to cover: ome.example.com, a.example.com, b.example.com, c.example.com, d.example.com, 10.0.0.5") ||
		!strings.Contains(res.stdout, "CGEN1004 [\"San\"]") {
		t.Errorf("text:\n%s", res.stdout)
	}
	md := runCLI(t, "csr", "--format", "markdown", "nocn.csr")
	if !strings.Contains(md.stdout, "- [ ] The CSR's subject has a common name") || !strings.Contains(md.stdout, "- [x] The CSR's self-signature verifies") {
		t.Errorf("markdown:\n%s", md.stdout)
	}
}

// What is not a CSR is a usage error naming the file (exit 2).
func TestCSRCommandRefusesOtherFiles(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	os.WriteFile("empty.csr", nil, 0o600)
	os.WriteFile("junk.csr", []byte("hello, this is not a CSR\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "cert.pem"), []byte(strings.Repeat("x", 10)), 0o600)
	for _, args := range [][]string{{"csr", "empty.csr"}, {"csr", "junk.csr"}, {"csr", "missing.csr"}, {"csr"}, {"csr", "a.csr", "b.csr"}} {
		res := runCLI(t, args...)
		if res.code != 2 || !strings.Contains(res.stderr, "hint:") || res.stdout != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, res.code, res.stdout, res.stderr)
		}
		if len(args) == 2 && !strings.Contains(res.stderr, args[1]) {
			t.Errorf("%v: the error does not name the file: %s", args, res.stderr)
		}
	}
}
