// Package probe observes live OME appliances: the chain each presents, its
// TLS version and cipher, the client-CA names it requests, its clock, a
// GET-only read of its API, and real mutual-TLS handshakes. It only reads:
// every request is a GET, and every operation runs under a context deadline.
// It observes and never judges: what it saw goes to the rules (package
// pairing) as report's observation types; the one decision it takes itself
// is the credential gate, which decides what it sends.
package probe

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/rs/zerolog"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/report"
)

// DefaultTimeout bounds the work for one appliance.
const DefaultTimeout = 10 * time.Second

// DefaultPort is OME's web server port.
const DefaultPort = "443"

// maxBody bounds what is read of any HTTP response.
const maxBody = 1 << 20

// Options tune a probe. Timeout bounds all the work for one appliance.
type Options struct {
	Timeout time.Duration
	// ClientCert is a stand-in identity from the appliances' CA, presented
	// in the mutual handshake; nil skips it.
	ClientCert *tls.Certificate
	// User and Password read the OME API (GET only).
	User, Password string
	// Trust holds the anchors the user supplied (the expected chain's root,
	// --ca). When given, a connection that carries credentials must verify
	// to them, for serverAuth, at this machine's clock.
	Trust []*x509.Certificate
	// ExpectedLeaf (the leaf of --source-chain/--target-chain) and
	// Fingerprints (--source-fingerprint/--target-fingerprint: SHA-256 of
	// the leaf certificate or of its public key) pin the appliance:
	// credentials go only over a connection whose leaf has the same public
	// key. Without a pin, credentials are not sent.
	ExpectedLeaf *x509.Certificate
	Fingerprints [][]byte
	// Insecure sends credentials without the pin and chain checks (TLS 1.2
	// or later is still required).
	Insecure bool
	// Refuse, when set, keeps credentials from this appliance whatever it
	// presents (e.g. the expected chain does not verify to --ca), and says
	// why.
	Refuse error
	Now    func() time.Time
	Log    zerolog.Logger
	// HandshakeTimeout, when set, bounds connecting and the TLS handshake
	// of each connection within Timeout: an appliance that accepts the
	// connection and never answers fails after it, not after Timeout.
	HandshakeTimeout time.Duration
	// Progress, when set, is told each Step the probe reaches (from
	// several goroutines; it only ever moves forward).
	Progress func(Step)
}

// observer is one appliance's observation while it is made: the
// report's Observation, and what the connections leave for later.
type observer struct {
	*report.Observation
	// mutual is the verifying connection's handshake, handed over unjudged
	// (Observation.Mutual) for the live rules to judge with the peer's root
	// at the peer's clock.
	mutual *mutualResult
	// dateErr is why the observing connection's GET / failed.
	dateErr error
	// dialed is done when the observing and the verifying connections have
	// been dialled: the suites' ClientHello goes third, so that whatever
	// sits on the path sees the two that judge the appliance first.
	dialed sync.WaitGroup
	// clientCert: --client-cert was given (the verifying connection
	// presents it; the observing one never does).
	clientCert bool
	// observeErr is why the observing connection showed no chain.
	observeErr error
	// alone: the verifying connection is made again after the appliance
	// closed it; it dials nothing ahead for the API.
	alone bool
}

// apiReader fills a report.API from GETs made at the same time.
type apiReader struct {
	*report.API
	mu      sync.Mutex
	timeRTT time.Duration
}

// result is the API read (nil without --user).
func (a *apiReader) result() *report.API {
	if a == nil {
		return nil
	}
	return a.API
}

type dated struct {
	at  time.Time
	rtt time.Duration
}

// mutualResult is what the verifying connection showed.
type mutualResult struct {
	state      *tls.ConnectionState
	clientCert report.Name
	err        error
	stage      report.Stage
	status     int
	body       string // the start of the answer's body, for the rules
	withheld   string // why the stand-in was not sent (see Withheld)
	unproven   string // the server's handshake signature did not verify
	differs    string // answered with another leaf than the observing connection
	httpErr    string // the request over a completed handshake was not answered
}

func spkiPrefix(c *x509.Certificate) string {
	h := sha256.Sum256(c.RawSubjectPublicKeyInfo)
	return fmt.Sprintf("%x", h[:8])
}

// attempt is the verifying connection as the rules get it, unjudged.
func (m *mutualResult) attempt() *report.MutualAttempt {
	a := &report.MutualAttempt{ClientCert: m.clientCert, Stage: m.stage, HTTPStatus: m.status, HTTPBody: m.body, HTTPError: m.httpErr, Differs: m.differs, Withheld: m.withheld}
	if st := m.state; st != nil {
		a.Made, a.Version, a.CipherSuite, a.Peer = true, tls.VersionName(st.Version), tls.CipherSuiteName(st.CipherSuite), st.PeerCertificates
	}
	if m.err != nil {
		a.Failed, a.Error = true, describe(m.err)
	}
	return a
}

// SplitAddress turns HOST[:PORT] (IPv6 in brackets) into host:port and the
// host, defaulting to port 443.
func SplitAddress(s string) (hostport, host string, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", "", errors.New("empty address")
	}
	if h, p, err := net.SplitHostPort(s); err == nil {
		if n, perr := strconv.Atoi(p); perr != nil || n < 1 || n > 65535 {
			return "", "", fmt.Errorf("bad port %q", p)
		}
		if h == "" {
			return "", "", fmt.Errorf("no host in %q", s)
		}
		return net.JoinHostPort(h, p), h, nil
	}
	h := strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	if strings.Contains(h, ":") && net.ParseIP(h) == nil {
		return "", "", fmt.Errorf("bad address %q (IPv6 literals go in brackets: [fd00::5]:443)", s)
	}
	return net.JoinHostPort(h, DefaultPort), h, nil
}

func (o *Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

func (o *Options) timeout() time.Duration {
	if o.Timeout <= 0 {
		return 10 * time.Second
	}
	return o.Timeout
}

// Observe probes one appliance within o.Timeout, in as few round trips as
// it can: two connections at once. The observing one (no client
// certificate) records the chain, the TLS parameters and the client-CA
// request, then reads the Date header on the same connection. The verifying
// one presents the stand-in client certificate; it is handed over unjudged
// (Observation.Mutual) for the live rules to judge, and, when it passes the
// credential gate in its own handshake, it carries the API GETs (the
// optional ones on further gated connections, at the same time).
func Observe(ctx context.Context, address string, o Options) *report.Observation {
	deadline := time.Now().Add(o.timeout())
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	obs := &observer{clientCert: o.ClientCert != nil, Observation: &report.Observation{Address: address, AcceptableCAs: []report.Name{}, Handshakes: []report.Handshake{},
		Failures: []report.Failure{}, Clock: o.now().UTC(), ClockSource: report.ClockSourceUnread}}
	hostport, host, err := SplitAddress(address)
	if err != nil {
		obs.fail("address", err)
		return obs.Observation
	}
	obs.Address = hostport
	if net.ParseIP(host) == nil {
		obs.ServerName = host
	}
	log := o.Log.With().Str("appliance", hostport).Logger()
	defer o.step(StepDone)
	var wg sync.WaitGroup
	var observeDate, verifyDate *dated
	var api *apiReader
	mutual := &mutualResult{}
	var flight *Flight
	var suitesErr error
	offer := func() {
		hctx, cancel := o.handshakeContext(ctx)
		defer cancel()
		obs.OMESuites, flight, suitesErr = offerOME(hctx, hostport, obs.ServerName)
	}
	obs.dialed.Add(2)
	wg.Add(3)
	go func() { defer wg.Done(); observeDate = obs.observeTLS(ctx, o) }()
	go func() { defer wg.Done(); verifyDate, api = obs.verifying(ctx, o, mutual) }()
	go func() {
		defer wg.Done()
		obs.dialed.Wait()
		offer()
	}()
	wg.Wait()
	// An appliance, or something in front of it, that serves fewer
	// connections at once than the three made here closes some of them, or
	// leaves them unanswered until the handshake bound: when another
	// connection to it was answered, each such one is made again, alone,
	// once. Nothing had been sent on them (their handshake failed), so no
	// request is repeated.
	answered := func() bool {
		return len(obs.Chain) > 0 || obs.TLSVersion != "" || mutual.state != nil || suitesErr == nil
	}
	// A retry is recorded when it was answered: a connection refused
	// again was not one too many, and its own failure stands.
	if first := obs.observeErr; first != nil && closedEarly(first) && answered() && ctx.Err() == nil {
		obs.forgetObserve()
		obs.dialed.Add(1) // observeTLS marks its dial done; nobody waits any more
		if observeDate = obs.observeTLS(ctx, o); obs.observeErr == nil {
			obs.Retried = append(obs.Retried, "observing connection: "+describe(first))
		}
	}
	if first := mutual.err; mutual.state == nil && first != nil && closedEarly(first) && answered() && ctx.Err() == nil {
		mutual = &mutualResult{}
		obs.dialed.Add(1)
		obs.alone = true // no connections dialled ahead: the GETs take the verified one in turn
		if verifyDate, api = obs.verifying(ctx, o, mutual); mutual.state != nil {
			obs.Retried = append(obs.Retried, "verifying connection: "+describe(first))
		}
	}
	if first := suitesErr; first != nil && closedEarly(first) && answered() && ctx.Err() == nil {
		if offer(); suitesErr == nil {
			obs.Retried = append(obs.Retried, "connection offering OME's suites: "+describe(first))
		}
	}
	obs.mutual, obs.API = mutual, api.result()
	if st := mutual.state; st != nil && len(obs.Chain) > 0 && len(st.PeerCertificates) > 0 && !st.PeerCertificates[0].Equal(obs.Chain[0]) {
		obs.ConnectionsDiffer = fmt.Sprintf("the verifying connection was answered with \"%s\" (public key SHA-256 %s), the observing one with \"%s\" (%s)",
			chain.Name(st.PeerCertificates[0]), spkiPrefix(st.PeerCertificates[0]), chain.Name(obs.Chain[0]), spkiPrefix(obs.Chain[0]))
		mutual.differs = obs.ConnectionsDiffer
	}
	if obs.KeyUnproven == "" && mutual.unproven != "" {
		// The observing connection was answered with the key, the verifying
		// one without: something on the path answers some connections.
		obs.KeyUnproven = mutual.unproven + " (on the verifying connection; the observing one proved it)"
	}
	if api != nil && api.UtcTime != "" {
		for _, layout := range []string{utcLayout, "2006-01-02 15:04:05", time.RFC3339Nano} {
			if t, err := time.Parse(layout, api.UtcTime); err == nil {
				obs.Clock, obs.ClockSource = t.Add(api.timeRTT/2).UTC(), report.ClockSourceAPI
				break
			}
		}
	}
	obs.Mutual = mutual.attempt()
	if sp := obs.OMESuites; flight != nil && len(obs.Chain) == 0 && obs.TLSVersion == "" && obs.KeyUnproven == "" && sp.Chosen != "" && !sp.GoCompletes {
		obs.fromFlight(o, flight)
	}
	if len(obs.Chain) == 0 {
		obs.API = nil // not reached: the API rules say so, not a failure of their own
		log.Debug().Interface("failures", obs.Failures).Msg("no chain observed")
		return obs.Observation
	}
	log.Debug().Str("version", obs.TLSVersion).Str("cipher", obs.CipherSuite).Int("chain", len(obs.Chain)).
		Bool("requests_client_cert", obs.RequestsClientCert).Msg("observed")
	switch {
	case obs.ClockSource == report.ClockSourceAPI:
	case observeDate != nil:
		obs.setDate(*observeDate)
	case verifyDate != nil:
		// e.g. a TLS 1.3 appliance that wants a client certificate closed
		// the observing connection: the verifying one had it.
		obs.setDate(*verifyDate)
	case obs.dateErr != nil:
		obs.fail("clock (HTTP GET /)", obs.dateErr)
		obs.Failures[len(obs.Failures)-1].Clock = true // this machine's clock stands in
		// It answered: the GET went over a completed handshake, whatever
		// came of it (no Date header, an alert refusing the missing client
		// certificate over TLS 1.3, a closed connection, no answer).
		obs.Failures[len(obs.Failures)-1].Answered = true
	}
	log.Debug().Time("clock", obs.Clock).Str("source", obs.ClockSource.Text).Float64("rtt_ms", obs.RTTMillis).Msg("clock")
	if o.User != "" {
		// The user name is logged, the password never.
		log.Debug().Str("user", o.User).Bool("read", obs.API.Read()).Msg("api")
	}
	return obs.Observation
}

// errNoDate is an HTTP answer without a usable Date header: the appliance
// answered, its clock was not read.
var errNoDate = errors.New("no usable Date header")

// maxBodyShown bounds the start of an HTTP answer kept for the rules.
const maxBodyShown = 512

// offerOME offers exactly OME's four TLS 1.2 suites in a connection of its
// own, at the same time as the others (no round trip added), and records
// the ServerHello's choice or the alert.
func offerOME(ctx context.Context, addr, serverName string) (*report.SuiteProbe, *Flight, error) {
	sp := &report.SuiteProbe{}
	for _, s := range OMESuites {
		sp.Offered = append(sp.Offered, SuiteName(s))
	}
	h, err := OfferSuites(ctx, addr, serverName, OMESuites)
	switch {
	case err != nil:
		sp.Error = describe(err)
	case h.Refused():
		sp.Alert = AlertName(h.Alert)
	default:
		sp.Chosen, sp.GoCompletes = SuiteName(h.Suite), GoCanComplete(h.Suite)
		if !sp.GoCompletes {
			sp.FlightError = h.FlightErr
		}
	}
	return sp, h.Flight, err
}

// notTLS words the first bytes of an answer that is not a TLS record.
func notTLS(first [5]byte) string {
	printable := true
	for _, b := range first {
		printable = printable && b >= 0x20 && b < 0x7f
	}
	switch {
	case bytes.HasPrefix(first[:], []byte("HTTP/")):
		return "it answered in plain HTTP (\"HTTP/\"): this port serves HTTP, not HTTPS"
	case printable:
		return fmt.Sprintf("it answered with the text %q, not a TLS handshake", string(first[:]))
	}
	return fmt.Sprintf("it answered with the bytes % x, not a TLS handshake", first[:])
}

// closedEarly: a connection the appliance closed, reset or left
// unanswered before its handshake was done (not one it refused to open:
// see wait.go's retryable for a restarting appliance).
func closedEarly(err error) bool {
	var ne net.Error
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
}

// forgetObserve drops what a failed observing connection recorded, before
// it is made again.
func (obs *observer) forgetObserve() {
	obs.observeErr = nil
	kept := obs.Failures[:0]
	for _, f := range obs.Failures {
		if f.Step != "connect" && f.Step != "tls handshake" {
			kept = append(kept, f)
		}
	}
	obs.Failures = kept
	hs := obs.Handshakes[:0]
	for _, h := range obs.Handshakes {
		if h.Kind != report.KindObserve {
			hs = append(hs, h)
		}
	}
	obs.Handshakes = hs
}

// fromFlight takes the chain, the key proof and the client certificate
// request from the appliance's TLS 1.2 flight (offerOME's connection)
// when it chose one of OME's suites that Go's crypto/tls cannot complete,
// so that the other connections failed: what a Java client (which
// completes DHE and CBC-SHA384) would have been shown. The handshake
// itself is not completed, and the verifying one is judged as inferred.
func (obs *observer) fromFlight(o Options, f *Flight) {
	sp := obs.OMESuites
	var certs []*x509.Certificate
	for i, der := range f.Chain {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			sp.FlightError = fmt.Sprintf("certificate %d of its chain could not be read: %v", i, err)
			return
		}
		certs = append(certs, c)
	}
	notCompleted := fmt.Sprintf("this tool's TLS cannot complete %s, the suite the appliance chose among OME's four", sp.Chosen)
	if f.SignatureErr != nil {
		obs.KeyUnproven = fmt.Sprintf("it presented \"%s\" in its TLS 1.2 flight, but %v", chain.Name(certs[0]), f.SignatureErr)
		return
	}
	sp.FlightRead = true
	obs.Chain, obs.TLSVersion, obs.CipherSuite = certs, "TLS 1.2", sp.Chosen
	obs.RequestsClientCert = f.RequestsClientCert
	obs.AcceptableCAs = obs.AcceptableCAs[:0]
	for _, raw := range f.AcceptableCAs {
		obs.AcceptableCAs = append(obs.AcceptableCAs, rdnString(raw))
	}
	// Go's failed handshakes are not the appliance's failure: the flight
	// explains them.
	kept := obs.Failures[:0]
	for _, fl := range obs.Failures {
		if fl.Step != "tls handshake" {
			kept = append(kept, fl)
		}
	}
	obs.Failures = kept
	hs := report.Handshake{Kind: report.KindObserve, Version: obs.TLSVersion, CipherSuite: obs.CipherSuite, Stage: report.StageFlight,
		Error: notCompleted + ": its chain and ServerKeyExchange signature were read from its TLS 1.2 flight, the handshake was not completed"}
	for _, c := range certs {
		hs.PeerChain = append(hs.PeerChain, report.NameOf(c.Subject))
	}
	for i := range obs.Handshakes {
		if obs.Handshakes[i].Kind == report.KindObserve {
			obs.Handshakes[i] = hs
		}
	}
	a := &report.MutualAttempt{ClientCert: obs.Mutual.ClientCert, Made: true, Version: obs.TLSVersion, CipherSuite: obs.CipherSuite, Peer: certs,
		Flight: notCompleted + "; a client that completes it (Java) is shown this chain, and the key signature verified (inferred from its flight)"}
	if f.RequestsClientCert {
		// Whether the appliance requires the certificate or only asks
		// for one is known only at the end of a handshake: taken as
		// required, as OME's mutual authentication does (inferred).
		why := ""
		if o.ClientCert != nil {
			why = withheld(o.ClientCert, f.AcceptableCAs)
		}
		switch {
		case o.ClientCert == nil:
			a.Failed, a.Stage, a.Error = true, report.StageClientCert, "it requests a client certificate and none was given (inferred from its flight: taken as required)"
		case why != "":
			a.Failed, a.Stage, a.Error, a.Withheld = true, report.StageClientCert, "it requests a client certificate (inferred from its flight: taken as required)", why
		default:
			a.Flight += fmt.Sprintf("; it requests a client certificate and names the stand-in's issuer among its CAs, so the stand-in \"%s\" would be sent; whether it accepts it is not observed", obs.Mutual.ClientCert.Short())
		}
	}
	obs.Mutual = a
}

func (obs *observer) setDate(d dated) {
	obs.Clock, obs.ClockSource = d.at.Add(d.rtt/2).UTC(), report.ClockSourceHTTP
	obs.RTTMillis = float64(d.rtt.Microseconds()) / 1000
}

func (obs *observer) fail(step string, err error) {
	msg := describe(err)
	switch {
	case !obs.RequestsClientCert || !isTLSAlert(err):
	case obs.clientCert:
		msg += " (the appliance requires a client certificate: this connection presents none, by design; the verifying connection presents --client-cert)"
	default:
		msg += " (the appliance requires a client certificate: give --client-cert/--client-key, a stand-in identity from the same CA)"
	}
	obs.Failures = append(obs.Failures, report.Failure{Step: step, Error: msg})
}

// provedKey: the server proved in this handshake that it holds the key of
// the certificate it presented (its TLS 1.3 CertificateVerify or TLS 1.2
// ServerKeyExchange signature was checked). crypto/tls shows the chain
// (VerifyConnection) before that check, so a failed handshake proves it
// only when the server asked for our certificate (asked) and: in TLS 1.3,
// that request comes after the signature and the server's Finished; in
// TLS 1.2 a peer may send it without a ServerKeyExchange, and the client
// then fails on its own before sending anything, so only an alert from the
// peer after our flight (a refused client certificate) shows the signature
// had been checked. (RSA key exchange, which proves the key only with the
// server's Finished, is not among crypto/tls's default suites.)
func provedKey(hsErr error, asked bool, st *tls.ConnectionState) bool {
	if hsErr == nil {
		return true
	}
	if !asked || st == nil {
		return false
	}
	return st.Version == tls.VersionTLS13 || isTLSAlert(hsErr)
}

// isTLSAlert reports an alert the peer sent: crypto/tls returns it as a
// *net.OpError whose Op is "remote error".
func isTLSAlert(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "remote error"
}

// describe words network errors for people.
func describe(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		return "timed out (" + err.Error() + ")"
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return "the connection was closed by the appliance (" + err.Error() + ")"
	}
	return err.Error()
}

func (obs *observer) tlsConfig(o Options, cert *tls.Certificate, capture func(tls.ConnectionState)) *tls.Config {
	return &tls.Config{
		ServerName:         obs.ServerName,
		InsecureSkipVerify: true, // we look at the chain; verification is the rules' job
		MinVersion:         tls.VersionTLS10,
		// Apache asks for a client certificate per location by renegotiating
		// (SSLVerifyClient in a <Location>, TLS 1.2); Java follows it.
		Renegotiation: tls.RenegotiateOnceAsClient,
		VerifyConnection: func(cs tls.ConnectionState) error {
			if capture != nil {
				capture(cs)
			}
			return nil
		},
		GetClientCertificate: func(cri *tls.CertificateRequestInfo) (*tls.Certificate, error) {
			if capture != nil { // only the observing handshake records what was asked
				obs.RequestsClientCert = true
				obs.AcceptableCAs = obs.AcceptableCAs[:0]
				for _, raw := range cri.AcceptableCAs {
					obs.AcceptableCAs = append(obs.AcceptableCAs, rdnString(raw))
				}
			}
			if cert != nil && withheld(cert, cri.AcceptableCAs) == "" {
				return cert, nil
			}
			return &tls.Certificate{}, nil
		},
	}
}

// withheld says why a TLS client would not send cert when the server asks
// for a certificate from the CAs it names (cas, DER names): none of the
// chain's issuers is among them. Java's key managers and Go's default
// choose a certificate so; an empty list allows any. "" when it is sent.
func withheld(cert *tls.Certificate, cas [][]byte) string {
	if len(cas) == 0 {
		return ""
	}
	var issuers []string
	for _, der := range cert.Certificate {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			continue
		}
		for _, ca := range cas {
			if bytes.Equal(c.RawIssuer, ca) {
				return ""
			}
		}
		issuers = append(issuers, c.Issuer.String())
	}
	named := make([]string, 0, len(cas))
	for _, ca := range cas {
		named = append(named, rdnString(ca).DN)
	}
	return fmt.Sprintf("the stand-in was not sent: its issuers (%s) are not among the CAs the server names (%s), so a TLS client (Java, Go) sends no certificate",
		strings.Join(issuers, "; "), strings.Join(named, "; "))
}

func (obs *observer) observeTLS(ctx context.Context, o Options) *dated {
	var mu sync.Mutex
	var state *tls.ConnectionState
	cfg := obs.tlsConfig(o, nil, func(cs tls.ConnectionState) {
		mu.Lock()
		state = &cs
		mu.Unlock()
	})
	hctx, cancel := o.handshakeContext(ctx)
	defer cancel()
	conn, err := dial(hctx, obs.Address)
	obs.dialed.Done()
	if err != nil {
		obs.fail("connect", err)
		obs.observeErr = err
		return nil
	}
	defer conn.Close()
	if ta, ok := conn.RemoteAddr().(*net.TCPAddr); ok {
		obs.RemoteIP = ta.IP.String()
	}
	tc := tls.Client(conn, cfg)
	hsErr := tc.HandshakeContext(hctx)
	handshaken(ctx, conn)
	mu.Lock()
	seen := state
	mu.Unlock()
	hs := report.Handshake{Kind: report.KindObserve, OK: hsErr == nil}
	if hsErr != nil {
		hs.Error = describe(hsErr)
	}
	// The chain is seen before the server proves it holds its key: it is
	// evidence of what this appliance serves only when provedKey says so.
	// A signature that failed is recorded; a chain shown with no proof at
	// all is as if none was shown.
	proven := seen != nil && provedKey(hsErr, obs.RequestsClientCert, seen)
	if seen != nil && !proven && !keyNotProven(hsErr) {
		seen = nil
	}
	if seen == nil {
		// TLS 1.3 servers that require a client certificate fail after
		// the server's chain was seen and proven; anything else is a
		// failure.
		obs.Handshakes = append(obs.Handshakes, hs)
		if hsErr == nil {
			hsErr = errors.New("no certificate presented")
		}
		obs.fail("tls handshake", hsErr)
		obs.observeErr = hsErr
		var rh tls.RecordHeaderError
		if errors.As(hsErr, &rh) {
			obs.NotTLS = notTLS(rh.RecordHeader)
		}
		return nil
	}
	obs.TLSVersion = tls.VersionName(seen.Version)
	obs.CipherSuite = tls.CipherSuiteName(seen.CipherSuite)
	hs.Version, hs.CipherSuite = obs.TLSVersion, obs.CipherSuite
	for _, c := range seen.PeerCertificates {
		hs.PeerChain = append(hs.PeerChain, report.NameOf(c.Subject))
	}
	obs.Handshakes = append(obs.Handshakes, hs)
	if !proven {
		obs.KeyUnproven = unprovenText(seen, hsErr)
		return nil
	}
	obs.Chain = seen.PeerCertificates
	if hsErr != nil {
		return nil // e.g. a client certificate required: the verifying connection reads the Date
	}
	// The clock, on the same connection: one more round trip.
	d, err := dateOver(ctx, tc, obs)
	if err != nil {
		obs.dateErr = err // a failure only if no other answer carries a Date
	}
	return d
}

// dateOver sends GET / over an established connection and returns the
// Date header of the answer with the request's round trip.
func dateOver(ctx context.Context, tc *tls.Conn, obs *observer) (*dated, error) {
	c := oneConnClient(tc)
	defer c.CloseIdleConnections()
	resp, _, rtt, err := obs.get(ctx, c, "/", Options{}, false)
	if err != nil {
		return nil, err
	}
	d, err := http.ParseTime(resp.Header.Get("Date"))
	if err != nil {
		return nil, fmt.Errorf("%w: %q", errNoDate, resp.Header.Get("Date"))
	}
	return &dated{d, rtt}, nil
}

// oneConnClient is an HTTP client that uses tc, already handshaken and
// judged, for every request: no new connection, no redirect followed.
func oneConnClient(tc *tls.Conn) *http.Client {
	var once sync.Once
	tr := &http.Transport{
		Proxy: nil,
		DialTLSContext: func(context.Context, string, string) (net.Conn, error) {
			var c net.Conn
			once.Do(func() { c = tc })
			if c == nil {
				return nil, errors.New("the verified connection was closed; no other is opened")
			}
			return c, nil
		},
		MaxConnsPerHost:        1,
		MaxResponseHeaderBytes: 64 << 10,
	}
	return &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func dial(ctx context.Context, addr string) (net.Conn, error) {
	d := net.Dialer{}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	return conn, nil
}

func (obs *observer) get(ctx context.Context, c *http.Client, path string, o Options, auth bool) (*http.Response, []byte, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "https://"+obs.Address+path, nil)
	if err != nil {
		return nil, nil, 0, err
	}
	if obs.ServerName != "" {
		req.Host = obs.ServerName
	}
	if auth {
		req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(o.User+":"+o.Password)))
	}
	req.Header.Set("Accept", "application/json")
	start := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		return nil, nil, 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	rtt := time.Since(start)
	if err != nil {
		return resp, nil, rtt, err
	}
	return resp, body, rtt, nil
}

// CredentialGate decides whether credentials may go over a connection that
// presented peer (leaf first) with TLS version: TLS 1.2 or later; then,
// unless Insecure, the leaf must be the pinned one (same public key as
// ExpectedLeaf, or a Fingerprints match), carry serverAuth, be valid at this
// machine's clock, and, when Trust is given, verify to it with chain's
// verifier at this machine's clock. Clocks read from the peer are for the
// report, never for this decision.
func (o *Options) CredentialGate(peer []*x509.Certificate, version uint16) error {
	if version != 0 && version < tls.VersionTLS12 {
		return fmt.Errorf("the connection uses %s; credentials need TLS 1.2 or later", tls.VersionName(version))
	}
	if o.Refuse != nil {
		return o.Refuse
	}
	if o.Insecure {
		return nil
	}
	if len(peer) == 0 {
		return errors.New("the appliance presented no certificate")
	}
	leaf := peer[0]
	if err := o.pinned(leaf); err != nil {
		return err
	}
	now := o.now()
	if now.Before(leaf.NotBefore) || now.After(leaf.NotAfter) {
		return fmt.Errorf("its certificate \"%s\" is not valid at this machine's clock %s (valid %s to %s)", chain.Name(leaf),
			now.UTC().Format(time.RFC3339), leaf.NotBefore.UTC().Format(time.RFC3339), leaf.NotAfter.UTC().Format(time.RFC3339))
	}
	if !chain.Allows(leaf, x509.ExtKeyUsageServerAuth) {
		return fmt.Errorf("its certificate \"%s\" does not allow serverAuth in its extended key usage", chain.Name(leaf))
	}
	if len(o.Trust) > 0 {
		if err := chain.Verify(leaf, peer[1:], o.Trust, now, x509.ExtKeyUsageServerAuth); err != nil {
			return fmt.Errorf("its chain does not verify against the trust you supplied at this machine's clock: %v", err)
		}
	}
	return nil
}

// pinned checks leaf against the expected leaf and fingerprints.
func (o *Options) pinned(leaf *x509.Certificate) error {
	if o.ExpectedLeaf == nil && len(o.Fingerprints) == 0 {
		return errors.New("no expected certificate to pin: give --source-chain/--target-chain (the chain you uploaded) or --source-fingerprint/--target-fingerprint (the SHA-256 of its leaf)")
	}
	spki := sha256.Sum256(leaf.RawSubjectPublicKeyInfo)
	if o.ExpectedLeaf != nil && bytes.Equal(o.ExpectedLeaf.RawSubjectPublicKeyInfo, leaf.RawSubjectPublicKeyInfo) {
		return nil
	}
	whole := sha256.Sum256(leaf.Raw)
	for _, f := range o.Fingerprints {
		if bytes.Equal(f, spki[:]) || bytes.Equal(f, whole[:]) {
			return nil
		}
	}
	return fmt.Errorf("it presents \"%s\" (public key SHA-256 %x), which is not the certificate you expect it to serve", chain.Name(leaf), spki[:8])
}

const utcLayout = "2006-01-02 15:04:05.000"

// verifying makes the verifying connection: the stand-in client
// certificate is presented, the chain kept for the rules to judge. With --user, and
// only when this very connection passed the credential gate in its own
// handshake, it carries the API GETs; the optional endpoints are read at
// the same time over further connections, each gated the same way.
func (obs *observer) verifying(ctx context.Context, o Options, m *mutualResult) (*dated, *apiReader) {
	if o.ClientCert != nil && o.ClientCert.Leaf != nil {
		m.clientCert = report.NameOf(o.ClientCert.Leaf.Subject)
	}
	var api *apiReader
	var pool *connPool
	if o.User != "" {
		api = &apiReader{API: &report.API{User: o.User}}
		// The connections the GETs after Info go over, dialled and gated
		// now, alongside this one: they are ready when Info answers.
		n := len(afterInfo)
		if obs.alone {
			n = 0
		}
		pool = obs.predial(ctx, o, n)
		defer pool.release()
	}
	var mu sync.Mutex
	var seen *tls.ConnectionState
	var asked bool // the server asked for our certificate (see provedKey)
	gate := errors.New("the connection was not judged")
	cfg := &tls.Config{
		ServerName:         obs.ServerName,
		InsecureSkipVerify: true, // judged below: the gate for credentials; the rules judge the verdict
		MinVersion:         tls.VersionTLS10,
		// Apache asks for a client certificate per location by renegotiating
		// (SSLVerifyClient in a <Location>, TLS 1.2); Java follows it.
		Renegotiation: tls.RenegotiateOnceAsClient,
		VerifyConnection: func(cs tls.ConnectionState) error {
			mu.Lock()
			defer mu.Unlock()
			renegotiated := seen != nil
			seen = &cs
			switch {
			case o.User == "":
			case renegotiated && gate == nil:
				// Credentials ride this connection: a renegotiation (to
				// another version, say) must pass the gate as well.
				return o.CredentialGate(cs.PeerCertificates, cs.Version)
			case !renegotiated:
				gate = o.CredentialGate(cs.PeerCertificates, cs.Version)
			}
			return nil
		},
		GetClientCertificate: func(cri *tls.CertificateRequestInfo) (*tls.Certificate, error) {
			mu.Lock()
			defer mu.Unlock()
			asked = true
			if o.ClientCert != nil {
				if why := withheld(o.ClientCert, cri.AcceptableCAs); why != "" {
					m.withheld = why
					return &tls.Certificate{}, nil
				}
				return o.ClientCert, nil
			}
			return &tls.Certificate{}, nil
		},
	}
	o.step(StepDial)
	hctx, cancel := o.handshakeContext(ctx)
	defer cancel()
	raw, err := dial(hctx, obs.Address)
	obs.dialed.Done()
	if err != nil {
		pool.drain()
		m.err, m.stage = err, stageOf(err, false)
		api.fail(report.PathInfo, 0, "", "GET "+report.PathInfo+": "+describe(err), true)
		return nil, api
	}
	conn := &countConn{Conn: raw}
	defer conn.Close()
	o.step(StepTLS)
	tc := tls.Client(conn, cfg)
	hsErr := tc.HandshakeContext(hctx)
	handshaken(ctx, conn)
	mu.Lock()
	m.state = seen
	gateErr := gate
	proven := provedKey(hsErr, asked, seen)
	mu.Unlock()
	if hsErr != nil {
		pool.drain()
		if !proven && m.state != nil {
			// A chain whose key was not proven is not judged (see observeTLS).
			if keyNotProven(hsErr) {
				m.unproven = unprovenText(m.state, hsErr)
			}
			m.state = nil
		}
		m.err, m.stage = hsErr, stageOf(hsErr, proven)
		if m.unproven != "" {
			m.stage = report.StageKey
		}
		api.fail(report.PathInfo, 0, "", "GET "+report.PathInfo+": "+describe(hsErr), true)
		return nil, api
	}
	auth := api != nil && gateErr == nil
	if api != nil && gateErr != nil {
		api.Refused = fmt.Sprintf("credentials not sent to %s: %v", obs.Address, gateErr)
	}
	o.step(StepAPI)
	c := oneConnClient(tc)
	defer c.CloseIdleConnections()
	resp, body, rtt, err := obs.get(ctx, c, report.PathInfo, o, auth)
	if err != nil {
		if isTLSAlert(err) {
			// Refused after the handshake (TLS 1.3: the client
			// certificate is judged after the client's Finished).
			m.err, m.stage = err, stageOf(err, true)
		} else {
			// The handshake stands (a Java client's does too); the
			// request over it was not answered.
			m.httpErr = describe(err)
		}
		if auth {
			api.fail(report.PathInfo, 0, "", "GET "+report.PathInfo+": "+describe(err), true)
		}
		return nil, api
	}
	m.status = resp.StatusCode
	m.body = strings.ToValidUTF8(string(body[:min(len(body), maxBodyShown)]), "")
	var date *dated
	if d, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		date = &dated{d, rtt}
	}
	if !auth {
		return date, api
	}
	var info struct{ Version string }
	if !api.take(report.PathInfo, resp, body, &info, true) {
		return date, api // bad credentials or a broken API: do not knock on every door
	}
	api.Version = info.Version
	// TimeConfiguration goes over this connection when the appliance keeps
	// it open; every other GET over a connection of the pool.
	var verified *apiConn
	if !resp.Close {
		verified = &apiConn{tc: tc, raw: conn, client: c, sent: conn.written.Load()}
	}
	var unsentMu sync.Mutex
	var unsent []endpoint // GETs read could not send, made in turn after
	var lend *lender
	if verified != nil {
		lend = &lender{c: verified, idle: make(chan struct{}), grace: max(rtt, 50*time.Millisecond)}
	}
	var wg sync.WaitGroup
	for _, ep := range afterInfo {
		wg.Add(1)
		if ep.path == report.PathTime && lend != nil {
			go func() {
				defer wg.Done()
				lend.mu.Lock()
				err := obs.read(ctx, o, api, pool, verified, ep, nil)
				lend.mu.Unlock()
				close(lend.idle)
				if err != nil {
					unsentMu.Lock()
					unsent = append(unsent, ep)
					unsentMu.Unlock()
				}
			}()
			continue
		}
		go func() {
			defer wg.Done()
			if err := obs.read(ctx, o, api, pool, pool.take(ctx, lend), ep, lend); err != nil {
				unsentMu.Lock()
				unsent = append(unsent, ep)
				unsentMu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(unsent) > 0 {
		pool.release()
		tc.Close()
		obs.inTurn(ctx, o, api, pool, unsent)
	}
	if pool != nil {
		// Connections dialled ahead that another certificate answered
		// (a load balancer, a TLS-inspecting proxy): no credentials went
		// over them; said, as their GETs went over the verified one.
		pool.mu.Lock()
		for _, msg := range pool.refused {
			if !slices.Contains(api.GateRefused, msg) {
				api.GateRefused = append(api.GateRefused, msg)
			}
		}
		pool.mu.Unlock()
	}
	sort.Slice(api.Failures, func(i, j int) bool { return pathRank(api.Failures[i].Path) < pathRank(api.Failures[j].Path) })
	sort.Slice(api.Unavailable, func(i, j int) bool { return pathRank(api.Unavailable[i]) < pathRank(api.Unavailable[j]) })
	sort.Strings(api.Errors)
	return date, api
}

// endpoint is one GET made after Info answered 200: required (the API is
// not read without it) or optional, and what its answer fills.
type endpoint struct {
	path     string
	required bool
	// fill parses body into api (under api.mu); false: malformed.
	fill func(api *apiReader, body []byte, rtt time.Duration) error
}

// afterInfo are the GETs sent once Info answered 200, at once, each over
// its own gated connection (TimeConfiguration over the verifying one when
// it stays open).
var afterInfo = []endpoint{
	{report.PathTime, true, func(api *apiReader, body []byte, rtt time.Duration) error {
		var t timeConfig
		if err := json.Unmarshal(body, &t); err != nil {
			return err
		}
		api.UtcTime, api.NTP, api.TimeSource, api.timeRTT = t.UtcTime, t.EnableNTP, t.TimeSource, rtt
		return nil
	}},
	{report.PathCert, false, fillCert},
	{report.PathProxy, false, func(api *apiReader, body []byte, _ time.Duration) error {
		var proxy struct {
			EnableProxy        *bool
			IPAddress          string `json:"IpAddress"`
			PortNumber         any
			ProxyExclusionList any
		}
		if err := json.Unmarshal(body, &proxy); err != nil {
			return err
		}
		api.Proxy, api.ProxyExcluded = proxy.EnableProxy, exclusionList(proxy.ProxyExclusionList)
		if proxy.IPAddress != "" {
			api.ProxyAddress = fmt.Sprintf("%s:%v", proxy.IPAddress, proxy.PortNumber)
		}
		return nil
	}},
	{report.PathSecurity, false, func(api *apiReader, body []byte, _ time.Duration) error {
		var sec struct{ FipsMode string }
		if err := json.Unmarshal(body, &sec); err != nil {
			return err
		}
		api.FIPSMode = sec.FipsMode
		return nil
	}},
	{report.PathWebServer, false, fillWebServer},
	{report.PathAddress, false, fillAddress},
}

// read makes one GET: over first (a gated connection dialled ahead), else
// over the verified connection in turn (lend), else over a new gated
// connection that passed the credential gate in its own handshake. When
// nothing of the request was sent on any of them (closed before it was
// written: HTTP/1.0, Connection: close, an expired keep-alive, a server
// short of connections) it returns the error unrecorded, for the caller to
// make the GET again once the others are done. A request that was sent is
// never repeated: one attempt per endpoint with a given password.
func (obs *observer) read(ctx context.Context, o Options, api *apiReader, pool *connPool, first *apiConn, ep endpoint, lend *lender) error {
	var resp *http.Response
	var body []byte
	var rtt time.Duration
	err, sent := errNoConn, false
	try := func(c *apiConn) {
		resp, body, rtt, err = obs.getOver(ctx, c, ep.path, o)
		sent = err != nil && c.wrote()
	}
	if first != nil {
		try(first)
	}
	if err != nil && !sent && lend != nil {
		lend.mu.Lock()
		try(lend.c)
		lend.mu.Unlock()
		if err == nil {
			api.mu.Lock()
			api.InTurn++
			api.mu.Unlock()
		}
	}
	if err != nil && !sent {
		c, derr := pool.dial(ctx)
		if derr != nil {
			return derr
		}
		if first != nil {
			api.mu.Lock()
			api.Redials++
			api.mu.Unlock()
		}
		if try(c); err != nil && !sent {
			return err
		}
	}
	obs.record(api, ep, resp, body, rtt, err)
	return nil
}

// record judges one GET's answer (or records its failure) into api.
func (obs *observer) record(api *apiReader, ep endpoint, resp *http.Response, body []byte, rtt time.Duration, err error) {
	if err != nil {
		api.fail(ep.path, 0, "", "GET "+ep.path+": "+describe(err), ep.required)
		return
	}
	if !api.take(ep.path, resp, body, nil, ep.required) {
		return
	}
	api.mu.Lock()
	ferr := ep.fill(api, body, rtt)
	api.mu.Unlock()
	if ferr != nil {
		api.fail(ep.path, resp.StatusCode, "", fmt.Sprintf("GET %s: malformed JSON: %v", ep.path, ferr), ep.required)
	}
}

// inTurn makes the GETs that read could not send, one after another over
// one new gated connection (a new one again when the appliance closed it
// before a request was written), after this probe's other connections to
// the appliance were closed: an appliance, or something in front of it,
// short of connections serves them then.
func (obs *observer) inTurn(ctx context.Context, o Options, api *apiReader, pool *connPool, eps []endpoint) {
	sort.Slice(eps, func(i, j int) bool { return pathRank(eps[i].path) < pathRank(eps[j].path) })
	var c *apiConn
	defer func() {
		if c != nil {
			c.client.CloseIdleConnections()
		}
	}()
	for _, ep := range eps {
		var resp *http.Response
		var body []byte
		var rtt time.Duration
		var err error
		for attempt := 0; attempt < 2; attempt++ {
			if c == nil || attempt > 0 {
				if c != nil {
					c.client.CloseIdleConnections()
				}
				var derr error
				if c, derr = pool.dial(ctx); derr != nil {
					c, err = nil, derr
					break
				}
				c.client = oneConnClient(c.tc) // kept for the next GET
			}
			// Once more on a new connection only when the appliance closed
			// this one before the request was written.
			if resp, body, rtt, err = obs.getOver(ctx, c, ep.path, o); err == nil || c.wrote() {
				break
			}
		}
		if err == nil {
			api.mu.Lock()
			api.InTurn++
			api.mu.Unlock()
		}
		obs.record(api, ep, resp, body, rtt, err)
	}
}

// errPeerClosed: the appliance closed a connection before a request was
// sent on it.
var errPeerClosed = errors.New("the appliance had closed the connection before the request was sent")

// errNoConn: no gated connection was ready for a GET.
var errNoConn = errors.New("no gated connection was ready")

// countConn counts the bytes written on a connection, to tell whether a
// request left this machine, and can tell whether the peer closed it.
type countConn struct {
	net.Conn
	written  atomic.Int64
	deadline time.Time // the work's deadline, restored after a peek
	peeked   []byte    // read by closed, handed to the next Read
}

// closed reports whether the peer already closed the connection (an
// expired keep-alive, a server that takes one request per connection): a
// read that finds nothing within a millisecond leaves it as it was, and
// what it finds is kept for the TLS layer.
func (c *countConn) closed() bool {
	defer c.Conn.SetReadDeadline(c.deadline)
	buf := make([]byte, 4<<10)
	// Before a request nothing is expected but a close_notify alert (or a
	// TLS 1.3 session ticket): read until the peer is quiet or gone.
	for range 16 {
		c.Conn.SetReadDeadline(time.Now().Add(time.Millisecond))
		n, err := c.Conn.Read(buf)
		c.peeked = append(c.peeked, buf[:n]...)
		var ne net.Error
		if err != nil {
			return !(errors.As(err, &ne) && ne.Timeout())
		}
		if len(c.peeked) > 64<<10 {
			break
		}
	}
	return false
}

func (c *countConn) Read(p []byte) (int, error) {
	if len(c.peeked) > 0 {
		n := copy(p, c.peeked)
		c.peeked = c.peeked[n:]
		return n, nil
	}
	return c.Conn.Read(p)
}

func (c *countConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.written.Add(int64(n))
	return n, err
}

// apiConn is a connection that passed the credential gate in its own
// handshake, ready for a GET.
type apiConn struct {
	tc     *tls.Conn
	raw    *countConn
	client *http.Client
	sent   int64 // bytes written before this GET
}

// wrote reports whether anything was written since the GET began.
func (c *apiConn) wrote() bool { return c.raw.written.Load() != c.sent }

func (obs *observer) getOver(ctx context.Context, c *apiConn, path string, o Options) (*http.Response, []byte, time.Duration, error) {
	c.sent = c.raw.written.Load()
	if c.client == nil {
		// A connection dialled ahead: the peer may have closed it while
		// Info was read.
		if c.raw.closed() {
			c.raw.Conn.Close() // not tc.Close: its close_notify would count as sent
			return nil, nil, 0, errPeerClosed
		}
		c.client = oneConnClient(c.tc)
		defer c.client.CloseIdleConnections()
	}
	return obs.get(ctx, c.client, path, o, true)
}

// connPool dials gated connections ahead of the GETs that will use them.
type connPool struct {
	obs   *observer
	o     Options
	ready chan *apiConn // one per dial, nil when it failed
	n     int           // dials made
	taken atomic.Int64
	// refused are the dials ahead the credential gate refused (another
	// certificate answered them).
	mu      sync.Mutex
	refused []string
}

// predial starts n gated connections at once.
func (obs *observer) predial(ctx context.Context, o Options, n int) *connPool {
	p := &connPool{obs: obs, o: o, ready: make(chan *apiConn, n), n: n}
	for range n {
		go func() {
			c, err := p.dial(ctx)
			if err != nil {
				c = nil
				if ge := (*gateError)(nil); errors.As(err, &ge) {
					p.mu.Lock()
					p.refused = append(p.refused, ge.Error())
					p.mu.Unlock()
				}
			}
			p.ready <- c
		}()
	}
	return p
}

// gateError is a further connection's handshake stopped by the credential
// gate (CredentialGate), as opposed to one the appliance failed.
type gateError struct{ err error }

func (e *gateError) Error() string { return e.err.Error() }
func (e *gateError) Unwrap() error { return e.err }

// lender lends the verified connection, one GET at a time, to the GETs
// whose connection dialled ahead is not there once the verified one is
// idle: an appliance (or a proxy in front of it) that serves one
// connection at a time answers no other while the verified one is open,
// and the GETs would otherwise wait for --handshake-timeout and be blamed
// on connecting.
type lender struct {
	mu    sync.Mutex
	c     *apiConn
	idle  chan struct{} // closed when the verified connection's own GET is done
	grace time.Duration // how long more a GET waits for its own connection then
}

// take waits for the next connection dialled ahead (nil: it failed, none
// is left, or, with l, none came within l.grace of the verified connection
// being idle: the GET borrows that one).
func (p *connPool) take(ctx context.Context, l *lender) *apiConn {
	if p == nil || p.taken.Add(1) > int64(p.n) {
		return nil
	}
	var idle <-chan struct{}
	if l != nil {
		idle = l.idle
	}
	select {
	case c := <-p.ready:
		return c
	case <-ctx.Done():
		p.taken.Add(-1) // not taken after all: release closes it when it comes
		return nil
	case <-idle:
	}
	t := time.NewTimer(l.grace)
	defer t.Stop()
	select {
	case c := <-p.ready:
		return c
	case <-ctx.Done():
	case <-t.C:
	}
	p.taken.Add(-1) // not taken after all: release closes it when it comes
	return nil
}

// release closes, as they arrive, the connections dialled ahead and not
// taken. It does not wait: Observe's deadline bounds the dials.
func (p *connPool) release() {
	if p == nil {
		return
	}
	go p.drain()
}

// drain closes the connections dialled ahead and not taken, waiting for
// their dials (each bounded by --handshake-timeout): after a failed
// verifying connection, so that one made again meets none of them.
func (p *connPool) drain() {
	if p == nil {
		return
	}
	left := p.n - int(p.taken.Swap(int64(p.n)))
	for range left {
		if c := <-p.ready; c != nil {
			c.tc.Close()
		}
	}
}

// dial opens a connection that carries credentials only when it passed
// the credential gate in its own handshake (TLS 1.2 or later, the pinned
// leaf): the stand-in client certificate is presented as on the verifying
// connection.
func (p *connPool) dial(ctx context.Context) (*apiConn, error) {
	if p == nil {
		return nil, errNoConn
	}
	o := p.o
	cfg := p.obs.tlsConfig(o, o.ClientCert, nil)
	cfg.MinVersion = tls.VersionTLS12
	cfg.VerifyConnection = func(cs tls.ConnectionState) error {
		if err := o.CredentialGate(cs.PeerCertificates, cs.Version); err != nil {
			return &gateError{err}
		}
		return nil
	}
	// Connecting and the handshake are bounded by --handshake-timeout (a
	// stalled appliance), the GETs by ctx.
	hctx, cancel := o.handshakeContext(ctx)
	defer cancel()
	raw, err := dial(hctx, p.obs.Address)
	if err != nil {
		return nil, err
	}
	cc := &countConn{Conn: raw}
	cc.deadline, _ = ctx.Deadline()
	tc := tls.Client(cc, cfg)
	if err := tc.HandshakeContext(hctx); err != nil {
		raw.Close()
		return nil, err
	}
	handshaken(ctx, cc)
	return &apiConn{tc: tc, raw: cc}, nil
}

// fillCert reads the Certificate collection's first item: IssuedTo and
// IssuedBy DistinguishedName, ValidTo, and IssuedTo's San (a
// comma-separated string; an array or null is accepted) and KeySize (a
// number; null, a string or absent leaves 0).
func fillCert(api *apiReader, body []byte, _ time.Duration) error {
	var cert struct {
		Value []struct {
			ValidTo  string
			IssuedTo struct {
				DistinguishedName string
				San               any
				KeySize           any
			}
			IssuedBy struct{ DistinguishedName string }
		} `json:"value"`
	}
	if err := json.Unmarshal(body, &cert); err != nil {
		return err
	}
	if len(cert.Value) == 0 {
		return nil
	}
	v := cert.Value[0]
	api.CertIssuedTo, api.CertIssuedBy, api.CertValidTo = v.IssuedTo.DistinguishedName, v.IssuedBy.DistinguishedName, v.ValidTo
	api.CertSAN = exclusionList(v.IssuedTo.San)
	if api.CertSAN != "" {
		// OME joins SANs with commas; an array was joined with ';'.
		api.CertSAN = strings.ReplaceAll(api.CertSAN, ";", ",")
	}
	switch k := v.IssuedTo.KeySize.(type) {
	case float64:
		if k > 0 && k < 1<<20 {
			api.CertKeySize = int(k)
		}
	case string:
		if n, err := strconv.Atoi(strings.TrimSpace(k)); err == nil && n > 0 && n < 1<<20 {
			api.CertKeySize = n
		}
	}
	return nil
}

// fillWebServer reads WebServerConfiguration: PortNumber, EnableWebServer,
// TimeOut (minutes).
func fillWebServer(api *apiReader, body []byte, _ time.Duration) error {
	var ws struct {
		PortNumber      json.Number
		EnableWebServer *bool
		TimeOut         json.Number
	}
	if err := json.Unmarshal(body, &ws); err != nil {
		return err
	}
	port, err := strconv.Atoi(ws.PortNumber.String())
	if err != nil || port < 1 || port > 65535 {
		return fmt.Errorf("PortNumber %q is not a port", ws.PortNumber.String())
	}
	api.WebServerPort, api.WebServerEnabled = port, ws.EnableWebServer
	if t, err := strconv.Atoi(ws.TimeOut.String()); err == nil && t > 0 {
		api.WebServerTimeout = t
	}
	return nil
}

// fillAddress reads AddressConfiguration (one object; a {"value":[...]}
// collection is accepted, its primary interface taken): the DNS name
// (DnsConfiguration DnsName, with DnsDomainName when set), the static
// IPv4/IPv6 addresses when DHCP / autoconfiguration is off, and any
// CurrentSettings addresses (the AdapterConfigurations shape).
func fillAddress(api *apiReader, body []byte, _ time.Duration) error {
	type ipConf struct {
		Enable                  bool
		EnableDHCP              bool
		EnableAutoConfiguration bool
		StaticIPAddress         string
	}
	type current struct {
		CurrentIPAddress []any
	}
	type adapter struct {
		EnableNIC         *bool
		PrimaryInterface  *bool
		Ipv4Configuration ipConf
		Ipv6Configuration ipConf
		DNSConfiguration  struct {
			DNSName       string `json:"DnsName"`
			DNSDomainName string `json:"DnsDomainName"`
		} `json:"DnsConfiguration"`
		CurrentSettings struct {
			Ipv4Settings current
			Ipv6Settings current
			DNSSetting   struct {
				DNSFQDName string `json:"DnsFQDName"`
			} `json:"DnsSetting"`
		}
		Value []json.RawMessage `json:"value"`
	}
	var a adapter
	if err := json.Unmarshal(body, &a); err != nil {
		return err
	}
	if len(a.Value) > 0 {
		var pick adapter
		for i, raw := range a.Value {
			var x adapter
			if err := json.Unmarshal(raw, &x); err != nil {
				return err
			}
			if i == 0 || (x.PrimaryInterface != nil && *x.PrimaryInterface) {
				pick = x
			}
		}
		a = pick
	}
	dns := strings.TrimSuffix(strings.TrimSpace(a.DNSConfiguration.DNSName), ".")
	if d := strings.Trim(strings.TrimSpace(a.DNSConfiguration.DNSDomainName), "."); dns != "" && d != "" && !strings.Contains(dns, ".") {
		dns += "." + d
	}
	if f := strings.TrimSuffix(strings.TrimSpace(a.CurrentSettings.DNSSetting.DNSFQDName), "."); f != "" {
		dns = f
	}
	if validName(dns) {
		api.DNSName = dns
	}
	var addrs []string
	add := func(s string) {
		s = strings.TrimSpace(s)
		if i := strings.IndexByte(s, '/'); i >= 0 {
			s = s[:i] // a prefix length
		}
		if ip := net.ParseIP(s); ip != nil && !ip.IsUnspecified() && !ip.IsLinkLocalUnicast() && !slices.Contains(addrs, ip.String()) {
			addrs = append(addrs, ip.String())
		}
	}
	if a.Ipv4Configuration.Enable && !a.Ipv4Configuration.EnableDHCP {
		add(a.Ipv4Configuration.StaticIPAddress)
	}
	if a.Ipv6Configuration.Enable && !a.Ipv6Configuration.EnableAutoConfiguration {
		add(a.Ipv6Configuration.StaticIPAddress)
	}
	for _, l := range [][]any{a.CurrentSettings.Ipv4Settings.CurrentIPAddress, a.CurrentSettings.Ipv6Settings.CurrentIPAddress} {
		for _, v := range l {
			if s, ok := v.(string); ok {
				add(s)
			}
		}
	}
	api.Addresses = addrs
	return nil
}

// validName: a DNS name as a peer could dial it (letters, digits, '-',
// '.', at most 253 characters), not an address.
func validName(s string) bool {
	if s == "" || len(s) > 253 || net.ParseIP(s) != nil {
		return false
	}
	for _, r := range s {
		if !(r == '-' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// pathRank orders API paths as the rules list them, for stable reports.
func pathRank(p string) int {
	return slices.Index([]string{report.PathInfo, report.PathTime, report.PathCert, report.PathProxy, report.PathSecurity, report.PathWebServer, report.PathAddress}, p)
}

// keyNotProven: the handshake failed because the server's signature
// (TLS 1.3 CertificateVerify, TLS 1.2 ServerKeyExchange) does not verify
// with the public key of the certificate it presented. crypto/tls reports
// it only as text (handshake_client_tls13.go, key_agreement.go).
func keyNotProven(err error) bool {
	return err != nil && strings.Contains(err.Error(), "tls: invalid signature by the server certificate")
}

func unprovenText(cs *tls.ConnectionState, err error) string {
	leaf := "no certificate"
	if len(cs.PeerCertificates) > 0 {
		leaf = `"` + chain.Name(cs.PeerCertificates[0]) + `"`
	}
	return fmt.Sprintf("it presented %s but its handshake signature does not verify with that certificate's public key (%s)", leaf, describe(err))
}

// stageOf says where a failed verifying connection failed: timeout,
// client-cert (a TLS alert after the appliance proved its key: it refused
// or required a client certificate) or connect.
func stageOf(err error, proven bool) report.Stage {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		return report.StageTimeout
	case proven && isTLSAlert(err):
		return report.StageClientCert
	}
	return report.StageConnect
}

// fail records a failed GET (a nil API, no --user, ignores it).
func (a *apiReader) fail(path string, status int, id, msg string, required bool) {
	if a == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.Errors = append(a.Errors, msg)
	a.Failures = append(a.Failures, report.APIFailure{Path: path, Status: status, MessageID: id, Error: msg, Required: required})
}

// take judges one API answer (v nil: the caller parses the body): 401
// marks the credentials refused, keeping the MessageId received; an
// optional endpoint's 404 / CGEN1006 is 'not available on this product';
// any other non-2xx or malformed JSON is a failure; else v is filled.
func (a *apiReader) take(path string, resp *http.Response, body []byte, v any, required bool) bool {
	if resp.StatusCode == http.StatusUnauthorized {
		_, text := omeError(body)
		a.mu.Lock()
		a.AuthFailed = true
		if a.AuthError == "" {
			a.AuthError = "HTTP 401" + strings.Replace(text, " ", ", ", 1)
			if text == "" {
				a.AuthError += " (no OME error body)"
			}
		}
		a.mu.Unlock()
		return false
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		id, text := omeError(body)
		if !required && (resp.StatusCode == http.StatusNotFound || id == "CGEN1006") {
			a.mu.Lock()
			a.Unavailable = append(a.Unavailable, path)
			a.mu.Unlock()
			return false
		}
		a.fail(path, resp.StatusCode, id, fmt.Sprintf("GET %s: HTTP %d%s", path, resp.StatusCode, text), required)
		return false
	}
	if v == nil {
		return true // the caller parses
	}
	if err := json.Unmarshal(body, v); err != nil {
		a.fail(path, resp.StatusCode, "", fmt.Sprintf("GET %s: malformed JSON: %v", path, err), required)
		return false
	}
	return true
}

// exclusionList normalises ProxyExclusionList: OME sends one ';'-joined
// string; an array or null is accepted too.
func exclusionList(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		var parts []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, ";")
	}
	return ""
}

type timeConfig struct {
	UtcTime    string
	EnableNTP  *bool
	TimeSource string
}

// omeError pulls the MessageId out of an OME error body, and a text for
// the report.
func omeError(body []byte) (id, text string) {
	var e struct {
		Error struct {
			Info []struct {
				MessageID string `json:"MessageId"`
				Message   string
			} `json:"@Message.ExtendedInfo"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &e) != nil || len(e.Error.Info) == 0 {
		return "", ""
	}
	msg := e.Error.Info[0].Message
	if r := []rune(msg); len(r) > maxOMEMessage {
		// An appliance's text, printed in reports: bounded.
		msg = string(r[:maxOMEMessage]) + "…"
	}
	return e.Error.Info[0].MessageID, " " + e.Error.Info[0].MessageID + ": " + msg
}

// maxOMEMessage bounds an OME error message kept from an answer (runes).
const maxOMEMessage = 200

// Pair observes both appliances at the same time.
func Pair(ctx context.Context, source, target string, src, tgt Options) (*report.Observation, *report.Observation) {
	var a, b *report.Observation
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); a = Observe(ctx, source, src) }()
	go func() { defer wg.Done(); b = Observe(ctx, target, tgt) }()
	wg.Wait()
	return a, b
}
