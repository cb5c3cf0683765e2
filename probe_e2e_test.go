package main

import (
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"github.com/ome-preflight/ome-preflight/report"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/ome-preflight/ome-preflight/fixtures"
)

// labClock runs from testBase, so that the tests do not depend on the day
// they run; runCLI uses it for t and its subtests.
func labClock(t testing.TB) func() time.Time {
	start := time.Now()
	now := func() time.Time { return testBase.Add(time.Since(start)) }
	pinClock(t, now)
	return now
}

// clocks holds each test's clock by test name: no package-level clock, so
// tests may run in parallel.
var clocks sync.Map

// pinClock makes now the clock of the CLI runs of t and its subtests.
func pinClock(t testing.TB, now func() time.Time) {
	clocks.Store(t.Name(), now)
	t.Cleanup(func() { clocks.Delete(t.Name()) })
}

// clockFor finds the clock pinned for t or its nearest parent test.
func clockFor(t testing.TB) func() time.Time {
	for name := t.Name(); ; {
		if v, ok := clocks.Load(name); ok {
			return v.(func() time.Time)
		}
		i := strings.LastIndex(name, "/")
		if i < 0 {
			return time.Now
		}
		name = name[:i]
	}
}

// pairLab writes a pair scenario into a folder (the working directory).
func pairLab(t *testing.T, scenario string) string {
	s := scenarioByName(t, scenario)
	writeScenario(t, s)
	wd, _ := os.Getwd()
	return wd
}

func loadPair(t testing.TB, dir, side string) ([]*x509.Certificate, crypto.Signer) {
	t.Helper()
	kp, err := tls.LoadX509KeyPair(filepath.Join(dir, side+".pem"), filepath.Join(dir, side+".key"))
	if err != nil {
		t.Fatal(err)
	}
	var certs []*x509.Certificate
	for _, der := range kp.Certificate {
		c, _ := x509.ParseCertificate(der)
		certs = append(certs, c)
	}
	return certs, kp.PrivateKey.(crypto.Signer)
}

// startMock serves dir/<side>.pem on a loopback address, requiring client
// certificates from the appliance's own CAs, with the API behind admin/pw.
func startMock(t *testing.T, dir, side, listen string, now func() time.Time, mut func(*fixtures.MockOptions)) *fixtures.Mock {
	t.Helper()
	certs, key := loadPair(t, dir, side)
	o := fixtures.MockOptions{Chain: certs, Key: key, Listen: listen, ClientAuth: "require", ClientCAs: certs[1:],
		User: "admin", Password: "pw", NTP: true, Now: now}
	if side == "source" {
		o.Version = "3.10.2"
	}
	if mut != nil {
		mut(&o)
	}
	m, err := fixtures.StartMock(o)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func probeArgs(src, tgt string, extra ...string) []string {
	args := []string{"probe", "--format", "json", "--timeout", "5s", "--source", src, "--target", tgt}
	return append(args, extra...)
}

func probeReport(t *testing.T, wantCode int, args ...string) report.Report {
	t.Helper()
	t.Setenv("OME_PASSWORD", "pw")
	res := runCLI(t, args...)
	var r report.Report
	if err := json.Unmarshal([]byte(res.stdout), &r); err != nil {
		t.Fatalf("code %d: %v\nstderr: %s", res.code, err, res.stderr)
	}
	if res.code != wantCode {
		t.Errorf("exit code %d, want %d; findings:", res.code, wantCode)
		for _, f := range r.Findings {
			t.Logf("  %s %s %s: %s", f.Severity, f.Rule, f.Side, f.Message)
		}
		t.Logf("incomplete: %v", r.Incomplete)
	}
	return r
}

func hasFinding(r report.Report, rule string, sev report.Severity) bool {
	for _, f := range r.Findings {
		if f.Rule == rule && f.Severity == sev {
			return true
		}
	}
	return false
}

func assertGETOnly(t *testing.T, ms ...*fixtures.Mock) {
	t.Helper()
	for _, m := range ms {
		for k := range m.Hits() {
			if !strings.HasPrefix(k, "GET ") {
				t.Errorf("%s received %s: the probe must only read", m.Addr, k)
			}
		}
	}
}

// Two stand-ins that answer as ../shared/reference/ome-api.md describes a
// standalone OME (3.10.2 source, 4.0.1 target: FIPS answers 404 CGEN1006)
// and, with --product ome-m, an OME-Modular (FIPS answered): probe --user
// passes, and api-fips is na on the standalone product.
func TestProbeGoodPair(t *testing.T) {
	for _, product := range []string{"ome", "ome-m"} {
		t.Run(product, func(t *testing.T) { probeGoodPair(t, product) })
	}
}

func probeGoodPair(t *testing.T, product string) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	now := labClock(t)
	dir := pairLab(t, "good-pair")
	// Both use a proxy; each excludes the other as OME lists it: a CIDR
	// range, a host, a wildcard, ';'-joined.
	src := startMock(t, dir, "source", "127.0.0.1:0", now, func(o *fixtures.MockOptions) {
		o.Product, o.Proxy, o.ProxyExclude = product, "10.9.9.9:3128", "172.1.1.1/24;127.0.0.0/30;www.*.com"
	})
	defer src.Close()
	tgt := startMock(t, dir, "target", "127.0.0.2:0", now, func(o *fixtures.MockOptions) {
		o.ClockOffset, o.Product, o.Proxy, o.ProxyExclude = 90*time.Second, product, "10.9.9.9:3128", "127.0.0.1;*.example.com"
	})
	defer tgt.Close()
	r := probeReport(t, 0, probeArgs(src.Addr, tgt.Addr, "--user", "admin", "--source-chain", "source.pem", "--target-chain", "target.pem",
		"--client-cert", "standin.pem", "--client-key", "standin.key")...)
	if r.Verdict != "pass" {
		t.Fatalf("verdict %s", r.Verdict)
	}
	for _, sd := range []*report.Appliance{r.Source, r.Target} {
		o := sd.Observed
		if sd.ClockSource != report.ClockSourceAPI || o.TLSVersion != "TLS 1.2" || !o.RequestsClientCert || len(o.AcceptableCAs) != 2 {
			t.Errorf("%s: clock %q, %s, requests %v %v", sd.Address, sd.ClockSource, o.TLSVersion, o.RequestsClientCert, o.AcceptableCAs)
		}
		wantFIPS := map[string]string{"ome": "", "ome-m": "OFF"}[product]
		if o.API == nil || o.API.Version == "" || o.API.NTP == nil || !*o.API.NTP || o.API.FIPSMode != wantFIPS || len(o.API.Failures) != 0 {
			t.Errorf("%s: API %+v", sd.Address, o.API)
		}
		mutual := o.Handshakes[len(o.Handshakes)-1]
		// The verifying connection carried the API read: Info answered 200.
		if mutual.Kind != "mutual" || !mutual.OK || mutual.ClientCert.DN == "" || mutual.HTTPStatus != 200 {
			t.Errorf("%s: mutual handshake %+v", sd.Address, mutual)
		}
	}
	for _, side := range []report.Side{report.SideSource, report.SideTarget} {
		if st, _ := checkStatus(r, "api-proxy", side); st != report.Pass {
			t.Errorf("api-proxy %s: %s, want pass (the peer is excluded)", side, st)
		}
		st, _ := checkStatus(r, "api-fips", side)
		want := map[string]report.Status{"ome": report.NA, "ome-m": report.Info}[product]
		if st != want {
			t.Errorf("api-fips %s: %s, want %s on %s", side, st, want, product)
		}
	}
	if skew := r.Target.Clock.Sub(r.Source.Clock); skew < 80*time.Second || skew > 100*time.Second {
		t.Errorf("clock skew %s, want about 90s", skew)
	}
	if hasFinding(r, "api-version", report.SevWarning) {
		t.Error("3.10.2 -> 4.0.1 must not warn about versions")
	}
	assertGETOnly(t, src, tgt)
}

// A wrong password: exit 3, the report names the credentials.
func TestProbeWrongPassword(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	now := labClock(t)
	dir := pairLab(t, "good-pair")
	src := startMock(t, dir, "source", "127.0.0.1:0", now, func(o *fixtures.MockOptions) { o.Password = "other" })
	defer src.Close()
	tgt := startMock(t, dir, "target", "127.0.0.2:0", now, nil)
	defer tgt.Close()
	r := probeReport(t, 3, probeArgs(src.Addr, tgt.Addr, "--user", "admin", "--source-chain", "source.pem", "--target-chain", "target.pem",
		"--client-cert", "standin.pem", "--client-key", "standin.key")...)
	named := false
	for _, s := range r.Incomplete {
		named = named || (strings.Contains(s, "source "+src.Addr) && strings.Contains(s, `credentials of "admin" were refused`) &&
			strings.Contains(s, "CGEN1001: Unable to complete the operation because the user is not authenticated."))
	}
	if r.Verdict != "incomplete" || !named {
		t.Errorf("verdict %s, incomplete %v: want the credentials named", r.Verdict, r.Incomplete)
	}
}

func TestProbeLiveRules(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	cases := []struct {
		name     string
		scenario string
		mut      func(*fixtures.MockOptions) // applied to the target mock
		extra    []string
		code     int
		rule     string
		sev      report.Severity
	}{
		{"different intermediates", "different-intermediates", nil, nil, 1, "pair-ca-names", report.SevError},
		{"expired at the target's clock", "good-pair", func(o *fixtures.MockOptions) {
			o.ClockOffset, o.ClientAuth = 2*365*24*time.Hour, "none" // its clock also rejects the stand-in
		}, nil, 1, "pair-validity", report.SevError},
		{"leaf only", "good-pair", func(o *fixtures.MockOptions) { o.LeafOnly = true }, nil, 1, "live-leaf-only", report.SevError},
		{"client CA list mismatch", "good-pair", func(o *fixtures.MockOptions) {
			other := fixtures.MustBuild(testBase, fixtures.Spec{ID: "x", CN: "Other-CA", CA: true, KeySlot: 40})
			o.ClientCAs, o.ClientAuth = other.Chain("x"), "request"
		}, nil, 1, "live-client-ca", report.SevError},
		{"bad credentials", "good-pair", func(o *fixtures.MockOptions) { o.Password = "other" }, []string{"--user", "admin", "--source-chain", "source.pem", "--target-chain", "target.pem"}, 3, "api-access", report.SevWarning},
		{"credentials withheld without trust", "good-pair", nil, []string{"--user", "admin"}, 3, "api-access", report.SevWarning},
		{"chain differs from the expected file", "good-pair", nil, []string{"--target-chain", "source.pem"}, 1, "live-chain-differs", report.SevError},
		{"NTP off", "good-pair", func(o *fixtures.MockOptions) { o.NTP = false }, []string{"--user", "admin", "--source-chain", "source.pem", "--target-chain", "target.pem"}, 0, "api-ntp", report.SevWarning},
		{"proxy without exclusion", "good-pair", func(o *fixtures.MockOptions) { o.Proxy, o.ProxyExclude = "192.0.2.10:3128", "example.com" }, []string{"--user", "admin", "--source-chain", "source.pem", "--target-chain", "target.pem"}, 0, "api-proxy", report.SevWarning},
		{"target not 4.0.x", "good-pair", func(o *fixtures.MockOptions) { o.Version = "4.2.0" }, []string{"--user", "admin", "--source-chain", "source.pem", "--target-chain", "target.pem"}, 0, "api-version", report.SevWarning},
		{"no client auth requested", "good-pair", func(o *fixtures.MockOptions) { o.ClientAuth = "none" }, nil, 0, "live-no-client-auth", report.SevInfo},
		{"TLS 1.0", "good-pair", func(o *fixtures.MockOptions) { o.TLSMaxVersion, o.TLSMinVersion = tls.VersionTLS10, tls.VersionTLS10 }, nil, 1, "live-tls", report.SevError},
		{"stand-in refused", "good-pair", func(o *fixtures.MockOptions) {
			other := fixtures.MustBuild(testBase, fixtures.Spec{ID: "x", CN: "Other-CA", CA: true, KeySlot: 40})
			o.ClientCAs = other.Chain("x")
		}, nil, 1, "live-handshake", report.SevError},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			now := labClock(t)
			dir := pairLab(t, tc.scenario)
			src := startMock(t, dir, "source", "127.0.0.1:0", now, nil)
			defer src.Close()
			tgt := startMock(t, dir, "target", "127.0.0.3:0", now, tc.mut)
			defer tgt.Close()
			extra := tc.extra
			if _, err := os.Stat("standin.pem"); err == nil {
				extra = append(extra, "--client-cert", "standin.pem", "--client-key", "standin.key")
			}
			r := probeReport(t, tc.code, probeArgs(src.Addr, tgt.Addr, extra...)...)
			if !hasFinding(r, tc.rule, tc.sev) {
				t.Errorf("no %s %s finding", tc.sev, tc.rule)
			}
			assertGETOnly(t, src, tgt)
		})
	}
}

// TestProbeFaults: refused, silent and resetting appliances end within the
// timeout with a finding naming the address and the step, exit code 3.
func TestProbeFaults(t *testing.T) {
	noLeaks(t)
	now := labClock(t)
	dir := pairLab(t, "good-pair")
	src := startMock(t, dir, "source", "127.0.0.1:0", now, nil)
	defer src.Close()

	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	refused := closed.Addr().String()
	closed.Close()

	silentAddr := stalled(t)

	reset, _ := net.Listen("tcp", "127.0.0.1:0")
	defer reset.Close()
	go func() {
		for {
			c, err := reset.Accept()
			if err != nil {
				return
			}
			buf := make([]byte, 16)
			c.Read(buf) // the start of the ClientHello, then RST
			c.(*net.TCPConn).SetLinger(0)
			c.Close()
		}
	}()

	cases := []struct{ name, addr, step, want string }{
		{"connection refused", refused, "connect", "refused"},
		{"accepts and never answers", silentAddr, "tls handshake", "timed out"},
		{"reset mid-handshake", reset.Addr().String(), "tls handshake", "reset"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := probeReport(t, 3, "probe", "--format", "json", "--timeout", "1s", "--source", src.Addr, "--target", tc.addr)
			found := false
			for _, f := range r.Findings {
				if f.Rule == "live-unreachable" && strings.Contains(f.Message, tc.addr) && strings.Contains(f.Message, tc.step) && strings.Contains(f.Message, tc.want) {
					found = true
				}
			}
			if !found || r.Verdict != "incomplete" {
				t.Errorf("verdict %s, no live-unreachable naming %s, %q, %q: %+v", r.Verdict, tc.addr, tc.step, tc.want, r.Findings)
			}
		})
	}
}

func TestProbeUsage(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"probe"}, "needs --source and --target, or one of them"},
		{[]string{"probe", "--source", "127.0.0.1", "--target-chain", "x.pem"}, "--target-chain is for the target, and no --target was given"},
		{[]string{"probe", "--target", "127.0.0.1", "--source-user", "admin"}, "--source-user is for the source"},
		{[]string{"probe", "--source", "127.0.0.1", "--wait", "-1s"}, "--wait cannot be negative"},
		{[]string{"probe", "--source", "127.0.0.1:99999", "--target", "127.0.0.1"}, "bad address"},
		{[]string{"probe", "--source", "fd00::5::6", "--target", "127.0.0.1"}, "brackets"},
		{[]string{"probe", "--source", "127.0.0.1", "--target", "127.0.0.2", "--client-cert", "x.pem"}, "--client-key"},
		{[]string{"probe", "--source", "127.0.0.1", "--target", "127.0.0.2", "--user", "admin"}, "OME_PASSWORD"},
		{[]string{"mock", "--chain", "a.pem"}, "--chain and --key"},
	}
	t.Setenv("OME_PASSWORD", "")
	os.Unsetenv("OME_PASSWORD")
	for _, tc := range cases {
		res := runCLI(t, tc.args...)
		if res.code != 2 || !strings.Contains(res.stderr, tc.want) {
			t.Errorf("%v: code %d stderr %q, want 2 and %q", tc.args, res.code, res.stderr, tc.want)
		}
	}
}

// TestProbeAgainstOpenSSLServer uses `openssl s_server -Verify
// -verify_return_error` as the target appliance: the mutual handshake is
// checked by an independent TLS stack, accepting the lab's stand-in and
// refusing an identity from another CA.
func TestProbeAgainstOpenSSLServer(t *testing.T) {
	requireOpenSSL(t)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	now := labClock(t)
	dir := pairLab(t, "good-pair")
	src := startMock(t, dir, "source", "127.0.0.1:0", now, nil)
	defer src.Close()
	certs, _ := loadPair(t, dir, "target")
	os.WriteFile("leaf.pem", fixtures.PEM(certs[0]), 0o600)
	os.WriteFile("cas.pem", fixtures.PEM(certs[1:]...), 0o600)

	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	_, port, _ := net.SplitHostPort(addr)
	l.Close()
	cmd := exec.Command("openssl", "s_server", "-accept", "127.0.0.1:"+port, "-cert", "leaf.pem", "-key", "target.key",
		"-cert_chain", "cas.pem", "-CAfile", "cas.pem", "-Verify", "3", "-verify_return_error", "-www", "-tls1_2", "-cipher", "ECDHE-RSA-AES256-GCM-SHA384", "-quiet")
	cmd.Dir = dir
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	for i := 0; i < 50; i++ {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	r := probeReport(t, 0, probeArgs(src.Addr, addr, "--client-cert", "standin.pem", "--client-key", "standin.key")...)
	o := r.Target.Observed
	mutual := o.Handshakes[len(o.Handshakes)-1]
	if !o.RequestsClientCert || !slices.ContainsFunc(o.AcceptableCAs, func(n report.Name) bool { return n.DN == "CN=Inter-CA1,O=Example Corp" }) || !mutual.OK || mutual.HTTPStatus != 200 {
		t.Errorf("s_server target: requests %v %v, mutual %+v", o.RequestsClientCert, o.AcceptableCAs, mutual)
	}

	// An identity from another CA: s_server must refuse it.
	other := fixtures.MustBuild(testBase, fixtures.Spec{ID: "r", CN: "Other-CA", CA: true, KeySlot: 40}, fixtures.Spec{ID: "l", CN: "intruder", Issuer: "r", KeySlot: 41})
	os.WriteFile("intruder.pem", fixtures.PEM(other.Chain("l", "r")...), 0o600)
	os.WriteFile("intruder.key", fixtures.KeyPEM(other.Certs["l"].Key), 0o600)
	r = probeReport(t, 1, probeArgs(src.Addr, addr, "--client-cert", "intruder.pem", "--client-key", "intruder.key")...)
	if !hasFinding(r, "live-handshake", report.SevError) {
		t.Errorf("s_server's refusal of a foreign client certificate was not reported: %+v", r.Findings)
	}
}

// TestProbeIPv6 probes appliances on [::1], given as bracketed literals.
func TestProbeIPv6(t *testing.T) {
	if l, err := net.Listen("tcp", "[::1]:0"); err != nil {
		t.Skip("no IPv6 loopback here")
	} else {
		l.Close()
	}
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	now := labClock(t)
	dir := pairLab(t, "good-pair")
	none := func(o *fixtures.MockOptions) { o.ClientAuth = "none" }
	src := startMock(t, dir, "source", "[::1]:0", now, none)
	defer src.Close()
	tgt := startMock(t, dir, "target", "[::1]:0", now, none)
	defer tgt.Close()
	if !strings.HasPrefix(src.Addr, "[::1]:") {
		t.Fatalf("mock address %s", src.Addr)
	}
	r := probeReport(t, 0, probeArgs(src.Addr, tgt.Addr)...)
	if r.Source.Address != src.Addr || r.Verdict != "pass" {
		t.Errorf("address %s verdict %s", r.Source.Address, r.Verdict)
	}
}

// TestProbeNeverPrintsSecrets: with debug logs on, neither the password nor
// a private key reaches stdout or stderr.
func TestProbeNeverPrintsSecrets(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	now := labClock(t)
	dir := pairLab(t, "good-pair")
	secret := "s3cr3t-Pa55word"
	withSecret := func(o *fixtures.MockOptions) { o.Password = secret }
	src := startMock(t, dir, "source", "127.0.0.1:0", now, withSecret)
	defer src.Close()
	tgt := startMock(t, dir, "target", "127.0.0.2:0", now, withSecret)
	defer tgt.Close()
	t.Setenv("OME_PASSWORD", secret)
	for _, format := range []string{"text", "json", "markdown"} {
		res := runCLI(t, "--log-level", "debug", "probe", "--format", format, "--source", src.Addr, "--target", tgt.Addr, "--user", "admin",
			"--source-chain", "source.pem", "--target-chain", "target.pem", "--client-cert", "standin.pem", "--client-key", "standin.key")
		if res.code != 0 {
			t.Errorf("%s: code %d %s", format, res.code, res.stderr)
		}
		all := res.stdout + res.stderr
		if strings.Contains(all, secret) || strings.Contains(all, "PRIVATE KEY") || strings.Contains(all, base64Of(secret)) {
			t.Errorf("%s: a secret was printed", format)
		}
		if !strings.Contains(res.stderr, `"admin"`) && !strings.Contains(res.stderr, "user=admin") {
			t.Errorf("%s: debug log lacks the API step: %s", format, res.stderr)
		}
	}
}

func base64Of(s string) string { return base64.StdEncoding.EncodeToString([]byte("admin:" + s)) }

// The mock answers as OME does: unknown /api paths 404 JSON CGEN1006, bad
// credentials 401 CGEN1001 in OME's words, PortNumber an integer, FIPS only
// on OME-Modular.
func TestMockAnswersLikeOME(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	now := labClock(t)
	dir := pairLab(t, "good-pair")
	for _, product := range []string{"ome", "ome-m"} {
		m := startMock(t, dir, "source", "127.0.0.1:0", now, func(o *fixtures.MockOptions) { o.Product, o.Proxy, o.ClientAuth = product, "10.9.9.9:3128", "none" })
		c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
		get := func(path, user, pw string) (int, map[string]any) {
			req, _ := http.NewRequest(http.MethodGet, "https://"+m.Addr+path, nil)
			req.SetBasicAuth(user, pw)
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var v map[string]any
			if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
				t.Errorf("%s %s: not JSON: %v", product, path, err)
			}
			return resp.StatusCode, v
		}
		msgID := func(v map[string]any) string {
			e, _ := v["error"].(map[string]any)
			info, _ := e["@Message.ExtendedInfo"].([]any)
			if len(info) == 0 {
				return ""
			}
			return info[0].(map[string]any)["MessageId"].(string)
		}
		if code, v := get("/api/NoSuchService/Thing", "admin", "pw"); code != 404 || msgID(v) != "CGEN1006" {
			t.Errorf("%s unknown path: %d %v", product, code, v)
		}
		if code, v := get(report.PathInfo, "admin", "wrong"); code != 401 || msgID(v) != "CGEN1001" {
			t.Errorf("%s bad password: %d %v", product, code, v)
		}
		if _, v := get(report.PathProxy, "admin", "pw"); fmt.Sprintf("%T", v["PortNumber"]) != "float64" || v["PortNumber"].(float64) != 3128 {
			t.Errorf("%s PortNumber %#v, want the integer 3128", product, v["PortNumber"])
		}
		code, _ := get(report.PathSecurity, "admin", "pw")
		if want := map[string]int{"ome": 404, "ome-m": 200}[product]; code != want {
			t.Errorf("%s SecurityConfiguration: HTTP %d, want %d", product, code, want)
		}
		c.CloseIdleConnections()
		m.Close()
	}
}

// A TLS 1.3 appliance that requires a client certificate closes the
// observing connection after its handshake; its clock comes from the
// verifying connection, with no warning that it was unreachable.
func TestProbeTLS13ClientCertRequired(t *testing.T) {
	noLeaks(t)
	now := labClock(t)
	dir := pairLab(t, "good-pair")
	src := startMock(t, dir, "source", "127.0.0.1:0", now, nil)
	defer src.Close()
	tgt := startMock(t, dir, "target", "127.0.0.2:0", now, func(o *fixtures.MockOptions) { o.TLSMinVersion = tls.VersionTLS13 })
	defer tgt.Close()
	r := probeReport(t, 0, probeArgs(src.Addr, tgt.Addr, "--source-chain", "source.pem", "--target-chain", "target.pem",
		"--client-cert", "standin.pem", "--client-key", "standin.key")...)
	if r.Target.ClockSource != report.ClockSourceHTTP || hasFinding(r, "live-unreachable", report.SevWarning) {
		t.Errorf("target clock %q, findings %+v", r.Target.ClockSource, r.Findings)
	}
}
