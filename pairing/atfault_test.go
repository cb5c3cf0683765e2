package pairing_test

import (
	"crypto/x509"
	"github.com/ome-preflight/ome-preflight/report"
	"strings"
	"testing"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/fixtures"
	"github.com/ome-preflight/ome-preflight/pairing"
)

// TestChainVerifyNamesCertificateAtFault: when a chain does not verify
// because of a CA's constraint, the finding names that CA (cert_index and
// message), not the leaf crypto/x509 reports for name constraints.
func TestChainVerifyNamesCertificateAtFault(t *testing.T) {
	srv := []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}
	cases := []struct {
		name      string
		specs     []fixtures.Spec
		order     []string
		wantIndex int
		wantText  []string
	}{
		{"pathlen", []fixtures.Spec{
			{ID: "root", CN: "PL-Root", CA: true},
			{ID: "i1", CN: "PL-Inter1", Issuer: "root", CA: true, Mutate: func(c *x509.Certificate) { c.MaxPathLen, c.MaxPathLenZero = 0, true }},
			{ID: "i2", CN: "PL-Inter2", Issuer: "i1", CA: true},
			{ID: "leaf", CN: "ome.lab.test", Issuer: "i2", DNS: []string{"ome.lab.test"}, EKU: srv},
		}, []string{"leaf", "i2", "i1", "root"}, 2, []string{`at certificate 2 "PL-Inter1" (intermediate)`, "allows 0 CA certificates below it; this chain has 1"}},
		{"pathlen one", []fixtures.Spec{
			{ID: "root", CN: "PL-Root", CA: true, Mutate: func(c *x509.Certificate) { c.MaxPathLen = 1 }},
			{ID: "i1", CN: "PL-Inter1", Issuer: "root", CA: true},
			{ID: "i2", CN: "PL-Inter2", Issuer: "i1", CA: true},
			{ID: "leaf", CN: "ome.lab.test", Issuer: "i2", DNS: []string{"ome.lab.test"}, EKU: srv},
		}, []string{"leaf", "i2", "i1", "root"}, 3, []string{`at certificate 3 "PL-Root" (root)`, "allows 1 CA certificate below it; this chain has 2"}},
		{"ca eku", []fixtures.Spec{
			{ID: "root", CN: "EKU-Root", CA: true},
			{ID: "i1", CN: "EKU-Inter", Issuer: "root", CA: true, EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}},
			{ID: "leaf", CN: "ome.lab.test", Issuer: "i1", DNS: []string{"ome.lab.test"}, EKU: srv},
		}, []string{"leaf", "i1", "root"}, 1, []string{`at certificate 1 "EKU-Inter" (intermediate)`, "restricts Extended Key Usage to clientAuth, which does not allow serverAuth"}},
		{"name constraints", []fixtures.Spec{
			{ID: "root", CN: "NC-Root", CA: true},
			{ID: "i1", CN: "NC-Inter", Issuer: "root", CA: true, Mutate: func(c *x509.Certificate) {
				c.PermittedDNSDomains, c.PermittedDNSDomainsCritical = []string{"corp.example"}, true
			}},
			{ID: "leaf", CN: "ome.lab.test", Issuer: "i1", DNS: []string{"ome.lab.test"}, EKU: srv},
		}, []string{"leaf", "i1", "root"}, 1, []string{`at certificate 1 "NC-Inter" (intermediate)`, `"ome.lab.test" is not permitted`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := fixtures.MustBuild(base, tc.specs...)
			in, err := chain.Parse("chain.pem", fixtures.PEM(p.Chain(tc.order...)...), chain.Options{})
			if err != nil {
				t.Fatal(err)
			}
			r := pairing.Check(pairing.CheckOptions{Input: in, Mode: report.ModeMigration, At: base})
			var f *report.Finding
			for i := range r.Findings {
				if r.Findings[i].Rule == "chain-verify" {
					f = &r.Findings[i]
				}
			}
			if f == nil {
				t.Fatalf("no chain-verify finding in %+v", r.Findings)
			}
			if f.CertIndex == nil || *f.CertIndex != tc.wantIndex {
				t.Errorf("cert_index = %v, want %d (%s)", f.CertIndex, tc.wantIndex, f.Message)
			}
			for _, w := range tc.wantText {
				if !strings.Contains(f.Message, w) {
					t.Errorf("message %q lacks %q", f.Message, w)
				}
			}
		})
	}
}
