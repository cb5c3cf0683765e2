package probe_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/ome-preflight/ome-preflight/fixtures"
	"github.com/ome-preflight/ome-preflight/probe"
)

// rsaLeaf writes an RSA server certificate and its key for s_server.
func rsaLeaf(t *testing.T) (dir string, cert tls.Certificate) {
	t.Helper()
	p := fixtures.MustBuild(time.Now(), fixtures.Spec{ID: "root", CN: "Root-CA", CA: true},
		fixtures.Spec{ID: "leaf", CN: "ome.lab.test", Issuer: "root", EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
	dir = t.TempDir()
	leaf := p.Certs["leaf"]
	os.WriteFile(filepath.Join(dir, "leaf.pem"), fixtures.PEM(leaf.Cert), 0o600)
	os.WriteFile(filepath.Join(dir, "leaf.key"), fixtures.KeyPEM(leaf.Key), 0o600)
	return dir, tls.Certificate{Certificate: [][]byte{leaf.Cert.Raw}, PrivateKey: leaf.Key, Leaf: leaf.Cert}
}

// sServer starts `openssl s_server` on a loopback port with the given
// options and returns its address; the test ends it by its PID.
func sServer(t *testing.T, dir string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl not installed (CI installs it)")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_, port, _ := net.SplitHostPort(addr)
	l.Close()
	cmd := exec.Command("openssl", append([]string{"s_server", "-accept", "127.0.0.1:" + port, "-cert", "leaf.pem", "-key", "leaf.key", "-quiet", "-www"}, args...)...)
	cmd.Dir = dir
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for i := 0; i < 100; i++ {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return addr
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("s_server did not start: %s", errb.String())
	return ""
}

// OfferSuites offers exactly OME's four suites and reads what an
// independent TLS stack (OpenSSL) chose, or how it refused.
func TestOfferSuitesAgainstOpenSSL(t *testing.T) {
	dir, leaf := rsaLeaf(t)
	cases := []struct {
		name   string
		args   []string
		suite  uint16
		alert  uint8
		goDone bool
	}{
		{"ECDHE-RSA-AES256-GCM-SHA384 only", []string{"-tls1_2", "-cipher", "ECDHE-RSA-AES256-GCM-SHA384"}, probe.SuiteECDHERSAAES256GCMSHA384, 0, true},
		{"ECDHE-RSA-AES256-SHA384 only (CBC)", []string{"-tls1_2", "-cipher", "ECDHE-RSA-AES256-SHA384"}, probe.SuiteECDHERSAAES256SHA384, 0, false},
		{"DHE-RSA-AES256-GCM-SHA384 only", []string{"-tls1_2", "-cipher", "DHE-RSA-AES256-GCM-SHA384"}, probe.SuiteDHERSAAES256GCMSHA384, 0, false},
		{"DHE-RSA-AES256-SHA256 only", []string{"-tls1_2", "-cipher", "DHE-RSA-AES256-SHA256"}, probe.SuiteDHERSAAES256SHA256, 0, false},
		{"none of OME's suites", []string{"-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA"}, 0, 40, false},
		{"TLS 1.3 only", []string{"-tls1_3"}, 0, 70, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			addr := sServer(t, dir, tc.args...)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			h, err := probe.OfferSuites(ctx, addr, "ome.lab.test", probe.OMESuites)
			if err != nil {
				t.Fatal(err)
			}
			if h.Suite != tc.suite || h.Alert != tc.alert {
				t.Errorf("suite %s alert %s; want %s alert %d", probe.SuiteName(h.Suite), probe.AlertName(h.Alert), probe.SuiteName(tc.suite), tc.alert)
			}
			if h.Refused() != (tc.suite == 0) || (h.Suite != 0 && h.Version != tls.VersionTLS12) {
				t.Errorf("refused %v, version %#x", h.Refused(), h.Version)
			}
			if h.Suite != 0 && probe.GoCanComplete(h.Suite) != tc.goDone {
				t.Errorf("GoCanComplete(%s) = %v", probe.SuiteName(h.Suite), !tc.goDone)
			}
			if h.Refused() {
				return
			}
			// The rest of OpenSSL's flight: its chain, and its
			// ServerKeyExchange signature checked with the leaf's key.
			switch f := h.Flight; {
			case f == nil:
				t.Fatalf("no flight read: %s", h.FlightErr)
			case len(f.Chain) != 1 || !bytes.Equal(f.Chain[0], leaf.Certificate[0]):
				t.Errorf("chain of %d certificates, not the served leaf", len(f.Chain))
			case f.SignatureErr != nil:
				t.Errorf("the signature of a server holding the key: %v", f.SignatureErr)
			case f.RequestsClientCert:
				t.Errorf("a CertificateRequest from a server that sends none")
			}
		})
	}
}

// A server that asks for a client certificate names its CAs in the
// flight; OpenSSL's -Verify with -CAfile names the CA file's subjects.
func TestOfferSuitesFlightCertificateRequest(t *testing.T) {
	dir, _ := rsaLeaf(t)
	p := fixtures.MustBuild(time.Now(), fixtures.Spec{ID: "ca", CN: "Client-CA", CA: true})
	os.WriteFile(filepath.Join(dir, "ca.pem"), fixtures.PEM(p.Certs["ca"].Cert), 0o600)
	for _, cipher := range []string{"DHE-RSA-AES256-SHA256", "ECDHE-RSA-AES256-SHA384"} {
		addr := sServer(t, dir, "-tls1_2", "-cipher", cipher, "-Verify", "1", "-CAfile", "ca.pem")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		h, err := probe.OfferSuites(ctx, addr, "", probe.OMESuites)
		cancel()
		if err != nil || h.Flight == nil {
			t.Fatalf("%s: err %v, flight error %s", cipher, err, h.FlightErr)
		}
		f := h.Flight
		if !f.RequestsClientCert || len(f.AcceptableCAs) != 1 || !bytes.Equal(f.AcceptableCAs[0], p.Certs["ca"].Cert.RawSubject) || f.SignatureErr != nil {
			t.Errorf("%s: requests %v, CAs %d, signature %v; want the request naming Client-CA", cipher, f.RequestsClientCert, len(f.AcceptableCAs), f.SignatureErr)
		}
	}
}

// A server that prefers AES-128 for Go's ClientHello still accepts an OME
// suite when that is all a client offers.
func TestOfferSuitesServerPreference(t *testing.T) {
	_, cert := rsaLeaf(t)
	l, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}, MaxVersion: tls.VersionTLS12,
		CipherSuites: []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384}})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(5 * time.Second))
				c.(*tls.Conn).Handshake()
			}()
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	h, err := probe.OfferSuites(ctx, l.Addr().String(), "ome.lab.test", probe.OMESuites)
	if err != nil || h.Suite != probe.SuiteECDHERSAAES256GCMSHA384 {
		t.Errorf("suite %s, err %v; want the ECDHE GCM suite", probe.SuiteName(h.Suite), err)
	}
}

// A server that closes the connection is neither an acceptance nor a
// refusal: it says so, within the deadline.
func TestOfferSuitesClosedConnection(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := probe.OfferSuites(ctx, l.Addr().String(), "", probe.OMESuites); !errors.Is(err, probe.ErrNoServerHello) {
		t.Errorf("err %v; want ErrNoServerHello", err)
	}
	// A server that never answers: the deadline ends it.
	stall, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer stall.Close()
	ctx2, cancel2 := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel2()
	start := time.Now()
	if _, err := probe.OfferSuites(ctx2, stall.Addr().String(), "", probe.OMESuites); err == nil || time.Since(start) > 5*time.Second {
		t.Errorf("a stalled server: err %v after %s", err, time.Since(start))
	}
}
