package probe

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"

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
}

// Refused reports whether the server answered with an alert.
func (h Hello) Refused() bool { return h.Suite == 0 }

// ErrNoServerHello is returned when the server closed the connection or
// answered something other than a ServerHello or an alert.
var ErrNoServerHello = errors.New("no ServerHello and no alert: the connection was closed or answered with something else")

// OfferSuites sends one TLS 1.2 ClientHello offering exactly suites (as
// testssl.sh does, because crypto/tls cannot offer DHE or CBC-SHA384) and
// reads the ServerHello or the alert. It never completes a handshake and
// sends nothing else. serverName goes into SNI when it is a host name.
func OfferSuites(ctx context.Context, addr, serverName string, suites []uint16) (Hello, error) {
	conn, err := dial(ctx, addr)
	if err != nil {
		return Hello{}, err
	}
	defer conn.Close()
	hello, err := clientHello(serverName, suites)
	if err != nil {
		return Hello{}, err
	}
	if _, err := conn.Write(hello); err != nil {
		return Hello{}, err
	}
	return readServerHello(conn)
}

// clientHello builds a TLS 1.2 ClientHello record (RFC 5246 7.4.1.2) with
// the extensions a TLS 1.2 client of OME's suites sends: SNI, supported
// groups and point formats (ECDHE), signature algorithms, secure
// renegotiation and extended master secret.
func clientHello(serverName string, suites []uint16) ([]byte, error) {
	random := make([]byte, 32)
	if _, err := rand.Read(random); err != nil {
		return nil, err
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
	return rec.Bytes()
}

func ext(b *cryptobyte.Builder, id uint16, data func(*cryptobyte.Builder)) {
	b.AddUint16(id)
	b.AddUint16LengthPrefixed(data)
}

// readServerHello reads records until the first handshake message or an
// alert: a ServerHello gives the suite, an alert the refusal.
func readServerHello(r io.Reader) (Hello, error) {
	var hs []byte
	for len(hs) < 4 || len(hs) < 4+int(hs[1])<<16|int(hs[2])<<8|int(hs[3]) {
		var hdr [5]byte
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			if len(hs) == 0 {
				return Hello{}, fmt.Errorf("%w (%v)", ErrNoServerHello, err)
			}
			return Hello{}, fmt.Errorf("the ServerHello was cut short: %w", err)
		}
		n := int(hdr[3])<<8 | int(hdr[4])
		if n == 0 || n > 1<<14+2048 {
			return Hello{}, fmt.Errorf("%w: a record of %d bytes", ErrNoServerHello, n)
		}
		payload := make([]byte, n)
		if _, err := io.ReadFull(r, payload); err != nil {
			return Hello{}, fmt.Errorf("the server's answer was cut short: %w", err)
		}
		switch hdr[0] {
		case 21: // alert
			switch {
			case len(payload) < 2 || len(hs) > 0:
				return Hello{}, fmt.Errorf("%w: a malformed alert", ErrNoServerHello)
			case payload[1] == 0:
				return Hello{}, fmt.Errorf("%w: the server closed the connection (close_notify)", ErrNoServerHello)
			}
			return Hello{Alert: payload[1]}, nil
		case 22:
			hs = append(hs, payload...)
			if len(hs) > 1<<16 {
				return Hello{}, fmt.Errorf("%w: an oversized ServerHello", ErrNoServerHello)
			}
		default:
			return Hello{}, fmt.Errorf("%w: a record of type %d", ErrNoServerHello, hdr[0])
		}
	}
	s := cryptobyte.String(hs)
	var typ uint8
	var msg cryptobyte.String
	if !s.ReadUint8(&typ) || typ != 2 || !s.ReadUint24LengthPrefixed(&msg) {
		return Hello{}, fmt.Errorf("%w: the first handshake message is of type %d", ErrNoServerHello, typ)
	}
	var h Hello
	var random, session []byte
	if !msg.ReadUint16(&h.Version) || !msg.ReadBytes(&random, 32) || !msg.ReadUint8LengthPrefixed((*cryptobyte.String)(&session)) || !msg.ReadUint16(&h.Suite) {
		return Hello{}, fmt.Errorf("%w: a malformed ServerHello", ErrNoServerHello)
	}
	if h.Suite == 0 {
		return Hello{}, fmt.Errorf("%w: the ServerHello names suite 0", ErrNoServerHello)
	}
	return h, nil
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
