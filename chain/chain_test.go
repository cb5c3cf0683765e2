package chain_test

import (
	"bytes"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/fixtures"
)

var base = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func pki(t testing.TB) *fixtures.PKI {
	t.Helper()
	return fixtures.MustBuild(base,
		fixtures.Spec{ID: "root", CN: "Root-CA", CA: true},
		fixtures.Spec{ID: "inter", CN: "Inter-CA1", Issuer: "root", CA: true},
		fixtures.Spec{ID: "leaf", CN: "OMENT-310", Issuer: "inter"},
		fixtures.Spec{ID: "other", CN: "Other-CA", CA: true},
	)
}

func TestParseFormats(t *testing.T) {
	p := pki(t)
	good := fixtures.PEM(p.Chain("leaf", "inter", "root")...)
	p7 := fixtures.PKCS7(p.Chain("leaf", "inter", "root"))
	cases := []struct {
		name  string
		data  []byte
		enc   chain.Encoding
		certs int
		facts chain.Facts
	}{
		{"pem", good, chain.EncPEM, 3, chain.Facts{}},
		{"crlf", bytes.ReplaceAll(good, []byte("\n"), []byte("\r\n")), chain.EncPEM, 3, chain.Facts{CRLF: true}},
		{"utf8 bom", append([]byte{0xEF, 0xBB, 0xBF}, good...), chain.EncPEM, 3, chain.Facts{UTF8BOM: true}},
		{"utf16le bom", fixtures.UTF16(good, false, true), chain.EncUTF16PEM, 3, chain.Facts{UTF16: "LE", UTF16BOM: true}},
		{"utf16le", fixtures.UTF16(good, false, false), chain.EncUTF16PEM, 3, chain.Facts{UTF16: "LE"}},
		{"utf16be bom crlf", fixtures.UTF16(bytes.ReplaceAll(good, []byte("\n"), []byte("\r\n")), true, true), chain.EncUTF16PEM, 3, chain.Facts{UTF16: "BE", UTF16BOM: true, CRLF: true}},
		{"text around", append(append([]byte("Bag Attributes\n  friendlyName: x\n"), good...), "trailer\n"...), chain.EncPEM, 3, chain.Facts{TextBefore: true, TextAfter: true}},
		{"indented", regexp.MustCompile(`(?m)^`).ReplaceAll(good, []byte("    ")), chain.EncPEM, 3, chain.Facts{Indented: true}},
		{"indented body", regexp.MustCompile(`(?m)^([A-Za-z0-9+/])`).ReplaceAll(good, []byte("\t$1")), chain.EncPEM, 3, chain.Facts{Indented: true}},
		{"indented end", bytes.ReplaceAll(good, []byte("-----END"), []byte("  -----END")), chain.EncPEM, 3, chain.Facts{Indented: true}},
		{"indented crlf", bytes.ReplaceAll(good, []byte("\n"), []byte("\r\n ")), chain.EncPEM, 3, chain.Facts{CRLF: true, Indented: true}},
		{"unpadded", regexp.MustCompile(`=+\n-----END`).ReplaceAll(good, []byte("\n-----END")), chain.EncPEM, 3, chain.Facts{Unpadded: true}},
		{"unpadded flat escaped", []byte(strings.ReplaceAll(strings.ReplaceAll(string(regexp.MustCompile(`=+\n-----END`).ReplaceAll(good, []byte("\n-----END"))), "/", `\/`), "\n", `\n`)), chain.EncPEM, 3, chain.Facts{Unpadded: true}},
		{"padded escaped", []byte(strings.ReplaceAll(strings.ReplaceAll(string(good), "/", `\/`), "\n", `\n`)), chain.EncPEM, 3, chain.Facts{}},
		{"trailing spaces", bytes.ReplaceAll(good, []byte("\n"), []byte(" \n")), chain.EncPEM, 3, chain.Facts{}},
		{"der", p.Certs["leaf"].Cert.Raw, chain.EncDER, 1, chain.Facts{}},
		{"der concatenated", append(append([]byte{}, p.Certs["leaf"].Cert.Raw...), p.Certs["inter"].Cert.Raw...), chain.EncDER, 2, chain.Facts{}},
		{"der trailing garbage", append(append([]byte{}, p.Certs["leaf"].Cert.Raw...), 0xde, 0xad), chain.EncDER, 1, chain.Facts{TrailingData: true}},
		{"pkcs7 der", p7, chain.EncPKCS7DER, 3, chain.Facts{}},
		{"pkcs7 pem", pem.EncodeToMemory(&pem.Block{Type: "PKCS7", Bytes: p7}), chain.EncPKCS7PEM, 3, chain.Facts{}},
		{"pkcs7 in CERTIFICATE block", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p7}), chain.EncPKCS7PEM, 3, chain.Facts{PKCS7InCert: true}},
		{"pkcs12", fixtures.PFX(p.Certs["leaf"].Key, p.Chain("leaf", "inter", "root"), ""), chain.EncPKCS12, 3, chain.Facts{PrivateKey: true}},
		{"bare base64", []byte(base64.StdEncoding.EncodeToString(p.Certs["leaf"].Cert.Raw)), chain.EncUnknown, 1, chain.Facts{BareBase64: true}},
		{"key in file", append(append([]byte{}, good...), fixtures.KeyPEM(p.Certs["leaf"].Key)...), chain.EncPEM, 3, chain.Facts{PrivateKey: true, OtherBlocks: []string{"PRIVATE KEY"}}},
		{"bad block among good", append(append([]byte{}, good...), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"...), chain.EncPEM, 3,
			chain.Facts{BadBlocks: []string{"block 4: CERTIFICATE is not a valid X.509 certificate: x509: malformed certificate"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in, err := chain.Parse("f.pem", tc.data, chain.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if in.Encoding != tc.enc || len(in.Certs) != tc.certs {
				t.Errorf("encoding %s with %d certificates, want %s with %d", in.Encoding, len(in.Certs), tc.enc, tc.certs)
			}
			if diff := cmp.Diff(tc.facts, in.Facts); diff != "" {
				t.Errorf("facts (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParsePKCS12Password(t *testing.T) {
	p := pki(t)
	pfx := fixtures.PFX(p.Certs["leaf"].Key, p.Chain("leaf", "inter"), "pw")
	if _, err := chain.Parse("a.pfx", pfx, chain.Options{}); !errors.Is(err, chain.ErrPasswordNeeded) {
		t.Errorf("no password: %v", err)
	}
	ask := func(s string) chain.Options {
		return chain.Options{Password: func() (string, error) { return s, nil }}
	}
	if _, err := chain.Parse("a.pfx", pfx, ask("nope")); !errors.Is(err, chain.ErrBadPassword) {
		t.Errorf("wrong password: %v", err)
	}
	in, err := chain.Parse("a.pfx", pfx, ask("pw"))
	if err != nil || len(in.Certs) != 2 || !in.Facts.PKCS12Password {
		t.Errorf("right password: %v %+v", err, in)
	}
}

func TestParseErrors(t *testing.T) {
	p := pki(t)
	leafPEM := fixtures.PEM(p.Certs["leaf"].Cert)
	csrPEM := fixtures.CSR("x", p.Certs["leaf"].Key)
	p7empty, _ := base64.StdEncoding.DecodeString("MCcGCSqGSIb3DQEHAqAaMBgCAQExADALBgkqhkiG9w0BBwGgAKEAMQA=")
	cases := []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, chain.ErrEmpty},
		{"whitespace", []byte(" \n\t\n"), chain.ErrEmpty},
		{"one byte", []byte{0x30}, chain.ErrUnknownFormat},
		{"text", []byte("hello world\n"), chain.ErrUnknownFormat},
		{"truncated pem", leafPEM[:len(leafPEM)-30], chain.ErrNoCertificates},
		{"bad base64", []byte("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n"), chain.ErrNoCertificates},
		{"key only", fixtures.KeyPEM(p.Certs["leaf"].Key), chain.ErrNoCertificates},
		{"csr only", csrPEM, chain.ErrNoCertificates},
		{"nul bytes", make([]byte, 64), chain.ErrUnknownFormat},
		{"pkcs7 without certificates", p7empty, nil},
		{"too large", bytes.Repeat([]byte("A"), chain.MaxFileSize+1), chain.ErrTooLarge},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := chain.Parse("bad.pem", tc.data, chain.Options{})
			if err == nil {
				t.Fatal("no error")
			}
			var pe *chain.ParseError
			if !errors.As(err, &pe) || pe.File != "bad.pem" {
				t.Errorf("error %v does not name the file", err)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
		})
	}
}

func TestBuildPath(t *testing.T) {
	p := pki(t)
	cases := []struct {
		name      string
		ids       []string
		path      string
		root      bool
		fileOrder bool
		missing   string
		unrelated int
		dups      int
	}{
		{"in order", []string{"leaf", "inter", "root"}, "OMENT-310 -> Inter-CA1 -> Root-CA", true, true, "", 0, 0},
		{"reversed", []string{"root", "inter", "leaf"}, "OMENT-310 -> Inter-CA1 -> Root-CA", true, false, "", 0, 0},
		{"shuffled", []string{"inter", "leaf", "root"}, "OMENT-310 -> Inter-CA1 -> Root-CA", true, false, "", 0, 0},
		{"no root", []string{"leaf", "inter"}, "OMENT-310 -> Inter-CA1", false, true, "CN=Root-CA,O=Example Corp", 0, 0},
		{"gap", []string{"leaf", "root"}, "OMENT-310", false, false, "CN=Inter-CA1,O=Example Corp", 1, 0},
		{"extra", []string{"leaf", "inter", "root", "other"}, "OMENT-310 -> Inter-CA1 -> Root-CA", true, false, "", 1, 0},
		{"duplicate", []string{"leaf", "inter", "inter", "root"}, "OMENT-310 -> Inter-CA1 -> Root-CA", true, true, "", 0, 1},
		{"root only", []string{"root"}, "Root-CA", true, true, "", 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			certs := p.Chain(tc.ids...)
			got := chain.BuildPath(certs)
			if d := chain.Describe(certs, got.Order); d != tc.path {
				t.Errorf("path %q, want %q", d, tc.path)
			}
			if got.Root != tc.root || got.FileOrder != tc.fileOrder || got.MissingIssuer != tc.missing ||
				len(got.Unrelated) != tc.unrelated || len(got.Duplicates) != tc.dups {
				t.Errorf("got %+v", got)
			}
		})
	}
}

func TestBrokenLink(t *testing.T) {
	p := fixtures.MustBuild(base,
		fixtures.Spec{ID: "root", CN: "Root-CA", CA: true},
		fixtures.Spec{ID: "leaf", CN: "leaf", Issuer: "root"},
		fixtures.Spec{ID: "root2", CN: "Root-CA", CA: true},
	)
	certs := p.Chain("leaf", "root2")
	got := chain.BuildPath(certs)
	if len(got.BrokenLinks) != 1 || got.BrokenLinks[0].Child != 0 || got.BrokenLinks[0].Parent != 1 || !got.Root {
		t.Errorf("got %+v", got)
	}
	if got := chain.BuildPath(p.Chain("leaf", "root2", "root")); len(got.BrokenLinks) != 0 || chain.Describe(p.Chain("leaf", "root2", "root"), got.Order) != "leaf -> Root-CA" || got.Order[1] != 2 {
		t.Errorf("with the right root present, the signing one must be chosen: %+v", got)
	}
}

func TestParseCSR(t *testing.T) {
	p := pki(t)
	csrPEM := fixtures.CSR("OMENT-310", p.Certs["leaf"].Key)
	block, _ := pem.Decode(csrPEM)
	flat := "-----BEGIN CERTIFICATE REQUEST-----" + base64.StdEncoding.EncodeToString(block.Bytes) + "-----END CERTIFICATE REQUEST-----"
	escaped := strings.ReplaceAll(string(csrPEM), "\n", `\n`)
	cases := []struct {
		name string
		data []byte
	}{
		{"pem", csrPEM},
		{"no line breaks", []byte(flat)},
		{"literal \\n escapes", []byte(escaped)},
		{"OME API JSON", []byte(`{"CertificateData":"` + escaped + `"}`)},
		{"der", block.Bytes},
		{"bare base64", []byte(base64.StdEncoding.EncodeToString(block.Bytes))},
		{"utf16", fixtures.UTF16(csrPEM, false, true)},
		{"crlf", bytes.ReplaceAll(csrPEM, []byte("\n"), []byte("\r\n"))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := chain.ParseCSR("a.csr", tc.data)
			if err != nil {
				t.Fatal(err)
			}
			if c.Req.Subject.CommonName != "OMENT-310" || !c.SignatureOK {
				t.Errorf("got %v sig %v", c.Req.Subject, c.SignatureOK)
			}
		})
	}
	for _, bad := range [][]byte{nil, fixtures.PEM(p.Certs["leaf"].Cert), []byte("junk"), p.Certs["leaf"].Cert.Raw} {
		if _, err := chain.ParseCSR("a.csr", bad); !errors.Is(err, chain.ErrNotCSR) && !errors.Is(err, chain.ErrEmpty) {
			t.Errorf("%q: error %v", bad[:min(len(bad), 10)], err)
		}
	}
}

func TestDescribe(t *testing.T) {
	p := pki(t)
	certs := p.Chain("leaf", "inter", "root")
	path := chain.BuildPath(certs)
	got := chain.DescribeCert(certs, path, 0)
	if got.Role != "leaf" || got.Key != "RSA 2048" || got.SignatureAlgorithm != "SHA256-RSA" ||
		!cmp.Equal(got.ExtKeyUsage, []string{"serverAuth", "clientAuth"}) || !cmp.Equal(got.KeyUsage, []string{"digitalSignature", "keyEncipherment"}) ||
		got.PathPosition == nil || *got.PathPosition != 0 || got.IsCA {
		t.Errorf("got %+v", got)
	}
	if r := chain.DescribeCert(certs, path, 2); r.Role != "root" || !r.IsCA {
		t.Errorf("root: %+v", r)
	}
}
