package main

import (
	"crypto/x509"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ome-preflight/ome-preflight/fixtures"
	"github.com/ome-preflight/ome-preflight/report"
)

// A leaf whose Key Usage has Key Encipherment but not Digital Signature
// cannot sign OME's (EC)DHE_RSA key exchange or a client CertificateVerify:
// check says so (leaf-key-usage, error), and OpenSSL itself refuses it as a
// TLS client certificate while it accepts the lab's control leaf.
func TestLeafWithoutDigitalSignature(t *testing.T) {
	both := []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}
	p := fixtures.MustBuild(testBase,
		fixtures.Spec{ID: "root", CN: "Root-CA", CA: true},
		fixtures.Spec{ID: "keonly", CN: "OMENT-310", Issuer: "root", EKU: both, KU: x509.KeyUsageKeyEncipherment},
		fixtures.Spec{ID: "control", CN: "OMENT-400", Issuer: "root", EKU: both},
	)
	dir := t.TempDir()
	bad := writeChain(t, dir, "keonly.pem", p.Chain("keonly", "root")...)
	good := writeChain(t, dir, "control.pem", p.Chain("control", "root")...)
	r := checkReport(t, bad)
	found := false
	for _, f := range r.Findings {
		if f.Rule == "leaf-key-usage" && f.Severity == "error" && strings.Contains(f.Message, "not Digital Signature") && f.OMEMessageID == "" {
			found = true
		}
	}
	if !found {
		t.Errorf("no leaf-key-usage error about Digital Signature: %+v", r.Findings)
	}
	for _, f := range checkReport(t, good).Findings {
		if f.Rule == "leaf-key-usage" {
			t.Errorf("control leaf: %s", f.Message)
		}
	}
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl not installed: the independent half is skipped")
	}
	root := writeChain(t, dir, "root.pem", p.Chain("root")...)
	verify := func(leafFile string) error {
		leaf := writeChain(t, dir, "leaf-"+filepath.Base(leafFile), p.Certs[strings.TrimSuffix(filepath.Base(leafFile), ".pem")].Cert)
		return exec.Command("openssl", "verify", "-attime", "1795424400", "-no-CAfile", "-no-CApath", "-CAfile", root, "-purpose", "sslclient", leaf).Run()
	}
	if err := verify(good); err != nil {
		t.Errorf("openssl refuses the control leaf as a TLS client: %v", err)
	}
	if err := verify(bad); err == nil {
		t.Error("openssl accepts the keyEncipherment-only leaf as a TLS client")
	}
}

// checkReport runs check on file (JSON, at the test clock) and decodes it.
func checkReport(t *testing.T, file string) report.Report {
	t.Helper()
	res := runCLI(t, "check", "--format", "json", "--at", testAt, file)
	var r report.Report
	if err := json.Unmarshal([]byte(res.stdout), &r); err != nil {
		t.Fatalf("check %s: exit %d: %v\n%s", file, res.code, err, res.stderr)
	}
	return r
}
