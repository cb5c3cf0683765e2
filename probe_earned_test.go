package main

import (
	"encoding/json"
	"github.com/ome-preflight/ome-preflight/report"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// noLeaks checks for leaked goroutines after every cleanup of the test
// (the listeners below close in cleanups).
func noLeaks(t *testing.T) {
	opt := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, opt) })
}

// stalled accepts connections and never answers.
func stalled(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var held []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range held {
			c.Close()
		}
		mu.Unlock()
	})
	return l.Addr().String()
}

func refusedAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a := l.Addr().String()
	l.Close()
	return a
}

var liveRuleIDs = []string{"live-leaf-only", "live-chain-differs", "live-client-ca", "live-no-client-auth", "live-tls", "live-handshake",
	"live-clock", "api-access", "api-version", "api-ntp", "api-cert", "api-proxy", "api-fips"}

// A check that did not run never says pass: against refused and stalled
// appliances every live, api and pair check is na with its reason.
func TestProbeUnreachableEarnsNothing(t *testing.T) {
	noLeaks(t)
	labClock(t)
	dir := pairLab(t, "good-pair")
	src, tgt := refusedAddr(t), stalled(t)
	r := probeReport(t, 3, "probe", "--format", "json", "--timeout", "1s", "--source", src, "--target", tgt, "--user", "admin",
		"--source-chain", filepath.Join(dir, "source.pem"), "--target-chain", filepath.Join(dir, "target.pem"))
	if r.Verdict != "incomplete" {
		t.Errorf("verdict %s, want incomplete", r.Verdict)
	}
	if r.FixFirst == nil || r.FixFirst.Rule != "live-unreachable" {
		t.Errorf("fix first %+v, want live-unreachable", r.FixFirst)
	}
	seen := map[string]bool{}
	for _, c := range r.Checks {
		if !strings.HasPrefix(c.Rule, "live-") && !strings.HasPrefix(c.Rule, "api-") && !strings.HasPrefix(c.Rule, "pair-") {
			continue
		}
		if c.Status == report.Pass {
			t.Errorf("%s %s: pass, but nothing answered", c.Rule, c.Side)
		}
		if c.Rule == "live-unreachable" {
			continue
		}
		seen[c.Rule] = true
		if c.Status != report.NA || c.Reason == "" {
			t.Errorf("%s %s: status %s reason %q, want na with a reason", c.Rule, c.Side, c.Status, c.Reason)
		}
	}
	for _, id := range liveRuleIDs {
		if !seen[id] {
			t.Errorf("no check for %s", id)
		}
	}
	if !seen["pair-ca-names"] {
		t.Error("pair rules are not reported as not checked")
	}
	// The upload rules of an appliance that showed no chain run on the
	// chain the user expects it to serve, offline (issue 22): the report
	// says the file was checked, not the appliance.
	for _, c := range r.Checks {
		if c.Rule == "chain-complete" && c.Side == "target" && c.Status != report.Pass {
			t.Errorf("chain-complete target: %s %q, want pass on the expected chain, checked offline", c.Status, c.Reason)
		}
	}
	if r.Target.NotReached == "" || r.Target.File != filepath.Join(dir, "target.pem") || len(r.Target.Chain) != 3 {
		t.Errorf("target: not_reached %q, file %q, %d certificates: want the expected chain, checked offline", r.Target.NotReached, r.Target.File, len(r.Target.Chain))
	}
	for _, f := range r.Findings {
		if strings.Contains(f.Message, "does not request a client certificate") {
			t.Errorf("a claim about an appliance that never answered: %s", f.Message)
		}
	}
	// The text report says what could not be determined, never "should pair".
	res := runCLI(t, "probe", "--no-color", "--timeout", "1s", "--source", src, "--target", tgt)
	if res.code != 3 || strings.Contains(res.stdout, "should pair") || !strings.Contains(res.stdout, "INCOMPLETE: could not be determined") ||
		!strings.Contains(res.stdout, "not reached: the target "+tgt+" (live-unreachable)") || strings.Count(res.stdout, "i/o timeout") > 2 {
		t.Errorf("exit %d, text:\n%s", res.code, res.stdout)
	}
}

// One side answers, the other does not: the answering side's checks are
// earned, the other side's are na, and the rule as a whole is never pass.
func TestProbeOneSideDown(t *testing.T) {
	noLeaks(t)
	now := labClock(t)
	dir := pairLab(t, "good-pair")
	m := startMock(t, dir, "source", "127.0.0.1:0", now, nil)
	defer m.Close()
	down := refusedAddr(t)
	r := probeReport(t, 3, probeArgs(m.Addr, down, "--user", "admin", "--source-chain", "source.pem", "--target-chain", "target.pem",
		"--client-cert", "standin.pem", "--client-key", "standin.key")...)
	status := checksByRule(r)
	for _, id := range []string{"live-leaf-only", "live-tls", "live-chain-differs", "api-access", "api-version", "api-ntp", "api-cert"} {
		if c := status[id+"/source"]; c.Status == report.NA {
			t.Errorf("%s source: na (%s), but the source answered", id, c.Reason)
		}
		if c := status[id+"/target"]; c.Status != report.NA || !strings.Contains(c.Reason, down) {
			t.Errorf("%s target: %s %q, want na naming %s", id, c.Status, c.Reason, down)
		}
	}
	// The handshake to the source needs the target's root: not evaluated.
	if c := status["live-handshake/source"]; c.Status != report.NA {
		t.Errorf("live-handshake source: %s, want na (the target's root is unknown)", c.Status)
	}
}

// The checklist ticks nothing it did not observe.
func TestChecklistUnreachableTicksNothing(t *testing.T) {
	noLeaks(t)
	labClock(t)
	dir := t.TempDir()
	down := refusedAddr(t)
	inv := "pairs:\n  - name: down\n    source: { address: \"" + down + "\" }\n    target: { address: \"" + stalled(t) + "\" }\n"
	os.WriteFile(filepath.Join(dir, "inventory.yaml"), []byte(inv), 0o600)
	out := filepath.Join(dir, "out")
	res := runCLI(t, "checklist", "--timeout", "1s", "--out", out, "--format", "json", filepath.Join(dir, "inventory.yaml"))
	if res.code != 3 {
		t.Fatalf("exit %d, want 3\n%s", res.code, res.stderr)
	}
	var cl report.Checklist
	if err := json.Unmarshal([]byte(res.stdout), &cl); err != nil {
		t.Fatal(err)
	}
	md, _ := os.ReadFile(filepath.Join(out, "checklist.md"))
	for _, line := range strings.Split(string(md), "\n") {
		if strings.HasPrefix(line, "- [x]") && (strings.Contains(line, "`live-") || strings.Contains(line, "`api-") || strings.Contains(line, "`pair-")) {
			t.Errorf("ticked without evidence: %s", line)
		}
	}
	if !strings.Contains(string(md), "- (not checked) not reached: the target ") {
		t.Errorf("checklist.md has no not-checked line:\n%s", md)
	}
	html, _ := os.ReadFile(filepath.Join(out, "checklist.html"))
	if strings.Contains(string(html), "\u2713 pass") || !strings.Contains(string(html), `class="notchecked"`) {
		t.Error("checklist.html ticks an unreachable appliance's checks, or has no not-checked cells")
	}
	if strings.Contains(string(html), "requests a client certificate: false") || !strings.Contains(string(html), "Not reached: nothing was observed") ||
		!strings.Contains(string(html), "not reached: "+down+": connect failed") {
		t.Error("checklist.html describes an unreachable appliance as if it had answered")
	}
	_ = time.Second
}
