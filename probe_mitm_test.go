package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"github.com/ome-preflight/ome-preflight/report"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ome-preflight/ome-preflight/fixtures"
)

// mitmPKI is the lab's PKI plus what a man in the middle might hold: a
// sibling leaf from the same CA, an expired leaf, an unrelated self-signed
// certificate with the source's name.
func mitmPKI() *fixtures.PKI {
	b := testBase
	return fixtures.MustBuild(b,
		fixtures.Spec{ID: "root", CN: fixtures.RootCN, CA: true},
		fixtures.Spec{ID: "inter", CN: fixtures.InterCN, Issuer: "root", CA: true},
		fixtures.Spec{ID: "source", CN: fixtures.SourceCN, Issuer: "inter"},
		fixtures.Spec{ID: "target", CN: fixtures.TargetCN, Issuer: "inter"},
		fixtures.Spec{ID: "sibling", CN: "workstation-42", Issuer: "inter"},
		fixtures.Spec{ID: "expired", CN: fixtures.SourceCN, Issuer: "inter", NotBefore: b.AddDate(0, 0, -800), NotAfter: b.AddDate(0, 0, -400)},
		fixtures.Spec{ID: "impostor", CN: fixtures.SourceCN},
	)
}

func mockOf(t *testing.T, p *fixtures.PKI, now func() time.Time, leaf string, mut func(*fixtures.MockOptions)) *fixtures.Mock {
	t.Helper()
	certs := []*x509.Certificate{p.Certs[leaf].Cert}
	if leaf != "impostor" {
		certs = append(certs, p.Chain("inter", "root")...)
	}
	o := fixtures.MockOptions{Chain: certs, Key: p.Certs[leaf].Key, Listen: "127.0.0.1:0", ClientAuth: "none",
		User: "admin", Password: "pw", NTP: true, Now: now, Version: "4.0.1"}
	if mut != nil {
		mut(&o)
	}
	m, err := fixtures.StartMock(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// passthrough forwards the first connection to first and every later one to
// rest: a man in the middle that lets the observing handshake through.
func passthrough(t *testing.T, first, rest string) string {
	addr, _ := loopProxy(t, func(n int) string {
		if n == 0 {
			return first
		}
		return rest
	}, nil)
	return addr
}

func writeChain(t *testing.T, dir, name string, certs ...*x509.Certificate) string {
	f := filepath.Join(dir, name)
	if err := os.WriteFile(f, fixtures.PEM(certs...), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// The OME password goes only over a connection that was itself verified:
// the expected leaf, serverAuth, valid at this machine's clock, TLS 1.2 or
// later. Each case is a man in the middle or an impostor that must receive
// no Authorization header.
func TestProbeCredentialsOnlyToVerifiedPeer(t *testing.T) {
	noLeaks(t)
	now := labClock(t)
	p := mitmPKI()
	dir := t.TempDir()
	srcChain := writeChain(t, dir, "source.pem", p.Chain("source", "inter", "root")...)
	tgtChain := writeChain(t, dir, "target.pem", p.Chain("target", "inter", "root")...)
	expChain := writeChain(t, dir, "expired.pem", p.Chain("expired", "inter", "root")...)
	rootFile := writeChain(t, dir, "root.pem", p.Chain("root")...)
	evilFile := writeChain(t, dir, "evil.pem", p.Chain("impostor")...)
	tgt := mockOf(t, p, now, "target", nil)

	// Positive control: the real source, pinned by its chain, gets the
	// credentials (so that the cases below can fail).
	real := mockOf(t, p, now, "source", nil)
	r := probeReport(t, 0, probeArgs(real.Addr, tgt.Addr, "--user", "admin", "--source-chain", srcChain, "--target-chain", tgtChain)...)
	if real.CredentialsSeen() == 0 || r.Source.Observed.API.Version == "" {
		t.Fatalf("control: the verified source was not read (refused %q)", r.Source.Observed.API.Refused)
	}
	// The same with --ca: a chain that verifies to --ca still pins.
	before := real.CredentialsSeen()
	r = probeReport(t, 0, probeArgs(real.Addr, tgt.Addr, "--user", "admin", "--ca", rootFile, "--source-chain", srcChain, "--target-chain", tgtChain)...)
	if real.CredentialsSeen() == before || r.Source.Observed.API.Version == "" {
		t.Fatalf("control with --ca: the verified source was not read (refused %q)", r.Source.Observed.API.Refused)
	}

	cases := []struct {
		name   string
		source func() (addr string, victims []*fixtures.Mock)
		args   []string
		refuse string
	}{
		// The first connection (observing or verifying: they run at once)
		// reaches the real appliance, every other one an impostor. The real
		// appliance may receive credentials over a connection verified as
		// reaching it; the impostor never.
		{"connection 1 passed through, the rest answered by an impostor", func() (string, []*fixtures.Mock) {
			good, bad := mockOf(t, p, now, "source", nil), mockOf(t, p, now, "impostor", nil)
			return passthrough(t, good.Addr, bad.Addr), []*fixtures.Mock{bad}
		}, []string{"--source-chain", srcChain}, "not the certificate you expect"},
		{"connection 1 passed through, the rest by a sibling from the same CA", func() (string, []*fixtures.Mock) {
			good, bad := mockOf(t, p, now, "source", nil), mockOf(t, p, now, "sibling", nil)
			return passthrough(t, good.Addr, bad.Addr), []*fixtures.Mock{bad}
		}, []string{"--source-chain", srcChain}, "not the certificate you expect"},
		{"a sibling leaf from the same CA", func() (string, []*fixtures.Mock) {
			m := mockOf(t, p, now, "sibling", nil)
			return m.Addr, []*fixtures.Mock{m}
		}, []string{"--source-chain", srcChain}, "workstation-42"},
		{"only --ca: same CA is not the same appliance", func() (string, []*fixtures.Mock) {
			m := mockOf(t, p, now, "sibling", nil)
			return m.Addr, []*fixtures.Mock{m}
		}, []string{"--ca", rootFile}, "no expected certificate to pin"},
		{"--ca with a pinned chain that brings its own root", func() (string, []*fixtures.Mock) {
			m := mockOf(t, p, now, "impostor", nil)
			return m.Addr, []*fixtures.Mock{m}
		}, []string{"--ca", rootFile, "--source-chain", evilFile}, "evil.pem, does not verify to --ca " + rootFile},
		{"an expired leaf behind a lying Date header", func() (string, []*fixtures.Mock) {
			m := mockOf(t, p, now, "expired", func(o *fixtures.MockOptions) { o.ClockOffset = -550 * 24 * time.Hour })
			return m.Addr, []*fixtures.Mock{m}
		}, []string{"--source-chain", expChain}, "not valid at this machine's clock"},
		{"TLS 1.0", func() (string, []*fixtures.Mock) {
			m := mockOf(t, p, now, "source", func(o *fixtures.MockOptions) { o.TLSMinVersion, o.TLSMaxVersion = tls.VersionTLS10, tls.VersionTLS10 })
			return m.Addr, []*fixtures.Mock{m}
		}, []string{"--source-chain", srcChain}, "TLS 1.2 or later"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			addr, victims := tc.source()
			t.Setenv("OME_PASSWORD", "pw")
			res := runCLI(t, append(probeArgs(addr, tgt.Addr, "--user", "admin", "--target-chain", tgtChain), tc.args...)...)
			for _, m := range victims {
				if n := m.CredentialsSeen(); n != 0 {
					t.Errorf("%s received credentials %d times", m.Addr, n)
				}
			}
			if strings.Contains(res.stdout+res.stderr, "pw\"") || strings.Contains(res.stdout+res.stderr, base64Of("pw")) {
				t.Error("the password appears in the output")
			}
			var r report.Report
			if err := jsonUnmarshal(res.stdout, &r); err != nil {
				t.Fatalf("exit %d: %v\n%s", res.code, err, res.stderr)
			}
			api := r.Source.Observed.API
			// Refused outright, or, where the first connection reached the
			// appliance, the further ones the impostor answered refused by
			// the gate and said (their GETs went over the verified one).
			if api == nil || !strings.Contains(api.Refused+strings.Join(api.Errors, " ")+strings.Join(api.GateRefused, " "), tc.refuse) {
				t.Errorf("source API %+v, want credentials refused with %q", api, tc.refuse)
			}
			for _, c := range r.Checks {
				if api != nil && api.Refused != "" && c.Side == "source" && strings.HasPrefix(c.Rule, "api-") && c.Rule != "api-access" && c.Status != report.NA {
					t.Errorf("%s source: %s, want na (API not read)", c.Rule, c.Status)
				}
			}
		})
	}
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

// checklist --ca binds the password as probe does: an inventory pair whose
// chain file brings its own root, not --ca's, sends no credentials.
func TestChecklistCABindsPassword(t *testing.T) {
	noLeaks(t)
	now := labClock(t)
	p := mitmPKI()
	dir := t.TempDir()
	tgt := mockOf(t, p, now, "target", nil)
	evil := mockOf(t, p, now, "impostor", nil)
	writeChain(t, dir, "evil.pem", p.Chain("impostor")...)
	writeChain(t, dir, "target.pem", p.Chain("target", "inter", "root")...)
	rootFile := writeChain(t, dir, "root.pem", p.Chain("root")...)
	inv := filepath.Join(dir, "inventory.yaml")
	doc := "pairs:\n  - name: evil\n    source: { address: " + evil.Addr + ", chain: evil.pem }\n    target: { address: " + tgt.Addr + ", chain: target.pem }\n"
	if err := os.WriteFile(inv, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("OME_PASSWORD", "pw")
	res := runCLI(t, "checklist", "--user", "admin", "--ca", rootFile, "--out", dir, "--format", "json", inv)
	if n := evil.CredentialsSeen(); n != 0 {
		t.Errorf("the appliance serving evil.pem received credentials %d times", n)
	}
	if tgt.CredentialsSeen() == 0 {
		t.Errorf("control: the target, whose chain verifies to --ca, was not read")
	}
	if !strings.Contains(res.stdout, "evil.pem, does not verify to --ca") {
		t.Errorf("the report does not name the chain file and --ca:\n%s\n%s", res.stdout, res.stderr)
	}
}
