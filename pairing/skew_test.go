package pairing

import (
	"strings"
	"testing"
	"time"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/fixtures"
)

// pair-clock-skew names only certificates whose validity starts or ends
// between the two clocks: one valid at both clocks is not "not yet valid".
func TestPairSkewNamesOnlyCertificatesBetweenTheClocks(t *testing.T) {
	base := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
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
			p := fixtures.MustBuild(base,
				fixtures.Spec{ID: "root", CN: "Root-CA", CA: true},
				fixtures.Spec{ID: "inter", CN: "Inter-CA1", Issuer: "root", CA: true},
				fixtures.Spec{ID: "source", CN: "OMENT-310", Issuer: "inter"},
				fixtures.Spec{ID: "target", CN: "OMENT-400", Issuer: "inter", NotBefore: tc.notBefore, NotAfter: tc.notAfter},
			)
			in := func(ids ...string) *chain.Input {
				return &chain.Input{File: ids[0] + ".pem", Encoding: chain.EncPEM, Certs: p.Chain(ids...)}
			}
			src := NewSubject(in("source", "inter", "root"), nil, ModeMigration, srcAt, "")
			tgt := NewSubject(in("target", "inter", "root"), nil, ModeMigration, tgtAt, "")
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

// The zoomed timeline shows a 4-hour change window wide; the overview keeps
// the whole validity span.
func TestTimelineZoom(t *testing.T) {
	base := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	p := fixtures.MustBuild(base,
		fixtures.Spec{ID: "root", CN: "Root-CA", CA: true},
		fixtures.Spec{ID: "inter", CN: "Inter-CA1", Issuer: "root", CA: true},
		fixtures.Spec{ID: "source", CN: "OMENT-310", Issuer: "inter"},
		fixtures.Spec{ID: "target", CN: "OMENT-400", Issuer: "inter"},
	)
	in := func(ids ...string) *chain.Input {
		return &chain.Input{File: ids[0] + ".pem", Encoding: chain.EncPEM, Certs: p.Chain(ids...)}
	}
	r := Compare(CompareOptions{Source: in("source", "inter", "root"), Target: in("target", "inter", "root"),
		SourceTime: base, TargetTime: base.Add(2 * time.Minute), Window: 4 * time.Hour})
	zoom, overview := buildZoom(r, 4*time.Hour), buildTimeline(r, 4*time.Hour)
	if len(zoom.Windows) != 2 || zoom.Windows[0].W < 200 {
		t.Errorf("zoomed window %d px wide, want most of the 640 px plot", zoom.Windows[0].W)
	}
	if overview.Windows[0].W > 5 || len(overview.Bars) != 6 {
		t.Errorf("overview: window %d px, %d bars", overview.Windows[0].W, len(overview.Bars))
	}
	if !strings.Contains(zoom.Ticks[0].Label, ":") {
		t.Errorf("zoomed ticks %q should carry the time of day", zoom.Ticks[0].Label)
	}
}
