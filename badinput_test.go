package main

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ome-preflight/ome-preflight/fixtures"
)

// TestBadInputs feeds malformed inputs to every command that reads files:
// each must end with the right exit code and a message naming the file,
// never a panic or a hang.
func TestBadInputs(t *testing.T) {
	cases := badInputCases(t)
	if len(cases) < 40 {
		t.Fatalf("only %d bad inputs", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			done := make(chan result, 1)
			go func() { done <- runBadInput(t, c) }()
			var res result
			select {
			case res = <-done:
			case <-time.After(30 * time.Second):
				t.Fatalf("%v hung", c.args)
			}
			if res.code != c.code {
				t.Errorf("exit code %d, want %d\nstderr: %s", res.code, c.code, res.stderr)
			}
			if !strings.Contains(res.stderr+res.stdout, c.want) || !strings.Contains(res.stdout, c.want2) {
				t.Errorf("output lacks %q\nstderr: %s\nstdout: %.600s", c.want, res.stderr, res.stdout)
			}
			if res.code == 2 && !strings.Contains(res.stderr, filepath.Base(strings.TrimSuffix(c.file, "/"))) && c.file != "" {
				t.Errorf("the error does not name %s: %s", c.file, res.stderr)
			}
			// A report on a file that holds no certificate shows no empty
			// certificate table or path.
			if c.args[0] == "check" && strings.Contains(res.stdout, ", 0 certificates)") && strings.Contains(res.stdout, "\npath:") {
				t.Errorf("an empty path line in a report without certificates:\n%.600s", res.stdout)
			}
		})
	}
}

// badInput is one malformed input of TestBadInputs.
type badInput struct {
	name  string
	file  string // written into the working directory unless data is nil and the file exists
	data  []byte
	args  []string // FILE stands for the file
	code  int
	want  string // in stderr (errors) or stdout (findings)
	want2 string // also in the output, when set
}

// runBadInput writes c's file and runs its command; extra arguments (such
// as --lang ko) go before the command.
func runBadInput(t *testing.T, c badInput, extra ...string) result {
	t.Helper()
	if c.data != nil {
		if err := os.WriteFile(c.file, c.data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	args := append([]string{}, extra...)
	for _, a := range c.args {
		args = append(args, strings.ReplaceAll(a, "FILE", c.file))
	}
	return runCLI(t, args...)
}

// badInputCases makes a fresh folder the working directory, with the
// folder, pipe and dangling link the cases name, and returns the cases.
func badInputCases(t *testing.T) []badInput {
	p := fixtures.MustBuild(testBase,
		fixtures.Spec{ID: "root", CN: "Root-CA", CA: true}, fixtures.Spec{ID: "inter", CN: "Inter-CA1", Issuer: "root", CA: true},
		fixtures.Spec{ID: "leaf", CN: "OMENT-310", Issuer: "inter"})
	good := fixtures.PEM(p.Chain("leaf", "inter", "root")...)
	leafPEM := fixtures.PEM(p.Certs["leaf"].Cert)
	csr := fixtures.CSR("OMENT-310", p.Certs["leaf"].Key)
	keyPEM := fixtures.KeyPEM(p.Certs["leaf"].Key)
	emptyP7 := fixtures.PKCS7(nil)
	pfx := fixtures.PFX(p.Certs["leaf"].Key, p.Chain("leaf", "inter", "root"), "right")
	crit := fixtures.MustBuild(testBase, fixtures.Spec{ID: "root", CN: "Root-CA", CA: true}, fixtures.Spec{ID: "leaf", CN: "x", Issuer: "root",
		Mutate: func(c *x509.Certificate) {
			c.ExtraExtensions = append(c.ExtraExtensions, extCritical())
		}})
	rsa1024 := fixtures.MustBuild(testBase, fixtures.Spec{ID: "root", CN: "Root-CA", CA: true}, fixtures.Spec{ID: "leaf", CN: "x", Issuer: "root", KeyType: fixtures.RSA1024})
	// 1000 certificates: a CA and 999 leaves (ECDSA keys keep it quick).
	var thousand []byte
	{
		specs := []fixtures.Spec{{ID: "ca", CN: "Bulk-CA", CA: true, KeyType: fixtures.ECDSAP256, KeySlot: 60}}
		for i := 0; i < 999; i++ {
			specs = append(specs, fixtures.Spec{ID: fmt.Sprint(i), CN: fmt.Sprintf("host-%d", i), Issuer: "ca", KeyType: fixtures.ECDSAP256, KeySlot: 61})
		}
		bp := fixtures.MustBuild(testBase, specs...)
		for _, s := range specs {
			thousand = append(thousand, fixtures.PEM(bp.Certs[s.ID].Cert)...)
		}
	}
	pemOf := func(typ string, b []byte) []byte { return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b}) }
	huge := []byte("-----BEGIN CERTIFICATE-----\n" + strings.Repeat("QUFB", 1<<20) + "\n-----END CERTIFICATE-----\n")
	dir := t.TempDir()
	t.Chdir(dir)
	os.Mkdir("adir", 0o755)
	syscall.Mkfifo("fifo.pem", 0o600)
	os.Symlink("nowhere.pem", "dangling.pem")
	os.WriteFile("good.pem", good, 0o600)

	check := func(name string, data []byte, code int, want string) badInput {
		return badInput{name, "in-" + strings.ReplaceAll(name, " ", "-") + ".pem", data, []string{"check", "--at", testAt, "FILE"}, code, want, ""}
	}
	// A readable file that holds no certificate is what OME refuses with
	// CSEC9002: a report, exit 1 (design.md).
	refused := func(name string, data []byte, code int, want string) badInput {
		c := check(name, data, code, want)
		c.want2 = "CSEC9002"
		return c
	}
	cases := []badInput{
		refused("empty file", []byte{}, 1, "file is empty"),
		refused("one byte", []byte{0x30}, 1, "not a certificate file"),
		refused("one text byte", []byte("x"), 1, "not a certificate file"),
		refused("whitespace only", []byte("\r\n \t\n"), 1, "file is empty"),
		refused("truncated PEM", leafPEM[:len(leafPEM)/2], 1, "no END line"),
		refused("BEGIN without type end", []byte("-----BEGIN CERTIFICATE\nMIIB\n"), 1, "malformed BEGIN"),
		refused("bad Base64 in a PEM block", []byte("-----BEGIN CERTIFICATE-----\n!!!!****\n-----END CERTIFICATE-----\n"), 1, "not valid Base64"),
		refused("PEM block of garbage DER", pemOf("CERTIFICATE", []byte("hello world")), 1, "not a valid X.509"),
		refused("a private key instead of a chain", keyPEM, 1, "only PRIVATE KEY"),
		refused("a CSR instead of a chain", csr, 1, "only CERTIFICATE REQUEST"),
		refused("a DER CSR instead of a chain", mustDER(csr), 1, "certificate signing request"),
		refused("an RSA public key", pemOf("PUBLIC KEY", []byte{1, 2, 3}), 1, "only PUBLIC KEY"),
		refused("one huge Base64 line", huge, 1, "not a valid X.509"),
		check("DER with trailing garbage", append(append([]byte{}, p.Certs["leaf"].Cert.Raw...), "garbage"...), 1, "bytes after the certificate data"),
		refused("DER truncated", p.Certs["leaf"].Cert.Raw[:200], 1, "in-DER-truncated.pem"),
		check("PKCS#7 holding no certificate", emptyP7, 2, "holds no certificate"),
		refused("PKCS#7 PEM holding no certificate", pemOf("PKCS7", emptyP7), 1, "holds no certificate"),
		refused("PKCS#7 truncated", fixtures.PKCS7(p.Chain("leaf"))[:100], 1, "in-PKCS#7-truncated.pem"),
		refused("NUL bytes", make([]byte, 4096), 1, "not a certificate file"),
		refused("NUL bytes inside PEM", bytes.Replace(leafPEM, []byte("MII"), []byte("M\x00I"), 1), 1, "not valid Base64"),
		refused("binary junk", bytes.Repeat([]byte{0xde, 0xad, 0xbe, 0xef}, 1000), 1, "not a certificate file"),
		check("certificate with an unknown critical extension", fixtures.PEM(crit.Chain("leaf", "root")...), 1, "critical extension"),
		check("RSA 1024 leaf", fixtures.PEM(rsa1024.Chain("leaf", "root")...), 0, "RSA 1024-bit key"),
		check("a bundle of 1000 certificates", thousand, 1, "OME accepts at most 10"),
		check("over the size limit", bytes.Repeat([]byte("A"), 10<<20+1), 2, "larger than 10 MiB"),
		refused("UTF-16 of junk", fixtures.UTF16([]byte("not a certificate at all"), false, true), 1, "not a certificate file"),
		refused("JSON", []byte(`{"CertificateData": "nope"}`), 1, "not a certificate file"),
		refused("BOM only", []byte{0xEF, 0xBB, 0xBF}, 1, "not a certificate file"),
		refused("BEGIN with different END", []byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END PKCS7-----\n"), 1, "no END line"),
		{"PKCS#12 with a wrong password", "wrong.pfx", pfx, []string{"check", "FILE"}, 2, "password is incorrect", ""},
		{"PKCS#12 truncated", "trunc.pfx", pfx[:len(pfx)/2], []string{"check", "FILE"}, 1, "trunc.pfx", "CSEC9002"},
		{"a directory given as a file", "adir", nil, []string{"check", "FILE"}, 2, "adir: is a directory", ""},
		{"a named pipe (never ends)", "fifo.pem", nil, []string{"check", "FILE"}, 2, "not a regular file", ""},
		{"a dangling symlink", "dangling.pem", nil, []string{"check", "FILE"}, 2, "dangling.pem", ""},
		{"a missing file", "missing.pem", nil, []string{"check", "FILE"}, 2, "missing.pem: cannot read file", ""},
		{"a CSR that is not a CSR", "notcsr.csr", good, []string{"check", "--csr", "FILE", "good.pem"}, 2, "notcsr.csr: not a certificate signing request", ""},
		{"a CSR of junk", "junk.csr", []byte("junk"), []string{"check", "--csr", "FILE", "good.pem"}, 2, "junk.csr", ""},
		{"a CSR with bad Base64", "b64.csr", []byte("-----BEGIN CERTIFICATE REQUEST-----\n@@@@\n-----END CERTIFICATE REQUEST-----\n"), []string{"check", "--csr", "FILE", "good.pem"}, 2, "b64.csr", ""},
		{"compare with an empty target", "empty-target.pem", []byte{}, []string{"compare", "good.pem", "FILE"}, 2, "empty-target.pem: file is empty", ""},
		{"compare with a directory", "adir", nil, []string{"compare", "FILE", "good.pem"}, 2, "is a directory", ""},
		{"inventory with unknown keys", "inv1.yaml", []byte("pairs:\n  - name: a\n    source: {chain: good.pem, colour: red}\n    target: {chain: good.pem}\n"), []string{"checklist", "--out", "out", "FILE"}, 2, `unknown key "colour" in a side`, ""},
		{"inventory with a missing target", "inv2.yaml", []byte("pairs:\n  - name: a\n    source: {chain: good.pem}\n"), []string{"checklist", "--out", "out", "FILE"}, 2, `pair "a" has no target`, ""},
		{"inventory that is not YAML", "inv3.yaml", []byte("\x00\x01\x02"), []string{"checklist", "--out", "out", "FILE"}, 2, "inv3.yaml", ""},
		{"inventory that is a list", "inv4.yaml", []byte("- a\n- b\n"), []string{"checklist", "--out", "out", "FILE"}, 2, "inv4.yaml", ""},
		{"assemble of junk only", "junk.bin", []byte("junk junk junk"), []string{"assemble", "FILE"}, 2, "junk.bin", ""},
		{"assemble of an empty folder", "emptydir", nil, []string{"assemble", "FILE"}, 1, "no certificate found", ""},
		{"explain of a directory", "adir", nil, []string{"explain", "FILE"}, 2, "is a directory", ""},
		{"explain of a pipe", "fifo.pem", nil, []string{"explain", "FILE"}, 2, "not a regular file", ""},
		{"explain of binary junk", "junk.log", bytes.Repeat([]byte{0, 1, 2, 0xff}, 5000), []string{"explain", "FILE"}, 0, "no OME error", ""},
		{"mock with a CSR as chain", "m.csr", csr, []string{"mock", "--chain", "FILE", "--key", "good.pem"}, 2, "m.csr", ""},
	}
	os.Mkdir("emptydir", 0o755)
	t.Setenv("OME_PREFLIGHT_PFX_PASSWORD", "wrong")
	return cases
}

func mustDER(pemBytes []byte) []byte {
	b, _ := pem.Decode(pemBytes)
	return b.Bytes
}

func extCritical() pkix.Extension {
	return pkix.Extension{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 3}, Critical: true, Value: []byte{5, 0}}
}

// An unknown command is a usage error wherever the global flags put it.
func TestUnknownCommandExit2(t *testing.T) {
	for _, tc := range unknownCommandCases {
		res := runCLI(t, tc.args...)
		if res.code != 2 || !strings.Contains(res.stderr, "unknown command") || !strings.Contains(res.stderr, tc.hint) {
			t.Errorf("%v: exit %d, stderr %q; want 2, the unknown command named and %q", tc.args, res.code, res.stderr, tc.hint)
		}
	}
}

// unknownCommandCases are command names that do not exist, and the hint.
var unknownCommandCases = []struct {
	args []string
	hint string
}{
	{[]string{"chekc"}, `did you mean "check"`},
	{[]string{"--no-color", "chekc"}, `did you mean "check"`},
	{[]string{"--log-level", "debug", "chekc", "x.pem"}, `did you mean "check"`},
	{[]string{"--no-color", "--log-format", "json", "comapre"}, `did you mean "compare"`},
	{[]string{"explian", "x.log"}, `did you mean "explain"`},
	{[]string{"zzzz"}, "ome-preflight --help"},
	{[]string{"fixtures", "writ", "lab"}, "unknown command"},
}

// The CLI forgives: flags after the file arguments, days and weeks in
// durations.
func TestCLIForgives(t *testing.T) {
	dir := t.TempDir()
	lab := filepath.Join(dir, "lab")
	if res := runCLI(t, "fixtures", "write", lab); res.code != 0 {
		t.Fatal(res.stderr)
	}
	src, tgt := filepath.Join(lab, "good-pair", "source.pem"), filepath.Join(lab, "good-pair", "target.pem")
	res := runCLI(t, "check", src, "--format", "json")
	if res.code != 0 || !strings.HasPrefix(res.stdout, "{") {
		t.Errorf("check FILE --format json: exit %d %s %.100s", res.code, res.stderr, res.stdout)
	}
	res = runCLI(t, "--no-color", "compare", src, "--window", "2d", tgt, "--format=json")
	if res.code != 0 || !strings.Contains(res.stdout, `"window": "48h0m0s"`) {
		t.Errorf("compare with --window 2d after a file: exit %d %s %.300s", res.code, res.stderr, res.stdout)
	}
	res = runCLI(t, "compare", "--window=1w", "--format", "json", src, tgt)
	if !strings.Contains(res.stdout, `"window": "168h0m0s"`) {
		t.Errorf("--window=1w: %s %.300s", res.stderr, res.stdout)
	}
	// "--" still ends the flags.
	res = runCLI(t, "check", "--", "--format")
	if res.code != 2 || !strings.Contains(res.stderr, "--format") {
		t.Errorf("check -- --format: exit %d %s", res.code, res.stderr)
	}
	for in, want := range map[string]time.Duration{"4h": 4 * time.Hour, "2d": 48 * time.Hour, "1w": 168 * time.Hour, "1d12h": 36 * time.Hour, "90m": 90 * time.Minute} {
		if d, err := parseDuration(in); err != nil || d != want {
			t.Errorf("parseDuration(%q) = %s, %v; want %s", in, d, err, want)
		}
	}
	for _, bad := range []string{"", "d", "2x", "-1d", "2dd"} {
		if _, err := parseDuration(bad); err == nil {
			t.Errorf("parseDuration(%q): no error", bad)
		}
	}
}
