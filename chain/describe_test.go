package chain_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/fixtures"
)

// Key, key usage and extended key usage names, as reports print them.
func TestDescriptions(t *testing.T) {
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	ec384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	for _, tc := range []struct {
		key  any
		want string
	}{
		{fixtures.Key(fixtures.RSA1024, 1).Public(), "RSA 1024"},
		{fixtures.Key(fixtures.ECDSAP256, 1).Public(), "ECDSA P-256"},
		{ec384.Public(), "ECDSA P-384"},
		{edPub, "Ed25519"},
		{"a string", "string"},
	} {
		if got := chain.KeyDescription(tc.key); got != tc.want {
			t.Errorf("KeyDescription: %q, want %q", got, tc.want)
		}
	}
	all := x509.KeyUsage(1<<9 - 1)
	if got := chain.KeyUsageNames(all); !cmp.Equal(got, []string{"digitalSignature", "contentCommitment", "keyEncipherment", "dataEncipherment",
		"keyAgreement", "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly"}) {
		t.Errorf("every key usage: %q", got)
	}
	if got := chain.KeyUsageNames(x509.KeyUsageCertSign | x509.KeyUsageDecipherOnly); !cmp.Equal(got, []string{"keyCertSign", "decipherOnly"}) {
		t.Errorf("two key usages: %q", got)
	}
	if got := chain.KeyUsageNames(0); got == nil || len(got) != 0 {
		t.Errorf("no key usage: %#v, want an empty list", got)
	}
	c := &x509.Certificate{
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageAny, x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageCodeSigning,
			x509.ExtKeyUsageEmailProtection, x509.ExtKeyUsageIPSECEndSystem, x509.ExtKeyUsageIPSECTunnel, x509.ExtKeyUsageIPSECUser,
			x509.ExtKeyUsageTimeStamping, x509.ExtKeyUsageOCSPSigning, x509.ExtKeyUsageMicrosoftServerGatedCrypto},
		UnknownExtKeyUsage: []asn1.ObjectIdentifier{{1, 2, 3, 4}},
	}
	if got := chain.ExtKeyUsageNames(c); !cmp.Equal(got, []string{"any", "serverAuth", "clientAuth", "codeSigning", "emailProtection",
		"ipsecEndSystem", "ipsecTunnel", "ipsecUser", "timeStamping", "OCSPSigning", "eku(10)", "1.2.3.4"}) {
		t.Errorf("extended key usages: %q", got)
	}
	if !chain.HasEKU(c, x509.ExtKeyUsageOCSPSigning) || chain.HasEKU(c, x509.ExtKeyUsageNetscapeServerGatedCrypto) || chain.HasEKU(&x509.Certificate{}, x509.ExtKeyUsageAny) {
		t.Error("HasEKU")
	}
	u, _ := url.Parse("spiffe://lab/ome")
	san := &x509.Certificate{DNSNames: []string{"a.example"}, IPAddresses: []net.IP{net.ParseIP("192.0.2.1"), net.ParseIP("2001:db8::1")},
		EmailAddresses: []string{"ops@example.com"}, URIs: []*url.URL{u}}
	if got := chain.SANs(san); !cmp.Equal(got, []string{"a.example", "192.0.2.1", "2001:db8::1", "ops@example.com", "spiffe://lab/ome"}) {
		t.Errorf("SANs: %q", got)
	}
}

// Allows: a certificate without Extended Key Usage allows everything; one
// with it allows what it lists, or everything when it lists "any".
func TestAllows(t *testing.T) {
	srv, cli := x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth
	for _, tc := range []struct {
		name  string
		c     *x509.Certificate
		usage x509.ExtKeyUsage
		want  bool
	}{
		{"no extension", &x509.Certificate{}, srv, true},
		{"listed", &x509.Certificate{ExtKeyUsage: []x509.ExtKeyUsage{cli, srv}}, srv, true},
		{"not listed", &x509.Certificate{ExtKeyUsage: []x509.ExtKeyUsage{cli}}, srv, false},
		{"any listed", &x509.Certificate{ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}, srv, true},
		{"any asked", &x509.Certificate{ExtKeyUsage: []x509.ExtKeyUsage{cli}}, x509.ExtKeyUsageAny, true},
		{"only unknown usages", &x509.Certificate{UnknownExtKeyUsage: []asn1.ObjectIdentifier{{1, 2, 3}}}, srv, false},
		{"one known, one unknown", &x509.Certificate{ExtKeyUsage: []x509.ExtKeyUsage{cli}, UnknownExtKeyUsage: []asn1.ObjectIdentifier{{1, 2, 3}}}, srv, false},
	} {
		if got := chain.Allows(tc.c, tc.usage); got != tc.want {
			t.Errorf("%s: %v", tc.name, got)
		}
	}
}

// Reasons have names; one out of range says its number.
func TestReasonNames(t *testing.T) {
	want := []string{"valid", "expired", "not yet valid", "weak signature", "CA usage", "extended key usage",
		"name constraints", "path length", "host name", "unknown authority", "bad signature", "critical extension",
		"search bound", "no anchor", "cannot judge", "other", "unreadable certificate", "stacks disagree", "weak key"}
	for r, w := range want {
		if got := chain.Reason(r).String(); got != w {
			t.Errorf("Reason(%d) = %q, want %q", r, got, w)
		}
	}
	if got := chain.Reason(len(want)).String(); got != "reason(19)" {
		t.Errorf("past the end: %q", got)
	}
	if got := chain.Reason(-1).String(); got != "reason(-1)" {
		t.Errorf("negative: %q", got)
	}
	if got := (&chain.CannotJudgeError{Why: "x"}).Error(); got != "cannot judge: x" {
		t.Errorf("CannotJudgeError: %q", got)
	}
}

// Name: the CN, else the subject, else the serial.
func TestName(t *testing.T) {
	for _, tc := range []struct {
		c    *x509.Certificate
		want string
	}{
		{&x509.Certificate{Subject: pkix.Name{CommonName: "cn", Organization: []string{"o"}}}, "cn"},
		{&x509.Certificate{Subject: pkix.Name{Organization: []string{"o"}}}, "O=o"},
		{&x509.Certificate{SerialNumber: big.NewInt(0xbeef)}, "serial beef"},
	} {
		if got := chain.Name(tc.c); got != tc.want {
			t.Errorf("%q, want %q", got, tc.want)
		}
	}
}

// ParseCSR: where a block is broken, what a file holds instead of a CSR,
// trailing bytes, and a signature that does not verify.
func TestParseCSRCases(t *testing.T) {
	p := pki(t)
	csrPEM := fixtures.CSR("OMENT-310", p.Certs["leaf"].Key)
	blk, _ := pem.Decode(csrPEM)
	leafPEM := fixtures.PEM(p.Certs["leaf"].Cert)
	tampered := bytes.Clone(blk.Bytes)
	tampered[len(tampered)-1] ^= 0xff
	flat := "-----BEGIN CERTIFICATE REQUEST-----" + base64.StdEncoding.EncodeToString(blk.Bytes) + "-----END CERTIFICATE REQUEST-----"
	t.Run("good", func(t *testing.T) {
		for _, tc := range []struct {
			name  string
			data  []byte
			sig   bool
			facts chain.Facts
		}{
			{"after a certificate", append(append([]byte{}, leafPEM...), csrPEM...), true, chain.Facts{}},
			{"one line", []byte(flat), true, chain.Facts{NoLineBreaks: true}},
			{"trailing bytes", append(bytes.Clone(blk.Bytes), 0, 0), true, chain.Facts{TrailingData: true}},
			{"bad signature", tampered, false, chain.Facts{}},
			{"JSON without PEM", append([]byte(`{"a":"b"}`+"\n"), csrPEM...), true, chain.Facts{TextBefore: true}},
		} {
			c, err := chain.ParseCSR("a.csr", tc.data)
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
				continue
			}
			if c.SignatureOK != tc.sig || !cmp.Equal(c.Facts, tc.facts) || c.Req.Subject.CommonName != "OMENT-310" {
				t.Errorf("%s: signature %v, facts %+v", tc.name, c.SignatureOK, c.Facts)
			}
		}
	})
	t.Run("bad", func(t *testing.T) {
		for _, tc := range []struct {
			name  string
			data  []byte
			is    error
			has   string
			block int
		}{
			{"empty", []byte(" \n"), chain.ErrEmpty, "", 0},
			{"too large", append(bytes.Clone(csrPEM), bytes.Repeat([]byte("\n"), chain.MaxFileSize)...), chain.ErrTooLarge, "", 0},
			{"a certificate in PEM", leafPEM, chain.ErrNotCSR, "found CERTIFICATE", 0},
			{"a broken second block", append(bytes.Clone(leafPEM), "-----BEGIN CERTIFICATE REQUEST-----\n!!\n-----END CERTIFICATE REQUEST-----\n"...), chain.ErrBadBase64, "", 2},
			{"a certificate in DER", p.Certs["leaf"].Cert.Raw, chain.ErrNotCSR, "the file holds a certificate", 0},
			{"DER of something else", []byte{0x30, 0x03, 0x02, 0x01, 0x01}, chain.ErrNotCSR, "", 0},
			{"not ASN.1", []byte{0x30, 0x09, 0x02}, chain.ErrNotCSR, "", 0},
			{"bare Base64 that is not", []byte(strings.Repeat("A", 65)), chain.ErrNotCSR, "", 0},
			{"text", []byte("hello"), chain.ErrNotCSR, "", 0},
		} {
			_, err := chain.ParseCSR("a.csr", tc.data)
			var pe *chain.ParseError
			if !errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.has) || !errors.As(err, &pe) || pe.Block != tc.block || pe.File != "a.csr" {
				t.Errorf("%s: %v, want %v containing %q in block %d", tc.name, err, tc.is, tc.has, tc.block)
			}
		}
	})
	exact := append(bytes.Clone(csrPEM), bytes.Repeat([]byte("\n"), chain.MaxFileSize-len(csrPEM))...)
	if _, err := chain.ParseCSR("a.csr", exact); err != nil {
		t.Errorf("exactly MaxFileSize: %v", err)
	}
}

// Anchors: the given ones when there are any, else the file's self-signed
// certificates.
func TestAnchors(t *testing.T) {
	p := pki(t)
	certs := p.Chain("leaf", "inter", "root", "other")
	if got := chain.Anchors(certs, nil); len(got) != 2 || !got[0].Equal(p.Certs["root"].Cert) || !got[1].Equal(p.Certs["other"].Cert) {
		t.Errorf("the file's own: %d", len(got))
	}
	if got := chain.Anchors(certs, p.Chain("inter")); len(got) != 1 || !got[0].Equal(p.Certs["inter"].Cert) {
		t.Errorf("given: %d", len(got))
	}
	if got := chain.Anchors(p.Chain("leaf"), nil); got != nil {
		t.Errorf("none: %d", len(got))
	}
}

// ReadCSR reads a file, and names one it cannot read.
func TestReadCSR(t *testing.T) {
	p := pki(t)
	path := filepath.Join(t.TempDir(), "a.csr")
	if err := os.WriteFile(path, fixtures.CSR("OMENT-310", p.Certs["leaf"].Key), 0o600); err != nil {
		t.Fatal(err)
	}
	if c, err := chain.ReadCSR(path); err != nil || c.Req.Subject.CommonName != "OMENT-310" || c.File != path {
		t.Errorf("ReadCSR: %v", err)
	}
	if _, err := chain.ReadCSR(path + ".missing"); !errors.Is(err, chain.ErrUnreadable) || !strings.Contains(err.Error(), "a.csr.missing") {
		t.Errorf("a missing file: %v", err)
	}
}
