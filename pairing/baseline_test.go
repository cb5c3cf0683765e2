package pairing

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ome-preflight/ome-preflight/fixtures"
	"github.com/ome-preflight/ome-preflight/report"
)

// observed is an appliance that showed chain (leaf first) at the test
// clock.
func observed(addr string, chain ...*fixturesCert) *report.Observation {
	o := &report.Observation{Address: addr, TLSVersion: "TLS 1.2", CipherSuite: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
		Clock: testClock, ClockSource: report.ClockSourceHTTP, AcceptableCAs: []report.Name{}}
	for _, c := range chain {
		o.Chain = append(o.Chain, c.Cert)
	}
	return o
}

type fixturesCert = fixtures.Cert

// probeOf is a probe report of the target alone serving ids of p.
func probeOf(p *fixtures.PKI, base *Baseline, ids ...string) *report.Report {
	var chain []*fixturesCert
	for _, id := range ids {
		chain = append(chain, p.Certs[id])
	}
	return Probe(ProbeOptions{Target: observed("10.0.0.6:443", chain...), MaxSkew: 5 * time.Minute, Flags: probeFlags, Baseline: base})
}

// Each baseline rule on a target whose chain changed since: a renewal is
// information, a CA of another name, key or root is an error, a root no
// longer served is neither.
func TestBaselineRules(t *testing.T) {
	lab := labPKI(t, nil)
	renewed := labPKI(t, map[string]func(*fixtures.Spec){"target": func(s *fixtures.Spec) { s.NotAfter = testClock.AddDate(2, 0, 0) }})
	otherInter := labPKI(t, nil, fixtures.Spec{ID: "inter2", CN: "Inter-CA2", Issuer: "root", CA: true}, fixtures.Spec{ID: "t2", CN: "OMENT-400", Issuer: "inter2"})
	rekeyed := labPKI(t, nil, fixtures.Spec{ID: "root2", CN: "Root-CA", CA: true}, fixtures.Spec{ID: "inter2", CN: "Inter-CA1", Issuer: "root2", CA: true},
		fixtures.Spec{ID: "t2", CN: "OMENT-400", Issuer: "inter2"})
	before := probeOf(lab, nil, "target", "inter", "root")
	cases := []struct {
		name      string
		now       *report.Report
		leaf, ca  report.Status
		caChanged bool
		why       string
	}{
		{"unchanged", probeOf(lab, nil, "target", "inter", "root"), Pass, Pass, false, ""},
		{"renewed under the same CA", probeOf(renewed, nil, "target", "inter", "root"), Info, Pass, false, "serves a new leaf under the same CA"},
		{"root no longer served", probeOf(lab, nil, "target", "inter"), Pass, Pass, false, ""},
		{"another intermediate", probeOf(otherInter, nil, "t2", "inter2", "root"), Pass, Error, true, `the leaf is issued by "Inter-CA2", before by "Inter-CA1"`},
		{"same names, new keys", probeOf(rekeyed, nil, "t2", "inter2", "root2"), Pass, Error, true, `the CA "Inter-CA1" has another key`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, err := BaselineOf("before.json", roundTrip(t, before), "", "10.0.0.6:443")
			if err != nil {
				t.Fatal(err)
			}
			// The report as probe builds it, now with the baseline.
			r := Probe(ProbeOptions{Target: tc.now.Target.Observed, MaxSkew: 5 * time.Minute, Flags: probeFlags, Baseline: b})
			status := map[string]report.CheckResult{}
			for _, c := range r.Checks {
				status[c.Rule] = c
			}
			if status["baseline-leaf"].Status != tc.leaf || status["baseline-ca"].Status != tc.ca {
				t.Errorf("baseline-leaf %s, baseline-ca %s; want %s, %s", status["baseline-leaf"].Status, status["baseline-ca"].Status, tc.leaf, tc.ca)
			}
			found := tc.why == ""
			for _, f := range r.Findings {
				found = found || strings.Contains(f.Message, tc.why)
			}
			if !found {
				t.Errorf("no finding says %q: %+v", tc.why, r.Findings)
			}
			for _, x := range r.WhatChanged.Items {
				if x.Item == report.ChangeCA && x.Changed != tc.caChanged {
					t.Errorf("CA item %+v, want changed %v", x, tc.caChanged)
				}
			}
			if tc.ca == Error && r.Verdict != report.VerdictFail {
				t.Errorf("verdict %s with a CA change", r.Verdict)
			}
		})
	}
}

// roundTrip is r as a later run reads it back from its JSON.
func roundTrip(t *testing.T, r *report.Report) *report.Report {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back report.Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	return &back
}

// A baseline must be of the appliances probed now.
func TestBaselineOf(t *testing.T) {
	lab := labPKI(t, nil)
	pair := Probe(ProbeOptions{Source: observed("10.0.0.5:443", lab.Certs["source"], lab.Certs["inter"], lab.Certs["root"]),
		Target: observed("10.0.0.6:443", lab.Certs["target"], lab.Certs["inter"], lab.Certs["root"]), MaxSkew: 5 * time.Minute, Flags: probeFlags})
	check := Check(CheckOptions{Input: labInput(lab, "target", "inter", "root"), Mode: report.ModeMigration, At: testClock})
	cases := []struct {
		name           string
		r              *report.Report
		source, target string
		other          bool
		err            string
	}{
		{"the same pair", pair, "10.0.0.5:443", "10.0.0.6:443", false, ""},
		{"the target alone", pair, "", "10.0.0.6:443", false, ""},
		{"another target", pair, "10.0.0.5:443", "10.0.0.7:443", true, "its target is 10.0.0.6:443, this probe's is 10.0.0.7:443"},
		{"the target as source", pair, "10.0.0.6:443", "", true, "its source is 10.0.0.5:443"},
		{"a check, one appliance", check, "", "10.0.0.6:443", false, ""},
		{"a check, two appliances", check, "10.0.0.5:443", "10.0.0.6:443", false, "is a check report"},
		{"rules", &report.Report{Command: "explain"}, "", "10.0.0.6:443", false, "not a probe, compare, check or checklist report"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, err := BaselineOf("before.json", roundTrip(t, tc.r), tc.source, tc.target)
			if tc.err == "" {
				if err != nil || b == nil {
					t.Fatalf("error %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "before.json") || errors.Is(err, ErrOtherAppliances) != tc.other {
				t.Errorf("error %v, want %q naming the file", err, tc.err)
			}
		})
	}
	cl := &report.Checklist{Command: "checklist", Pairs: []report.ChecklistPair{{Name: "dc1", Report: pair}}}
	if b, err := BaselineOfChecklist("cl.json", cl, "", "10.0.0.6:443"); err != nil || b.Pair != "dc1" || b.Target == nil {
		t.Errorf("checklist: %+v, %v", b, err)
	}
	if _, err := BaselineOfChecklist("cl.json", cl, "", "10.0.0.9:443"); !errors.Is(err, ErrOtherAppliances) {
		t.Errorf("checklist of other appliances: %v", err)
	}
}

// One appliance alone: pair rules na "no target given", no check of the
// target, live rules that need a peer na the same way.
func TestProbeOneApplianceRules(t *testing.T) {
	lab := labPKI(t, nil)
	yes := true
	src := observed("10.0.0.5:443", lab.Certs["source"], lab.Certs["inter"], lab.Certs["root"])
	src.API = &report.API{Version: "3.10.2", UtcTime: "x", NTP: &yes, Proxy: &yes, ProxyAddress: "10.9.9.9:3128"}
	r := Probe(ProbeOptions{Source: src, MaxSkew: 5 * time.Minute, Flags: probeFlags})
	if r.Target != nil || r.Verdict != report.VerdictPass || len(r.Incomplete) != 0 {
		t.Fatalf("target %v, verdict %s, incomplete %v", r.Target, r.Verdict, r.Incomplete)
	}
	for _, c := range r.Checks {
		switch {
		case c.Side == report.SideTarget:
			t.Errorf("%s: a check of the target", c.Rule)
		case c.Side == report.SidePair && (c.Status != NA || c.Reason != "no target given"):
			t.Errorf("%s: %s %q", c.Rule, c.Status, c.Reason)
		case c.Rule == "live-client-ca" || c.Rule == "live-handshake":
			if c.Status != NA || c.Reason != "no target given" {
				t.Errorf("%s: %s %q", c.Rule, c.Status, c.Reason)
			}
		case c.Rule == "api-proxy":
			if c.Status != NA || !strings.HasPrefix(c.Reason, "no target given: the source uses the proxy 10.9.9.9:3128") {
				t.Errorf("api-proxy: %s %q", c.Status, c.Reason)
			}
		}
	}
}

// An appliance not reached: each check it left na is marked with its side
// and the same short reason; the reason why is said once, on the
// appliance.
func TestNotReachedMarked(t *testing.T) {
	lab := labPKI(t, nil)
	src := observed("10.0.0.5:443", lab.Certs["source"], lab.Certs["inter"], lab.Certs["root"])
	tgt := &report.Observation{Address: "10.0.0.6:443", Clock: testClock, ClockSource: report.ClockSourceUnread,
		Failures: []report.Failure{{Step: "connect", Error: "dial tcp 10.0.0.6:443: connect: connection refused"}}}
	r := Probe(ProbeOptions{Source: src, Target: tgt, MaxSkew: 5 * time.Minute, Flags: probeFlags})
	if r.Target.NotReached != "connect failed: dial tcp 10.0.0.6:443: connect: connection refused" || r.Source.NotReached != "" {
		t.Errorf("not reached: source %q, target %q", r.Source.NotReached, r.Target.NotReached)
	}
	sides := map[report.Side]int{}
	for _, c := range r.Checks {
		if c.NotReached == "" {
			if c.Side == report.SideTarget && c.NotChecked() {
				t.Errorf("%s target: na %q, not marked not reached", c.Rule, c.Reason)
			}
			continue
		}
		sides[c.Side]++
		if c.NotReached != report.SideTarget || c.Reason != "the target 10.0.0.6:443 was not reached" || strings.Contains(c.Reason, "refused") {
			t.Errorf("%s %s: not_reached %q, reason %q", c.Rule, c.Side, c.NotReached, c.Reason)
		}
	}
	if sides[report.SideTarget] < 30 || sides[report.SidePair] != 6 || sides[report.SideSource] != 2 {
		t.Errorf("marked: %v", sides)
	}
	if len(r.Incomplete) != 1 || r.Incomplete[0] != "the target 10.0.0.6:443 was not reached" {
		t.Errorf("incomplete %q", r.Incomplete)
	}
	n := 0
	for _, f := range r.Findings {
		if strings.Contains(f.Message, "connection refused") {
			n++
		}
		if f.Side == report.SideTarget && f.Rule != "live-unreachable" {
			t.Errorf("a finding about the target, never reached: %s %s", f.Rule, f.Message)
		}
	}
	if n != 1 {
		t.Errorf("the dial error is in %d findings, want 1", n)
	}
}
