package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ome-preflight/ome-preflight/fixtures"
	"github.com/ome-preflight/ome-preflight/report"
)

// probePerSide runs probe with per-appliance passwords in the environment
// (OME_PASSWORD unset unless given in env) and returns the report.
func probePerSide(t *testing.T, wantCode int, env map[string]string, args ...string) (report.Report, result) {
	t.Helper()
	for _, v := range []string{"OME_PASSWORD", "OME_SOURCE_PASSWORD", "OME_TARGET_PASSWORD"} {
		t.Setenv(v, "")
		os.Unsetenv(v)
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
	res := runCLI(t, args...)
	for k := range env {
		os.Unsetenv(k)
	}
	var r report.Report
	if err := json.Unmarshal([]byte(res.stdout), &r); err != nil {
		t.Fatalf("code %d: %v\nstderr: %s", res.code, err, res.stderr)
	}
	if res.code != wantCode {
		t.Errorf("exit code %d, want %d; incomplete %v", res.code, wantCode, r.Incomplete)
		for _, f := range r.Findings {
			t.Logf("  %s %s %s: %s", f.Severity, f.Rule, f.Side, f.Message)
		}
	}
	return r, res
}

// apiEndpoints are every GET probe --user makes.
var apiEndpoints = []string{report.PathInfo, report.PathTime, report.PathCert, report.PathProxy, report.PathSecurity, report.PathWebServer, report.PathAddress}

// assertOneAttempt: every API endpoint was asked once, never twice (no
// lockout: one attempt per endpoint with a given password), and with GET.
func assertOneAttempt(t *testing.T, name string, m *fixtures.Mock) {
	t.Helper()
	hits := m.Hits()
	for _, p := range apiEndpoints {
		if n := hits["GET "+p]; n != 1 {
			t.Errorf("%s: GET %s asked %d times, want once", name, p, n)
		}
	}
	for k := range hits {
		if !strings.HasPrefix(k, "GET ") {
			t.Errorf("%s: %s sent", name, k)
		}
	}
}

// Two appliances with their own users and passwords, each answering as an
// HTTP/1.0 server (Connection: close, one request per connection): every
// required and optional read goes over a connection of its own that passed
// the credential gate, each endpoint asked once; the report passes with
// every api rule judged on both sides.
func TestProbePerSideCredentialsHTTP10(t *testing.T) {
	noLeaks(t)
	now := labClock(t)
	dir := pairLab(t, "good-pair")
	src := startMock(t, dir, "source", "127.0.0.1:0", now, func(o *fixtures.MockOptions) {
		o.HTTP10, o.User, o.Password, o.WebServerPort = true, "admin", "source-secret", 0
	})
	tgt := startMock(t, dir, "target", "127.0.0.2:0", now, func(o *fixtures.MockOptions) {
		o.HTTP10, o.User, o.Password, o.Product = true, "root", "target-secret", "ome-m"
	})
	closeAll(t, src, tgt)
	args := probeArgs(src.Addr, tgt.Addr, "--user", "admin", "--target-user", "root", "--source-chain", "source.pem", "--target-chain", "target.pem",
		"--client-cert", "standin.pem", "--client-key", "standin.key")
	r, _ := probePerSide(t, 0, map[string]string{"OME_SOURCE_PASSWORD": "source-secret", "OME_TARGET_PASSWORD": "target-secret"}, args...)
	for _, side := range []report.Side{report.SideSource, report.SideTarget} {
		for _, c := range r.Checks {
			standalone := c.Rule == "api-fips" && side == report.SideSource && strings.Contains(c.Reason, "not available on this product")
			if c.Side == side && strings.HasPrefix(c.Rule, "api-") && c.Status == report.NA && !standalone {
				t.Errorf("%s %s: na (%s), want judged", c.Rule, side, c.Reason)
			}
		}
	}
	for _, a := range []*report.Appliance{r.Source, r.Target} {
		api := a.Observed.API
		if !api.Read() || api.UtcTime == "" || api.WebServerPort == 0 || api.DNSName == "" || len(api.Addresses) == 0 || api.CertSAN == "" || api.CertKeySize == 0 {
			t.Errorf("%s: API %+v, want every endpoint read", a.Address, api)
		}
		if a.Observed.ClockSource != report.ClockSourceAPI {
			t.Errorf("%s: clock from %s, want the API's UtcTime", a.Address, a.Observed.ClockSource.Text)
		}
	}
	if u := r.Target.Observed.API.User; u != "root" {
		t.Errorf("target read as %q, want root (--target-user)", u)
	}
	assertOneAttempt(t, "source", src)
	assertOneAttempt(t, "target", tgt)

	// The passwords swapped: each appliance refuses, and the report names
	// the side, its address, its user and the MessageId the appliance sent.
	r, _ = probePerSide(t, 3, map[string]string{"OME_SOURCE_PASSWORD": "target-secret", "OME_TARGET_PASSWORD": "source-secret"}, args...)
	for _, want := range []string{`source ` + src.Addr + `: API not read: the credentials of "admin" were refused (HTTP 401, CGEN1001: Unable to complete the operation because the user is not authenticated.)`,
		`target ` + tgt.Addr + `: API not read: the credentials of "root" were refused`} {
		if !strings.Contains(strings.Join(r.Incomplete, "\n"), want) {
			t.Errorf("incomplete %q, want %q", r.Incomplete, want)
		}
	}
	// OME_PASSWORD stands in for a side without its own variable.
	probePerSide(t, 0, map[string]string{"OME_PASSWORD": "source-secret", "OME_TARGET_PASSWORD": "target-secret"}, args...)
	// No password and no terminal: a usage error naming the appliance.
	res := runCLI(t, args...)
	if res.code != 2 || !strings.Contains(res.stderr, "source ("+src.Addr+")") || !strings.Contains(res.stderr, "OME_SOURCE_PASSWORD or OME_PASSWORD") {
		t.Errorf("no password: exit %d, stderr %q; want 2 naming the source and its variables", res.code, res.stderr)
	}
	if strings.Contains(res.stderr+res.stdout, "secret") {
		t.Error("a password was printed")
	}
}

// Connections dialled ahead that the appliance closed while Info was read
// (its idle timeout is shorter than Info's answer) are found closed before
// anything is sent on them: each GET is re-sent once over a new gated
// connection, and each endpoint is still asked once.
func TestProbeRedialsClosedConnections(t *testing.T) {
	noLeaks(t)
	now := labClock(t)
	dir := pairLab(t, "good-pair")
	// The connections dialled ahead go idle longer than the appliance
	// keeps them (Info is slow); the margins are wide so that a loaded
	// machine's scheduling delays stay well inside them.
	slow := func(o *fixtures.MockOptions) {
		o.HTTP10, o.IdleTimeout, o.Latency = true, time.Second, 3*time.Second
	}
	src := startMock(t, dir, "source", "127.0.0.1:0", now, slow)
	tgt := startMock(t, dir, "target", "127.0.0.2:0", now, func(o *fixtures.MockOptions) { slow(o); o.Password = "other" })
	closeAll(t, src, tgt)
	r, _ := probePerSide(t, 0, map[string]string{"OME_SOURCE_PASSWORD": "pw", "OME_TARGET_PASSWORD": "other"},
		probeArgs(src.Addr, tgt.Addr, "--user", "admin", "--timeout", "10s", "--source-chain", "source.pem", "--target-chain", "target.pem",
			"--client-cert", "standin.pem", "--client-key", "standin.key")...)
	for _, a := range []*report.Appliance{r.Source, r.Target} {
		api := a.Observed.API
		if !api.Read() || api.Redials == 0 {
			t.Errorf("%s: read %v, %d redials; want read, after redials (errors %v)", a.Address, api.Read(), api.Redials, api.Errors)
		}
	}
	assertOneAttempt(t, "source", src)
	assertOneAttempt(t, "target", tgt)
}

// An appliance that reads a request and closes the connection without an
// answer may have checked the password: the request is never repeated.
func TestProbeNeverResendsASentRequest(t *testing.T) {
	noLeaks(t)
	now := labClock(t)
	dir := pairLab(t, "good-pair")
	src := startMock(t, dir, "source", "127.0.0.1:0", now, func(o *fixtures.MockOptions) { o.Fault = "hangup" })
	tgt := startMock(t, dir, "target", "127.0.0.2:0", now, nil)
	closeAll(t, src, tgt)
	r, _ := probePerSide(t, 3, map[string]string{"OME_PASSWORD": "pw"},
		probeArgs(src.Addr, tgt.Addr, "--user", "admin", "--source-chain", "source.pem", "--target-chain", "target.pem",
			"--client-cert", "standin.pem", "--client-key", "standin.key")...)
	assertOneAttempt(t, "source", src)
	api := r.Source.Observed.API
	if api.Read() || api.Redials != 0 || !strings.Contains(strings.Join(r.Incomplete, "\n"), report.PathTime) {
		t.Errorf("read %v, %d redials, incomplete %v: want TimeConfiguration failed, not re-sent", api.Read(), api.Redials, r.Incomplete)
	}
}

func closeAll(t *testing.T, ms ...*fixtures.Mock) {
	t.Cleanup(func() {
		for _, m := range ms {
			m.Close()
		}
	})
}
