package probe

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha512"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ome-preflight/ome-preflight/fixtures"
	"golang.org/x/crypto/cryptobyte"
)

// flightServer answers one ClientHello with a TLS 1.2 flight for the ECDHE
// GCM suite: leaf's certificate, and a ServerKeyExchange signed by signer
// (the leaf's own key, or another: a server that does not hold it).
func flightServer(t *testing.T, leaf *x509.Certificate, signer *rsa.PrivateKey) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		var hdr [5]byte
		if _, err := io.ReadFull(c, hdr[:]); err != nil {
			return
		}
		hello := make([]byte, int(hdr[3])<<8|int(hdr[4]))
		if _, err := io.ReadFull(c, hello); err != nil || len(hello) < 4+2+32 {
			return
		}
		clientRandom := hello[6:38]
		serverRandom := bytes.Repeat([]byte{7}, 32)
		var b cryptobyte.Builder
		msg := func(typ uint8, body func(*cryptobyte.Builder)) {
			b.AddUint8(typ)
			b.AddUint24LengthPrefixed(body)
		}
		msg(2, func(b *cryptobyte.Builder) {
			b.AddUint16(0x0303)
			b.AddBytes(serverRandom)
			b.AddUint8(0)
			b.AddUint16(SuiteECDHERSAAES256GCMSHA384)
			b.AddUint8(0)
		})
		msg(11, func(b *cryptobyte.Builder) {
			b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) {
				b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(leaf.Raw) })
			})
		})
		params := append([]byte{3, 0, 0x17, 65, 4}, bytes.Repeat([]byte{1}, 64)...)
		d := sha512.Sum384(append(append(append([]byte{}, clientRandom...), serverRandom...), params...))
		sig, _ := rsa.SignPKCS1v15(nil, signer, crypto.SHA384, d[:])
		msg(12, func(b *cryptobyte.Builder) {
			b.AddBytes(params)
			b.AddUint16(0x0501)
			b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(sig) })
		})
		msg(14, func(*cryptobyte.Builder) {})
		hs := b.BytesOrPanic()
		// Split across two records, as servers may.
		for _, part := range [][]byte{hs[:10], hs[10:]} {
			c.Write(append([]byte{22, 3, 3, byte(len(part) >> 8), byte(len(part))}, part...))
		}
		io.Copy(io.Discard, c)
	}()
	return l.Addr().String()
}

// The ServerKeyExchange signature proves the key: the leaf's own key
// verifies, another key is named as a failure.
func TestFlightSignature(t *testing.T) {
	p := fixtures.MustBuild(time.Now(), fixtures.Spec{ID: "root", CN: "Root-CA", CA: true},
		fixtures.Spec{ID: "leaf", CN: "ome.lab.test", Issuer: "root"})
	leaf := p.Certs["leaf"]
	for _, tc := range []struct {
		name   string
		signer *rsa.PrivateKey
		ok     bool
	}{{"the leaf's key", leaf.Key.(*rsa.PrivateKey), true}, {"another key", p.Certs["root"].Key.(*rsa.PrivateKey), false}} {
		addr := flightServer(t, leaf.Cert, tc.signer)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		h, err := OfferSuites(ctx, addr, "", OMESuites)
		cancel()
		if err != nil || h.Flight == nil {
			t.Fatalf("%s: err %v, flight %s", tc.name, err, h.FlightErr)
		}
		if got := h.Flight.SignatureErr == nil; got != tc.ok {
			t.Errorf("%s: signature verified %v (%v)", tc.name, got, h.Flight.SignatureErr)
		}
		if !tc.ok && !strings.Contains(h.Flight.SignatureErr.Error(), "ome.lab.test") {
			t.Errorf("the failure does not name the certificate: %v", h.Flight.SignatureErr)
		}
	}
}

// A GET whose connection dialled ahead is not there when the verified
// connection is idle borrows that one after the grace, instead of waiting
// for the handshake bound; the connection not taken is left for release.
func TestTakeBorrowsWhenVerifiedIdle(t *testing.T) {
	p := &connPool{ready: make(chan *apiConn, 1), n: 1}
	l := &lender{idle: make(chan struct{}), grace: 10 * time.Millisecond}
	close(l.idle)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	got := make(chan *apiConn)
	go func() { got <- p.take(ctx, l) }()
	select {
	case c := <-got:
		if c != nil || p.taken.Load() != 0 {
			t.Errorf("take gave %v, %d taken; want nil and the dial given back to release", c, p.taken.Load())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("take waited for its own connection although the verified one was idle")
	}
	// Without a lender it waits for its own connection.
	p2 := &connPool{ready: make(chan *apiConn, 1), n: 1}
	want := &apiConn{}
	p2.ready <- want
	if c := p2.take(ctx, nil); c != want {
		t.Errorf("take without a lender gave %v", c)
	}
}

// A GET that gives up on its connection dialled ahead (the work's deadline)
// gives the dial back, so release closes it when it comes.
func TestTakeGivesBackOnDeadline(t *testing.T) {
	p := &connPool{ready: make(chan *apiConn, 1), n: 1}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, l := range []*lender{nil, {idle: make(chan struct{})}} {
		if c := p.take(ctx, l); c != nil || p.taken.Load() != 0 {
			t.Errorf("lender %v: take gave %v with %d taken; want nil, 0", l != nil, c, p.taken.Load())
		}
	}
}

// A server that closes or resets the connection before its ServerHello
// is a connection closed early (made again alone when another was
// answered); one that refuses with an alert is not.
func TestSuitesClosedEarly(t *testing.T) {
	_, err := readServerHello(bytes.NewReader(nil))
	reset := &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}
	_, rerr := readServerHello(errReader{reset})
	if !closedEarly(err) || !closedEarly(rerr) {
		t.Errorf("closedEarly(%v) = %v, closedEarly(%v) = %v; want both", err, closedEarly(err), rerr, closedEarly(rerr))
	}
	h, aerr := readServerHello(bytes.NewReader([]byte{21, 3, 3, 0, 2, 2, 40}))
	if aerr != nil || !h.Refused() {
		t.Errorf("an alert: %+v, %v; want a refusal", h, aerr)
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// Only the credential gate's refusal of a further connection is said as
// another certificate answering; a handshake the appliance failed is not.
func TestGateErrorIsTyped(t *testing.T) {
	wrapped := fmt.Errorf("tls: %w", &gateError{errors.New("not the certificate you expect")})
	var ge *gateError
	if !errors.As(wrapped, &ge) || errors.As(errors.New("remote error: tls: internal error"), &ge) {
		t.Error("gateError is not told apart")
	}
}
