package main

import (
	"encoding/json"
	"github.com/ome-preflight/ome-preflight/report"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func compareReport(t *testing.T, scenario string, extra ...string) report.Report {
	t.Helper()
	s := scenarioByName(t, scenario)
	writeScenario(t, s)
	args := append([]string{"compare", "--format", "json"}, extra...)
	args = append(append(args, s.ArgsAt(testBase)...), s.Positional...)
	res := runCLI(t, args...)
	var r report.Report
	if err := json.Unmarshal([]byte(res.stdout), &r); err != nil {
		t.Fatalf("code %d: %v\n%s", res.code, err, res.stderr)
	}
	return r
}

// rowMarks draws the KB table as "issued-to/issued-by <-> issued-to/issued-by".
func rowMarks(rows []report.Row) []string {
	var out []string
	cell := func(c *report.RowCert) string {
		if c == nil {
			return "-"
		}
		return c.Subject.DN + " / " + c.Issuer.DN
	}
	for _, r := range rows {
		mark := "<->"
		if !r.Match {
			mark = "X"
		} else if !r.SameKey {
			mark = "X(keys)"
		}
		out = append(out, cell(r.Source)+" "+mark+" "+cell(r.Target))
	}
	return out
}

func TestCompareRows(t *testing.T) {
	const o = ",O=Example Corp"
	cases := []struct {
		scenario string
		rows     []string
	}{
		{"good-pair", []string{
			"CN=OMENT-310" + o + " / CN=Inter-CA1" + o + " <-> CN=OMENT-400" + o + " / CN=Inter-CA1" + o,
			"CN=Inter-CA1" + o + " / CN=Root-CA" + o + " <-> CN=Inter-CA1" + o + " / CN=Root-CA" + o,
			"CN=Root-CA" + o + " / CN=Root-CA" + o + " <-> CN=Root-CA" + o + " / CN=Root-CA" + o}},
		{"different-intermediates", []string{ // the KB's invalid example
			"CN=OMENT-310" + o + " / CN=Inter-CA1" + o + " X CN=OMENT-400" + o + " / CN=Inter-CA2" + o,
			"CN=Inter-CA1" + o + " / CN=Root-CA" + o + " X CN=Inter-CA2" + o + " / CN=Root-CA" + o,
			"CN=Root-CA" + o + " / CN=Root-CA" + o + " <-> CN=Root-CA" + o + " / CN=Root-CA" + o}},
		{"same-names-different-keys", []string{
			"CN=OMENT-310" + o + " / CN=Inter-CA1" + o + " <-> CN=OMENT-400" + o + " / CN=Inter-CA1" + o,
			"CN=Inter-CA1" + o + " / CN=Root-CA" + o + " X(keys) CN=Inter-CA1" + o + " / CN=Root-CA" + o,
			"CN=Root-CA" + o + " / CN=Root-CA" + o + " X(keys) CN=Root-CA" + o + " / CN=Root-CA" + o}},
		{"root-missing-target", []string{
			"CN=OMENT-310" + o + " / CN=Inter-CA1" + o + " <-> CN=OMENT-400" + o + " / CN=Inter-CA1" + o,
			"CN=Inter-CA1" + o + " / CN=Root-CA" + o + " <-> CN=Inter-CA1" + o + " / CN=Root-CA" + o,
			"CN=Root-CA" + o + " / CN=Root-CA" + o + " X -"}},
	}
	for _, tc := range cases {
		t.Run(tc.scenario, func(t *testing.T) {
			r := compareReport(t, tc.scenario)
			if diff := cmp.Diff(tc.rows, rowMarks(r.Rows)); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCompareTrustMatrix(t *testing.T) {
	cases := []struct {
		scenario string
		ok       []bool // source->target server, client; target->source server, client
	}{
		{"good-pair", []bool{true, true, true, true}},
		{"different-intermediates", []bool{true, true, true, true}}, // same root: only OME's name check fails
		{"different-root", []bool{false, false, false, false}},
		{"same-names-different-keys", []bool{false, false, false, false}},
		{"target-server-auth-only", []bool{true, true, true, false}},
		{"root-missing-target", []bool{false, false, true, true}},
	}
	for _, tc := range cases {
		t.Run(tc.scenario, func(t *testing.T) {
			r := compareReport(t, tc.scenario)
			var got []bool
			for _, c := range r.Trust {
				got = append(got, c.OK)
			}
			if diff := cmp.Diff(tc.ok, got); diff != "" {
				t.Errorf("trust (-want +got):\n%s\n%+v", diff, r.Trust)
			}
		})
	}
}

// TestCompareClocks probes both sides of the skew and window thresholds.
func TestCompareClocks(t *testing.T) {
	cases := []struct {
		name, scenario string
		args           []string
		verdict        report.Verdict
		rule           string
	}{
		{"skew under max", "good-pair", []string{"--max-skew", "11m", "--source-time", "2026-11-23T09:00:00Z", "--target-time", "2026-11-23T09:10:00Z"}, "pass", ""},
		{"skew over max", "good-pair", []string{"--max-skew", "9m", "--source-time", "2026-11-23T09:00:00Z", "--target-time", "2026-11-23T09:10:00Z"}, "pass", "pair-clock-skew"},
		{"window just fits", "window-too-long", []string{"--window", "1h59m"}, "pass", ""},
		{"window too long", "window-too-long", []string{"--window", "2h1m"}, "fail", "pair-validity"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := scenarioByName(t, tc.scenario)
			writeScenario(t, s)
			args := append([]string{"compare", "--format", "json"}, tc.args...)
			if tc.scenario == "window-too-long" {
				args = append(args, "--source-time", testAt, "--target-time", testAt)
			}
			res := runCLI(t, append(args, s.Positional...)...)
			var r report.Report
			if err := json.Unmarshal([]byte(res.stdout), &r); err != nil {
				t.Fatalf("%v: %s", err, res.stderr)
			}
			if r.Verdict != tc.verdict {
				t.Errorf("verdict %s, want %s: %+v", r.Verdict, tc.verdict, r.Findings)
			}
			found := false
			for _, f := range r.Findings {
				if f.Rule == "pair-clock-skew" || f.Rule == "pair-validity" {
					found = found || f.Rule == tc.rule
					if tc.rule == "" {
						t.Errorf("unexpected %s: %s", f.Rule, f.Message)
					}
				}
			}
			if tc.rule != "" && !found {
				t.Errorf("no %s finding", tc.rule)
			}
		})
	}
}
