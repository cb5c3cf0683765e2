package chain_test

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/fixtures"
)

// Each place where OME's stacks (OpenSSL 3.0 on port 443, Java as the
// client) part ways with crypto/x509 on a path it accepts: the verdict is
// never valid, and says which stack refuses. The same facts are measured
// against `openssl verify` and Java's PKIX on x509-limbo by
// TestStacksDifferential (root package); these are the lab's own cases.
func TestStackDivergence(t *testing.T) {
	var oidSAN = asn1.ObjectIdentifier{2, 5, 29, 17}
	specs := []fixtures.Spec{
		{ID: "root", CN: "Root-CA", CA: true, KeySlot: 90},
		{ID: "inter", CN: "Inter-CA1", Issuer: "root", CA: true, KeySlot: 91},
		{ID: "leaf", CN: "oment-310.example.com", Issuer: "inter", KeySlot: 92, DNS: []string{"oment-310.example.com", "oment_310.example.com"}},
		{ID: "leaf-exact", CN: "oment-310.example.com", Issuer: "inter", KeySlot: 92, DNS: []string{"oment-310.example.com"}, NotAfter: base},
		{ID: "leaf-certsign", CN: "oment-310.example.com", Issuer: "inter", KeySlot: 92, DNS: []string{"oment-310.example.com"}, KU: x509.KeyUsageCertSign},
		{ID: "leaf-nosubject", CN: "-", Issuer: "inter", KeySlot: 92, Mutate: func(c *x509.Certificate) {
			// An empty subject with a non-critical SAN.
			v, err := asn1.Marshal([]asn1.RawValue{{Class: 2, Tag: 2, Bytes: []byte("oment-310.example.com")}})
			if err != nil {
				t.Fatal(err)
			}
			c.Subject = pkix.Name{}
			c.ExtraExtensions = append(c.ExtraExtensions, pkix.Extension{Id: oidSAN, Value: v})
		}},
		{ID: "weak-root", CN: "Weak-Root", CA: true, KeyType: fixtures.RSA1024},
		{ID: "leaf-weak", CN: "oment-400.example.com", Issuer: "weak-root", KeySlot: 93, DNS: []string{"oment-400.example.com"}},
		// A root whose Authority Key Identifier names another key: OpenSSL
		// does not count it self-signed, and looks for its issuer.
		{ID: "aki-root", CN: "AKI-Root", CA: true, KeySlot: 94, Mutate: func(c *x509.Certificate) { c.AuthorityKeyId = []byte("another key") }},
		{ID: "leaf-aki", CN: "oment-410.example.com", Issuer: "aki-root", KeySlot: 95, DNS: []string{"oment-410.example.com"}},
	}
	p := fixtures.MustBuild(base, specs...)
	for _, tc := range []struct {
		name   string
		chain  []string
		host   string
		who    string // the stack that refuses; "" for valid
		fault  string // the certificate at fault
		reason chain.Reason
	}{
		{"control", []string{"leaf", "inter", "root"}, "oment-310.example.com", "", "", chain.Valid},
		{"expires at the instant", []string{"leaf-exact", "inter", "root"}, "", "OpenSSL refuses", "leaf-exact", chain.StacksDisagree},
		{"leaf Key Usage certSign only", []string{"leaf-certsign", "inter", "root"}, "", "OpenSSL refuses", "leaf-certsign", chain.StacksDisagree},
		{"empty subject, SAN not critical", []string{"leaf-nosubject", "inter", "root"}, "", "Java refuses", "leaf-nosubject", chain.StacksDisagree},
		{"non-LDH host name", []string{"leaf", "inter", "root"}, "oment_310.example.com", "Java refuses", "leaf", chain.StacksDisagree},
		{"1024-bit RSA root", []string{"leaf-weak", "weak-root"}, "", "OpenSSL refuses", "weak-root", chain.WeakKey},
		{"root with a foreign AKI", []string{"leaf-aki", "aki-root"}, "", "OpenSSL refuses", "aki-root", chain.StacksDisagree},
	} {
		t.Run(tc.name, func(t *testing.T) {
			certs := p.Chain(tc.chain...)
			_, v := chain.Judge(certs, chain.VerifyOptions{At: base, Usage: x509.ExtKeyUsageServerAuth, Name: tc.host})
			if tc.who == "" {
				if !v.OK() {
					t.Fatalf("verdict %s (%v); want valid", v.Reason, v.Err)
				}
				return
			}
			if v.OK() || v.Reason != tc.reason || v.Err == nil || !strings.HasPrefix(v.Err.Error(), tc.who) {
				t.Fatalf("verdict %s (%v); want %s, %q", v.Reason, v.Err, tc.reason, tc.who)
			}
			if v.Cert == nil || !v.Cert.Equal(p.Certs[tc.fault].Cert) {
				t.Errorf("certificate at fault %v; want %s", v.Cert, tc.fault)
			}
			if len(v.Path) != len(tc.chain) {
				t.Errorf("path of %d certificates; want the valid path of %d", len(v.Path), len(tc.chain))
			}
		})
	}
}

// OpenSSL skips an issuer whose Key Usage does not allow certificate
// signing, even an empty Key Usage (crypto/x509 reads it as none at all).
func TestOpenSSLSkipsIssuerWithoutCertSign(t *testing.T) {
	p := fixtures.MustBuild(base,
		fixtures.Spec{ID: "root", CN: "Root-CA", CA: true, KeySlot: 96, NoKU: true, Mutate: func(c *x509.Certificate) {
			// A Key Usage extension with no bit set.
			c.KeyUsage = 0
			c.ExtraExtensions = append(c.ExtraExtensions, pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 15}, Critical: true, Value: []byte{3, 1, 0}})
		}},
		fixtures.Spec{ID: "leaf", CN: "oment-310.example.com", Issuer: "root", KeySlot: 97, DNS: []string{"oment-310.example.com"}},
	)
	_, v := chain.Judge(p.Chain("leaf", "root"), chain.VerifyOptions{At: base, Usage: x509.ExtKeyUsageServerAuth})
	if v.OK() || v.Reason != chain.StacksDisagree || v.Err == nil || !strings.Contains(v.Err.Error(), "OpenSSL refuses") {
		t.Errorf("verdict %s (%v); want not valid, saying OpenSSL refuses", v.Reason, v.Err)
	}
}

// A wildcard inside the left-most label: OpenSSL and Java match it, Go
// does not; whole-label wildcards and other labels are not partial.
func TestPartialWildcard(t *testing.T) {
	leaf := &x509.Certificate{DNSNames: []string{"ba*.example.com", "*.example.org", "x*y.example.net", "a.*.example.io"}}
	for host, want := range map[string]string{
		"baz.example.com":   "ba*.example.com",
		"ba.example.com":    "ba*.example.com",
		"BAR.example.com":   "ba*.example.com",
		"foo.example.com":   "",
		"baz.x.example.com": "",
		"a.example.org":     "", // a whole-label wildcard is not partial
		"xy.example.net":    "x*y.example.net",
		"xay.example.net":   "x*y.example.net",
		"x.example.net":     "",
		"a.b.example.io":    "",
		"10.0.0.5":          "",
		"":                  "",
	} {
		if got := chain.PartialWildcard(leaf, host); got != want {
			t.Errorf("%q: %q, want %q", host, got, want)
		}
	}
}

// Where crypto/x509 refuses a name under the path's name constraints that
// OpenSSL and Java accept as written (a wildcard SAN under an excluded
// name, CVE-2025-61727's defensive reading; a self-issued intermediate's
// SAN), the path is judged again without the constraints: valid, with a
// caveat saying so (or whatever else OME's stacks would say: the
// self-issued CA without an AKID is where OpenSSL stops); a name the
// constraints really exclude stays an error.
func TestNameConstraintsAsWritten(t *testing.T) {
	p := fixtures.MustBuild(base,
		fixtures.Spec{ID: "root", CN: "Root-CA", CA: true, KeySlot: 100},
		fixtures.Spec{ID: "ica", CN: "Inter-CA1", Issuer: "root", CA: true, KeySlot: 101, Mutate: func(c *x509.Certificate) {
			c.ExcludedDNSDomains = []string{"bar.example.com"}
		}},
		fixtures.Spec{ID: "wild", CN: "wild", Issuer: "ica", KeySlot: 102, DNS: []string{"*.example.com"}},
		fixtures.Spec{ID: "bar", CN: "bar", Issuer: "ica", KeySlot: 102, DNS: []string{"bar.example.com"}},
		fixtures.Spec{ID: "nc-root", CN: "NC-Root", CA: true, KeySlot: 103, Mutate: func(c *x509.Certificate) {
			c.PermittedDNSDomains = []string{"example.com"}
		}},
		// A self-issued intermediate (same subject as its issuer, another
		// key) naming a host outside the root's constraints.
		fixtures.Spec{ID: "rollover", CN: "NC-Root", Issuer: "nc-root", CA: true, KeySlot: 104, DNS: []string{"not-example.com"}},
		fixtures.Spec{ID: "leaf", CN: "ome.example.com", Issuer: "rollover", KeySlot: 102, DNS: []string{"ome.example.com"}},
	)
	for _, tc := range []struct {
		name  string
		chain []string
		want  chain.Reason
	}{
		{"wildcard SAN under an excluded name", []string{"wild", "ica", "root"}, chain.Valid},
		{"the excluded name itself", []string{"bar", "ica", "root"}, chain.NameConstraints},
		{"self-issued intermediate's SAN", []string{"leaf", "rollover", "nc-root"}, chain.StacksDisagree},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, v := chain.Judge(p.Chain(tc.chain...), chain.VerifyOptions{At: base, Usage: x509.ExtKeyUsageServerAuth})
			if v.Reason != tc.want || v.OK() && !strings.Contains(strings.Join(v.Caveats, " "), "comparing names as written") {
				t.Errorf("verdict %s (%v, caveats %q); want %s", v.Reason, v.Err, v.Caveats, tc.want)
			}
		})
	}
}

// Java refuses a host name whose A-label decodes to a label beginning or
// ending with '-' (x509-limbo's webpki::cn::utf8-vs-punycode-mismatch);
// OpenSSL matches it as written. On a chain made by the openssl CLI, which
// `openssl verify -verify_hostname` accepts for both names: the verdict on
// that name is stacks disagree naming Java, a valid IDN name stays valid.
func TestStackDivergenceALabel(t *testing.T) {
	bin, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl not installed")
	}
	dir := t.TempDir()
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("openssl %s: %v\n%s", args[0], err, out)
		}
	}
	ec := []string{"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"}
	run(append(append([]string{"req", "-x509"}, ec...), "-keyout", "root.key", "-out", "root.pem", "-subj", "/CN=IDN-Root", "-days", "3650",
		"-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign")...)
	run(append(append([]string{"req", "-x509"}, ec...), "-keyout", "leaf.key", "-out", "leaf.pem", "-subj", "/CN=leaf", "-days", "365",
		"-CA", "root.pem", "-CAkey", "root.key", "-addext", "subjectAltName=DNS:xn--test--wg5h0h.example,DNS:xn--bcher-kva.example",
		"-addext", "extendedKeyUsage=serverAuth")...)
	for _, name := range []string{"xn--test--wg5h0h.example", "xn--bcher-kva.example"} {
		run("verify", "-CAfile", "root.pem", "-verify_hostname", name, "leaf.pem")
	}
	var certs []*x509.Certificate
	for _, f := range []string{"leaf.pem", "root.pem"} {
		in, err := chain.ReadFile(filepath.Join(dir, f), chain.Options{})
		if err != nil {
			t.Fatal(err)
		}
		certs = append(certs, in.Certs...)
	}
	at := certs[0].NotBefore.Add(time.Hour)
	for name, want := range map[string]chain.Reason{"xn--test--wg5h0h.example": chain.StacksDisagree, "xn--bcher-kva.example": chain.Valid} {
		_, v := chain.Judge(certs, chain.VerifyOptions{At: at, Usage: x509.ExtKeyUsageServerAuth, Name: name})
		if v.Reason != want {
			t.Errorf("%s: %v (%v), want %v", name, v.Reason, v.Err, want)
			continue
		}
		if want == chain.StacksDisagree && !strings.HasPrefix(v.Err.Error(), "Java refuses, OpenSSL accepts (inferred)") {
			t.Errorf("%s: %q does not say which stack refuses", name, v.Err)
		}
	}
}
