package pairing_test

import (
	"testing"

	"github.com/ome-preflight/ome-preflight/fixtures"
	"github.com/ome-preflight/ome-preflight/pairing"
	"github.com/ome-preflight/ome-preflight/report"
)

// probeOf runs the live rules on two observations built by hand (no
// network): both appliances reached at the test clock, serving the lab's
// chains over TLS 1.2 with OME's suite; mod changes them first.
func probeOf(p *fixtures.PKI, mod func(src, tgt *report.Observation, o *pairing.ProbeOptions)) func(t *testing.T) *report.Report {
	return func(t *testing.T) *report.Report {
		obs := func(addr, leaf string) *report.Observation {
			return &report.Observation{Address: addr, Chain: p.Chain(leaf, "inter", "root"), TLSVersion: "TLS 1.2",
				CipherSuite: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", Clock: pairing.TestClock, ClockSource: report.ClockSourceHTTP,
				AcceptableCAs: []report.Name{}, RequestsClientCert: true}
		}
		src, tgt := obs("10.0.0.5:443", "source"), obs("10.0.0.6:443", "target")
		o := pairing.ProbeOptions{Source: src, Target: tgt, MaxSkew: pairing.DefaultMaxSkew}
		if mod != nil {
			mod(src, tgt, &o)
		}
		return pairing.Probe(o)
	}
}

func liveWarn(cert int, d string) want { return warn(cert, d) }
func liveErr(cert int, d string) want {
	return want{status: pairing.Error, cert: cert, details: d, args: noOME}
}

func TestRuleLiveRules(t *testing.T) {
	p := pairing.LabPKI(t, nil)
	src := report.SideSource
	yes, no := true, false
	cases := []struct {
		rule string
		ruleCase
	}{
		{"live-unreachable", ruleCase{name: "answers", run: probeOf(p, nil), side: src, want: pass()}},
		{"live-unreachable", ruleCase{name: "HTTP failed", run: probeOf(p, func(s, _ *report.Observation, _ *pairing.ProbeOptions) {
			s.Failures = []report.Failure{{Step: "http", Error: "i/o timeout"}}
		}), side: src, want: liveWarn(-1, "source 10.0.0.5:443: http failed: i/o timeout")}},
		{"live-key", ruleCase{name: "proved its key", run: probeOf(p, nil), side: src, want: pass()}},
		{"live-key", ruleCase{name: "replayed chain", run: probeOf(p, func(s, _ *report.Observation, _ *pairing.ProbeOptions) {
			s.Chain, s.KeyUnproven = nil, "the ServerKeyExchange signature does not verify"
		}), side: src, want: liveErr(-1, "source 10.0.0.5:443: the ServerKeyExchange signature does not verify")}},
		{"live-leaf-only", ruleCase{name: "full chain", run: probeOf(p, nil), side: src, want: pass()}},
		{"live-leaf-only", ruleCase{name: "uploaded with UploadCertificate", run: probeOf(p, func(s, _ *report.Observation, _ *pairing.ProbeOptions) {
			s.Chain = s.Chain[:1]
		}), side: src, want: liveErr(0, `source 10.0.0.5:443 serves only its own certificate "OMENT-310"`)}},
		{"live-chain-differs", ruleCase{name: "serves the expected chain", run: probeOf(p, func(_, _ *report.Observation, o *pairing.ProbeOptions) {
			o.SourceExpected = pairing.LabInput(p, "source", "inter", "root")
		}), side: src, want: pass()}},
		{"live-chain-differs", ruleCase{name: "another leaf installed", run: probeOf(p, func(_, _ *report.Observation, o *pairing.ProbeOptions) {
			o.SourceExpected = pairing.LabInput(p, "target", "inter", "root")
		}), side: src, want: liveErr(-1, "-> Inter-CA1 -> Root-CA (the leaf itself differs: the expected chain is not installed)")}},
		{"live-chain-differs", ruleCase{name: "connections answered differently", run: probeOf(p, func(s, _ *report.Observation, _ *pairing.ProbeOptions) {
			s.ConnectionsDiffer = "the verifying connection was answered by \"proxy\""
		}), side: src, want: liveErr(-1, "something on the path answers some connections")}},
		{"live-client-ca", ruleCase{name: "names the peer's issuer", run: probeOf(p, func(s, _ *report.Observation, _ *pairing.ProbeOptions) {
			s.AcceptableCAs = []report.Name{report.NameOf(p.Certs["inter"].Cert.Subject)}
		}), side: src, want: pass()}},
		{"live-client-ca", ruleCase{name: "names another CA", run: probeOf(p, func(s, _ *report.Observation, _ *pairing.ProbeOptions) {
			s.AcceptableCAs = []report.Name{{DN: "CN=Other-CA", CN: "Other-CA"}}
		}), side: src, want: liveErr(-1, "source 10.0.0.5:443 asks for a client certificate issued by one of [Other-CA], and none of them issued the target's chain")}},
		{"live-no-client-auth", ruleCase{name: "requests a client certificate", run: probeOf(p, nil), side: src, want: pass()}},
		{"live-no-client-auth", ruleCase{name: "port 443 without client auth", run: probeOf(p, func(s, _ *report.Observation, _ *pairing.ProbeOptions) {
			s.RequestsClientCert = false
		}), side: src, want: want{status: pairing.Info, cert: -1, details: "does not request a client certificate on this port", args: noOME}}},
		{"live-tls", ruleCase{name: "TLS 1.2, OME's suite", run: probeOf(p, nil), side: src, want: pass()}},
		{"live-tls", ruleCase{name: "TLS 1.3 (OME 4.1)", run: probeOf(p, func(s, _ *report.Observation, _ *pairing.ProbeOptions) { s.TLSVersion = "TLS 1.3" }), side: src, want: pass()}},
		{"live-tls", ruleCase{name: "TLS 1.1", run: probeOf(p, func(s, _ *report.Observation, _ *pairing.ProbeOptions) { s.TLSVersion = "TLS 1.1" }),
			side: src, want: liveErr(-1, "source 10.0.0.5:443 negotiated TLS 1.1; OME appliances speak TLS 1.2")}},
		{"live-tls", ruleCase{name: "a load balancer's suite", run: probeOf(p, func(s, _ *report.Observation, _ *pairing.ProbeOptions) {
			s.CipherSuite = "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
		}), side: src, want: liveWarn(-1, "negotiated TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, which is not one of OME's TLS 1.2 suites")}},
		{"live-handshake", ruleCase{name: "verifies with the peer's root", run: probeOf(p, func(s, _ *report.Observation, _ *pairing.ProbeOptions) {
			s.Mutual = &report.MutualAttempt{Made: true, Peer: s.Chain, Version: "TLS 1.2"}
		}), side: src, want: pass()}},
		{"live-handshake", ruleCase{name: "served by another CA", run: probeOf(p, func(s, _ *report.Observation, _ *pairing.ProbeOptions) {
			s.Mutual = &report.MutualAttempt{Made: true, Peer: s.Chain[:1], Version: "TLS 1.2"}
			s.Chain = s.Chain[:1]
		}), side: src, want: liveErr(-1, "source 10.0.0.5:443: its chain does not verify with the target's root at the target's clock 2026-11-23T09:00:00Z")}},
		{"live-handshake", ruleCase{name: "client certificate refused", run: probeOf(p, func(s, _ *report.Observation, _ *pairing.ProbeOptions) {
			s.Mutual = &report.MutualAttempt{Made: true, Peer: s.Chain, Failed: true, Stage: report.StageClientCert, Error: "remote error: tls: bad certificate",
				ClientCert: report.Name{DN: "CN=ome-preflight-standin", CN: "ome-preflight-standin"}}
		}), side: src, want: liveErr(-1, `source 10.0.0.5:443 refused the client certificate "ome-preflight-standin": remote error: tls: bad certificate`)}},
		{"live-clock", ruleCase{name: "Date header read", run: probeOf(p, nil), side: src, want: pass()}},
		{"live-clock", ruleCase{name: "clock not read", run: probeOf(p, func(s, _ *report.Observation, _ *pairing.ProbeOptions) { s.ClockSource = report.ClockSourceThisMachine }),
			side: src, want: liveWarn(-1, "source 10.0.0.5:443: its clock could not be read; judged at this machine's clock 2026-11-23T09:00:00Z")}},
		{"api-access", ruleCase{name: "read", run: probeOf(p, func(s, _ *report.Observation, _ *pairing.ProbeOptions) { s.API = &report.API{Version: "3.10.2"} }), side: src, want: pass()}},
		{"api-access", ruleCase{name: "credentials refused", run: probeOf(p, func(s, _ *report.Observation, _ *pairing.ProbeOptions) {
			s.API = &report.API{AuthFailed: true, User: "admin", AuthError: "HTTP 401, CGEN1001: Unable to complete the operation because the user is not authenticated."}
		}), side: src, want: liveWarn(-1, `the source 10.0.0.5:443 refused the credentials of "admin" (HTTP 401, CGEN1001: Unable to complete the operation because the user is not authenticated.)`)}},
		// The MessageId received is printed, whatever it is.
		{"api-access", ruleCase{name: "credentials refused with another MessageId", run: probeOf(p, func(_, d *report.Observation, _ *pairing.ProbeOptions) {
			d.API = &report.API{AuthFailed: true, User: "root", AuthError: "HTTP 401, CSEC5001: Unable to log in."}
		}), side: report.SideTarget, want: liveWarn(-1, `the target 10.0.0.6:443 refused the credentials of "root" (HTTP 401, CSEC5001: Unable to log in.)`)}},
		{"api-access", ruleCase{name: "credentials refused, no OME body", run: probeOf(p, func(s, _ *report.Observation, _ *pairing.ProbeOptions) {
			s.API = &report.API{AuthFailed: true, User: "admin", AuthError: "HTTP 401 (no OME error body)"}
		}), side: src, want: liveWarn(-1, `refused the credentials of "admin" (HTTP 401 (no OME error body))`)}},
		{"api-version", ruleCase{name: "3.10.2 source", run: probeOf(p, func(s, _ *report.Observation, _ *pairing.ProbeOptions) { s.API = &report.API{Version: "3.10.2"} }), side: src, want: pass()}},
		{"api-version", ruleCase{name: "3.9 source", run: probeOf(p, func(s, _ *report.Observation, _ *pairing.ProbeOptions) { s.API = &report.API{Version: "3.9.0"} }),
			side: src, want: liveWarn(-1, "source 10.0.0.5:443 runs OME 3.9.0; migration is documented from a 3.10.x source to a 4.0/4.0.1 target (the source should be 3.10.x)")}},
		{"api-version", ruleCase{name: "4.0.1 target", run: probeOf(p, func(_, d *report.Observation, _ *pairing.ProbeOptions) { d.API = &report.API{Version: "4.0.1"} }), side: report.SideTarget, want: pass()}},
		{"api-version", ruleCase{name: "4.1 target", run: probeOf(p, func(_, d *report.Observation, _ *pairing.ProbeOptions) { d.API = &report.API{Version: "4.1.0"} }),
			side: report.SideTarget, want: liveWarn(-1, "(the target should be 4.0 or 4.0.1)")}},
		{"api-ntp", ruleCase{name: "NTP on", run: probeOf(p, func(s, _ *report.Observation, _ *pairing.ProbeOptions) {
			s.API = &report.API{Version: "3.10.2", NTP: &yes}
		}), side: src, want: pass()}},
		{"api-ntp", ruleCase{name: "manual clock", run: probeOf(p, func(s, _ *report.Observation, _ *pairing.ProbeOptions) {
			s.API = &report.API{Version: "3.10.2", NTP: &no, TimeSource: "Local"}
		}), side: src, want: liveWarn(-1, `source 10.0.0.5:443 does not use NTP (time source "Local")`)}},
		{"api-cert", ruleCase{name: "the presented certificate", run: probeOf(p, func(s, _ *report.Observation, _ *pairing.ProbeOptions) {
			s.API = &report.API{Version: "3.10.2", CertIssuedTo: "OMENT-310", CertIssuedBy: "Inter-CA1"}
		}), side: src, want: pass()}},
		{"api-cert", ruleCase{name: "web server not restarted", run: probeOf(p, func(s, _ *report.Observation, _ *pairing.ProbeOptions) {
			s.API = &report.API{Version: "3.10.2", CertIssuedTo: "OMENT-OLD", CertIssuedBy: "Inter-CA1"}
		}), side: src, want: liveWarn(0, `the API reports a certificate issued to "OMENT-OLD" by "Inter-CA1", but the appliance presents "OMENT-310" issued by "Inter-CA1"`)}},
		{"api-cert", ruleCase{name: "the presented certificate's SANs and key size", run: probeOf(p, func(s, _ *report.Observation, _ *pairing.ProbeOptions) {
			s.API = &report.API{Version: "3.10.2", CertIssuedTo: "OMENT-310", CertIssuedBy: "Inter-CA1", CertSAN: "oment-310", CertKeySize: 2048}
		}), side: src, want: pass()}},
		{"api-cert", ruleCase{name: "other SANs", run: probeOf(p, func(s, _ *report.Observation, _ *pairing.ProbeOptions) {
			s.API = &report.API{Version: "3.10.2", CertIssuedTo: "OMENT-310", CertIssuedBy: "Inter-CA1", CertSAN: "OMENT-310,10.0.0.5"}
		}), side: src, want: liveWarn(0, `the API reports a certificate for "OMENT-310" with the SANs "OMENT-310,10.0.0.5", but the one it presents has "OMENT-310"`)}},
		{"api-cert", ruleCase{name: "other key size", run: probeOf(p, func(s, _ *report.Observation, _ *pairing.ProbeOptions) {
			s.API = &report.API{Version: "3.10.2", CertIssuedTo: "OMENT-310", CertIssuedBy: "Inter-CA1", CertKeySize: 4096}
		}), side: src, want: liveWarn(0, `the API reports a 4096-bit key for "OMENT-310", but the certificate it presents has a 2048-bit key`)}},
		{"api-webserver", ruleCase{name: "443, probed on 443", run: probeOf(p, func(s, _ *report.Observation, _ *pairing.ProbeOptions) {
			s.API = &report.API{Version: "3.10.2", WebServerPort: 443, WebServerEnabled: &yes}
		}), side: src, want: pass()}},
		{"api-webserver", ruleCase{name: "not the probed port", run: probeOf(p, func(s, _ *report.Observation, _ *pairing.ProbeOptions) {
			s.API = &report.API{Version: "3.10.2", WebServerPort: 8443, WebServerEnabled: &yes}
		}), side: src, want: liveWarn(-1, "source 10.0.0.5:443: OME reports its web server on port 8443, not on the probed port 443")}},
		{"api-webserver", ruleCase{name: "probed on its port, not 443", run: probeOf(p, func(_, d *report.Observation, _ *pairing.ProbeOptions) {
			d.Address = "10.0.0.6:8443"
			d.API = &report.API{Version: "4.0.1", WebServerPort: 8443, WebServerEnabled: &yes}
		}), side: report.SideTarget, want: liveWarn(-1, "target 10.0.0.6:8443: its web server listens on port 8443, not 443; the migration wizard takes only an address, so the peer appliance dials 443")}},
		{"api-webserver", ruleCase{name: "disabled", run: probeOf(p, func(s, _ *report.Observation, _ *pairing.ProbeOptions) {
			s.API = &report.API{Version: "3.10.2", WebServerPort: 443, WebServerEnabled: &no}
		}), side: src, want: liveWarn(-1, "OME reports its web server disabled (EnableWebServer false)")}},
		{"leaf-name", ruleCase{name: "a name the API reports is covered", run: probeOf(p, func(s, _ *report.Observation, _ *pairing.ProbeOptions) {
			s.API = &report.API{Version: "3.10.2", DNSName: "oment-310", Addresses: []string{"10.0.0.5"}}
		}), side: src, want: pass()}},
		{"leaf-name", ruleCase{name: "none of the names the API reports", run: probeOf(p, func(s, _ *report.Observation, _ *pairing.ProbeOptions) {
			s.API = &report.API{Version: "3.10.2", DNSName: "ome1.example.com", Addresses: []string{"10.0.0.5"}}
		}), side: src, want: liveWarn(0, `covers none of the names the appliance's API reports for itself (AddressConfiguration: ome1.example.com, 10.0.0.5), which the peer appliance dials; it covers OMENT-310`)}},
		{"api-proxy", ruleCase{name: "peer excluded", run: probeOf(p, func(s, _ *report.Observation, _ *pairing.ProbeOptions) {
			s.API = &report.API{Version: "3.10.2", Proxy: &yes, ProxyAddress: "proxy:3128", ProxyExcluded: "10.0.0.0/24"}
		}), side: src, want: pass()}},
		{"api-proxy", ruleCase{name: "peer behind the proxy", run: probeOf(p, func(s, _ *report.Observation, _ *pairing.ProbeOptions) {
			s.API = &report.API{Version: "3.10.2", Proxy: &yes, ProxyAddress: "proxy:3128", ProxyExcluded: "192.168.0.0/16"}
		}), side: src, want: liveWarn(-1, `source 10.0.0.5:443 uses the proxy proxy:3128 and the target 10.0.0.6 is not in its exclusion list "192.168.0.0/16"`)}},
		{"api-fips", ruleCase{name: "FIPS mode reported", run: probeOf(p, func(s, _ *report.Observation, _ *pairing.ProbeOptions) {
			s.API = &report.API{Version: "3.10.2", FIPSMode: "OFF"}
		}), side: src, want: want{status: pairing.Info, cert: -1, details: "source 10.0.0.5:443: FIPS mode OFF", args: noOME}}},
	}
	for _, tc := range cases {
		t.Run(tc.rule+": "+tc.name, func(t *testing.T) {
			assertRule(t, tc.run(t), tc.rule, tc.side, tc.want)
		})
	}
}
