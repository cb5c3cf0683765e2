package probe

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/ome-preflight/ome-preflight/chain"
	"golang.org/x/crypto/cryptobyte"
)

// OME's web server offers four TLS 1.2 cipher suites, all RSA-authenticated
// (ECDHE or DHE key exchange, AES-256): OME 3.6 Security Configuration
// Guide (docs/ome-requirements.md). Go's crypto/tls can complete only the
// first: it has no finite-field DHE and no CBC-SHA384 suite.
const (
	SuiteECDHERSAAES256GCMSHA384 uint16 = 0xc030
	SuiteECDHERSAAES256SHA384    uint16 = 0xc028
	SuiteDHERSAAES256GCMSHA384   uint16 = 0x009f
	SuiteDHERSAAES256SHA256      uint16 = 0x006b
)

// OMESuites are OME's four suites, in its order of preference.
var OMESuites = []uint16{SuiteECDHERSAAES256GCMSHA384, SuiteECDHERSAAES256SHA384, SuiteDHERSAAES256GCMSHA384, SuiteDHERSAAES256SHA256}

var suiteNames = map[uint16]string{
	SuiteECDHERSAAES256GCMSHA384: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
	SuiteECDHERSAAES256SHA384:    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
	SuiteDHERSAAES256GCMSHA384:   "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
	SuiteDHERSAAES256SHA256:      "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256",
}

// SuiteName names a suite of OME's, or gives its number.
func SuiteName(s uint16) string {
	if n, ok := suiteNames[s]; ok {
		return n
	}
	return fmt.Sprintf("0x%04X", s)
}

// GoCanComplete reports whether Go's crypto/tls can complete a handshake
// with suite s (of OME's four, only the ECDHE GCM one).
func GoCanComplete(s uint16) bool { return s == SuiteECDHERSAAES256GCMSHA384 }

// Hello is how a server answered a TLS 1.2 ClientHello that offered given
// suites: the ServerHello's choice, or the alert it refused with.
type Hello struct {
	// Suite is the suite the server chose (0 when it refused).
	Suite uint16 `json:"-"`
	// Version is the ServerHello's version (0x0303 for TLS 1.2).
	Version uint16 `json:"-"`
	// Alert is the alert description when the server refused (40:
	// handshake_failure, 70: protocol_version, ...); 0 otherwise.
	Alert uint8 `json:"-"`
	// Flight is the rest of the server's first flight when it chose a
	// suite (nil when it could not be read: FlightErr says why).
	Flight    *Flight `json:"-"`
	FlightErr string  `json:"-"`
}

// Flight is what a TLS 1.2 server sends after its ServerHello and before
// the client's first word (RFC 5246 7.4.2 to 7.4.5): its chain, its
// ServerKeyExchange signed with the leaf's key, and its request for a
// client certificate. Read, it shows what a handshake with a suite Go's
// crypto/tls cannot complete would have shown, and proves the key.
type Flight struct {
	// Chain is the Certificate message's list (DER), leaf first.
	Chain [][]byte
	// SignatureErr is nil when the ServerKeyExchange signature over both
	// randoms and the key exchange parameters verified with the leaf's
	// public key: the server holds the leaf's key.
	SignatureErr error
	// RequestsClientCert: a CertificateRequest was sent, naming
	// AcceptableCAs (DER distinguished names; empty: any).
	RequestsClientCert bool
	AcceptableCAs      [][]byte
}

// Refused reports whether the server answered with an alert.
func (h Hello) Refused() bool { return h.Suite == 0 }

// ErrNoServerHello is returned when the server closed the connection or
// answered something other than a ServerHello or an alert.
var ErrNoServerHello = errors.New("no ServerHello and no alert: the connection was closed or answered with something else")

// OfferSuites sends one TLS 1.2 ClientHello offering exactly suites (as
// testssl.sh does, because crypto/tls cannot offer DHE or CBC-SHA384) and
// reads the ServerHello or the alert, then the rest of the server's first
// flight (Flight). It never completes a handshake and sends nothing else.
// serverName goes into SNI when it is a host name.
func OfferSuites(ctx context.Context, addr, serverName string, suites []uint16) (Hello, error) {
	conn, err := dial(ctx, addr)
	if err != nil {
		return Hello{}, err
	}
	defer conn.Close()
	hello, clientRandom, err := clientHello(serverName, suites)
	if err != nil {
		return Hello{}, err
	}
	if _, err := conn.Write(hello); err != nil {
		return Hello{}, err
	}
	mr := &msgReader{r: conn}
	h, serverRandom, err := readHello(mr)
	if err != nil || h.Refused() {
		return h, err
	}
	f, err := readFlight(mr, h.Suite, append(clientRandom, serverRandom...))
	if err != nil {
		h.FlightErr = describe(err)
	} else {
		h.Flight = f
	}
	return h, nil
}

// clientHello builds a TLS 1.2 ClientHello record (RFC 5246 7.4.1.2) with
// the extensions a TLS 1.2 client of OME's suites sends: SNI, supported
// groups and point formats (ECDHE), signature algorithms, secure
// renegotiation and extended master secret.
func clientHello(serverName string, suites []uint16) (record, random []byte, err error) {
	random = make([]byte, 32)
	if _, err := rand.Read(random); err != nil {
		return nil, nil, err
	}
	var body cryptobyte.Builder
	body.AddUint16(0x0303) // TLS 1.2
	body.AddBytes(random)
	body.AddUint8(0) // no session id
	body.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		for _, s := range suites {
			b.AddUint16(s)
		}
		b.AddUint16(0x00ff) // TLS_EMPTY_RENEGOTIATION_INFO_SCSV
	})
	body.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddUint8(0) }) // null compression
	body.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		if serverName != "" && net.ParseIP(serverName) == nil {
			ext(b, 0x0000, func(b *cryptobyte.Builder) {
				b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
					b.AddUint8(0) // host_name
					b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte(serverName)) })
				})
			})
		}
		ext(b, 0x000a, func(b *cryptobyte.Builder) { // supported_groups
			b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
				for _, g := range []uint16{0x001d, 0x0017, 0x0018, 0x0100, 0x0101} { // x25519, P-256, P-384, ffdhe2048, ffdhe3072
					b.AddUint16(g)
				}
			})
		})
		ext(b, 0x000b, func(b *cryptobyte.Builder) { // ec_point_formats: uncompressed
			b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddUint8(0) })
		})
		ext(b, 0x000d, func(b *cryptobyte.Builder) { // signature_algorithms
			b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
				for _, a := range []uint16{0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0403, 0x0503, 0x0603, 0x0201} {
					b.AddUint16(a)
				}
			})
		})
		ext(b, 0x0017, func(*cryptobyte.Builder) {}) // extended_master_secret
	})
	var rec cryptobyte.Builder
	rec.AddUint8(22)      // handshake
	rec.AddUint16(0x0301) // record version, as clients send it
	rec.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		b.AddUint8(1) // client_hello
		b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(body.BytesOrPanic()) })
	})
	record, err = rec.Bytes()
	return record, random, err
}

func ext(b *cryptobyte.Builder, id uint16, data func(*cryptobyte.Builder)) {
	b.AddUint16(id)
	b.AddUint16LengthPrefixed(data)
}

// readServerHello reads records until the first handshake message or an
// alert: a ServerHello gives the suite, an alert the refusal.
func readServerHello(r io.Reader) (Hello, error) {
	h, _, err := readHello(&msgReader{r: r})
	return h, err
}

// maxFlight bounds the bytes of handshake messages read from a server's
// first flight (a chain of a dozen large certificates fits).
const maxFlight = 256 << 10

// msgReader reads TLS handshake messages from plaintext records, however
// the server splits or joins them; an alert ends it as *alertError.
type msgReader struct {
	r    io.Reader
	buf  []byte // handshake bytes read, not yet returned
	read int    // handshake bytes read in all
}

// alertError is an alert the server sent.
type alertError struct{ desc uint8 }

func (e *alertError) Error() string { return "the server sent the alert " + AlertName(e.desc) }

// next returns the next handshake message's type and body.
func (m *msgReader) next() (uint8, []byte, error) {
	for len(m.buf) < 4 || len(m.buf) < 4+(int(m.buf[1])<<16|int(m.buf[2])<<8|int(m.buf[3])) {
		var hdr [5]byte
		if _, err := io.ReadFull(m.r, hdr[:]); err != nil {
			return 0, nil, err
		}
		n := int(hdr[3])<<8 | int(hdr[4])
		if n == 0 || n > 1<<14+2048 {
			return 0, nil, fmt.Errorf("a record of %d bytes", n)
		}
		payload := make([]byte, n)
		if _, err := io.ReadFull(m.r, payload); err != nil {
			return 0, nil, fmt.Errorf("cut short: %w", err)
		}
		switch hdr[0] {
		case 21:
			if len(payload) < 2 || len(m.buf) > 0 {
				return 0, nil, errors.New("a malformed alert")
			}
			return 0, nil, &alertError{payload[1]}
		case 22:
			m.buf = append(m.buf, payload...)
			m.read += n
			if m.read > maxFlight {
				return 0, nil, fmt.Errorf("more than %d bytes of handshake messages", maxFlight)
			}
		default:
			return 0, nil, fmt.Errorf("a record of type %d", hdr[0])
		}
	}
	n := int(m.buf[1])<<16 | int(m.buf[2])<<8 | int(m.buf[3])
	typ, body := m.buf[0], m.buf[4:4+n]
	m.buf = m.buf[4+n:]
	return typ, body, nil
}

// readHello reads the ServerHello (or the alert refusing the ClientHello)
// and returns the server's random with it.
func readHello(m *msgReader) (Hello, []byte, error) {
	typ, body, err := m.next()
	var ae *alertError
	switch {
	case errors.As(err, &ae) && ae.desc == 0:
		return Hello{}, nil, fmt.Errorf("%w: the server closed the connection (close_notify)", ErrNoServerHello)
	case errors.As(err, &ae):
		return Hello{Alert: ae.desc}, nil, nil
	case err != nil && len(m.buf) == 0 && m.read == 0:
		return Hello{}, nil, fmt.Errorf("%w (%w)", ErrNoServerHello, err)
	case err != nil:
		return Hello{}, nil, fmt.Errorf("%w: the ServerHello was cut short or malformed (%w)", ErrNoServerHello, err)
	case typ != 2:
		return Hello{}, nil, fmt.Errorf("%w: the first handshake message is of type %d", ErrNoServerHello, typ)
	}
	msg := cryptobyte.String(body)
	var h Hello
	var random, session []byte
	if !msg.ReadUint16(&h.Version) || !msg.ReadBytes(&random, 32) || !msg.ReadUint8LengthPrefixed((*cryptobyte.String)(&session)) || !msg.ReadUint16(&h.Suite) {
		return Hello{}, nil, fmt.Errorf("%w: a malformed ServerHello", ErrNoServerHello)
	}
	if h.Suite == 0 {
		return Hello{}, nil, fmt.Errorf("%w: the ServerHello names suite 0", ErrNoServerHello)
	}
	return h, random, nil
}

// readFlight reads the messages a TLS 1.2 server sends after its
// ServerHello, up to ServerHelloDone, for suite (one of OME's: (EC)DHE
// with an RSA signature), and checks the ServerKeyExchange signature over
// randoms (client's then server's) and the parameters with the leaf's key.
func readFlight(m *msgReader, suite uint16, randoms []byte) (*Flight, error) {
	f := &Flight{}
	var ske []byte
	for i := 0; ; i++ {
		if i > 8 {
			return nil, errors.New("no ServerHelloDone after 8 handshake messages")
		}
		typ, body, err := m.next()
		if err != nil {
			return nil, fmt.Errorf("reading the server's flight: %w", err)
		}
		s := cryptobyte.String(body)
		switch typ {
		case 11: // Certificate
			var list cryptobyte.String
			if !s.ReadUint24LengthPrefixed(&list) || !s.Empty() {
				return nil, errors.New("a malformed Certificate message")
			}
			for !list.Empty() {
				var der []byte
				if !list.ReadUint24LengthPrefixed((*cryptobyte.String)(&der)) || len(der) == 0 {
					return nil, errors.New("a malformed Certificate message")
				}
				f.Chain = append(f.Chain, der)
			}
		case 12: // ServerKeyExchange
			ske = body
		case 13: // CertificateRequest
			var types, algs, cas cryptobyte.String
			if !s.ReadUint8LengthPrefixed(&types) || !s.ReadUint16LengthPrefixed(&algs) || !s.ReadUint16LengthPrefixed(&cas) || !s.Empty() {
				return nil, errors.New("a malformed CertificateRequest")
			}
			f.RequestsClientCert = true
			for !cas.Empty() {
				var dn []byte
				if !cas.ReadUint16LengthPrefixed((*cryptobyte.String)(&dn)) {
					return nil, errors.New("a malformed CertificateRequest")
				}
				f.AcceptableCAs = append(f.AcceptableCAs, dn)
			}
		case 14: // ServerHelloDone
			if len(f.Chain) == 0 {
				return nil, errors.New("the server sent no certificate")
			}
			if ske == nil {
				return nil, errors.New("the server sent no ServerKeyExchange")
			}
			f.SignatureErr = verifyKeyExchange(f.Chain[0], suite, randoms, ske)
			return f, nil
		case 22: // CertificateStatus (not asked for, tolerated)
		default:
			return nil, fmt.Errorf("an unexpected handshake message of type %d", typ)
		}
	}
}

// verifyKeyExchange checks a TLS 1.2 ServerKeyExchange (RFC 5246 7.4.3,
// RFC 8422 5.4): the signature over randoms and the (EC)DHE parameters,
// with the public key of leaf (DER).
func verifyKeyExchange(leafDER []byte, suite uint16, randoms, ske []byte) error {
	s := cryptobyte.String(ske)
	switch suite {
	case SuiteECDHERSAAES256GCMSHA384, SuiteECDHERSAAES256SHA384:
		var curveType uint8
		var curve uint16
		var point cryptobyte.String
		if !s.ReadUint8(&curveType) || curveType != 3 || !s.ReadUint16(&curve) || !s.ReadUint8LengthPrefixed(&point) || point.Empty() {
			return errors.New("malformed ECDHE parameters in the ServerKeyExchange")
		}
	case SuiteDHERSAAES256GCMSHA384, SuiteDHERSAAES256SHA256:
		for range 3 { // p, g, Ys
			var v cryptobyte.String
			if !s.ReadUint16LengthPrefixed(&v) || v.Empty() {
				return errors.New("malformed DHE parameters in the ServerKeyExchange")
			}
		}
	default:
		return fmt.Errorf("the ServerKeyExchange of suite %s is not read", SuiteName(suite))
	}
	params := ske[:len(ske)-len(s)]
	var alg uint16
	var sig []byte
	if !s.ReadUint16(&alg) || !s.ReadUint16LengthPrefixed((*cryptobyte.String)(&sig)) || !s.Empty() {
		return errors.New("a malformed ServerKeyExchange signature")
	}
	leaf, err := x509.ParseCertificate(leafDER)
	if err != nil {
		return fmt.Errorf("the server's certificate could not be read to check its signature: %w", err)
	}
	signed := append(append([]byte{}, randoms...), params...)
	hashes := map[uint8]crypto.Hash{2: crypto.SHA1, 4: crypto.SHA256, 5: crypto.SHA384, 6: crypto.SHA512}
	pssHashes := map[uint16]crypto.Hash{0x0804: crypto.SHA256, 0x0805: crypto.SHA384, 0x0806: crypto.SHA512}
	digest := func(h crypto.Hash) []byte { d := h.New(); d.Write(signed); return d.Sum(nil) }
	// OME's four suites are all *_RSA_*: the key exchange is signed with
	// an RSA key, and a client (Java, Go) refuses any other.
	pub, ok := leaf.PublicKey.(*rsa.PublicKey)
	if !ok {
		return fmt.Errorf("the server's certificate has a %T key, but %s is signed with RSA: a client refuses it", leaf.PublicKey, SuiteName(suite))
	}
	if h, ok := pssHashes[alg]; ok {
		err = rsa.VerifyPSS(pub, h, digest(h), sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
	} else if h, ok := hashes[uint8(alg>>8)]; ok && alg&0xff == 1 {
		err = rsa.VerifyPKCS1v15(pub, h, digest(h), sig)
	} else {
		return fmt.Errorf("the ServerKeyExchange is signed with algorithm 0x%04x, which is not an RSA signature", alg)
	}
	if err != nil {
		return fmt.Errorf("the ServerKeyExchange signature does not verify with the public key of \"%s\" (%v)", chain.Name(leaf), err)
	}
	return nil
}

// AlertName names a TLS alert description.
func AlertName(a uint8) string {
	switch a {
	case 40:
		return "handshake_failure"
	case 47:
		return "illegal_parameter"
	case 70:
		return "protocol_version"
	case 71:
		return "insufficient_security"
	case 80:
		return "internal_error"
	case 112:
		return "unrecognized_name"
	}
	return fmt.Sprintf("alert %d", a)
}
