package pairing_test

import (
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"

	"github.com/ome-preflight/ome-preflight/fixtures"
	"github.com/ome-preflight/ome-preflight/pairing"
	"github.com/ome-preflight/ome-preflight/report"
)

// finding is the first finding of rule on side, or nil.
func finding(r *report.Report, rule string, side report.Side) *report.Finding {
	for i := range r.Findings {
		if f := &r.Findings[i]; f.Rule == rule && f.Side == side {
			return f
		}
	}
	return nil
}

// cliFlags words inputs as probe does.
func cliFlags(side report.Side, kind pairing.InputKind) string {
	switch kind {
	case pairing.AddressInput:
		return "--" + string(side)
	case pairing.ChainInput:
		return "--" + string(side) + "-chain"
	case pairing.FingerprintInput:
		return "--" + string(side) + "-fingerprint"
	}
	return ""
}

// A source that reports OME 4.x and a target that reports 3.10.x were
// given the other way round: api-version asks whether they were swapped,
// naming which address goes where; one wrong version alone does not.
func TestAPIVersionSwapped(t *testing.T) {
	p := pairing.LabPKI(t, nil)
	run := func(srcV, tgtV string) *report.Report {
		return probeOf(p, func(s, tg *report.Observation, o *pairing.ProbeOptions) {
			s.API, tg.API = &report.API{Version: srcV}, &report.API{Version: tgtV}
			o.Flags = cliFlags
		})(t)
	}
	r := run("4.0.1", "3.10.2")
	for _, side := range []report.Side{report.SideSource, report.SideTarget} {
		f := finding(r, "api-version", side)
		want := "Did you swap --source and --target? 10.0.0.6:443 (OME 3.10.2) is the 3.10.x appliance to migrate from, 10.0.0.5:443 (OME 4.0.1) the 4.0.x one to migrate to: give 10.0.0.6:443 as --source and 10.0.0.5:443 as --target."
		if f == nil || f.Fix != want {
			t.Errorf("%s: %+v; want the fix %q", side, f, want)
		}
	}
	for _, v := range [][2]string{{"3.9.0", "4.0.1"}, {"3.10.2", "3.10.2"}, {"4.0.1", "4.0.1"}} {
		r := run(v[0], v[1])
		for _, f := range r.Findings {
			if strings.Contains(f.Fix, "swap") {
				t.Errorf("%v: %s says %q", v, f.Rule, f.Fix)
			}
		}
	}
}

// live-chain-differs tells two chains apart by serial and SHA-256 where
// their names read the same (a re-issued leaf), and asks whether the two
// chain files were swapped when each side serves the other's leaf.
func TestChainDiffersIdentifies(t *testing.T) {
	p := pairing.LabPKI(t, nil, fixtures.Spec{ID: "reissued", CN: "OMENT-310", Issuer: "inter"})
	r := probeOf(p, func(_, _ *report.Observation, o *pairing.ProbeOptions) {
		o.SourceExpected = pairing.LabInput(p, "reissued", "inter", "root")
	})(t)
	f := finding(r, "live-chain-differs", report.SideSource)
	served, want := p.Certs["source"].Cert, p.Certs["reissued"].Cert
	sum := func(b []byte) string { s := sha256.Sum256(b); return fmt.Sprintf("%X", s[:8]) }
	wantMsg := fmt.Sprintf("source 10.0.0.5:443 serves OMENT-310 (serial %X, SHA-256 %s...) -> Inter-CA1 -> Root-CA, but reissued.pem holds OMENT-310 (serial %X, SHA-256 %s...) -> Inter-CA1 -> Root-CA",
		served.SerialNumber, sum(served.Raw), want.SerialNumber, sum(want.Raw))
	if f == nil || !strings.HasPrefix(f.Message, wantMsg) {
		t.Fatalf("%+v\nwant %q", f, wantMsg)
	}
	if strings.Contains(f.Fix, "swap") {
		t.Errorf("no swap here: %q", f.Fix)
	}
	r = probeOf(p, func(_, _ *report.Observation, o *pairing.ProbeOptions) {
		o.SourceExpected, o.TargetExpected = pairing.LabInput(p, "target", "inter", "root"), pairing.LabInput(p, "source", "inter", "root")
		o.Flags = cliFlags
	})(t)
	for _, side := range []report.Side{report.SideSource, report.SideTarget} {
		f := finding(r, "live-chain-differs", side)
		if f == nil || !strings.Contains(f.Fix, "did you swap --source-chain and --target-chain?") {
			t.Errorf("%s: %+v; want the swap asked", side, f)
		}
	}
}

// Credentials withheld from an appliance whose chain file was given: the
// fix does not ask for that file again.
func TestAPIAccessFixWithChainGiven(t *testing.T) {
	p := pairing.LabPKI(t, nil)
	refused := func(chainGiven bool) *report.Finding {
		r := probeOf(p, func(s, _ *report.Observation, o *pairing.ProbeOptions) {
			s.Chain = s.Chain[:1] // serves only its leaf
			s.API = &report.API{User: "admin", Refused: "credentials not sent to 10.0.0.5:443: its chain does not verify against the trust you supplied"}
			o.Flags = cliFlags
			if chainGiven {
				o.SourceExpected = pairing.LabInput(p, "source", "inter", "root")
			}
		})(t)
		return finding(r, "api-access", report.SideSource)
	}
	f := refused(true)
	if f == nil || strings.Contains(f.Fix, "Give --source-chain") || !strings.Contains(f.Fix, "source.pem") || !strings.Contains(f.Fix, "live-leaf-only") {
		t.Errorf("chain given: %+v", f)
	}
	f = refused(false)
	if f == nil || !strings.Contains(f.Fix, "Give --source-chain with the chain you uploaded") {
		t.Errorf("no chain given: %+v", f)
	}
}

// A chain read from a live appliance that lacks its root is fixed on the
// appliance, not in a file.
func TestChainCompleteLive(t *testing.T) {
	p := pairing.LabPKI(t, nil)
	r := probeOf(p, func(s, _ *report.Observation, _ *pairing.ProbeOptions) {
		s.Chain = s.Chain[:2] // leaf and intermediate, no root
	})(t)
	f := finding(r, "chain-complete", report.SideSource)
	if f == nil || strings.Contains(f.Fix, "to the file") || !strings.Contains(f.Fix, "Upload the full chain to the appliance") ||
		!strings.Contains(f.Message, "which 10.0.0.5:443 does not serve") {
		t.Errorf("%+v", f)
	}
	// The file case still says the file.
	c := pairing.Check(pairing.CheckOptions{Input: pairing.LabInput(p, "source", "inter"), Mode: report.ModeMigration, At: pairing.TestClock})
	f = finding(c, "chain-complete", report.SideNone)
	if f == nil || !strings.Contains(f.Fix, "to the file") {
		t.Errorf("file: %+v", f)
	}
}

// The wrong-order fix names assemble.
func TestChainOrderFixNamesAssemble(t *testing.T) {
	p := pairing.LabPKI(t, nil)
	r := pairing.Check(pairing.CheckOptions{Input: pairing.LabInput(p, "root", "inter", "source"), Mode: report.ModeMigration, At: pairing.TestClock})
	f := finding(r, "chain-order", report.SideNone)
	if f == nil || !strings.Contains(f.Fix, "ome-preflight assemble -o root-ordered.pem root.pem writes it in that order") {
		t.Errorf("%+v", f)
	}
}

// A passing handshake answered 401 says why, by what was sent over it.
func TestHTTP401Explained(t *testing.T) {
	p := pairing.LabPKI(t, nil)
	for _, tc := range []struct {
		api  *report.API
		want string
	}{
		{nil, "no credentials were sent, as no --user was given"},
		{&report.API{User: "admin", Refused: "credentials not sent"}, "credentials were withheld, see api-access"},
		{&report.API{User: "admin", AuthFailed: true}, "the API refused the credentials, see api-access"},
	} {
		r := probeOf(p, func(s, _ *report.Observation, _ *pairing.ProbeOptions) {
			s.API = tc.api
			s.Mutual = &report.MutualAttempt{Made: true, Version: "TLS 1.2", Peer: s.Chain, HTTPStatus: 401}
		})(t)
		var got []string
		for _, h := range r.Source.Observed.Handshakes {
			if h.Kind == report.KindMutual {
				if !h.OK || h.HTTPStatus != 401 {
					t.Fatalf("%+v", h)
				}
				got = append(got, h.HTTPNote)
			}
		}
		if len(got) != 1 || !strings.HasPrefix(got[0], tc.want) {
			t.Errorf("%+v: notes %q; want %q", tc.api, got, tc.want)
		}
	}
}
