package render

import (
	"bytes"
	"github.com/ome-preflight/ome-preflight/report"
	"strings"
	"testing"
	"time"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/fixtures"
	"github.com/ome-preflight/ome-preflight/pairing"
)

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
	r := pairing.Compare(pairing.CompareOptions{Source: in("source", "inter", "root"), Target: in("target", "inter", "root"),
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

// A check report's JSON is the same through the lighter view as through the
// full report type.
func TestCheckJSONView(t *testing.T) {
	base := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	p := fixtures.MustBuild(base, fixtures.Spec{ID: "root", CN: "Root-CA", CA: true}, fixtures.Spec{ID: "leaf", CN: "x", Issuer: "root"})
	r := pairing.Check(pairing.CheckOptions{Input: &chain.Input{File: "a.pem", Encoding: chain.EncPEM, Certs: p.Chain("leaf", "root")}, At: base})
	var full, view strings.Builder
	if err := RenderJSON(&full, r); err != nil {
		t.Fatal(err)
	}
	if err := Render(&view, r, "json", RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	if full.String() != view.String() {
		t.Errorf("the check view's JSON differs:\n%s\nwant\n%s", view.String(), full.String())
	}
	in := func(ids ...string) *chain.Input {
		return &chain.Input{File: ids[0] + ".pem", Encoding: chain.EncPEM, Certs: p.Chain(ids...)}
	}
	c := pairing.Compare(pairing.CompareOptions{Source: in("leaf", "root"), Target: in("leaf", "root"), SourceTime: base, TargetTime: base})
	full.Reset()
	view.Reset()
	RenderJSON(&full, c)
	Render(&view, c, "json", RenderOptions{})
	if full.String() != view.String() || !strings.Contains(view.String(), `"rows"`) {
		t.Errorf("the compare view's JSON differs:\n%s\nwant\n%s", view.String(), full.String())
	}
}

// Every lab scenario renders the same JSON through the check and compare
// views as through encoding/json on the full report type.
func TestJSONViewLabScenarios(t *testing.T) {
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	n := 0
	for _, sc := range fixtures.Scenarios() {
		files := map[string][]byte{}
		for _, f := range sc.Build(at) {
			files[f.Name] = f.Data
		}
		read := func(name string) *chain.Input {
			in, err := chain.Parse(name, files[name], chain.Options{Password: func() (string, error) { return "lab", nil }})
			if err != nil {
				t.Fatalf("%s: %s: %v", sc.Name, name, err)
			}
			return in
		}
		var r *report.Report
		if sc.Command == "check" {
			r = pairing.Check(pairing.CheckOptions{Input: read(sc.Positional[0]), At: at})
		} else {
			r = pairing.Compare(pairing.CompareOptions{Source: read(sc.Positional[0]), Target: read(sc.Positional[1]), SourceTime: at, TargetTime: at.Add(time.Minute)})
		}
		var got, want bytes.Buffer
		if err := Render(&got, r, "json", RenderOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := RenderJSON(&want, r); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("%s: the view's JSON differs:\n%s\nwant\n%s", sc.Name, got.String(), want.String())
		}
		n++
	}
	if n < 5 {
		t.Fatalf("only %d lab scenarios", n)
	}
}

// NOT CHECKED groups rules by reason and by the sides they were not checked
// on: a rule missing on one side only is not listed as missing on both.
func TestNotCheckedGroupsBySides(t *testing.T) {
	why := "the source 10.9.9.9 was not reached"
	r := &report.Report{Command: "probe", Checks: []report.CheckResult{
		{Rule: "leaf-eku", Side: "source", Status: report.NA, Reason: why},
		{Rule: "leaf-eku", Side: "target", Status: report.Pass},
		{Rule: "live-client-ca", Side: "source", Status: report.NA, Reason: why},
		{Rule: "live-client-ca", Side: "target", Status: report.NA, Reason: why},
		{Rule: "chain-verify", Side: "source", Status: report.NA, Reason: why},
		{Rule: "csr-key", Side: "target", Status: report.NA},
	}}
	var b strings.Builder
	notCheckedText(&b, r, painter{})
	want := "\nNOT CHECKED\n" +
		"  ? leaf-eku, chain-verify (source) not checked: " + why + "\n" +
		"  ? live-client-ca (source, target) not checked: " + why + "\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}
