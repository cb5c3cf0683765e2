package pairing_test

import (
	"crypto/x509"
	"slices"
	"testing"
	"time"

	"github.com/ome-preflight/ome-preflight/fixtures"
	"github.com/ome-preflight/ome-preflight/pairing"
	"github.com/ome-preflight/ome-preflight/report"
)

var given = report.ClockSource{Kind: report.ClockGiven, Text: "--source-time"}

// compareOf runs compare on the source and target chains (ids of p) at
// the test clock, both clocks given; mod changes the options first.
func compareOf(p *fixtures.PKI, src, tgt []string, mod func(o *pairing.CompareOptions)) func(t *testing.T) *report.Report {
	return func(t *testing.T) *report.Report {
		o := pairing.CompareOptions{Source: pairing.LabInput(p, src...), Target: pairing.LabInput(p, tgt...),
			SourceTime: pairing.TestClock, TargetTime: pairing.TestClock, SourceClockSource: given, TargetClockSource: given,
			MaxSkew: pairing.DefaultMaxSkew}
		if mod != nil {
			mod(&o)
		}
		return pairing.Compare(o)
	}
}

var (
	srcChain = []string{"source", "inter", "root"}
	tgtChain = []string{"target", "inter", "root"}
)

func pairErr(cert int, d string) want {
	return want{status: pairing.Error, cert: cert, details: d, args: noOME}
}

func TestRulePairCANames(t *testing.T) {
	p := pairing.LabPKI(t, nil,
		fixtures.Spec{ID: "inter2", CN: "Inter-CA2", Issuer: "root", CA: true},
		fixtures.Spec{ID: "target2", CN: "OMENT-400", Issuer: "inter2"})
	runRuleCases(t, "pair-ca-names", []ruleCase{
		{name: "the KB's valid example: same intermediate and root", run: compareOf(p, srcChain, tgtChain, nil), side: report.SidePair, want: pass()},
		{name: "the KB's invalid example: different intermediates", run: compareOf(p, srcChain, []string{"target2", "inter2", "root"}, nil), side: report.SidePair,
			want: want{status: pairing.Error, cert: 0, findings: 2, args: noOME,
				details: `row 1 (leaf): the source leaf "OMENT-310" is issued by "Inter-CA1", the target leaf "OMENT-400" by "Inter-CA2": both must be issued by the same CA`}},
		{name: "target uploaded as a single certificate", run: compareOf(p, srcChain, []string{"target"}, nil), side: report.SidePair,
			want: want{status: pairing.Error, cert: -1, findings: 2, args: noOME,
				details: `row 2: the source chain has "Inter-CA1" (issued by "Root-CA") and the target chain has nothing there: the chains differ in length`}},
		{name: "source uploaded as a single certificate", run: compareOf(p, []string{"source"}, tgtChain, nil), side: report.SidePair,
			want: pairErr(-1, `row 2: the target chain has "Inter-CA1" (issued by "Root-CA") and the source chain has nothing there`)},
	})
	// The row the intermediate differs in names both sides.
	r := compareOf(p, srcChain, []string{"target2", "inter2", "root"}, nil)(t)
	var msgs []string
	for _, f := range r.Findings {
		if f.Rule == "pair-ca-names" {
			msgs = append(msgs, f.Message)
		}
	}
	if len(msgs) != 2 || msgs[1] != `row 2: source "Inter-CA1" issued by "Root-CA", target "Inter-CA2" issued by "Root-CA"` {
		t.Errorf("pair-ca-names findings %q", msgs)
	}
	if r.WizardMessage != pairing.WizardMessage {
		t.Errorf("wizard message %q", r.WizardMessage)
	}
}

func TestRulePairCAKeys(t *testing.T) {
	// The target's CAs re-issued under the same names with new keys.
	p := pairing.LabPKI(t, nil,
		fixtures.Spec{ID: "root2", CN: "Root-CA", CA: true},
		fixtures.Spec{ID: "inter2", CN: "Inter-CA1", Issuer: "root2", CA: true},
		fixtures.Spec{ID: "target2", CN: "OMENT-400", Issuer: "inter2"})
	runRuleCases(t, "pair-ca-keys", []ruleCase{
		{name: "the same CA certificates", run: compareOf(p, srcChain, tgtChain, nil), side: report.SidePair, want: pass()},
		{name: "CAs renewed with new keys under the same names", run: compareOf(p, srcChain, []string{"target2", "inter2", "root2"}, nil), side: report.SidePair,
			want: want{status: pairing.Error, cert: 1, findings: 2, args: noOME,
				details: `row 2: "Inter-CA1" has the same name on both sides but different public keys (source SPKI `}},
		{name: "names differ: pair-ca-names' finding", run: compareOf(pairing.LabPKI(t, nil,
			fixtures.Spec{ID: "root2", CN: "Root-CA2", CA: true},
			fixtures.Spec{ID: "inter2", CN: "Inter-CA2", Issuer: "root2", CA: true},
			fixtures.Spec{ID: "target2", CN: "OMENT-400", Issuer: "inter2"}), srcChain, []string{"target2", "inter2", "root2"}, nil), side: report.SidePair, want: pass()},
	})
}

func TestRulePairTrust(t *testing.T) {
	p := pairing.LabPKI(t, edits{"target": func(s *fixtures.Spec) { s.EKU = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth} }},
		fixtures.Spec{ID: "root2", CN: "Root-CA2", CA: true},
		fixtures.Spec{ID: "inter2", CN: "Inter-CA1", Issuer: "root2", CA: true},
		fixtures.Spec{ID: "source2", CN: "OMENT-310", Issuer: "inter2"})
	runRuleCases(t, "pair-trust", []ruleCase{
		{name: "both chains under one root", run: compareOf(pairing.LabPKI(t, nil), srcChain, tgtChain, nil), side: report.SidePair, want: pass()},
		{name: "web server template on the target: clientAuth refused", run: compareOf(p, srcChain, tgtChain, nil), side: report.SidePair,
			want: pairErr(0, `target -> source: the source would not accept the target as TLS client (clientAuth) at its clock 2026-11-23T09:00:00Z: "OMENT-400" does not verify to the source root "Root-CA"`)},
		{name: "different roots", run: compareOf(p, []string{"source2", "inter2", "root2"}, []string{"source", "inter", "root"}, nil), side: report.SidePair,
			want: want{status: pairing.Error, cert: 0, findings: 4, args: noOME,
				details: `source -> target: the target would not accept the source as TLS server (serverAuth) at its clock 2026-11-23T09:00:00Z: "OMENT-310" does not verify to the target root "Root-CA"`}},
		{name: "the target's chain has no root", run: compareOf(pairing.LabPKI(t, nil), srcChain, []string{"target", "inter"}, nil), side: report.SidePair,
			want: pairErr(0, "source -> target: the target would not accept the source as TLS server (serverAuth) at its clock 2026-11-23T09:00:00Z: the target chain has no root certificate, so the target trusts nothing")},
		{name: "a SHA-1 link: Go refuses, Java may accept", run: compareOf(pairing.LabPKI(t, nil,
			fixtures.Spec{ID: "weak", CN: "Weak-CA", Issuer: "root", CA: true, Mutate: func(c *x509.Certificate) { c.SignatureAlgorithm = x509.SHA1WithRSA }},
			fixtures.Spec{ID: "target2", CN: "OMENT-400", Issuer: "weak"}), srcChain, []string{"target2", "weak", "root"}, nil), side: report.SidePair,
			want: warn(0, "Java refuses MD2 and MD5 but accepts SHA-1 outside its built-in roots")},
		{name: "expired at the peer's clock: pair-validity's finding", run: compareOf(pairing.LabPKI(t, nil), srcChain, tgtChain, func(o *pairing.CompareOptions) {
			o.SourceTime = o.SourceTime.AddDate(2, 0, 0)
			o.MaxSkew = 1000 * 24 * time.Hour
		}), side: report.SidePair, want: pass()},
	})
}

// The trust matrix: each chain verified with the other's root, for
// serverAuth and clientAuth, in this order.
func TestTrustMatrixLabels(t *testing.T) {
	p := pairing.LabPKI(t, edits{"target": func(s *fixtures.Spec) { s.EKU = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth} }})
	r := compareOf(p, srcChain, tgtChain, func(o *pairing.CompareOptions) { o.TargetTime = o.TargetTime.Add(time.Minute) })(t)
	type entry struct {
		presenter, verifier report.Side
		usage               report.Usage
		at                  time.Time
		ok                  bool
	}
	want := []entry{
		{report.SideSource, report.SideTarget, report.ServerAuth, pairing.TestClock.Add(time.Minute), true},
		{report.SideSource, report.SideTarget, report.ClientAuth, pairing.TestClock.Add(time.Minute), true},
		{report.SideTarget, report.SideSource, report.ServerAuth, pairing.TestClock, true},
		{report.SideTarget, report.SideSource, report.ClientAuth, pairing.TestClock, false},
	}
	var got []entry
	for _, tc := range r.Trust {
		got = append(got, entry{tc.Presenter, tc.Verifier, tc.Usage, tc.At, tc.OK})
		if tc.OK != (tc.Error == "") {
			t.Errorf("%+v: ok %v with error %q", tc, tc.OK, tc.Error)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("trust matrix\n got %+v\nwant %+v", got, want)
	}
	if report.ServerAuth != "serverAuth" || report.ClientAuth != "clientAuth" {
		t.Errorf("usage labels %q %q", report.ServerAuth, report.ClientAuth)
	}
}

func TestRulePairValidity(t *testing.T) {
	p := pairing.LabPKI(t, edits{"target": func(s *fixtures.Spec) { s.NotAfter = pairing.TestClock.Add(time.Hour) }})
	future := pairing.LabPKI(t, edits{"target": func(s *fixtures.Spec) { s.NotBefore = pairing.TestClock.Add(10 * time.Minute) }})
	runRuleCases(t, "pair-validity", []ruleCase{
		{name: "valid at both clocks, no window", run: compareOf(p, srcChain, tgtChain, nil), side: report.SidePair, want: pass()},
		{name: "window ends exactly at notAfter", run: compareOf(p, srcChain, tgtChain, func(o *pairing.CompareOptions) { o.Window = time.Hour }), side: report.SidePair, want: pass()},
		{name: "window one second past notAfter", run: compareOf(p, srcChain, tgtChain, func(o *pairing.CompareOptions) { o.Window = time.Hour + time.Second }), side: report.SidePair,
			want: want{status: pairing.Error, cert: 0, findings: 1, args: noOME,
				details: `target certificate 0 "OMENT-400" (leaf) expires at 2026-11-23T10:00:00Z, before the change window ends (source clock 2026-11-23T09:00:00Z + 1h0m1s = 2026-11-23T10:00:01Z)`}},
		{name: "expired at the source's clock", run: compareOf(p, srcChain, tgtChain, func(o *pairing.CompareOptions) {
			o.SourceTime = o.SourceTime.Add(2 * time.Hour)
		}), side: report.SidePair,
			want: pairErr(0, `target certificate 0 "OMENT-400" (leaf) has expired at the source clock 2026-11-23T11:00:00Z: valid until 2026-11-23T10:00:00Z`)},
		{name: "not yet valid at the source's clock", run: compareOf(future, srcChain, tgtChain, func(o *pairing.CompareOptions) {
			o.TargetTime = o.TargetTime.Add(time.Hour)
		}), side: report.SidePair,
			want: pairErr(0, `target certificate 0 "OMENT-400" (leaf) is not yet valid at the source clock 2026-11-23T09:00:00Z: valid from 2026-11-23T09:10:00Z`)},
	})
}

func TestRulePairClockSkew(t *testing.T) {
	p := pairing.LabPKI(t, nil)
	skew := func(d time.Duration) func(o *pairing.CompareOptions) {
		return func(o *pairing.CompareOptions) { o.TargetTime = o.TargetTime.Add(d) }
	}
	runRuleCases(t, "pair-clock-skew", []ruleCase{
		{name: "same clock", run: compareOf(p, srcChain, tgtChain, nil), side: report.SidePair, want: pass()},
		{name: "exactly --max-skew", run: compareOf(p, srcChain, tgtChain, skew(pairing.DefaultMaxSkew)), side: report.SidePair, want: pass()},
		{name: "exactly --max-skew, source ahead", run: compareOf(p, srcChain, tgtChain, skew(-pairing.DefaultMaxSkew)), side: report.SidePair, want: pass()},
		// report.Human shows 5m1s as "5m0s": the edge is pinned by the
		// status, the wording by the rest of the message.
		{name: "one second over --max-skew", run: compareOf(p, srcChain, tgtChain, skew(pairing.DefaultMaxSkew+time.Second)), side: report.SidePair,
			want: warn(-1, "the target clock is 5m1s ahead of the source clock (more than 5m0s); every certificate is valid (or not) at both clocks alike today")},
		{name: "source one second over", run: compareOf(p, srcChain, tgtChain, skew(-pairing.DefaultMaxSkew-time.Second)), side: report.SidePair,
			want: warn(-1, "the source clock is 5m1s ahead of the target clock (more than 5m0s)")},
		{name: "a --max-skew of 1m", run: compareOf(p, srcChain, tgtChain, func(o *pairing.CompareOptions) {
			o.MaxSkew, o.TargetTime = time.Minute, o.TargetTime.Add(2*time.Minute)
		}), side: report.SidePair, want: warn(-1, "(more than 1m0s)")},
		{name: "no clock given: not measured", run: compareOf(p, srcChain, tgtChain, func(o *pairing.CompareOptions) {
			o.SourceClockSource, o.TargetClockSource = report.ClockSourceThisMachine, report.ClockSourceThisMachine
		}), side: report.SidePair, want: na("no appliance clock was given (--source-time, --target-time)")},
		{name: "one clock given: measured", run: compareOf(p, srcChain, tgtChain, func(o *pairing.CompareOptions) {
			o.SourceClockSource = report.ClockSourceThisMachine
		}), side: report.SidePair, want: pass()},
	})
}
