package main

import (
	"crypto/tls"
	"encoding/binary"
	"fmt"
	"github.com/ome-preflight/ome-preflight/report"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/ome-preflight/ome-preflight/fixtures"
)

// certNoSignature stands in front of a TLS 1.2 server and lets its
// handshake through up to the Certificate message, then ends the server's
// flight without the signed ServerKeyExchange: a peer that shows a chain
// (copied from anywhere) and never proves it holds the key. TLS 1.2
// handshake messages are plaintext, so they can be re-framed one per record.
func certNoSignature(t *testing.T, backend string, after []byte) string {
	addr, _ := loopProxy(t, func(int) string { return backend }, func(c io.Writer, u io.Reader) { cutAfterCertificate(c, u, after) })
	return addr
}

// Handshake messages a peer may send after Certificate instead of the
// signed ServerKeyExchange.
var (
	helloDone   = []byte{14, 0, 0, 0}
	certRequest = []byte{13, 0, 0, 8, 1, 1, 0, 2, 4, 1, 0, 0} // rsa_sign; rsa_pkcs1_sha256; no CA names
)

func cutAfterCertificate(client io.Writer, server io.Reader, after []byte) {
	var hs []byte // handshake bytes not yet forwarded
	hdr := make([]byte, 5)
	for {
		if _, err := io.ReadFull(server, hdr); err != nil {
			return
		}
		body := make([]byte, binary.BigEndian.Uint16(hdr[3:]))
		if _, err := io.ReadFull(server, body); err != nil {
			return
		}
		if hdr[0] != 22 { // not handshake: nothing of it is forwarded
			return
		}
		hs = append(hs, body...)
		for len(hs) >= 4 {
			n := 4 + (int(hs[1])<<16 | int(hs[2])<<8 | int(hs[3]))
			if len(hs) < n {
				break
			}
			msg := hs[:n]
			rec := append([]byte{22, hdr[1], hdr[2], byte(n >> 8), byte(n)}, msg...)
			if _, err := client.Write(rec); err != nil {
				return
			}
			if msg[0] == 11 { // Certificate: then after, skipping the signed ServerKeyExchange
				client.Write(append([]byte{22, hdr[1], hdr[2], byte(len(after) >> 8), byte(len(after))}, after...))
				io.Copy(io.Discard, server)
				return
			}
			hs = hs[n:]
		}
	}
}

// reportChecks decodes a probe's JSON report and indexes its checks by
// "rule/side".
func reportChecks(t *testing.T, res result) (report.Report, map[string]report.CheckResult) {
	t.Helper()
	var r report.Report
	if err := jsonUnmarshal(res.stdout, &r); err != nil {
		t.Fatalf("exit %d: %v\n%s", res.code, err, res.stderr)
	}
	return r, checksByRule(r)
}

// checksByRule indexes a report's checks by "rule/side".
func checksByRule(r report.Report) map[string]report.CheckResult {
	status := map[string]report.CheckResult{}
	for _, c := range r.Checks {
		status[c.Rule+"/"+string(c.Side)] = c
	}
	return status
}

// mitmLab starts a test with mitmPKI's lab clock, the source's and the
// target's chains written to files, and a genuine target appliance.
func mitmLab(t *testing.T) (now func() time.Time, p *fixtures.PKI, srcChain, tgtChain string, tgt *fixtures.Mock) {
	noLeaks(t)
	now = labClock(t)
	p = mitmPKI()
	dir := t.TempDir()
	srcChain = writeChain(t, dir, "source.pem", p.Chain("source", "inter", "root")...)
	tgtChain = writeChain(t, dir, "target.pem", p.Chain("target", "inter", "root")...)
	return now, p, srcChain, tgtChain, mockOf(t, p, now, "target", nil)
}

// A chain is evidence of what an appliance serves only from a handshake in
// which the appliance proved it holds the certificate's key. A peer that
// replays the real chain (signing with another key, or stopping before it
// must sign) earns nothing: no credentials, no chain in the report, no
// upload or pair rule passing on it.
func TestProbeReplayedChainIsNotEvidence(t *testing.T) {
	now, p, srcChain, tgtChain, tgt := mitmLab(t)
	wrongKey := func(max uint16) func(o *fixtures.MockOptions) {
		return func(o *fixtures.MockOptions) { o.Key, o.TLSMaxVersion = p.Certs["sibling"].Key, max }
	}
	cases := []struct {
		name    string
		source  func() (string, *fixtures.Mock)
		keyFail bool // the signature was shown and failed (live-key error), else the peer stopped before it
		code    int
	}{
		{"signed with another key, TLS 1.3", func() (string, *fixtures.Mock) {
			m := mockOf(t, p, now, "source", wrongKey(0))
			return m.Addr, m
		}, true, 1},
		{"signed with another key, TLS 1.2", func() (string, *fixtures.Mock) {
			m := mockOf(t, p, now, "source", wrongKey(tls.VersionTLS12))
			return m.Addr, m
		}, true, 1},
		{"the chain, then no signature", func() (string, *fixtures.Mock) {
			m := mockOf(t, p, now, "source", func(o *fixtures.MockOptions) { o.TLSMaxVersion = tls.VersionTLS12 })
			return certNoSignature(t, m.Addr, helloDone), m
		}, false, 3},
		// A certificate request is no proof in TLS 1.2: it may come without
		// a ServerKeyExchange (the client then fails on its own).
		{"the chain, then a certificate request and no signature", func() (string, *fixtures.Mock) {
			m := mockOf(t, p, now, "source", func(o *fixtures.MockOptions) { o.TLSMaxVersion = tls.VersionTLS12 })
			return certNoSignature(t, m.Addr, append(append([]byte{}, certRequest...), helloDone...)), m
		}, false, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			addr, m := tc.source()
			t.Setenv("OME_PASSWORD", "pw")
			res := runCLI(t, probeArgs(addr, tgt.Addr, "--user", "admin", "--source-chain", srcChain, "--target-chain", tgtChain)...)
			if n := m.CredentialsSeen(); n != 0 {
				t.Errorf("the source received credentials %d times", n)
			}
			r, status := reportChecks(t, res)
			if res.code != tc.code {
				t.Errorf("exit code %d, want %d", res.code, tc.code)
			}
			// A peer that stopped before signing is not reached as far as
			// this tool can tell: the chain the user expects it to serve is
			// then checked offline (a file, named as such), never the one it
			// showed. One that signed with another key was reached: nothing
			// of its side is checked.
			offline := r.Source.NotReached != "" && r.Source.File == srcChain
			if tc.keyFail == offline || len(r.Rows) != 0 || (!offline && len(r.Source.Chain) != 0) {
				t.Errorf("the unproven chain is in the report: not_reached %q, file %q, chain %d certificates, %d rows", r.Source.NotReached, r.Source.File, len(r.Source.Chain), len(r.Rows))
			}
			uploads := []string{"chain-complete/source", "leaf-eku/source"}
			if offline {
				uploads = nil
			}
			for _, id := range append(uploads, "live-leaf-only/source", "live-chain-differs/source", "live-handshake/source", "pair-trust/pair", "pair-ca-names/pair") {
				if c := status[id]; c.Status != report.NA || c.Reason == "" {
					t.Errorf("%s: %s (%q), want na with a reason", id, c.Status, c.Reason)
				}
			}
			key := status["live-key/source"]
			switch {
			case tc.keyFail && (key.Status != report.Error || !strings.Contains(r.Source.Observed.KeyUnproven, "does not verify with that certificate's public key")):
				t.Errorf("live-key source: %s, key_unproven %q; want an error", key.Status, r.Source.Observed.KeyUnproven)
			case !tc.keyFail && key.Status != report.NA:
				t.Errorf("live-key source: %s, want na (no signature was shown)", key.Status)
			}
			if c := status["live-key/target"]; c.Status != report.Pass {
				t.Errorf("live-key target: %s (%s), want pass", c.Status, c.Reason)
			}
		})
	}
}

// Positive control: an appliance that requires a client certificate ends the
// handshake without one, after proving its key; its chain is evidence (TLS
// 1.3 and 1.2).
func TestProbeKeyProvenWhenClientCertRequired(t *testing.T) {
	now, p, srcChain, tgtChain, tgt := mitmLab(t)
	for name, max := range map[string]uint16{"TLS 1.3": 0, "TLS 1.2": tls.VersionTLS12} {
		t.Run(name, func(t *testing.T) {
			src := mockOf(t, p, now, "source", func(o *fixtures.MockOptions) {
				o.ClientAuth, o.ClientCAs, o.TLSMaxVersion = "require", p.Chain("root"), max
			})
			res := runCLI(t, probeArgs(src.Addr, tgt.Addr, "--source-chain", srcChain, "--target-chain", tgtChain)...)
			r, status := reportChecks(t, res)
			if len(r.Source.Chain) != 3 || len(r.Rows) != 3 || status["live-key/source"].Status != report.Pass || status["pair-trust/pair"].Status != report.Pass {
				t.Errorf("source chain %d, rows %d, live-key %+v, pair-trust %+v", len(r.Source.Chain), len(r.Rows), status["live-key/source"], status["pair-trust/pair"])
			}
		})
	}
}

// A path that answers the observing and the verifying connections with
// different certificates (here a sibling from the same CA, which verifies
// under the same root) earns no pass: whichever connection reaches the
// impostor, live-chain-differs fails and live-handshake is not a pass.
func TestProbeConnectionsAnsweredDifferently(t *testing.T) {
	now, p, srcChain, tgtChain, tgt := mitmLab(t)
	sibling := func(o *fixtures.MockOptions) { o.Chain = append(o.Chain[:1:1], p.Chain("inter", "root")...) }
	for _, order := range []string{"first connection to the appliance", "first connection to the sibling"} {
		for _, pinned := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s, --source-chain %v", order, pinned), func(t *testing.T) {
				good, bad := mockOf(t, p, now, "source", nil), mockOf(t, p, now, "sibling", sibling)
				addr := passthrough(t, good.Addr, bad.Addr)
				if order == "first connection to the sibling" {
					addr = passthrough(t, bad.Addr, good.Addr)
				}
				args := probeArgs(addr, tgt.Addr, "--target-chain", tgtChain)
				if pinned {
					args = append(args, "--source-chain", srcChain)
				}
				res := runCLI(t, args...)
				r, status := reportChecks(t, res)
				if res.code != 1 || status["live-chain-differs/source"].Status != report.Error || status["live-handshake/source"].Status == report.Pass {
					t.Errorf("exit %d, live-chain-differs %+v, live-handshake %+v", res.code, status["live-chain-differs/source"], status["live-handshake/source"])
				}
				for _, f := range r.Findings {
					if f.Rule == "live-chain-differs" && (!strings.Contains(f.Message, `"workstation-42"`) || !strings.Contains(f.Fix, "answers some connections")) {
						t.Errorf("finding %q, fix %q: want the other certificate named and the path blamed", f.Message, f.Fix)
					}
				}
			})
		}
	}
}
