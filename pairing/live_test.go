package pairing

import (
	"crypto/x509/pkix"
	"github.com/ome-preflight/ome-preflight/report"
	"strings"
	"testing"
	"time"
)

// api-cert compares OME's plain common name with the certificate's decoded
// CommonName: names with RFC 2253 specials are not false warnings.
func TestSameNameSpecials(t *testing.T) {
	for _, cn := range []string{"ome.example.com", `Dell, Inc. + OME; "lab" <1> \ root`, "Inter-CA1"} {
		n := pkix.Name{CommonName: cn, Organization: []string{"Example, Corp"}}
		if !sameName(cn, n) {
			t.Errorf("%q does not match its own certificate (DN %s)", cn, n.String())
		}
		if !sameName(n.String(), n) {
			t.Errorf("the whole DN %s does not match", n.String())
		}
		if sameName(cn+"x", n) {
			t.Errorf("%q matches %q", cn+"x", cn)
		}
	}
}

// Each live rule's "not evaluated" paths: the evidence it needs is missing,
// so the rule is na with a reason naming what is missing, never pass.
func TestLiveRulesNotEvaluated(t *testing.T) {
	base := testClock
	p := labPKI(t, nil)
	reached := func(addr, leaf string) *report.Observation {
		return &report.Observation{Address: addr, Chain: p.Chain(leaf, "inter", "root"), TLSVersion: "TLS 1.2",
			CipherSuite: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", Clock: base, ClockSource: report.ClockSourceHTTP, AcceptableCAs: []report.Name{}}
	}
	yes := true
	cases := []struct {
		name   string
		mut    func(src *report.Observation, o *ProbeOptions)
		rule   string
		reason string // in the source side's reason
	}{
		{"no --user", nil, "api-version", "give --user"},
		{"no --user: access", nil, "api-access", "give --user"},
		{"credentials not sent", func(s *report.Observation, _ *ProbeOptions) {
			s.API = &report.API{Refused: "credentials not sent to x: pin"}
		}, "api-ntp", "credentials not sent"},
		{"credentials refused", func(s *report.Observation, _ *ProbeOptions) {
			s.API = &report.API{AuthFailed: true, User: "admin", AuthError: "HTTP 401, CGEN1001: x"}
		}, "api-cert", `credentials of "admin" were refused (HTTP 401, CGEN1001: x)`},
		{"API read, no web server port", func(s *report.Observation, _ *ProbeOptions) { s.API = &report.API{Version: "3.10.2"} }, "api-webserver", "did not report its web server port"},
		{"web server endpoint not available", func(s *report.Observation, _ *ProbeOptions) {
			s.API = &report.API{Version: "3.10.2", Unavailable: []string{report.PathWebServer}}
		}, "api-webserver", "not available on this product: GET /api/ApplicationService/Network/WebServerConfiguration answered 404"},
		{"API read, NTP not reported", func(s *report.Observation, _ *ProbeOptions) { s.API = &report.API{Version: "3.10.2", Proxy: &yes} }, "api-ntp", "did not report its NTP setting"},
		{"API read, no FIPS", func(s *report.Observation, _ *ProbeOptions) { s.API = &report.API{Version: "3.10.2"} }, "api-fips", "did not report a FIPS mode"},
		{"API read, no proxy", func(s *report.Observation, _ *ProbeOptions) { s.API = &report.API{Version: "3.10.2"} }, "api-proxy", "did not report its proxy settings"},
		{"API read, no certificate", func(s *report.Observation, _ *ProbeOptions) { s.API = &report.API{Version: "3.10.2"} }, "api-cert", "did not report its certificate"},
		{"no expected chain", nil, "live-chain-differs", "no --source-chain given"},
		{"no client certificate requested", nil, "live-client-ca", "does not request a client certificate"},
		{"no handshake made", nil, "live-handshake", "no verifying handshake was made"},
		{"handshake needs a client certificate", func(s *report.Observation, _ *ProbeOptions) {
			s.Handshakes = append(s.Handshakes, report.Handshake{Kind: "mutual", Stage: "client-cert", Error: "remote error: tls: certificate required"})
		}, "live-handshake", "no --client-cert given"},
		{"handshake timed out", func(s *report.Observation, _ *ProbeOptions) {
			s.Handshakes = append(s.Handshakes, report.Handshake{Kind: "mutual", Stage: "timeout", Error: "timed out"})
		}, "live-handshake", "could not run: timed out"},
		{"no TLS version", func(s *report.Observation, _ *ProbeOptions) { s.TLSVersion = "" }, "live-tls", "no TLS version"},
		{"unreached: leaf-only", func(s *report.Observation, _ *ProbeOptions) {
			s.Chain, s.Failures = nil, []report.Failure{{Step: "connect", Error: "connection refused"}}
		}, "live-leaf-only", "the source 10.0.0.5:443 was not reached"},
		{"unreached: clock", func(s *report.Observation, _ *ProbeOptions) { s.Chain, s.ClockSource = nil, report.ClockSourceUnread }, "live-clock", "was not reached"},
		{"unreached: no-client-auth", func(s *report.Observation, _ *ProbeOptions) { s.Chain = nil }, "live-no-client-auth", "was not reached"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src, tgt := reached("10.0.0.5:443", "source"), reached("10.0.0.6:443", "target")
			o := ProbeOptions{Source: src, Target: tgt, MaxSkew: 5 * time.Minute, Flags: probeFlags}
			if tc.mut != nil {
				tc.mut(src, &o)
			}
			r := Probe(o)
			found := false
			for _, c := range r.Checks {
				if c.Rule != tc.rule || c.Side != "source" {
					continue
				}
				found = true
				if c.Status != NA || !strings.Contains(c.Reason, tc.reason) {
					t.Errorf("%s source: %s %q, want na with %q", c.Rule, c.Status, c.Reason, tc.reason)
				}
			}
			if !found {
				t.Errorf("no %s check for the source", tc.rule)
			}
			for _, f := range r.Findings {
				if f.Rule == tc.rule && f.Side == "source" && f.Severity != SevError && f.Severity != SevWarning {
					t.Errorf("not evaluated, yet an info finding: %s", f.Message)
				}
			}
		})
	}
}

// probeFlags words inputs as the probe command does.
func probeFlags(side report.Side, kind InputKind) string {
	switch kind {
	case ChainInput:
		return "--" + string(side) + "-chain"
	case FingerprintInput:
		return "--" + string(side) + "-fingerprint"
	}
	return ""
}

func TestProxyExcluded(t *testing.T) {
	cases := []struct {
		list string
		peer []string
		want bool
	}{
		{"172.1.1.1/24", []string{"172.1.1.77"}, true},
		{"172.1.1.1/24", []string{"172.1.2.77"}, false},
		{"10.0.0.0/8;www.*.com", []string{"ome400.example.com", "10.20.30.40"}, true},
		{"www.*.com", []string{"www.ome.example.com"}, true},
		{"www.*.com", []string{"www.ome.example.org"}, false},
		{"*.example.com", []string{"OME400.Example.COM"}, true},
		{"ome400.example.com", []string{"ome400.example.com"}, true},
		{"fd00::/8", []string{"fd00::6"}, true},
		{"10.0.0.6", []string{"10.0.0.6"}, true},
		{"10.0.0.6", []string{"10.0.0.60"}, false},
		{"", []string{"10.0.0.6"}, false},
		{"*", []string{"anything"}, true},
	}
	for _, tc := range cases {
		if got := proxyExcluded(tc.list, tc.peer); got != tc.want {
			t.Errorf("%q %v: %v, want %v", tc.list, tc.peer, got, tc.want)
		}
	}
}
