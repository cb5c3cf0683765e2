package main

import (
	"bytes"
	"crypto/x509"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ome-preflight/ome-preflight/fixtures"
	"github.com/ome-preflight/ome-preflight/report"
)

// openSSLServer starts `openssl s_server` on a loopback port serving the
// lab pair's target chain with the given options; the test ends it by its
// PID.
func openSSLServer(t *testing.T, dir string, args ...string) string {
	t.Helper()
	requireOpenSSL(t)
	certs, _ := loadPair(t, dir, "target")
	os.WriteFile(dir+"/srv-leaf.pem", fixtures.PEM(certs[0]), 0o600)
	os.WriteFile(dir+"/srv-cas.pem", fixtures.PEM(certs[1:]...), 0o600)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_, port, _ := net.SplitHostPort(addr)
	l.Close()
	cmd := exec.Command("openssl", append([]string{"s_server", "-accept", "127.0.0.1:" + port, "-cert", "srv-leaf.pem", "-key", "target.key",
		"-cert_chain", "srv-cas.pem", "-www", "-quiet"}, args...)...)
	cmd.Dir = dir
	startListening(t, cmd, addr)
	return addr
}

// startListening starts cmd (a server of the test's own) and waits until
// addr accepts connections; the test ends it by its PID.
func startListening(t *testing.T, cmd *exec.Cmd, addr string) {
	t.Helper()
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for i := 0; i < 100; i++ {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s did not start listening on %s: %s", cmd.Path, addr, errb.String())
}

// live-tls is judged with a ClientHello that offers exactly OME's four
// suites, against OpenSSL servers: those that speak only a suite Go cannot
// complete (reached: the chain and key signature are read from their TLS
// 1.2 flight, and live-handshake says the handshake was not completed,
// never unreachable or a handshake failure), one that speaks none of
// OME's (refused: an error), and one that speaks OME's GCM suite.
func TestProbeJudgesOMESuites(t *testing.T) {
	now := labClock(t)
	dir := pairLab(t, "good-pair")
	src := startMock(t, dir, "source", "127.0.0.1:0", now, nil)
	defer src.Close()
	cases := []struct {
		name      string
		args      []string
		tls       report.Status
		unreached report.Status
		rule      string // the rule whose finding says detail
		detail    string
		flight    bool // the chain was read from the flight
	}{
		{"only DHE-RSA-AES256-GCM-SHA384 (Go cannot complete it)", []string{"-tls1_2", "-cipher", "DHE-RSA-AES256-GCM-SHA384"},
			report.Pass, report.Pass, "live-handshake", "the handshake was not completed: this tool's TLS cannot complete TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", true},
		{"only ECDHE-RSA-AES256-SHA384 (CBC: Go cannot complete it)", []string{"-tls1_2", "-cipher", "ECDHE-RSA-AES256-SHA384"},
			report.Pass, report.Pass, "live-handshake", "this tool's TLS cannot complete TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", true},
		{"only AES-128 suites (none of OME's)", []string{"-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"},
			report.Error, report.Pass, "live-tls", "refuses a TLS 1.2 ClientHello that offers only OME's four suites (handshake_failure)", false},
		{"OME's ECDHE GCM suite", []string{"-tls1_2", "-cipher", "ECDHE-RSA-AES256-GCM-SHA384"}, report.Pass, report.Pass, "", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			addr := openSSLServer(t, dir, tc.args...)
			res := runCLI(t, probeArgs(src.Addr, addr)...)
			r, status := reportChecks(t, res)
			if st := status["live-tls/target"].Status; st != tc.tls {
				t.Errorf("live-tls target %s (%s), want %s", st, status["live-tls/target"].Reason, tc.tls)
			}
			for _, f := range r.Findings {
				if f.Rule == "live-unreachable" {
					t.Logf("unreachable: %s", f.Message)
				}
			}
			if st := status["live-unreachable/target"].Status; st != tc.unreached {
				t.Errorf("live-unreachable target %s (%s), want %s", st, status["live-unreachable/target"].Reason, tc.unreached)
			}
			found := tc.detail == ""
			for _, f := range r.Findings {
				if f.Rule == tc.rule && strings.Contains(f.Message, tc.detail) {
					found = true
				}
			}
			if !found {
				t.Errorf("no %s finding says %q:\n%s", tc.rule, tc.detail, res.stdout)
			}
			if tc.flight {
				o := r.Target.Observed
				if res.code != 0 || len(r.Target.Chain) != 3 || !o.OMESuites.FlightRead || len(o.Failures) != 0 || o.TLSVersion != "TLS 1.2" {
					t.Errorf("exit %d, %d certificates observed, flight read %v, failures %v, %s; want 0, the 3 served, true, none, TLS 1.2",
						res.code, len(r.Target.Chain), o.OMESuites.FlightRead, o.Failures, o.TLSVersion)
				}
				for _, h := range o.Handshakes {
					if h.Stage != report.StageFlight || strings.Contains(h.Error, "handshake failure") {
						t.Errorf("target handshake %s: stage %q, %s; want the flight's, not a handshake failure", h.Kind, h.Stage, h.Error)
					}
				}
				// In Korean: the finding and the handshake lines.
				ko := runCLI(t, append(probeArgs(src.Addr, addr), "--format", "text", "--lang", "ko", "--no-color")...).stdout
				for _, want := range []string{"핸드셰이크는 완료되지 않았습니다", "TLS 1.2 플라이트에서 읽었으며"} {
					if !strings.Contains(ko, want) {
						t.Errorf("--lang ko: no %q in\n%s", want, ko)
					}
				}
			}
			if sp := r.Target.Observed.OMESuites; sp == nil || len(sp.Offered) != 4 {
				t.Errorf("ome_suites %+v: want OME's four suites offered", sp)
			}
		})
	}
}

// The same appliance as source and target is one appliance twice: an error
// (it passed before), for probe as for compare of a file with itself.
func TestSameApplianceTwice(t *testing.T) {
	now := labClock(t)
	dir := pairLab(t, "good-pair")
	src := startMock(t, dir, "source", "127.0.0.1:0", now, nil)
	defer src.Close()
	res := runCLI(t, probeArgs(src.Addr, src.Addr)...)
	_, status := reportChecks(t, res)
	if c := status["pair-distinct/pair"]; c.Status != report.Error || res.code != 1 {
		t.Errorf("probe of one address twice: pair-distinct %s, exit %d; want error, 1", c.Status, res.code)
	}
	res = runCLI(t, "compare", "--format", "json", "source.pem", "source.pem")
	_, status = reportChecks(t, res)
	if c := status["pair-distinct/pair"]; c.Status != report.Error || res.code != 1 {
		t.Errorf("compare of a file with itself: pair-distinct %s, exit %d; want error, 1", c.Status, res.code)
	}
}

// One fact, one severity: a SHA-1-signed leaf is weak-signature's warning,
// and the verifying handshake that Go refuses for it says the same, as a
// warning (it was an error, exit 1), and so does pair-trust.
func TestSHA1LeafOneSeverity(t *testing.T) {
	now := labClock(t)
	sha1 := func(c *x509.Certificate) { c.SignatureAlgorithm = x509.SHA1WithRSA }
	p := fixtures.MustBuild(testBase,
		fixtures.Spec{ID: "root", CN: fixtures.RootCN, CA: true},
		fixtures.Spec{ID: "inter", CN: fixtures.InterCN, Issuer: "root", CA: true},
		fixtures.Spec{ID: "source", CN: fixtures.SourceCN, Issuer: "inter", Mutate: sha1},
		fixtures.Spec{ID: "target", CN: fixtures.TargetCN, Issuer: "inter"},
	)
	src, tgt := mockOf(t, p, now, "source", nil), mockOf(t, p, now, "target", nil)
	res := runCLI(t, probeArgs(src.Addr, tgt.Addr)...)
	r, status := reportChecks(t, res)
	for _, id := range []string{"weak-signature/source", "live-handshake/source", "pair-trust/pair"} {
		if c := status[id]; c.Status != report.Warn {
			t.Errorf("%s: %s (%s), want warn", id, c.Status, c.Reason)
		}
	}
	n := 0
	for _, f := range r.Findings {
		if strings.Contains(f.Message, "SHA1-RSA") || strings.Contains(f.Message, "SHA-1") {
			n++
			if f.Severity != report.SevWarning || !strings.Contains(f.Message, "Java refuses MD2 and MD5 but accepts SHA-1") {
				t.Errorf("%s %s: %q; want a warning saying which stack refuses", f.Rule, f.Severity, f.Message)
			}
		}
	}
	if n == 0 || res.code != 0 {
		t.Errorf("%d SHA-1 findings, exit %d; want warnings and exit 0", n, res.code)
	}
}

// A chain served out of order (leaf, root, intermediate) is a warning that
// names the order: the appliance serves what it was given.
func TestServedChainOutOfOrder(t *testing.T) {
	now := labClock(t)
	p := mitmPKI()
	src := mockOf(t, p, now, "source", func(o *fixtures.MockOptions) { o.Chain = p.Chain("source", "root", "inter") })
	tgt := mockOf(t, p, now, "target", nil)
	res := runCLI(t, probeArgs(src.Addr, tgt.Addr)...)
	r, status := reportChecks(t, res)
	if c := status["chain-order/source"]; c.Status != report.Warn {
		t.Errorf("chain-order source: %s (%s), want warn", c.Status, c.Reason)
	}
	if c := status["chain-order/target"]; c.Status != report.Pass {
		t.Errorf("chain-order target (in order): %s (%s), want pass", c.Status, c.Reason)
	}
	for _, f := range r.Findings {
		if f.Rule == "chain-order" && !strings.Contains(f.Message, "serves the certificates as") {
			t.Errorf("chain-order: %q", f.Message)
		}
	}
}

// A refused observing connection's hint asks for --client-cert only when
// none was given (OpenSSL over TLS 1.3 requiring a certificate from a CA
// the stand-in does not come from: both connections are refused).
func TestClientCertHint(t *testing.T) {
	now := labClock(t)
	dir := pairLab(t, "good-pair")
	src := startMock(t, dir, "source", "127.0.0.1:0", now, nil)
	defer src.Close()
	p := fixtures.MustBuild(testBase, fixtures.Spec{ID: "ca", CN: "Other-CA", CA: true})
	if err := os.WriteFile(dir+"/other-ca.pem", fixtures.PEM(p.Certs["ca"].Cert), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := openSSLServer(t, dir, "-tls1_3", "-Verify", "1", "-CAfile", "other-ca.pem")
	for _, tc := range []struct {
		args []string
		ask  bool
	}{{nil, true}, {[]string{"--client-cert", "standin.pem", "--client-key", "standin.key"}, false}} {
		res := runCLI(t, probeArgs(src.Addr, addr, tc.args...)...)
		r, status := reportChecks(t, res)
		// It answered (with an alert after the TLS 1.3 handshake): its
		// clock was not read, it is not unreachable.
		if c := status["live-unreachable/target"]; c.Status != report.Pass {
			t.Errorf("--client-cert given: %v; live-unreachable %s (%s), want pass", !tc.ask, c.Status, c.Reason)
		}
		var said []string
		for _, f := range r.Target.Observed.Failures {
			said = append(said, f.Step+": "+f.Error)
		}
		all := strings.Join(said, "\n")
		if !strings.Contains(all, "requires a client certificate") || strings.Contains(all, "give --client-cert") != tc.ask {
			t.Errorf("--client-cert given: %v; the failures say:\n%s\nwant the requirement named, and --client-cert asked for only when not given", !tc.ask, all)
		}
	}
}

// An appliance, or something in front of it, that serves one connection
// at a time (Python's single-threaded http.server: the others wait in the
// listen backlog) answers no connection dialled ahead while the verified
// one is open: the GETs go over the verified one in turn and the API is
// read, instead of each GET waiting for --handshake-timeout and being
// blamed on connecting.
func TestProbeOneConnectionAtATime(t *testing.T) {
	script, err := filepath.Abs("testdata/servers/one_at_a_time.py")
	if err != nil {
		t.Fatal(err)
	}
	now := labClock(t)
	dir := pairLab(t, "good-pair")
	src := startMock(t, dir, "source", "127.0.0.1:0", now, nil)
	defer src.Close()
	addr := pythonServer(t, dir, script, "PORT", "target.pem", "target.key", now().UTC().Format("2006-01-02 15:04:05.000"))
	t.Setenv("OME_PASSWORD", "pw")
	res := runCLI(t, probeArgs(src.Addr, addr, "--user", "admin", "--insecure", "--timeout", "20s", "--handshake-timeout", "3s")...)
	r, _ := reportChecks(t, res)
	api := r.Target.Observed.API
	if api == nil || !api.Read() || api.InTurn == 0 || len(api.Failures) != 0 || api.UtcTime == "" {
		t.Fatalf("API %+v: want read, with GETs made in turn over the verified connection and no failure\n%s", api, res.stderr)
	}
}

// A port that answers without TLS (Python's plain http.server) was reached
// and no TLS client can connect there: a live-tls error naming what it
// answered, not "unreachable" (a Java client fails there too).
func TestProbeNotTLS(t *testing.T) {
	now := labClock(t)
	dir := pairLab(t, "good-pair")
	src := startMock(t, dir, "source", "127.0.0.1:0", now, nil)
	defer src.Close()
	addr := pythonServer(t, t.TempDir(), "-m", "http.server", "--bind", "127.0.0.1", "PORT")
	res := runCLI(t, probeArgs(src.Addr, addr)...)
	r, status := reportChecks(t, res)
	if res.code != 1 || status["live-tls/target"].Status != report.Error || status["live-unreachable/target"].Status == report.Warn {
		t.Errorf("exit %d, live-tls %s, live-unreachable %s; want 1, error, not a warning", res.code, status["live-tls/target"].Status, status["live-unreachable/target"].Status)
	}
	if o := r.Target.Observed; o == nil || !strings.Contains(o.NotTLS, "not a TLS handshake") && !strings.Contains(o.NotTLS, "plain HTTP") {
		t.Errorf("not_tls %+v: want what it answered", o)
	}
}

// An appliance (or a proxy in front of it) that closes one of the probe's
// connections while it answers the others was reached: the closed one is
// made again alone and recorded (retried), and nothing is blamed on it.
func TestProbeRetriesAClosedConnection(t *testing.T) {
	now := labClock(t)
	dir := pairLab(t, "good-pair")
	src := startMock(t, dir, "source", "127.0.0.1:0", now, nil)
	tgt := startMock(t, dir, "target", "127.0.0.2:0", now, nil)
	closeAll(t, src, tgt)
	dead := freeLoopback(t) // nothing listens: the proxy closes the first connection
	addr, stop := loopProxy(t, func(n int) string {
		if n == 0 {
			return dead
		}
		return tgt.Addr
	}, nil)
	defer stop()
	res := runCLI(t, probeArgs(src.Addr, addr, "--source-chain", "source.pem", "--target-chain", "target.pem")...)
	r, _ := reportChecks(t, res)
	o := r.Target.Observed
	if o == nil || len(o.Retried) != 1 || len(r.Target.Chain) == 0 || len(o.Failures) != 0 || r.Target.NotReached != "" {
		t.Fatalf("target %+v: want one connection retried, the chain observed, no failure\n%s", o, res.stderr)
	}
}
