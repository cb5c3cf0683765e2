package main

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/binary"
	"io"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/ome-preflight/ome-preflight/fixtures"
)

// faultProxy forwards to upstream and misbehaves on the way back:
// "cut" sends the first TLS record (the ServerHello) and closes;
// "drip" sends the server's bytes one at a time, 50 ms apart.
func faultProxy(t *testing.T, upstream, mode string) (string, func()) {
	return loopProxy(t, func(int) string { return upstream }, func(c io.Writer, u io.Reader) {
		switch mode {
		case "cut":
			hdr := make([]byte, 5)
			if _, err := io.ReadFull(u, hdr); err != nil {
				return
			}
			body := make([]byte, binary.BigEndian.Uint16(hdr[3:]))
			if _, err := io.ReadFull(u, body); err != nil {
				return
			}
			c.Write(append(hdr, body...))
		case "drip":
			b := make([]byte, 1)
			for {
				if _, err := u.Read(b); err != nil {
					return
				}
				if _, err := c.Write(b); err != nil {
					return
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
	})
}

// TestProbeMisbehavingServers: each fault ends within --timeout with a
// clear finding naming the address and the step, and leaves no goroutine.
func TestProbeMisbehavingServers(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	now := labClock(t)
	dir := pairLab(t, "good-pair")
	src := startMock(t, dir, "source", "127.0.0.1:0", now, func(o *fixtures.MockOptions) { o.ClientAuth = "none" })
	defer src.Close()
	certs, key := loadPair(t, dir, "target")
	p := fixtures.MustBuild(testBase, fixtures.Spec{ID: "r", CN: "Root-CA", CA: true, KeySlot: 50},
		fixtures.Spec{ID: "big", CN: "OMENT-400", Issuer: "r", KeySlot: 51, Mutate: func(c *x509.Certificate) {
			c.ExtraExtensions = append(c.ExtraExtensions, pkix.Extension{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 2}, Value: make([]byte, 1<<20)})
		}})
	many := []*x509.Certificate{certs[0]}
	for len(many) < 200 {
		many = append(many, certs[1])
	}
	none := func(o *fixtures.MockOptions) { o.ClientAuth = "none" }
	cases := []struct {
		name    string
		mock    func(*fixtures.MockOptions)
		proxy   string
		args    []string
		code    int
		rule    string
		message []string
	}{
		// The handshake completes (a Java client's does too); the stalled
		// GET leaves the clock unread, said with why.
		{"completes TLS then stalls HTTP", func(o *fixtures.MockOptions) { none(o); o.Fault = "stall-http" }, "", nil, 0, "live-clock", []string{"clock (HTTP GET /) failed", "timed out"}},
		{"sends 200 certificates", func(o *fixtures.MockOptions) { none(o); o.Chain = many }, "", nil, 1, "chain-depth", []string{"200 certificates"}},
		{"sends a 1 MB certificate", func(o *fixtures.MockOptions) { none(o); o.Chain, o.Key = p.Chain("big", "r"), p.Certs["big"].Key }, "", nil, 3, "live-unreachable", []string{"tls handshake"}},
		{"closes after ServerHello", none, "cut", nil, 3, "live-unreachable", []string{"tls handshake", "closed"}},
		{"drips bytes slowly", none, "drip", nil, 3, "live-unreachable", []string{"tls handshake", "timed out"}},
		{"redirect loop on the API", func(o *fixtures.MockOptions) { none(o); o.Fault = "redirect-loop" }, "", []string{"--user", "admin", "--insecure"}, 3, "api-access", []string{"HTTP 302"}},
		{"API answers 500", func(o *fixtures.MockOptions) { none(o); o.Fault = "api-500" }, "", []string{"--user", "admin", "--insecure"}, 3, "api-access", []string{"HTTP 500", "CGEN1006"}},
		{"API answers malformed JSON", func(o *fixtures.MockOptions) { none(o); o.Fault = "api-bad-json" }, "", []string{"--user", "admin", "--insecure"}, 3, "api-access", []string{"malformed JSON"}},
		// The dripped body is cut by the deadline: a timeout, or a body that
		// ends early (malformed JSON), depending on who closes first.
		{"API drips its answer", func(o *fixtures.MockOptions) { none(o); o.Fault = "drip" }, "", []string{"--user", "admin", "--insecure"}, 3, "api-access", []string{"GET /api/ApplicationService/Info"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts := func(o *fixtures.MockOptions) {
				o.Chain, o.Key = certs, key
				tc.mock(o)
			}
			tgt := startMock(t, dir, "target", "127.0.0.1:0", now, opts)
			defer tgt.Close()
			addr := tgt.Addr
			if tc.proxy != "" {
				var stop func()
				addr, stop = faultProxy(t, tgt.Addr, tc.proxy)
				defer stop()
			}
			start := time.Now()
			args := append([]string{"probe", "--format", "json", "--timeout", "1s", "--source", src.Addr, "--target", addr}, tc.args...)
			r := probeReport(t, tc.code, args...)
			if took := time.Since(start); took > 15*time.Second { // a hang guard, not a speed test
				t.Errorf("took %s with --timeout 1s per appliance", took)
			}
			found := false
			for _, f := range r.Findings {
				if (tc.rule == "" || f.Rule == tc.rule) && strings.Contains(f.Message, addr) {
					ok := true
					for _, m := range tc.message {
						ok = ok && strings.Contains(f.Message, m)
					}
					found = found || ok
				}
			}
			if !found {
				for _, f := range r.Findings {
					t.Logf("%s %s: %s", f.Severity, f.Rule, f.Message)
				}
				t.Errorf("no %s finding naming %s with %q", tc.rule, addr, tc.message)
			}
		})
	}
}
