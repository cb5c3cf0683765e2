package main

import (
	"crypto/x509"
	"github.com/ome-preflight/ome-preflight/report"
	"os"
	"path/filepath"
	"testing"

	"github.com/ome-preflight/ome-preflight/fixtures"
)

// checkStatus finds a rule's status on a side in a report.
func checkStatus(r report.Report, rule string, side report.Side) (report.Status, bool) {
	for _, c := range r.Checks {
		if c.Rule == rule && c.Side == side {
			return c.Status, true
		}
	}
	return report.NA, false
}

// One verifier: check, compare and a mock probe reach the same trust verdict
// on the same chains, including a root without Basic Constraints (trusted as
// given, as Java and OpenSSL do) and an intermediate whose EKU does not
// allow serverAuth (BetterTLS pathbuilding tc5's shape; EKU nests).
func TestOneVerifierSameVerdict(t *testing.T) {
	noLeaks(t)
	now := labClock(t)
	cases := []struct {
		name    string
		root    func(*x509.Certificate)
		interEK []x509.ExtKeyUsage
		trusted bool
	}{
		{"root without Basic Constraints", func(c *x509.Certificate) { c.BasicConstraintsValid, c.IsCA = false, false }, nil, true},
		{"intermediate EKU emailProtection only", nil, []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}, false},
		{"plain", nil, nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := fixtures.MustBuild(testBase,
				fixtures.Spec{ID: "root", CN: fixtures.RootCN, CA: true, Mutate: tc.root},
				fixtures.Spec{ID: "inter", CN: fixtures.InterCN, Issuer: "root", CA: true, EKU: tc.interEK},
				fixtures.Spec{ID: "source", CN: fixtures.SourceCN, Issuer: "inter"},
				fixtures.Spec{ID: "target", CN: fixtures.TargetCN, Issuer: "inter"},
				fixtures.Spec{ID: "standin", CN: "ome-preflight-standin", Issuer: "inter"},
			)
			dir := t.TempDir()
			src := writeChain(t, dir, "source.pem", p.Chain("source", "inter", "root")...)
			tgt := writeChain(t, dir, "target.pem", p.Chain("target", "inter", "root")...)
			standin := writeChain(t, dir, "standin.pem", p.Chain("standin", "inter")...)
			key := filepath.Join(dir, "standin.key")
			os.WriteFile(key, fixtures.KeyPEM(p.Certs["standin"].Key), 0o600)

			want := report.Pass
			if !tc.trusted {
				want = report.Error
			}
			verdicts := map[string]report.Status{}
			res := runCLI(t, "check", "--format", "json", "--at", testBase.Format("2006-01-02T15:04:05Z"), src)
			var r report.Report
			if err := jsonUnmarshal(res.stdout, &r); err != nil {
				t.Fatalf("check: %v %s", err, res.stderr)
			}
			verdicts["check chain-verify"], _ = checkStatus(r, "chain-verify", "")

			res = runCLI(t, "compare", "--format", "json", "--source-time", testBase.Format("2006-01-02T15:04:05Z"), "--target-time", testBase.Format("2006-01-02T15:04:05Z"), src, tgt)
			if err := jsonUnmarshal(res.stdout, &r); err != nil {
				t.Fatalf("compare: %v %s", err, res.stderr)
			}
			verdicts["compare pair-trust"], _ = checkStatus(r, "pair-trust", "pair")

			mock := func(leaf string) *fixtures.Mock {
				return mockOf(t, p, now, leaf, func(o *fixtures.MockOptions) { o.ClientAuth = "request" })
			}
			ms, mt := mock("source"), mock("target")
			res = runCLI(t, probeArgs(ms.Addr, mt.Addr, "--client-cert", standin, "--client-key", key)...)
			if err := jsonUnmarshal(res.stdout, &r); err != nil {
				t.Fatalf("probe: %v %s", err, res.stderr)
			}
			verdicts["probe live-handshake source"], _ = checkStatus(r, "live-handshake", "source")
			verdicts["probe live-handshake target"], _ = checkStatus(r, "live-handshake", "target")
			for k, v := range verdicts {
				if v != want {
					t.Errorf("%s: %s, want %s", k, v, want)
				}
			}
			if t.Failed() {
				for _, f := range r.Findings {
					t.Logf("probe finding %s %s: %s", f.Rule, f.Side, f.Message)
				}
			}
		})
	}
}
