package pairing

import (
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/report"
)

// judgeMutuals judges each appliance's verifying handshake with the other's
// root at the other's clock, for serverAuth, with chain's one verifier: the
// handshakes were made by probe, which only observes; this is the verdict
// of live-handshake's evidence. The transcripts are appended to each
// observation's Handshakes.
func judgeMutuals(a, b *report.Observation) {
	for _, p := range [][2]*report.Observation{{a, b}, {b, a}} {
		self, peer := p[0], p[1]
		if self == nil || peer == nil {
			continue // one appliance alone: no peer's root to verify it with
		}
		if len(self.Chain) == 0 || len(peer.Chain) == 0 || self.Mutual == nil {
			continue
		}
		// The peer trusts the roots of the chain it serves (the one anchor
		// rule, as compare's trust matrix).
		hs := judgeMutual(self.Mutual, chain.Anchors(peer.Chain, nil), peer.Clock)
		if hs.OK && hs.HTTPStatus == 401 {
			hs.HTTPNote = http401Note(self.API)
		}
		self.Handshakes = append(self.Handshakes, hs)
	}
}

// http401Note says why a passing handshake's request was answered 401:
// the request over it carries the credentials only when they were given
// and the appliance passed the check made before sending them.
func http401Note(api *report.API) string {
	switch {
	case api == nil:
		return "no credentials were sent, as no --user was given: the API's expected answer; the handshake itself passed"
	case api.Refused != "":
		return "credentials were withheld, see api-access: the API's expected answer; the handshake itself passed"
	case api.AuthFailed:
		return "the API refused the credentials, see api-access; the handshake itself passed"
	}
	return ""
}

func judgeMutual(m *report.MutualAttempt, anchors []*x509.Certificate, at time.Time) report.Handshake {
	hs := report.Handshake{Kind: report.KindMutual, VerifiedAt: at.UTC().Format(time.RFC3339), ClientCert: m.ClientCert}
	var verifyErr, weak error
	if m.Made {
		hs.Version, hs.CipherSuite = m.Version, m.CipherSuite
		for _, c := range m.Peer {
			hs.PeerChain = append(hs.PeerChain, report.NameOf(c.Subject))
		}
		switch {
		case len(m.Peer) == 0:
			verifyErr = errors.New("the appliance presented no certificate")
		case len(anchors) == 0:
			verifyErr = errors.New("the peer appliance's chain has no root, so it trusts nothing")
		default:
			v := chain.Validate(m.Peer[0], m.Peer[1:], chain.VerifyOptions{Anchors: anchors, At: at, Usage: x509.ExtKeyUsageServerAuth})
			verifyErr = v.Err
			if v.Reason == chain.WeakSignature {
				weak = v.Err
			}
		}
	}
	switch {
	case m.Differs != "":
		hs.Error, hs.Stage = m.Differs, report.StageDiffers
	case weak != nil:
		// One fact, one severity: weak-signature's warning, not Go's
		// refusal as OME's verdict.
		hs.Error, hs.Stage = weak.Error(), report.StageWeak
	case verifyErr != nil:
		hs.Error, hs.Stage = verifyErr.Error(), report.StageVerify
	case m.Failed && m.Withheld != "":
		hs.Error, hs.Stage = m.Error+"; "+m.Withheld, report.StageClientCert
	case m.Failed:
		hs.Error, hs.Stage = m.Error, m.Stage
	case !m.Made:
		hs.Error, hs.Stage = "no handshake was made", report.StageConnect
	case httpRefusal(m) != "":
		// The TLS handshake completed, and the server refused the client
		// certificate (or its absence) in its HTTP answer: a refusal, not
		// a pass.
		hs.Error, hs.Stage, hs.HTTPStatus = "refused at the HTTP level after the handshake ("+httpRefusal(m)+")", report.StageClientCert, m.HTTPStatus
	case m.Flight != "":
		// The chain verifies and the key was proven from the flight; the
		// handshake was not completed: not a pass, not a refusal.
		hs.Error, hs.Stage = m.Flight, report.StageFlight
	default:
		hs.OK, hs.HTTPStatus = true, m.HTTPStatus
		if m.HTTPError != "" {
			hs.HTTPNote = "no HTTP answer over it: " + m.HTTPError
		}
	}
	return hs
}

// httpRefusal recognises a client certificate refused in the HTTP answer
// of a completed handshake, as nginx answers it (ssl_verify_client): 495
// "SSL Certificate Error", 496 "SSL Certificate Required", or 400 with
// "The SSL certificate error" / "No required SSL certificate was sent".
// It returns the status and the answer's title, or "".
func httpRefusal(m *report.MutualAttempt) string {
	title := m.HTTPBody
	if i := strings.Index(strings.ToLower(title), "<title>"); i >= 0 {
		title = title[i+len("<title>"):]
		if j := strings.Index(strings.ToLower(title), "</title>"); j >= 0 {
			title = title[:j]
		}
	}
	title = strings.TrimSpace(strings.SplitN(title, "\n", 2)[0])
	switch {
	case m.HTTPStatus == 495 || m.HTTPStatus == 496:
	case m.HTTPStatus == 400 && strings.Contains(strings.ToLower(m.HTTPBody), "ssl certificate"):
	default:
		return ""
	}
	return fmt.Sprintf("HTTP %d: %s", m.HTTPStatus, title)
}
