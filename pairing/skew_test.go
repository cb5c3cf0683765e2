package pairing

import (
	"github.com/ome-preflight/ome-preflight/report"
	"strings"
	"testing"
	"time"

	"github.com/ome-preflight/ome-preflight/fixtures"
)

// pair-clock-skew names only certificates whose validity starts or ends
// between the two clocks: one valid at both clocks is not "not yet valid".
func TestPairSkewNamesOnlyCertificatesBetweenTheClocks(t *testing.T) {
	base := testClock
	srcAt, tgtAt := base, base.Add(2*time.Hour)
	cases := []struct {
		name      string
		notBefore time.Time
		notAfter  time.Time
		want      string
	}{
		// Issued 30 minutes before the slower clock: valid at both.
		{"valid at both clocks", base.Add(-30 * time.Minute), base.AddDate(1, 0, 0), "alike"},
		{"issued between the clocks", base.Add(time.Hour), base.AddDate(1, 0, 0), "not yet at the source's: target certificate 0"},
		{"expires between the clocks", base.AddDate(0, 0, -30), base.Add(time.Hour), "expired at the target's: target certificate 0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := labPKI(t, map[string]func(*fixtures.Spec){"target": func(s *fixtures.Spec) { s.NotBefore, s.NotAfter = tc.notBefore, tc.notAfter }})
			src := NewSubject(labInput(p, "source", "inter", "root"), nil, report.ModeMigration, srcAt, "")
			tgt := NewSubject(labInput(p, "target", "inter", "root"), nil, report.ModeMigration, tgtAt, "")
			res := checkPairSkew(NewPair(src, tgt, 0, 5*time.Minute))
			if len(res) != 1 || res[0].Status != Warn || !strings.Contains(res[0].Details, tc.want) {
				t.Errorf("%+v, want a warning with %q", res, tc.want)
			}
			if tc.want == "alike" && strings.Contains(res[0].Details, "not yet") {
				t.Errorf("a certificate valid at both clocks is called not yet valid: %s", res[0].Details)
			}
		})
	}
}

// Two sides judged at this machine's clock say nothing about the
// appliances' skew: pair-clock-skew is na, not pass. Given clocks earn it.
func TestPairSkewNeedsClocks(t *testing.T) {
	base := testClock
	in := labInput(labPKI(t, nil), "source", "inter", "root")
	status := func(srcSrc, tgtSrc report.ClockSource) report.CheckResult {
		r := Compare(CompareOptions{Source: in, Target: in, SourceTime: base, TargetTime: base, MaxSkew: DefaultMaxSkew,
			SourceClockSource: srcSrc, TargetClockSource: tgtSrc})
		for _, c := range r.Checks {
			if c.Rule == "pair-clock-skew" {
				return c
			}
		}
		t.Fatal("no pair-clock-skew check")
		return report.CheckResult{}
	}
	if c := status(report.ClockSourceThisMachine, report.ClockSourceThisMachine); c.Status != NA || !strings.Contains(c.Reason, "--source-time") {
		t.Errorf("both local: %s %q, want na naming --source-time", c.Status, c.Reason)
	}
	if c := status(report.ClockSource{Kind: report.ClockGiven, Text: "--source-time"}, report.ClockSource{Kind: report.ClockGiven, Text: "--target-time"}); c.Status != Pass {
		t.Errorf("both given: %s, want pass", c.Status)
	}
}

func TestWithArticle(t *testing.T) {
	for in, want := range map[string]string{
		"ECDSA P-256":    "an ECDSA P-256",
		"Ed25519":        "an Ed25519",
		"*dsa.PublicKey": "a *dsa.PublicKey",
		"RSA 1024":       "an RSA 1024",
		"DSA 2048":       "a DSA 2048",
		"Unknown":        "an Unknown",
		"":               "a ",
	} {
		if got := withArticle(in); got != want {
			t.Errorf("withArticle(%q) = %q, want %q", in, got, want)
		}
	}
}
