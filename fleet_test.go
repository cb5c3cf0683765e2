package main

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/ome-preflight/ome-preflight/fixtures"
	"github.com/ome-preflight/ome-preflight/probe"
	"github.com/ome-preflight/ome-preflight/report"
)

// The new keys of a side load; a password key is refused without its value
// being echoed; bad values name the pair, the side and the key.
func TestInventorySideKeys(t *testing.T) {
	dir := t.TempDir()
	writeLab(t, dir, "good-pair")
	inv := filepath.Join(dir, "inventory.yaml")
	ok := "pairs:\n  - name: dc1\n    source: {address: 10.0.0.5, chain: good-pair/source.pem, csr: good-pair/source.pem, name: oment-310.example.com, user: admin, password_env: DC1_SRC_PW}\n" +
		"    target: {address: '[fd00::6]:443', name: 'fd00::6', user: root}\n"
	os.WriteFile(inv, []byte(ok), 0o600)
	got, err := LoadInventory(inv)
	if err != nil {
		t.Fatal(err)
	}
	s, tg := got.Pairs[0].Source, got.Pairs[0].Target
	if s.User != "admin" || s.PasswordEnv != "DC1_SRC_PW" || s.Name != "oment-310.example.com" || s.CSR != filepath.Join(dir, "good-pair/source.pem") ||
		tg.User != "root" || tg.PasswordEnv != "" || tg.Name != "fd00::6" {
		t.Errorf("sides %+v / %+v", s, tg)
	}
	const secret = "s3cret-Value!"
	for _, tc := range []struct{ name, side, want string }{
		{"password key", "{address: 10.0.0.6, password: '" + secret + "'}", `line 4: pair "dc1": the target has a password key, refused: an inventory never holds a password`},
		{"empty password key", "{address: 10.0.0.6, password: }", `pair "dc1": the target has a password key, refused`},
		{"password in password_env", "{address: 10.0.0.6, user: admin, password_env: '" + secret + "'}", `pair "dc1": target password_env is not an environment variable name`},
		{"password_env starting with a digit", "{address: 10.0.0.6, password_env: 1PW}", "not an environment variable name"},
		{"user with a colon", "{address: 10.0.0.6, user: 'a:b'}", `target user "a:b": a user name has no colon`},
		{"name with a port", "{address: 10.0.0.6, name: 'ome.example.com:443'}", `target name "ome.example.com:443" is not a host name or IP address`},
		{"name with a space", "{address: 10.0.0.6, name: 'ome example'}", "is not a host name or IP address"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			os.WriteFile(inv, []byte("pairs:\n  - name: dc1\n    source: {address: 10.0.0.5}\n    target: "+tc.side+"\n"), 0o600)
			_, err := LoadInventory(inv)
			if err == nil || !strings.Contains(err.Error(), inv+": ") || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), secret) {
				t.Fatalf("err = %v; want %q naming %s, never the secret", err, tc.want, inv)
			}
			res := runCLI(t, "checklist", "--out", filepath.Join(t.TempDir(), "out"), inv)
			if res.code != 2 || strings.Contains(res.stderr+res.stdout, secret) {
				t.Errorf("checklist: exit %d, stderr %s", res.code, res.stderr)
			}
			if strings.Contains(tc.want, "a password key") && !strings.Contains(res.stderr, "hint: put the password in an environment variable and name it instead: password_env: OME_DC1_TARGET_PASSWORD") {
				t.Errorf("no hint towards password_env: %s", res.stderr)
			}
		})
	}
}

// twoPasswordMocks starts a source and a target mock of good-pair whose API
// users have different passwords.
func twoPasswordMocks(t *testing.T, dir string) (src, tgt *fixtures.Mock) {
	frozen := func() time.Time { return testBase }
	src = startMock(t, filepath.Join(dir, "good-pair"), "source", "127.0.0.1:0", frozen, func(o *fixtures.MockOptions) { o.Password = "pw-source" })
	t.Cleanup(func() { src.Close() })
	tgt = startMock(t, filepath.Join(dir, "good-pair"), "target", "127.0.0.2:0", frozen, func(o *fixtures.MockOptions) { o.Password = "pw-target" })
	t.Cleanup(func() { tgt.Close() })
	return src, tgt
}

// Each appliance of an inventory logs in with its own credentials: the
// side defaults (OME_SOURCE_PASSWORD, OME_TARGET_PASSWORD) over
// OME_PASSWORD, a side's password_env over both; a refused login names the
// pair, the side, the address, the user and the variable.
func TestChecklistPerSideCredentials(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	pinClock(t, func() time.Time { return testBase })
	dir := t.TempDir()
	writeLab(t, dir, "good-pair")
	src, tgt := twoPasswordMocks(t, dir)
	defer src.Close()
	defer tgt.Close()
	side := func(m *fixtures.Mock, which, extra string) string {
		return "{ address: \"" + m.Addr + "\", chain: good-pair/" + which + ".pem" + extra + " }"
	}
	inv := "pairs:\n" +
		"  - name: side-defaults\n    source: " + side(src, "source", "") + "\n    target: " + side(tgt, "target", "") + "\n" +
		"  - name: password-env\n    source: " + side(src, "source", ", password_env: DC1_SRC") + "\n    target: " + side(tgt, "target", ", user: admin, password_env: DC1_TGT") + "\n" +
		"  - name: refused\n    source: " + side(src, "source", "") + "\n    target: " + side(tgt, "target", ", password_env: DC1_WRONG") + "\n"
	os.WriteFile(filepath.Join(dir, "inventory.yaml"), []byte(inv), 0o600)
	t.Setenv("OME_PASSWORD", "pw-wrong-shared")
	t.Setenv("OME_SOURCE_PASSWORD", "pw-source")
	t.Setenv("OME_TARGET_PASSWORD", "pw-target")
	t.Setenv("DC1_SRC", "pw-source")
	t.Setenv("DC1_TGT", "pw-target")
	t.Setenv("DC1_WRONG", "pw-source")
	t.Chdir(dir)
	res := runCLI(t, "checklist", "--timeout", "5s", "--user", "admin", "--out", "out", "--format", "json",
		"--client-cert", "good-pair/standin.pem", "--client-key", "good-pair/standin.key", "inventory.yaml")
	var cl report.Checklist
	if err := json.Unmarshal([]byte(res.stdout), &cl); err != nil {
		t.Fatalf("exit %d: %v\n%s", res.code, err, res.stderr)
	}
	if res.code != 3 {
		t.Errorf("exit %d, want 3 (one login refused)", res.code)
	}
	for _, p := range cl.Pairs[:2] {
		if p.Verdict != report.VerdictPass {
			t.Errorf("%s: %s %v", p.Name, p.Verdict, p.Report.Incomplete)
			continue
		}
		for _, a := range []*report.Appliance{p.Report.Source, p.Report.Target} {
			if api := a.Observed.API; api == nil || api.AuthFailed || api.Version == "" || api.UtcTime == "" {
				t.Errorf("%s %s: API not read: %+v", p.Name, a.Address, api)
			}
		}
	}
	r := cl.Pairs[2]
	want := "pair refused: the target " + tgt.Addr + " refused the login of user admin (password from DC1_WRONG)"
	if r.Verdict != report.VerdictIncomplete || !slices.ContainsFunc(r.Report.Incomplete, func(s string) bool { return strings.HasPrefix(s, want) }) {
		t.Errorf("refused: %s %q; want incomplete with %q", r.Verdict, r.Report.Incomplete, want)
	}
	if api := r.Report.Source.Observed.API; api == nil || api.AuthFailed || api.Version == "" {
		t.Errorf("refused pair's source: %+v; its own login is right", api)
	}
	md, _ := os.ReadFile(filepath.Join(dir, "out", "checklist.md"))
	if !strings.Contains(string(md), want) {
		t.Errorf("checklist.md does not name the refused login %q", want)
	}
	for _, out := range []string{res.stdout, res.stderr, string(md)} {
		if strings.Contains(out, "pw-source") || strings.Contains(out, "pw-target") {
			t.Fatal("a password was printed")
		}
	}
	assertGETOnly(t, src, tgt)
}

// A side's password_env that is not set, or a user with no password at all
// (no variable, no terminal), stops the checklist before anything is
// probed, naming the pair, the side and the variable.
func TestChecklistMissingPassword(t *testing.T) {
	pinClock(t, func() time.Time { return testBase })
	dir := t.TempDir()
	writeLab(t, dir, "good-pair")
	src, tgt := twoPasswordMocks(t, dir)
	for _, tc := range []struct{ name, target, user, srcPW, want string }{
		{"password_env unset", ", password_env: DC9_UNSET", "--user=admin", "pw-source", `pair "p": the target (` + tgt.Addr + `) reads its password from DC9_UNSET, which is not set`},
		{"no password anywhere", "", "--user=admin", "", `pair "p": the source (` + src.Addr + `) reads its API as admin, with no password: set OME_SOURCE_PASSWORD or OME_PASSWORD`},
		{"password_env without a user", ", password_env: DC9_UNSET", "--user=", "", `pair "p": the target (` + tgt.Addr + `) names password_env DC9_UNSET but no user`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, v := range []string{"OME_PASSWORD", "OME_SOURCE_PASSWORD", "OME_TARGET_PASSWORD"} {
				t.Setenv(v, "")
				os.Unsetenv(v)
			}
			if tc.srcPW != "" {
				t.Setenv("OME_SOURCE_PASSWORD", tc.srcPW)
			}
			inv := filepath.Join(dir, "inventory.yaml")
			os.WriteFile(inv, []byte("pairs:\n  - name: p\n    source: {address: \""+src.Addr+"\", chain: good-pair/source.pem}\n    target: {address: \""+tgt.Addr+"\", chain: good-pair/target.pem"+tc.target+"}\n"), 0o600)
			res := runCLI(t, "checklist", tc.user, "--out", filepath.Join(t.TempDir(), "out"), inv)
			if res.code != 2 || !strings.Contains(res.stderr, tc.want) {
				t.Errorf("exit %d, stderr %s; want 2 and %q", res.code, res.stderr, tc.want)
			}
		})
	}
	if n := len(src.Hits()) + len(tgt.Hits()); n != 0 {
		t.Errorf("the appliances were probed (%d paths) although the credentials were missing", n)
	}
}

// An inventory side's csr and name reach csr-key and leaf-name, for a pair
// of files and for a live pair.
func TestChecklistInventoryCSRAndName(t *testing.T) {
	pinClock(t, func() time.Time { return testBase })
	dir := t.TempDir()
	writeLab(t, dir, "good-pair")
	lab := filepath.Join(dir, "good-pair")
	_, srcKey := loadPair(t, lab, "source")
	os.WriteFile(filepath.Join(lab, "source.csr"), fixtures.CSR(fixtures.SourceCN, srcKey), 0o600)
	os.WriteFile(filepath.Join(lab, "target-wrong-key.csr"), fixtures.CSR(fixtures.TargetCN, srcKey), 0o600)
	src, tgt := twoPasswordMocks(t, dir)
	files := func(which, extra string) string {
		return "{ chain: good-pair/" + which + ".pem, clock: 2026-11-23T09:00:00Z" + extra + " }"
	}
	live := func(m *fixtures.Mock, which, extra string) string {
		return "{ address: \"" + m.Addr + "\", chain: good-pair/" + which + ".pem" + extra + " }"
	}
	inv := "pairs:\n" +
		"  - name: files\n    source: " + files("source", ", csr: good-pair/source.csr, name: oment-310.example.com") +
		"\n    target: " + files("target", ", csr: good-pair/target-wrong-key.csr, name: wrong.example.com") + "\n" +
		"  - name: live\n    source: " + live(src, "source", ", csr: good-pair/source.csr, name: oment-310.example.com") +
		"\n    target: " + live(tgt, "target", ", csr: good-pair/target-wrong-key.csr, name: wrong.example.com") + "\n"
	os.WriteFile(filepath.Join(dir, "inventory.yaml"), []byte(inv), 0o600)
	t.Chdir(dir)
	res := runCLI(t, "checklist", "--timeout", "5s", "--out", "out", "--format", "json",
		"--client-cert", "good-pair/standin.pem", "--client-key", "good-pair/standin.key", "inventory.yaml")
	var cl report.Checklist
	if err := json.Unmarshal([]byte(res.stdout), &cl); err != nil {
		t.Fatalf("exit %d: %v\n%s", res.code, err, res.stderr)
	}
	for _, p := range cl.Pairs {
		status := map[string]report.Status{}
		for _, c := range p.Report.Checks {
			status[c.Rule+"/"+string(c.Side)] = c.Status
		}
		want := map[string]report.Status{"csr-key/source": report.Pass, "csr-key/target": report.Error, "leaf-name/source": report.Pass, "leaf-name/target": report.Warn}
		for k, w := range want {
			if status[k] != w {
				t.Errorf("%s: %s is %s, want %s", p.Name, k, status[k], w)
			}
		}
		if p.Verdict != report.VerdictFail {
			t.Errorf("%s: %s, want fail (csr-key)", p.Name, p.Verdict)
		}
	}
}

// stallServer accepts TCP connections on loopback and never answers, until
// release closes them (and the listener).
func stallServer(t testing.TB) (addr string, release func()) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	var once sync.Once
	release = func() {
		once.Do(func() {
			l.Close()
			wg.Wait()
			mu.Lock()
			for _, c := range conns {
				c.Close()
			}
			mu.Unlock()
		})
	}
	t.Cleanup(release)
	return l.Addr().String(), release
}

// A stalled appliance (it accepts the connection and never answers) delays
// no other pair: with the default concurrency every healthy pair finishes
// while the stalled ones are still held (the stall is released only once
// they all have: nothing here is timed), and the progress counts the
// stalled pairs as waiting on TLS meanwhile. Through one slot, the same
// inventory finishes its stalled pairs first: the ordering is evidence.
func TestChecklistStalledApplianceDelaysNoOther(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	frozen := func() time.Time { return testBase }
	dir := t.TempDir()
	writeLab(t, dir, "good-pair")
	src := startMock(t, filepath.Join(dir, "good-pair"), "source", "127.0.0.1:0", frozen, nil)
	defer src.Close()
	tgt := startMock(t, filepath.Join(dir, "good-pair"), "target", "127.0.0.2:0", frozen, nil)
	defer tgt.Close()
	const stalled, healthy = 2, 10
	e := &env{stdin: strings.NewReader(""), stdout: &strings.Builder{}, stderr: &strings.Builder{}, now: frozen}
	build := func() (*Inventory, []func()) {
		var b strings.Builder
		b.WriteString("pairs:\n")
		var releases []func()
		for i := range stalled + healthy {
			target := tgt.Addr
			if i < stalled {
				a, rel := stallServer(t)
				target, releases = a, append(releases, rel)
			}
			b.WriteString("  - source: {address: \"" + src.Addr + "\", chain: good-pair/source.pem}\n    target: {address: \"" + target + "\", chain: good-pair/target.pem}\n")
		}
		path := filepath.Join(dir, "inventory.yaml")
		os.WriteFile(path, []byte(b.String()), 0o600)
		inv, err := LoadInventory(path)
		if err != nil {
			t.Fatal(err)
		}
		return inv, releases
	}
	o := probe.Options{Timeout: time.Minute, HandshakeTimeout: time.Minute, Now: frozen}

	// Every pair at once: the healthy ones all finish while the stall holds.
	inv, releases := build()
	fp := newFleetProgress(len(inv.Pairs))
	healthyDone := make(chan struct{})
	var mu sync.Mutex
	n := 0
	finished := func(i int, p report.ChecklistPair) {
		if i < stalled {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if n++; n == healthy {
			close(healthyDone)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var cl *report.Checklist
	done := make(chan struct{})
	go func() {
		defer close(done)
		cl = runChecklist(ctx, e, inv, "inventory.yaml", fleetRun{o: o, progress: fp}, finished)
	}()
	select {
	case <-healthyDone:
	case <-time.After(30 * time.Second):
		t.Fatalf("the healthy pairs did not finish while %d appliances stalled: finished %v", stalled, fp.finishedOrder())
	}
	// Meanwhile the stalled pairs wait on the TLS handshake (eventually:
	// their dial may still be reporting).
	for deadline := time.Now().Add(10 * time.Second); ; {
		steps, queued, doneN := fp.waiting()
		if steps[probe.StepTLS] == stalled && queued == 0 && doneN == healthy {
			if l := fp.line(); !strings.HasPrefix(l, "[10/12] waiting: 2 TLS (last: pair-") {
				t.Errorf("progress line %q", l)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("progress %v, %d queued, %d done; want %d waiting on TLS", steps, queued, doneN, stalled)
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, r := range releases {
		r()
	}
	<-done
	order := fp.finishedOrder()
	for _, i := range order[:healthy] {
		if i < stalled {
			t.Errorf("stalled pair %d finished among the first %d: %v", i, healthy, order)
		}
	}
	for i, p := range cl.Pairs {
		want := report.VerdictPass
		if i < stalled {
			want = report.VerdictIncomplete
		}
		if p.Verdict != want {
			t.Errorf("pair %d: %s, want %s (%s %v)", i, p.Verdict, want, p.Error, p.Report.Incomplete)
		}
	}

	// The control: one slot, the stalled pairs first in the inventory. They
	// hold it until they time out, and finish first.
	inv, releases = build()
	defer func() {
		for _, r := range releases {
			r()
		}
	}()
	fp = newFleetProgress(len(inv.Pairs))
	o.HandshakeTimeout = 200 * time.Millisecond
	runChecklist(ctx, e, inv, "inventory.yaml", fleetRun{o: o, progress: fp, parallel: 1}, nil)
	if order := fp.finishedOrder(); !slices.Equal(order[:stalled], []int{0, 1}) {
		t.Errorf("one slot: finished %v, want the stalled pairs 0 and 1 first", order)
	}
}

func TestAutoParallel(t *testing.T) {
	for _, tc := range []struct {
		pairs int
		limit uint64
		want  int
	}{
		{100, 20000, 100},         // every pair
		{100, 1024, 60},           // (1024-64)/16
		{5000, 1 << 20, 512},      // the memory bound
		{5000, ^uint64(0), 512},   // unlimited
		{10, 0, 10},               // unknown limit: 4096 assumed
		{1000, 0, 252},            // (4096-64)/16
		{3, 50, 1},                // never none
		{0, 20000, 1},             // never none
		{24, 256, 12},             // (256-64)/16
		{24, uint64(1 << 62), 24}, // huge
	} {
		if got := autoParallel(tc.pairs, tc.limit); got != tc.want {
			t.Errorf("autoParallel(%d, %d) = %d, want %d", tc.pairs, tc.limit, got, tc.want)
		}
	}
	if l := openFileLimit(); l == 0 {
		t.Log("RLIMIT_NOFILE not readable here")
	} else if autoParallel(maxPairs, l) < 1 {
		t.Errorf("limit %d", l)
	}
}

// A pair waits on its less advanced appliance; steps never go back.
func TestFleetProgressCounts(t *testing.T) {
	fp := newFleetProgress(4)
	if l := fp.line(); l != "[0/4]; 4 queued" {
		t.Errorf("line %q", l)
	}
	fp.start(0)
	fp.step(0, 0, probe.StepDial)
	fp.step(0, 1, probe.StepDial)
	fp.step(0, 0, probe.StepAPI)
	fp.step(0, 1, probe.StepTLS)
	fp.step(0, 1, probe.StepDial) // late: ignored
	fp.start(1)
	fp.step(1, 0, probe.StepDone) // a pair of one live side (compare)
	fp.start(2)
	fp.finish(2, "c", report.VerdictPass)
	if l := fp.line(); l != "[1/4] waiting: 1 TLS, 1 checking; 1 queued (last: c: pass)" {
		t.Errorf("line %q", l)
	}
	fp.step(0, 1, probe.StepDone)
	fp.step(0, 0, probe.StepDone)
	fp.finish(0, "a", report.VerdictFail)
	fp.step(0, 0, probe.StepDial) // after finish: ignored
	steps, queued, done := fp.waiting()
	if steps[probe.StepTLS] != 0 || steps[probe.StepDone] != 1 || queued != 1 || done != 2 {
		t.Errorf("%v %d queued %d done", steps, queued, done)
	}
	if !slices.Equal(fp.finishedOrder(), []int{2, 0}) {
		t.Errorf("order %v", fp.finishedOrder())
	}
}
