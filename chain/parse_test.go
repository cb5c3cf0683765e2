package chain_test

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	pkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/fixtures"
)

// trusted is the OpenSSL "TRUSTED CERTIFICATE" form of c: the certificate
// followed by its trust settings (here: trusted for serverAuth).
func trusted(c *x509.Certificate) []byte {
	aux, _ := asn1.Marshal(struct{ Trust []asn1.ObjectIdentifier }{[]asn1.ObjectIdentifier{{1, 3, 6, 1, 5, 5, 7, 3, 1}}})
	return pem.EncodeToMemory(&pem.Block{Type: "TRUSTED CERTIFICATE", Bytes: append(append([]byte{}, c.Raw...), aux...)})
}

func block(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

// Every fact found in a file is said once in Notes, in a fixed order, and
// nothing is said of a fact that does not hold.
func TestParseNotes(t *testing.T) {
	p := pki(t)
	leaf, inter := p.Certs["leaf"].Cert, p.Certs["inter"].Cert
	good := fixtures.PEM(leaf, inter)
	flat := []byte("-----BEGIN CERTIFICATE-----\n" + base64.StdEncoding.EncodeToString(leaf.Raw) + "\n-----END CERTIFICATE-----\n")
	pw := chain.Options{Password: func() (string, error) { return "pw", nil }}
	cases := []struct {
		name  string
		data  []byte
		opts  chain.Options
		notes []string
	}{
		{"plain", good, chain.Options{}, nil},
		{"UTF-16LE with BOM", fixtures.UTF16(good, false, true), chain.Options{}, []string{"UTF-16LE with BOM"}},
		{"UTF-16BE without BOM", fixtures.UTF16(good, true, false), chain.Options{}, []string{"UTF-16BE without BOM"}},
		{"UTF-8 BOM and CRLF", append([]byte{0xEF, 0xBB, 0xBF}, bytes.ReplaceAll(good, []byte("\n"), []byte("\r\n"))...), chain.Options{}, []string{"UTF-8 BOM", "CRLF line endings"}},
		{"bare Base64", []byte(base64.StdEncoding.EncodeToString(leaf.Raw)), chain.Options{}, []string{"Base64 without -----BEGIN/END----- lines"}},
		{"text everywhere", []byte("Bag Attributes\n" + string(fixtures.PEM(leaf)) + "subject=x\n" + string(fixtures.PEM(inter)) + "end\n"), chain.Options{},
			[]string{"text before the first PEM block", "text between PEM blocks", "text after the last PEM block"}},
		{"one line", flat, chain.Options{}, []string{"PEM Base64 without line breaks"}},
		{"indented and unpadded", regexp.MustCompile(`(?m)^`).ReplaceAll(regexp.MustCompile(`=+\n-----END`).ReplaceAll(good, []byte("\n-----END")), []byte("  ")), chain.Options{},
			[]string{"indented PEM lines", `PEM Base64 without its "=" padding`}},
		{"PKCS#7 in a CERTIFICATE block", block("CERTIFICATE", fixtures.PKCS7([]*x509.Certificate{leaf})), chain.Options{}, []string{"PKCS#7 bundle inside a CERTIFICATE block"}},
		{"key, CRL and trust", append(append(append(fixtures.KeyPEM(p.Certs["leaf"].Key), block("X509 CRL", []byte{0x30, 0x00})...), trusted(inter)...), good...), chain.Options{},
			[]string{"a private key is in the file (not shown)", "ignored PEM block of type X509 CRL",
				"a TRUSTED CERTIFICATE block (OpenSSL trust format), read as its certificate; its trust settings are ignored"}},
		{"bad blocks", append(append([]byte{}, good...), "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n"...), chain.Options{},
			[]string{"block 3: CERTIFICATE: PEM block is not valid Base64"}},
		{"trailing bytes", append(append([]byte{}, leaf.Raw...), 0, 0), chain.Options{}, []string{"trailing bytes after the DER data"}},
		{"PKCS#12 with a password", fixtures.PFX(p.Certs["leaf"].Key, []*x509.Certificate{leaf}, "pw"), pw,
			[]string{"a private key is in the file (not shown)", "PKCS#12 opened with a password"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in, err := chain.Parse("f", tc.data, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.notes, in.Notes); diff != "" {
				t.Errorf("notes (-want +got):\n%s", diff)
			}
		})
	}
}

// The PEM block types read as certificates, and what a broken one says.
func TestParsePEMBlockTypes(t *testing.T) {
	p := pki(t)
	leaf, inter := p.Certs["leaf"].Cert, p.Certs["inter"].Cert
	p7 := fixtures.PKCS7([]*x509.Certificate{leaf, inter})
	notP7, _ := asn1.Marshal(struct{ A asn1.ObjectIdentifier }{asn1.ObjectIdentifier{1, 2, 3}})
	cases := []struct {
		name   string
		data   []byte
		enc    chain.Encoding
		certs  int
		other  []string
		bad    []string
		errIs  error
		errHas string
	}{
		{"X509 CERTIFICATE", block("X509 CERTIFICATE", leaf.Raw), chain.EncPEM, 1, nil, nil, nil, ""},
		{"X.509 CERTIFICATE", block("X.509 CERTIFICATE", leaf.Raw), chain.EncPEM, 1, nil, nil, nil, ""},
		{"TRUSTED CERTIFICATE", trusted(leaf), chain.EncPEM, 1, []string{chain.TrustedCertBlock}, nil, nil, ""},
		{"PKCS7", block("PKCS7", p7), chain.EncPKCS7PEM, 2, nil, nil, nil, ""},
		{"PKCS #7 SIGNED DATA", block("PKCS #7 SIGNED DATA", p7), chain.EncPKCS7PEM, 2, nil, nil, nil, ""},
		{"CMS", block("CMS", p7), chain.EncPKCS7PEM, 2, nil, nil, nil, ""},
		{"PKCS7 after a certificate", append(fixtures.PEM(leaf), block("PKCS7", p7)...), chain.EncPKCS7PEM, 3, nil, nil, nil, ""},
		{"TRUSTED CERTIFICATE, not ASN.1", append(block("TRUSTED CERTIFICATE", []byte{0x30, 0x05, 0x01}), fixtures.PEM(leaf)...), chain.EncPEM, 1, nil,
			[]string{"block 1: TRUSTED CERTIFICATE: asn1: syntax error: data truncated"}, nil, ""},
		{"TRUSTED CERTIFICATE, not a certificate", append(fixtures.PEM(leaf), block("TRUSTED CERTIFICATE", []byte{0x30, 0x00})...), chain.EncPEM, 1, nil,
			[]string{"block 2: TRUSTED CERTIFICATE: x509: malformed tbs certificate"}, nil, ""},
		{"PKCS7 that is not", append(fixtures.PEM(leaf), block("PKCS7", notP7)...), chain.EncPEM, 1, nil, []string{"block 2: PKCS7: not PKCS#7"}, nil, ""},
		{"malformed BEGIN line", append([]byte("-----BEGIN CERT\n"), fixtures.PEM(leaf)...), chain.EncPEM, 1, nil, []string{"block 1: block: malformed BEGIN line"}, nil, ""},
		{"only bad blocks", block("CERTIFICATE", []byte{0x30, 0x00}), "", 0, nil, nil, chain.ErrNoCertificates,
			"no certificate found (block 1: CERTIFICATE is not a valid X.509 certificate: x509: malformed tbs certificate)"},
		{"only a key", fixtures.KeyPEM(p.Certs["leaf"].Key), "", 0, nil, nil, chain.ErrNoCertificates, "no certificate found: the file holds only PRIVATE KEY"},
		{"only a CSR", fixtures.CSR("x", p.Certs["leaf"].Key), "", 0, nil, nil, chain.ErrNoCertificates, "no certificate found: the file holds only CERTIFICATE REQUEST"},
		{"a marker only", []byte("-----BEGIN"), "", 0, nil, nil, chain.ErrNoCertificates, "f: no certificate found"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in, err := chain.Parse("f", tc.data, chain.Options{})
			if tc.errIs != nil {
				if !errors.Is(err, tc.errIs) || !strings.HasSuffix(err.Error(), tc.errHas) {
					t.Errorf("error %v, want %v ending %q", err, tc.errIs, tc.errHas)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if in.Encoding != tc.enc || len(in.Certs) != tc.certs || !cmp.Equal(in.Facts.OtherBlocks, tc.other) || !cmp.Equal(in.Facts.BadBlocks, tc.bad) {
				t.Errorf("%s, %d certificates, other %q, bad %q", in.Encoding, len(in.Certs), in.Facts.OtherBlocks, in.Facts.BadBlocks)
			}
			if tc.certs > 0 && !in.Certs[0].Equal(leaf) {
				t.Errorf("first certificate %s, want the leaf", chain.Name(in.Certs[0]))
			}
		})
	}
}

// Binary inputs that are not certificates say what they are.
func TestParseBinaryErrors(t *testing.T) {
	p := pki(t)
	csr, _ := pem.Decode(fixtures.CSR("x", p.Certs["leaf"].Key))
	p7empty, _ := base64.StdEncoding.DecodeString("MCcGCSqGSIb3DQEHAqAaMBgCAQExADALBgkqhkiG9w0BBwGgAKEAMQA=")
	seq := func(v any) []byte { b, _ := asn1.Marshal(v); return b }
	notPFX := seq(struct {
		V int
		A asn1.RawValue
	}{2, asn1.RawValue{FullBytes: []byte{0x30, 0x00}}})
	integer := append([]byte{0x02, 46}, bytes.Repeat([]byte{0x11}, 46)...)
	cases := []struct {
		name string
		data []byte
		is   error
		has  string
	}{
		{"CSR in DER", csr.Bytes, chain.ErrNoCertificates, "the file holds a certificate signing request (DER), not a certificate"},
		{"a SEQUENCE that is no certificate", seq(struct{ A, B int }{1, 2}), nil, "DER data is not an X.509 certificate"},
		{"a PFX of version 2", notPFX, nil, "DER data is not an X.509 certificate"},
		{"PKCS#7 without certificates", p7empty, nil, "f: PKCS#7 bundle holds no certificate"},
		{"truncated SEQUENCE", []byte{0x30, 0x05, 0x02, 0x01}, chain.ErrUnknownFormat, ""},
		{"bare Base64 of an INTEGER", []byte(base64.StdEncoding.EncodeToString(integer)), chain.ErrUnknownFormat, ""},
		{"bare Base64 that is not", []byte(strings.Repeat("A", 65)), chain.ErrUnknownFormat, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := chain.Parse("f", tc.data, chain.Options{})
			if err == nil || (tc.is != nil && !errors.Is(err, tc.is)) || !strings.Contains(err.Error(), tc.has) {
				t.Errorf("error %v, want %v containing %q", err, tc.is, tc.has)
			}
			if tc.is == nil && (errors.Is(err, chain.ErrUnknownFormat) || errors.Is(err, chain.ErrNoCertificates)) {
				t.Errorf("error %v: the specific reason is lost", err)
			}
		})
	}
}

// PKCS#12: the password is asked only when needed, its failure says so,
// and a file that asks for too much key-derivation work is refused before
// any is done.
func TestParsePKCS12Cases(t *testing.T) {
	p := pki(t)
	key, certs := p.Certs["leaf"].Key, p.Chain("leaf", "inter")
	asked := 0
	ask := func(pw string, err error) chain.Options {
		return chain.Options{Password: func() (string, error) { asked++; return pw, err }}
	}
	noPW := fixtures.PFX(key, certs, "")
	in, err := chain.Parse("a.pfx", noPW, ask("unused", nil))
	if err != nil || asked != 0 || in.Facts.PKCS12Password || len(in.Certs) != 2 || !in.Facts.PrivateKey || in.Encoding != chain.EncPKCS12 {
		t.Errorf("no password: asked %d times, %v, %+v", asked, err, in)
	}
	withPW := fixtures.PFX(key, certs, "pw")
	cancelled := errors.New("cancelled at the prompt")
	if _, err := chain.Parse("a.pfx", withPW, ask("", cancelled)); !errors.Is(err, chain.ErrPasswordNeeded) || !errors.Is(err, cancelled) {
		t.Errorf("prompt failed: %v", err)
	}
	heavy, err := pkcs12.Modern2023.WithIterations(300_000).Encode(key, certs[0], nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chain.Parse("a.pfx", heavy, chain.Options{}); !errors.Is(err, chain.ErrUnsupportedPFX) || !strings.Contains(err.Error(), "300000 iterations") {
		t.Errorf("300,000 iterations: %v", err)
	}
	store, err := pkcs12.Modern2023.EncodeTrustStore(certs, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chain.Parse("a.pfx", store, chain.Options{}); !errors.Is(err, chain.ErrUnsupportedPFX) || !strings.Contains(err.Error(), "without a private key") {
		t.Errorf("trust store: %v", err)
	}
}

// The size and count limits hold exactly at their bounds.
func TestParseLimits(t *testing.T) {
	p := fixtures.MustBuild(base, fixtures.Spec{ID: "c", CN: "c", KeyType: fixtures.ECDSAP256})
	c := p.Certs["c"].Cert
	onePEM := fixtures.PEM(c)
	pad := func(b []byte, n int) []byte {
		return append(append([]byte{}, b...), bytes.Repeat([]byte("\n"), n-len(b))...)
	}
	if in, err := chain.Parse("f", pad(onePEM, chain.MaxFileSize), chain.Options{}); err != nil || len(in.Certs) != 1 {
		t.Errorf("exactly MaxFileSize: %v", err)
	}
	if _, err := chain.Parse("f", pad(onePEM, chain.MaxFileSize+1), chain.Options{}); !errors.Is(err, chain.ErrTooLarge) {
		t.Errorf("one byte over: %v", err)
	}
	const most = 5000
	for _, tc := range []struct {
		name string
		data func(n int) []byte
	}{
		{"PEM", func(n int) []byte { return bytes.Repeat(onePEM, n) }},
		{"DER", func(n int) []byte { return bytes.Repeat(c.Raw, n) }},
	} {
		in, err := chain.Parse("f", tc.data(most), chain.Options{})
		if err != nil || len(in.Certs) != most || in.Facts.TrailingData {
			t.Errorf("%s: %d certificates: %v", tc.name, most, err)
		}
		if _, err := chain.Parse("f", tc.data(most+1), chain.Options{}); !errors.Is(err, chain.ErrTooManyCerts) {
			t.Errorf("%s: %d certificates: %v, want too many", tc.name, most+1, err)
		}
	}
}

// ReadFile reads a file, or standard input for "-", up to MaxFileSize.
func TestReadFileAndStdin(t *testing.T) {
	p := pki(t)
	dir := t.TempDir()
	good := fixtures.PEM(p.Chain("leaf", "inter")...)
	path := filepath.Join(dir, "chain.pem")
	if err := os.WriteFile(path, good, 0o600); err != nil {
		t.Fatal(err)
	}
	in, err := chain.ReadFile(path, chain.Options{})
	if err != nil || len(in.Certs) != 2 || in.File != path {
		t.Errorf("ReadFile: %v %+v", err, in)
	}
	if _, err := chain.ReadFile(dir, chain.Options{}); !errors.Is(err, chain.ErrIsDirectory) {
		t.Errorf("a folder: %v", err)
	}
	exact := filepath.Join(dir, "exact.pem")
	if err := os.WriteFile(exact, append(append([]byte{}, good...), bytes.Repeat([]byte(" "), chain.MaxFileSize-len(good))...), 0o600); err != nil {
		t.Fatal(err)
	}
	if data, err := chain.ReadLimited(exact); err != nil || len(data) != chain.MaxFileSize {
		t.Errorf("a file of exactly MaxFileSize: %d bytes, %v", len(data), err)
	}
	for _, tc := range []struct {
		name string
		data []byte
		err  error
	}{{"small", good, nil}, {"exactly MaxFileSize", bytes.Repeat([]byte("A"), chain.MaxFileSize), nil}, {"over", bytes.Repeat([]byte("A"), chain.MaxFileSize+1), chain.ErrTooLarge}} {
		stdin := filepath.Join(dir, "stdin")
		if err := os.WriteFile(stdin, tc.data, 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(stdin)
		if err != nil {
			t.Fatal(err)
		}
		old := os.Stdin
		os.Stdin = f
		data, err := chain.ReadLimited("-")
		os.Stdin = old
		f.Close()
		if !errors.Is(err, tc.err) || (err == nil && !bytes.Equal(data, tc.data)) {
			t.Errorf("stdin %s: %d bytes, %v; want %v", tc.name, len(data), err, tc.err)
		}
	}
}

// Summarise lists at most max items and counts the rest.
func TestSummarise(t *testing.T) {
	items := []string{"a", "b", "c", "d", "e"}
	for _, tc := range []struct {
		n, max int
		want   string
	}{
		{0, 3, ""},
		{1, 3, "a"},
		{3, 3, "a; b; c"},
		{4, 3, "a; b; c; and 1 more like them"},
		{5, 3, "a; b; c; and 2 more like them"},
		{5, 1, "a; and 4 more like them"},
	} {
		if got := chain.Summarise(items[:tc.n], tc.max); got != tc.want {
			t.Errorf("%d items, max %d: %q, want %q", tc.n, tc.max, got, tc.want)
		}
	}
}
