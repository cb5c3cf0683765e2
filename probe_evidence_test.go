package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ome-preflight/ome-preflight/fixtures"
	"github.com/ome-preflight/ome-preflight/report"
)

// Issue 22: change-window evidence. The served chain saved as a file,
// one appliance alone, --wait for an appliance that restarts, --baseline
// for what changed, and an unreachable appliance said once. Every test
// probes mock appliances on loopback.

// sha256Re matches a full SHA-256 in hex: the lab's keys are drawn per
// test binary, so fingerprints differ between runs.
var sha256Re = regexp.MustCompile(`[0-9a-f]{64}|\[[0-9a-f]{8}\]`)

// portRe matches a mock's port where a finding names it alone.
var portRe = regexp.MustCompile(`port [0-9]{4,5}\b`)

// evidenceGolden compares probe output with a golden, addresses and
// fingerprints normalised.
func evidenceGolden(t *testing.T, name, got string) {
	t.Helper()
	got = addrRe.ReplaceAllString(got, "MOCK")
	got = sha256Re.ReplaceAllString(got, "<sha256>")
	got = portRe.ReplaceAllString(got, "port PORT")
	golden(t, name, got)
}

func frozenClock(t *testing.T) func() time.Time {
	frozen := func() time.Time { return testBase }
	pinClock(t, frozen)
	return frozen
}

// The served chains, saved with --save-chains, are files check, compare
// and assemble take as they are; the fingerprint printed is the leaf's;
// nothing is ever overwritten.
func TestProbeSaveChains(t *testing.T) {
	noLeaks(t)
	now := frozenClock(t)
	dir := pairLab(t, "good-pair")
	src := startMock(t, dir, "source", "127.0.0.1:0", now, nil)
	defer src.Close()
	tgt := startMock(t, dir, "target", "127.0.0.2:0", now, nil)
	defer tgt.Close()
	saved := filepath.Join(t.TempDir(), "saved")
	res := runCLI(t, probeArgs(src.Addr, tgt.Addr, "--save-chains", saved)...)
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	var r report.Report
	if err := json.Unmarshal([]byte(res.stdout), &r); err != nil {
		t.Fatal(err)
	}
	files := map[report.Side]string{}
	for _, sd := range []struct {
		side report.Side
		a    *report.Appliance
		addr string
	}{{report.SideSource, r.Source, src.Addr}, {report.SideTarget, r.Target, tgt.Addr}} {
		host, port, _ := net.SplitHostPort(sd.addr)
		want := filepath.Join(saved, string(sd.side)+"-"+host+"_"+port+".pem")
		if sd.a.SavedChain != want {
			t.Errorf("%s: saved_chain %q, want %q", sd.side, sd.a.SavedChain, want)
		}
		data, err := os.ReadFile(want)
		if err != nil {
			t.Fatal(err)
		}
		// Leaf first, root last, nothing but certificates.
		if n := strings.Count(string(data), "-----BEGIN CERTIFICATE-----"); n != 3 || !strings.HasPrefix(string(data), "-----BEGIN CERTIFICATE-----") {
			t.Errorf("%s: %d certificates in %s", sd.side, n, want)
		}
		if !strings.Contains(res.stderr, "leaf SHA-256 "+sd.a.Chain[0].SHA256) || !strings.Contains(res.stderr, want) {
			t.Errorf("stderr does not name %s with its leaf's SHA-256 %s:\n%s", want, sd.a.Chain[0].SHA256, res.stderr)
		}
		files[sd.side] = want
	}
	for _, args := range [][]string{
		{"check", files[report.SideSource]},
		{"check", files[report.SideTarget]},
		{"compare", files[report.SideSource], files[report.SideTarget]},
		{"assemble", "-o", filepath.Join(t.TempDir(), "chain.pem"), files[report.SideTarget]},
	} {
		if res := runCLI(t, args...); res.code != 0 {
			t.Errorf("%v: exit %d\n%s%s", args, res.code, res.stdout, res.stderr)
		}
	}
	// The saved chain pins the appliance for credentials, as the chain
	// uploaded would.
	t.Setenv("OME_PASSWORD", "pw")
	if res := runCLI(t, probeArgs(src.Addr, tgt.Addr, "--user", "admin", "--source-chain", files[report.SideSource], "--target-chain", files[report.SideTarget],
		"--client-cert", "standin.pem", "--client-key", "standin.key")...); res.code != 0 {
		t.Errorf("probe with the saved chains as expected chains: exit %d\n%s", res.code, res.stderr)
	}
	// A second run into the same folder stops before probing: exit 2,
	// the file named, the first one kept.
	before, _ := os.ReadFile(files[report.SideSource])
	hits := src.Hits()
	res = runCLI(t, probeArgs(src.Addr, tgt.Addr, "--save-chains", saved)...)
	if res.code != 2 || !strings.Contains(res.stderr, files[report.SideSource]+" already exists") || !strings.Contains(res.stderr, "hint:") {
		t.Errorf("second run: exit %d, stderr %q; want 2 naming the file", res.code, res.stderr)
	}
	if after, _ := os.ReadFile(files[report.SideSource]); string(after) != string(before) {
		t.Error("the saved chain was overwritten")
	}
	if got := src.Hits(); len(got) != len(hits) || got["GET /"] != hits["GET /"] {
		t.Errorf("the appliance was probed before the refusal: %v, then %v", hits, got)
	}
}

// A chain saved from an appliance that serves only its leaf is said to be
// incomplete, with the way to complete it.
func TestProbeSaveChainsLeafOnly(t *testing.T) {
	noLeaks(t)
	now := frozenClock(t)
	dir := pairLab(t, "good-pair")
	tgt := startMock(t, dir, "target", "127.0.0.2:0", now, func(o *fixtures.MockOptions) { o.LeafOnly = true })
	defer tgt.Close()
	saved := t.TempDir()
	res := runCLI(t, "probe", "--target", tgt.Addr, "--save-chains", saved)
	if res.code != 1 || !strings.Contains(res.stderr, "not OME-ready: no complete chain: no root was served") || !strings.Contains(res.stderr, "ome-preflight assemble") {
		t.Errorf("exit %d, stderr:\n%s", res.code, res.stderr)
	}
	host, port, _ := net.SplitHostPort(tgt.Addr)
	if res := runCLI(t, "check", filepath.Join(saved, "target-"+host+"_"+port+".pem")); res.code != 1 || !strings.Contains(res.stdout, "chain-complete") {
		t.Errorf("check of the saved leaf: exit %d\n%s", res.code, res.stdout)
	}
}

func TestChainFileName(t *testing.T) {
	cases := []struct {
		side       report.Side
		addr, want string
	}{
		{report.SideSource, "10.0.0.5", "source-10.0.0.5_443.pem"},
		{report.SideTarget, "10.0.0.6:8443", "target-10.0.0.6_8443.pem"},
		{report.SideTarget, "[fd00::6]:443", "target-fd00--6_443.pem"},
		{report.SideSource, "fd00::5", "source-fd00--5_443.pem"},
		{report.SideSource, "OME310.example.com", "source-OME310.example.com_443.pem"},
		{report.SideTarget, "[fe80::1%eth0]:443", "target-fe80--1-eth0_443.pem"},
	}
	for _, tc := range cases {
		if got := chainFileName(tc.side, tc.addr); got != tc.want {
			t.Errorf("%s %s: %s, want %s", tc.side, tc.addr, got, tc.want)
		}
	}
}

// One appliance alone: its own checks run, every pair rule is na with
// its reason, and the exit code is the usual one.
func TestProbeOneAppliance(t *testing.T) {
	noLeaks(t)
	now := frozenClock(t)
	dir := pairLab(t, "good-pair")
	src := startMock(t, dir, "source", "127.0.0.1:0", now, nil)
	defer src.Close()
	r := probeReport(t, 0, "probe", "--format", "json", "--timeout", "5s", "--source", src.Addr, "--user", "admin", "--source-chain", "source.pem",
		"--client-cert", "standin.pem", "--client-key", "standin.key")
	if r.Target != nil || r.Source == nil || r.Verdict != report.VerdictPass || !strings.Contains(r.Scope, "the source alone") {
		t.Fatalf("target %v, verdict %s, scope %q", r.Target, r.Verdict, r.Scope)
	}
	status := checksByRule(r)
	for _, c := range r.Checks {
		if c.Side == report.SideTarget {
			t.Errorf("%s: a check of the target, which was not given", c.Rule)
		}
		if strings.HasPrefix(c.Rule, "pair-") && (c.Status != report.NA || c.Reason != "no target given") {
			t.Errorf("%s: %s %q, want na \"no target given\"", c.Rule, c.Status, c.Reason)
		}
	}
	for _, id := range []string{"live-tls", "live-clock", "live-leaf-only", "live-chain-differs", "live-key", "api-version", "api-access", "api-ntp", "chain-complete", "leaf-eku"} {
		if c := status[id+"/source"]; c.Status != report.Pass {
			t.Errorf("%s source: %s %q, want pass", id, c.Status, c.Reason)
		}
	}
	for _, id := range []string{"live-client-ca", "live-handshake"} {
		if c := status[id+"/source"]; c.Status != report.NA || c.Reason != "no target given" {
			t.Errorf("%s source: %s %q, want na: no target given", id, c.Status, c.Reason)
		}
	}
	if o := r.Source.Observed; !o.RequestsClientCert || o.API == nil || o.API.Version != "3.10.2" || r.Source.ClockSource != report.ClockSourceAPI {
		t.Errorf("the source was not observed in full: %+v", o)
	}
	assertGETOnly(t, src)

	res := runCLI(t, "probe", "--no-color", "--timeout", "5s", "--source", src.Addr, "--source-chain", "source.pem")
	if res.code != 0 {
		t.Errorf("text: exit %d\n%s", res.code, res.stderr)
	}
	evidenceGolden(t, "probe/one-appliance.txt", res.stdout)

	// The target alone, serving only its leaf: an error finding, exit 1.
	tgt := startMock(t, dir, "target", "127.0.0.2:0", now, func(o *fixtures.MockOptions) { o.LeafOnly = true })
	defer tgt.Close()
	r = probeReport(t, 1, "probe", "--format", "json", "--timeout", "5s", "--target", tgt.Addr)
	if r.Source != nil || !hasFinding(r, "live-leaf-only", report.SevError) {
		t.Errorf("target alone, leaf only: source %v, findings %+v", r.Source, r.Findings)
	}
	// One appliance, not reached: exit 3.
	r = probeReport(t, 3, "probe", "--format", "json", "--timeout", "2s", "--target", refusedAddr(t))
	if r.Verdict != report.VerdictIncomplete || r.Target.NotReached == "" {
		t.Errorf("target alone, refused: verdict %s, not_reached %q", r.Verdict, r.Target.NotReached)
	}
}

// An appliance not reached is said once: no row per check repeating the
// dial error, no statement about what it does, no clock drawn; the chain
// the user expects it to serve is still checked, offline.
func TestProbeUnreachedSaidOnce(t *testing.T) {
	noLeaks(t)
	now := frozenClock(t)
	dir := pairLab(t, "good-pair")
	src := startMock(t, dir, "source", "127.0.0.1:0", now, func(o *fixtures.MockOptions) { o.ClientAuth = "none" })
	defer src.Close()
	down := refusedAddr(t)
	args := []string{"probe", "--no-color", "--timeout", "2s", "--source", src.Addr, "--target", down, "--source-chain", "source.pem", "--target-chain", "target.pem"}
	r := probeReport(t, 3, append(args, "--format", "json")...)
	if !strings.HasPrefix(r.Target.NotReached, "connect failed: ") || r.Target.File != "target.pem" || len(r.Target.Chain) != 3 {
		t.Errorf("target: not_reached %q, file %q, %d certificates", r.Target.NotReached, r.Target.File, len(r.Target.Chain))
	}
	status := checksByRule(r)
	for _, id := range []string{"chain-complete", "leaf-eku", "validity", "encoding"} {
		if c := status[id+"/target"]; c.Status != report.Pass {
			t.Errorf("%s target (the expected chain, offline): %s %q, want pass", id, c.Status, c.Reason)
		}
	}
	marked := 0
	for _, c := range r.Checks {
		if c.NotReached == report.SideTarget {
			marked++
			if c.Reason != "the target "+down+" was not reached" {
				t.Errorf("%s %s: reason %q", c.Rule, c.Side, c.Reason)
			}
		}
	}
	if marked < 20 || len(r.Incomplete) != 1 {
		t.Errorf("%d checks marked not reached, incomplete %q", marked, r.Incomplete)
	}
	for _, format := range []string{"text", "markdown"} {
		res := runCLI(t, append(args, "--format", format)...)
		// The dial error: in the live-unreachable finding, and in the
		// "fix first" line that leads with it; nowhere else.
		if n := strings.Count(res.stdout, "connection refused"); n != 2 {
			t.Errorf("%s: the dial error is said %d times, want 2 (the finding and fix first):\n%s", format, n, res.stdout)
		}
		if n := strings.Count(res.stdout, "not reached: the target "+down); n != 1 {
			t.Errorf("%s: %d \"not reached\" lines, want 1", format, n)
		}
		for _, line := range strings.Split(res.stdout, "\n") {
			if strings.Contains(line, down) && (strings.Contains(line, "does not request") || strings.Contains(line, "clock 20")) {
				t.Errorf("%s: a statement about the target, never reached: %s", format, line)
			}
		}
		if format == "markdown" {
			evidenceGolden(t, "probe/unreached.md", res.stdout)
		}
	}
}

// --wait: an appliance that resets connections (a web server restarting
// after a chain upload) or refuses them (not listening yet) is retried
// until it answers; one that never answers ends the wait, exit 3.
func TestProbeWait(t *testing.T) {
	noLeaks(t)
	now := frozenClock(t)
	dir := pairLab(t, "good-pair")
	src := startMock(t, dir, "source", "127.0.0.1:0", now, nil)
	defer src.Close()

	t.Run("resets, then answers", func(t *testing.T) {
		tgt := startMock(t, dir, "target", "127.0.0.2:0", now, func(o *fixtures.MockOptions) { o.Restarting = 1500 * time.Millisecond })
		defer tgt.Close()
		r := probeReport(t, 0, probeArgs(src.Addr, tgt.Addr, "--wait", "20s", "--client-cert", "standin.pem", "--client-key", "standin.key")...)
		w := r.Target.Observed.Wait
		if w == nil || !w.Answered || w.Attempts < 2 || tgt.Resets() < 1 || !strings.Contains(w.LastError, "reset") {
			t.Errorf("wait %+v, %d resets", w, tgt.Resets())
		}
		if sw := r.Source.Observed.Wait; sw == nil || sw.Attempts != 1 || !sw.Answered {
			t.Errorf("source wait %+v, want answered at once", sw)
		}
	})
	t.Run("refuses, then answers", func(t *testing.T) {
		addr := refusedAddr(t)
		started := make(chan *fixtures.Mock, 1)
		go func() {
			time.Sleep(1200 * time.Millisecond)
			m, err := fixtures.StartMock(mockOpts(t, dir, "target", addr, now))
			if err != nil {
				t.Error(err)
			}
			started <- m
		}()
		r := probeReport(t, 0, probeArgs(src.Addr, addr, "--wait", "20s", "--client-cert", "standin.pem", "--client-key", "standin.key")...)
		if m := <-started; m != nil {
			defer m.Close()
		}
		if w := r.Target.Observed.Wait; w == nil || !w.Answered || w.Attempts < 2 || !strings.Contains(w.LastError, "refused") {
			t.Errorf("wait %+v", w)
		}
	})
	t.Run("never answers", func(t *testing.T) {
		down := refusedAddr(t)
		start := time.Now()
		r := probeReport(t, 3, probeArgs(src.Addr, down, "--wait", "1500ms", "--handshake-timeout", "1s")...)
		if took := time.Since(start); took < 1500*time.Millisecond || took > 10*time.Second {
			t.Errorf("took %s for --wait 1.5s", took)
		}
		w := r.Target.Observed.Wait
		if w == nil || w.Answered || w.Attempts < 2 || !strings.Contains(r.Target.NotReached, "after --wait 1.5s") {
			t.Errorf("wait %+v, not_reached %q", w, r.Target.NotReached)
		}
	})
}

// mockOpts are startMock's options for side of dir on addr.
func mockOpts(t *testing.T, dir, side, addr string, now func() time.Time) fixtures.MockOptions {
	certs, key := loadPair(t, dir, side)
	return fixtures.MockOptions{Chain: certs, Key: key, Listen: addr, ClientAuth: "require", ClientCAs: certs[1:], User: "admin", Password: "pw", NTP: true, Now: now}
}

// --baseline: after the target's leaf is renewed under the same CA the
// report says what changed (information); after the target moves to
// another CA, baseline-ca fails; a baseline of other appliances, or a file
// that is no report, is exit 2 naming the file.
func TestProbeBaseline(t *testing.T) {
	noLeaks(t)
	now := frozenClock(t)
	dir := pairLab(t, "good-pair")
	src := startMock(t, dir, "source", "127.0.0.1:0", now, nil)
	defer src.Close()
	tgt := startMock(t, dir, "target", "127.0.0.2:0", now, nil)
	addr := tgt.Addr
	t.Setenv("OME_PASSWORD", "pw")
	withAPI := []string{"--user", "admin", "--insecure", "--client-cert", "standin.pem", "--client-key", "standin.key"}
	before := runCLI(t, probeArgs(src.Addr, addr, withAPI...)...)
	if before.code != 0 {
		t.Fatalf("baseline probe: exit %d\n%s", before.code, before.stderr)
	}
	base := filepath.Join(t.TempDir(), "before.json")
	os.WriteFile(base, []byte(before.stdout), 0o600)

	// Nothing changed.
	r := probeReport(t, 0, probeArgs(src.Addr, addr, append(withAPI, "--baseline", base)...)...)
	if r.WhatChanged == nil || r.WhatChanged.Changed() != 0 || len(r.WhatChanged.Items) != 12 {
		t.Errorf("what changed: %+v", r.WhatChanged)
	}

	// The target's leaf renewed: same key, same CA, new validity.
	tgt.Close()
	renewed := fixtures.MustBuild(testBase,
		fixtures.Spec{ID: "root", CN: fixtures.RootCN, CA: true},
		fixtures.Spec{ID: "inter", CN: fixtures.InterCN, Issuer: "root", CA: true},
		fixtures.Spec{ID: "source", CN: fixtures.SourceCN, Issuer: "inter", DNS: []string{"oment-310.example.com"}},
		fixtures.Spec{ID: "target", CN: fixtures.TargetCN, Issuer: "inter", DNS: []string{"oment-400.example.com"}, NotAfter: testBase.AddDate(2, 0, 0)})
	tgt = startMock(t, dir, "target", addr, now, func(o *fixtures.MockOptions) { o.Chain = renewed.Chain("target", "inter", "root") })
	res := runCLI(t, "probe", "--no-color", "--timeout", "5s", "--target", addr, "--user", "admin", "--insecure", "--baseline", base, "--client-cert", "standin.pem", "--client-key", "standin.key")
	if res.code != 0 {
		t.Errorf("renewed leaf: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	evidenceGolden(t, "probe/baseline-renewed.txt", strings.ReplaceAll(res.stdout, base, "before.json"))
	// The what-changed table in Korean and Dutch: its labels, marks and
	// values in the run's language, the exit code the same. (The section
	// alone: the rest of the report names the mock's port.)
	for _, l := range []string{"ko", "nl"} {
		res := runCLI(t, "probe", "--no-color", "--lang", l, "--timeout", "5s", "--target", addr, "--user", "admin", "--insecure", "--baseline", base, "--client-cert", "standin.pem", "--client-key", "standin.key")
		if res.code != 0 {
			t.Errorf("renewed leaf, %s: exit %d", l, res.code)
		}
		out := strings.ReplaceAll(res.stdout, base, "before.json")
		start := strings.Index(out, "before.json (probe)")
		if start < 0 {
			t.Fatalf("%s: no what-changed section:\n%s", l, out)
		}
		section, _, _ := strings.Cut(out[strings.LastIndex(out[:start], "\n")+1:], "\n\n")
		evidenceGolden(t, "i18n/"+l+"/baseline-renewed.txt", section+"\n")
	}
	r = probeReport(t, 0, "probe", "--format", "json", "--timeout", "5s", "--target", addr, "--user", "admin", "--insecure", "--baseline", base, "--client-cert", "standin.pem", "--client-key", "standin.key")
	changed := map[report.ChangeItem]bool{}
	for _, x := range r.WhatChanged.Items {
		if x.Side == report.SideSource {
			t.Errorf("an item of the source, which was not probed: %+v", x)
		}
		changed[x.Item] = x.Changed
	}
	if !changed[report.ChangeLeaf] || changed[report.ChangeCA] || !changed[report.ChangeChain] || changed[report.ChangeVersion] || changed[report.ChangeVerdict] {
		t.Errorf("renewed leaf: changed %v", changed)
	}
	if !hasFinding(r, "baseline-leaf", report.SevInfo) || hasFinding(r, "baseline-ca", report.SevError) {
		t.Errorf("renewed leaf: findings %+v", r.Findings)
	}

	// The target moved to another CA (Inter-CA2): baseline-ca fails.
	tgt.Close()
	other := t.TempDir()
	writeLab(t, other, "different-intermediates")
	tgt = startMock(t, filepath.Join(other, "different-intermediates"), "target", addr, now, nil)
	defer tgt.Close()
	r = probeReport(t, 1, probeArgs(src.Addr, addr, append(withAPI, "--baseline", base)...)...)
	if !hasFinding(r, "baseline-ca", report.SevError) || r.FixFirst == nil {
		t.Errorf("another CA: findings %+v", r.Findings)
	}
	for _, x := range r.WhatChanged.Items {
		if x.Item == report.ChangeCA && x.Side == report.SideTarget && (!x.Changed || x.Before != "Inter-CA1, Root-CA" || x.After != "Inter-CA2, Root-CA") {
			t.Errorf("CA item %+v", x)
		}
		if x.Item == report.ChangeVerdict && (x.Before != "pass" || x.After != "fail" || !x.Changed) {
			t.Errorf("verdict item %+v", x)
		}
	}
	md := runCLI(t, probeArgs(src.Addr, addr, append(withAPI, "--baseline", base, "--format", "markdown")...)...)
	if !strings.Contains(md.stdout, "## What changed since "+base+" (probe)") || !strings.Contains(md.stdout, "| target | CA | Inter-CA1, Root-CA | Inter-CA2, Root-CA | **changed** |") {
		t.Errorf("markdown lacks the what-changed table:\n%s", md.stdout)
	}
	// The ticket summary says what changed, in one line.
	sum := runCLI(t, probeArgs(src.Addr, addr, append(withAPI, "--baseline", base, "--format", "summary")...)...)
	if !strings.Contains(sum.stdout, "Changed since "+base+": ") || !strings.Contains(sum.stdout, "target ca: Inter-CA1, Root-CA -> Inter-CA2, Root-CA") {
		t.Errorf("summary lacks what changed:\n%s", sum.stdout)
	}

	// A check report of the chain planned for the target is the baseline
	// of a probe of the target alone.
	chk := runCLI(t, "check", "--format", "json", filepath.Join(dir, "target.pem"))
	checkBase := filepath.Join(t.TempDir(), "check.json")
	os.WriteFile(checkBase, []byte(chk.stdout), 0o600)
	if r := probeReport(t, 1, "probe", "--format", "json", "--timeout", "5s", "--target", addr, "--baseline", checkBase); !hasFinding(r, "baseline-ca", report.SevError) {
		t.Errorf("check baseline: findings %+v", r.Findings)
	}

	garbage := filepath.Join(t.TempDir(), "notes.json")
	os.WriteFile(garbage, []byte("not json"), 0o600)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--source", src.Addr, "--target", refusedAddr(t), "--baseline", base}, base + " is a report of other appliances: its target is " + addr},
		{[]string{"--source", addr, "--baseline", base}, "its source is " + src.Addr},
		{[]string{"--target", addr, "--baseline", filepath.Join(t.TempDir(), "missing.json")}, "missing.json"},
		{[]string{"--target", addr, "--baseline", garbage}, garbage + " is not an ome-preflight JSON report"},
		{[]string{"--source", src.Addr, "--target", addr, "--baseline", checkBase}, checkBase + " is a check report"},
	} {
		res := runCLI(t, append([]string{"probe"}, tc.args...)...)
		if res.code != 2 || !strings.Contains(res.stderr, tc.want) || !strings.Contains(res.stderr, "hint:") {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, res.code, res.stderr, tc.want)
		}
	}
}

// The fingerprint printed is the SHA-256 of the leaf's DER, as
// --target-fingerprint takes it.
func TestSavedFingerprintPins(t *testing.T) {
	noLeaks(t)
	now := frozenClock(t)
	dir := pairLab(t, "good-pair")
	tgt := startMock(t, dir, "target", "127.0.0.2:0", now, func(o *fixtures.MockOptions) { o.ClientAuth = "none" })
	defer tgt.Close()
	res := runCLI(t, "probe", "--target", tgt.Addr, "--save-chains", t.TempDir())
	m := regexp.MustCompile(`leaf SHA-256 ([0-9a-f]{64})`).FindStringSubmatch(res.stderr)
	certs, _ := loadPair(t, dir, "target")
	sum := sha256.Sum256(certs[0].Raw)
	if m == nil || m[1] != hex.EncodeToString(sum[:]) {
		t.Fatalf("fingerprint %v, want %x\n%s", m, sum, res.stderr)
	}
	t.Setenv("OME_PASSWORD", "pw")
	r := probeReport(t, 0, "probe", "--format", "json", "--timeout", "5s", "--target", tgt.Addr, "--user", "admin", "--target-fingerprint", m[1])
	if !r.Target.Observed.API.Read() {
		t.Errorf("credentials not sent with the printed fingerprint: %+v", r.Target.Observed.API)
	}
}

// A checklist pair whose live side is not reached: the chain the
// inventory gives for it is checked offline in its place, the pair is
// incomplete, and the report says which file stood in.
func TestChecklistUnreachedChainOffline(t *testing.T) {
	noLeaks(t)
	frozenClock(t)
	dir := t.TempDir()
	writeLab(t, dir, "good-pair")
	down := refusedAddr(t)
	inv := "pairs:\n  - name: dc1\n    source: { address: \"" + down + "\", chain: good-pair/source.pem }\n    target: { chain: good-pair/target.pem }\n"
	os.WriteFile(filepath.Join(dir, "inventory.yaml"), []byte(inv), 0o600)
	res := runCLI(t, "checklist", "--timeout", "2s", "--out", filepath.Join(dir, "out"), "--format", "json", filepath.Join(dir, "inventory.yaml"))
	var cl report.Checklist
	if err := json.Unmarshal([]byte(res.stdout), &cl); err != nil || res.code != 3 {
		t.Fatalf("exit %d: %v\n%s", res.code, err, res.stderr)
	}
	p := cl.Pairs[0]
	if p.Verdict != report.VerdictIncomplete || p.Report == nil || p.Report.Source.NotReached == "" || p.Report.Source.Address != down ||
		p.Report.Source.File != filepath.Join(dir, "good-pair", "source.pem") {
		t.Fatalf("pair %s, error %q, report %+v", p.Verdict, p.Error, p.Report)
	}
	if s, _ := checkStatus(*p.Report, "chain-complete", report.SideSource); s != report.Pass {
		t.Errorf("chain-complete source (the inventory's chain, offline): %s", s)
	}
	md, _ := os.ReadFile(filepath.Join(dir, "out", "checklist.md"))
	if !strings.Contains(string(md), "not reached, its clock was not read") || !strings.Contains(string(md), "checked offline") {
		t.Errorf("checklist.md does not say the source was not reached and its chain checked offline:\n%s", md)
	}
}

// The README's "During the change window" lines run as written, in
// order, against two mock appliances standing at the README's addresses.
func TestReadmeChangeWindow(t *testing.T) {
	noLeaks(t)
	now := frozenClock(t)
	dir := pairLab(t, "good-pair")
	none := func(o *fixtures.MockOptions) { o.ClientAuth = "none" }
	src := startMock(t, dir, "source", "127.0.0.1:0", now, none)
	defer src.Close()
	tgt := startMock(t, dir, "target", "127.0.0.2:0", now, none)
	defer tgt.Close()
	b, err := os.ReadFile(filepath.Join(repoRoot(), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	i := strings.Index(readme, "### During the change window")
	if i < 0 {
		t.Fatal("README lacks the section")
	}
	block := readme[i:]
	block = block[strings.Index(block, "```\n")+4:]
	block = block[:strings.Index(block, "```")]
	file := func(addr string) string { return strings.Replace(addr, ":", "_", 1) }
	swap := strings.NewReplacer("10.0.0.5_443", file(src.Addr), "10.0.0.6_443", file(tgt.Addr), "10.0.0.5", src.Addr, "10.0.0.6", tgt.Addr)
	ran := 0
	var last result
	for _, line := range strings.Split(strings.TrimSpace(block), "\n") {
		line = swap.Replace(line)
		cmd, out, redirect := strings.Cut(line, ">")
		args := strings.Fields(cmd)
		if args[0] != "ome-preflight" {
			t.Fatalf("not a command line: %q", line)
		}
		last = runCLI(t, args[1:]...)
		if last.code != 0 {
			t.Errorf("%s: exit %d\n%s%s", line, last.code, last.stdout, last.stderr)
		}
		if redirect {
			os.WriteFile(strings.TrimSpace(out), []byte(last.stdout), 0o600)
		}
		ran++
	}
	if ran < 5 {
		t.Errorf("%d lines ran", ran)
	}
	for _, f := range []string{"before.json", "ticket.md", filepath.Join("before", "source-"+file(src.Addr)+".pem"), filepath.Join("after", "target-"+file(tgt.Addr)+".pem")} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("the README's lines left no %s: %v", f, err)
		}
	}
	if !strings.Contains(last.stdout, "what changed since before.json (probe): 0 changes") {
		t.Errorf("the last line does not say what changed:\n%s", last.stdout)
	}
}

// On a terminal, --wait draws the appliances it waits for on one line,
// each with its attempt, the refusal and the time left.
func TestWaitProgressLine(t *testing.T) {
	var buf strings.Builder
	draw := waitProgress(&env{stderr: &buf})
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", errConnRefused{})}
	draw(report.SideTarget, "10.0.0.6:443", 2, refused, 30*time.Second)
	draw(report.SideSource, "10.0.0.5:443", 1, refused, 29*time.Second)
	got := buf.String()
	want := "waiting for the source 10.0.0.5:443 (attempt 1: connect: connection refused; 29s left), the target 10.0.0.6:443 (attempt 2: connect: connection refused; 30s left)..."
	if !strings.HasSuffix(got, want) || !strings.Contains(got, "\r\x1b[K") {
		t.Errorf("progress %q, want it to end with %q", got, want)
	}
}

type errConnRefused struct{}

func (errConnRefused) Error() string { return "connection refused" }
