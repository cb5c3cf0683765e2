package report

import (
	"crypto/x509/pkix"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The typed fields keep the contract's JSON: names as DN strings (not
// HTML-escaped), durations as Go durations and seconds, clock sources as
// their text, omitted empty client certificates.
func TestJSONShapes(t *testing.T) {
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		v    any
		want string
	}{
		{"name", NameOf(pkix.Name{CommonName: "a<b>&c, Inc", Organization: []string{"Ex"}}), `"CN=a\\<b\\>&c\\, Inc,O=Ex"`},
		{"clock info", ClockInfo{Source: at, Target: at.Add(-90 * time.Second), Skew: 90 * time.Second, MaxSkew: 5 * time.Minute, Window: 4 * time.Hour},
			`{"source":"2026-11-23T09:00:00Z","target":"2026-11-23T08:58:30Z","skew_seconds":90,"max_skew":"5m0s","window":"4h0m0s","window_seconds":14400}`},
		{"clock source", Appliance{Clock: at, ClockSource: ClockSourceThisMachine, Chain: []Cert{}},
			`{"clock":"2026-11-23T09:00:00Z","clock_source":"local clock of this machine","chain":[],"path":""}`},
		{"handshake without client cert", Handshake{Kind: KindObserve, OK: true}, `{"kind":"observe","ok":true}`},
		{"handshake with client cert", Handshake{Kind: KindMutual, ClientCert: Name{DN: "CN=x"}}, `{"kind":"mutual","client_cert":"CN=x","ok":false}`},
		{"checklist pair", ChecklistPair{Name: "p<1>", Verdict: VerdictPass, Kind: KindCompare, Window: 36 * time.Hour},
			`{"name":"p<1>","verdict":"pass","kind":"compare","window":"36h0m0s","report":null}`},
		{"finding keeps catalogue place out", Finding{Rule: "r", Side: SideSource, Family: FamilyPair, CatalogueIndex: 3, OMEMessageArgs: []string{}},
			`{"rule":"r","severity":"","side":"source","cert_index":null,"ome_message_id":"","ome_message_args":[],"message":"","message_id":"","message_args":[],"fix":"","fix_id":"","fix_args":[],"reference":"","doc":""}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := marshal(tc.v)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, string(got)); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

// What JSON wrote reads back into the same durations and clock kinds.
func TestReadBack(t *testing.T) {
	in := ChecklistPair{Name: "p", Verdict: VerdictFail, Kind: KindProbe, Window: 90 * time.Minute, Report: &Report{
		Clocks: &ClockInfo{Skew: -3 * time.Minute, MaxSkew: 5 * time.Minute, Window: 90 * time.Minute},
		Source: &Appliance{ClockSource: ClockSourceUnread, Chain: []Cert{}},
		Target: &Appliance{ClockSource: ClockSource{ClockGiven, "--target-time"}, Chain: []Cert{}}}}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out ChecklistPair
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if out.Window != in.Window || *out.Report.Clocks != *in.Report.Clocks {
		t.Errorf("window %v clocks %+v, want %v %+v", out.Window, out.Report.Clocks, in.Window, in.Report.Clocks)
	}
	if out.Report.Source.ClockSource != ClockSourceUnread || out.Report.Target.ClockSource.Kind != ClockGiven {
		t.Errorf("clock sources %+v %+v", out.Report.Source.ClockSource, out.Report.Target.ClockSource)
	}
}

func TestNameShort(t *testing.T) {
	for _, tc := range []struct {
		n    pkix.Name
		want string
	}{
		{pkix.Name{CommonName: "OMENT-310", Organization: []string{"Example Corp"}}, "OMENT-310"},
		{pkix.Name{CommonName: "Foo, Inc"}, `Foo\, Inc`}, // as the DN string shows it
		{pkix.Name{Organization: []string{"No CN"}}, "O=No CN"},
	} {
		if got := NameOf(tc.n).Short(); got != tc.want {
			t.Errorf("%v: %q, want %q", tc.n, got, tc.want)
		}
	}
}

// The wizard's causes: error findings of pair and live rules, in catalogue
// order, findings of one rule in their own order.
func TestWizardCauses(t *testing.T) {
	r := &Report{Findings: []Finding{
		{Rule: "live-handshake", Severity: SevError, Family: FamilyLive, CatalogueIndex: 30, Message: "a"},
		{Rule: "chain-complete", Severity: SevError, Family: FamilyUpload, CatalogueIndex: 6},
		{Rule: "pair-trust", Severity: SevError, Family: FamilyPair, CatalogueIndex: 22, Message: "1"},
		{Rule: "pair-clock-skew", Severity: SevWarning, Family: FamilyPair, CatalogueIndex: 24},
		{Rule: "pair-trust", Severity: SevError, Family: FamilyPair, CatalogueIndex: 22, Message: "2"},
		{Rule: "pair-ca-names", Severity: SevError, Family: FamilyPair, CatalogueIndex: 20},
	}}
	var got []string
	for _, f := range r.WizardCauses() {
		got = append(got, f.Rule+f.Message)
	}
	want := []string{"pair-ca-names", "pair-trust1", "pair-trust2", "live-handshakea"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

// Human is the one way a duration is written: the same 400-day skew reads
// "400 days" whether it was measured a round trip short or given as hours;
// below two days it keeps the second (a window of 1h0m1s is not 1h).
func TestHumanDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		9600 * time.Hour:                         "400 days",
		400*24*time.Hour - 2*time.Second:         "400 days",
		400*24*time.Hour - 1500*time.Millisecond: "400 days",
		399*24*time.Hour + 23*time.Hour:          "399 days",
		48 * time.Hour:                           "2 days",
		48*time.Hour - 20*time.Second:            "2 days",
		47 * time.Hour:                           "47h0m0s",
		time.Hour + time.Second:                  "1h0m1s",
		5*time.Minute + time.Second:              "5m1s",
		30 * time.Second:                         "30s",
		1400 * time.Millisecond:                  "1s",
		0:                                        "0s",
	} {
		if got := Human(d); got != want {
			t.Errorf("Human(%s) = %q, want %q", d, got, want)
		}
	}
}
