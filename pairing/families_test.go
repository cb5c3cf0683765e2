package pairing_test

import (
	"github.com/ome-preflight/ome-preflight/report"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/fixtures"
	"github.com/ome-preflight/ome-preflight/pairing"
)

// The upload and pair rule families, tested here without the CLI, in
// zlint's manner: every scenario of the lab (a minimal PKI each) through
// pairing.Check or pairing.Compare, with the rules it must fail; every
// rule of both families passes in the good scenario and fails in at least
// one other.

// scenarioRun runs a lab scenario through the rules directly.
func scenarioRun(t *testing.T, s fixtures.Scenario) *report.Report {
	t.Helper()
	files := map[string][]byte{}
	for _, f := range s.Build(base) {
		files[f.Name] = f.Data
	}
	read := func(name string) *chain.Input {
		in, err := chain.Parse(name, files[name], chain.Options{Password: func() (string, error) { return "lab", nil }})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return in
	}
	flags := map[string]string{}
	args := s.ArgsAt(base)
	for i := 0; i+1 < len(args); i += 2 {
		flags[args[i]] = args[i+1]
	}
	at := func(flag string) time.Time {
		if v, ok := flags[flag]; ok {
			tm, err := time.Parse(time.RFC3339, v)
			if err != nil {
				t.Fatal(err)
			}
			return tm
		}
		return base
	}
	var csr *chain.CSR
	if f, ok := flags["--csr"]; ok {
		c, err := chain.ParseCSR(f, files[f])
		if err != nil {
			t.Fatal(err)
		}
		csr = c
	}
	if s.Command == "check" {
		return pairing.Check(pairing.CheckOptions{Input: read(s.Positional[0]), CSR: csr, Mode: report.Mode(flags["--mode"]), At: at("--at"), Name: flags["--name"]})
	}
	var window time.Duration
	if w, ok := flags["--window"]; ok {
		d, err := time.ParseDuration(w)
		if err != nil {
			t.Fatal(err)
		}
		window = d
	}
	return pairing.Compare(pairing.CompareOptions{Source: read(s.Positional[0]), Target: read(s.Positional[1]),
		SourceTime: at("--source-time"), TargetTime: at("--target-time"), Window: window, MaxSkew: pairing.DefaultMaxSkew})
}

func TestRuleFamilies(t *testing.T) {
	failed, passedInGood := map[string]bool{}, map[string]bool{}
	for _, s := range fixtures.Scenarios() {
		t.Run(s.Command+"/"+s.Name, func(t *testing.T) {
			r := scenarioRun(t, s)
			if string(r.Verdict) != s.Want {
				t.Errorf("verdict %s, want %s: %+v", r.Verdict, s.Want, r.Findings)
			}
			var errs, warns []string
			for _, f := range r.Findings {
				switch f.Severity {
				case report.SevError:
					if !slices.Contains(errs, f.Rule) {
						errs = append(errs, f.Rule)
					}
				case report.SevWarning:
					warns = append(warns, f.Rule)
				}
			}
			sort.Strings(errs)
			var want []string
			want = append(want, s.WantErrors...)
			sort.Strings(want)
			if diff := cmp.Diff(want, errs); diff != "" {
				t.Errorf("error rules (-want +got):\n%s", diff)
			}
			for _, w := range s.WantWarnings {
				if !slices.Contains(warns, w) {
					t.Errorf("warning %s missing (got %v)", w, warns)
				}
			}
			for _, c := range r.Checks {
				switch c.Status {
				case report.Error, report.Warn:
					failed[c.Rule] = true
				case report.Pass:
					if s.Name == "good-chain" || s.Name == "good-pair" {
						passedInGood[c.Rule] = true
					}
				}
				// A check that fails has a finding that says so, and one
				// that passes has none at error level.
				has := false
				for _, f := range r.Findings {
					has = has || f.Rule == c.Rule && f.Side == c.Side && f.Severity == report.SevError
				}
				if c.Status == report.Pass && has {
					t.Errorf("%s %s: pass with an error finding", c.Rule, c.Side)
				}
			}
		})
	}
	for _, r := range pairing.Catalogue() {
		if r.Family == report.FamilyLive || r.Family == report.FamilyCSR || r.Family == report.FamilyTemplate || r.Family == report.FamilyBaseline {
			continue // live rules: live_test.go and the probe tests; csr rules: csr_test.go; template rules: template_test.go; baseline rules: baseline_test.go
		}
		if !failed[r.ID] && r.ID != "encoding-text" {
			t.Errorf("%s never fails in the lab", r.ID)
		}
		if !passedInGood[r.ID] && r.ID != "csr-key" && r.ID != "csr-wildcard" && r.ID != "leaf-name" {
			t.Errorf("%s never passes in the good scenarios", r.ID)
		}
	}
}
