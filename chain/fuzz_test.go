package chain_test

import (
	"bytes"
	"crypto/x509/pkix"
	"encoding/asn1"
	"testing"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/fixtures"
)

// FuzzParse: no input panics or hangs the chain reader, and whatever it
// accepts can be ordered and described.
func FuzzParse(f *testing.F) {
	for _, s := range fixtures.CheckScenarios() {
		if s.Name == "too-deep" {
			continue // ten more RSA keys: slows every fuzz worker's start
		}
		for _, file := range s.Build(base) {
			f.Add(file.Data)
		}
	}
	f.Add([]byte("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----"))
	f.Add([]byte{0xFF, 0xFE, '-', 0})
	// Certificates crypto/x509 refuses for an inert extension (an empty
	// Name Constraints, a malformed non-critical AIA), and one it refuses
	// for more (a critical malformed AIA).
	p := pki(f)
	for _, ext := range []pkix.Extension{emptyNameConstraints,
		{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 1, 1}, Value: []byte("malformed")},
		{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 1, 1}, Critical: true, Value: []byte("malformed")}} {
		bad := unparsableCA(f, p, "inter", "root", ext)
		f.Add(append(block("CERTIFICATE", bad), block("CERTIFICATE", p.Certs["root"].Cert.Raw)...))
		f.Add(append(append([]byte{}, p.Certs["leaf"].Cert.Raw...), bad...))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := chain.Parse("fuzz", data, chain.Options{Password: func() (string, error) { return "x", nil }})
		if err != nil {
			return
		}
		if len(in.Certs) == 0 && len(in.Unparsed) == 0 {
			t.Fatal("no error and no certificates")
		}
		for _, u := range in.Unparsed {
			if u.Err == nil || u.Block < 1 || u.Index < 0 || u.Name() == "" {
				t.Fatalf("unparsed certificate without its block, position, name or error: %+v", u)
			}
		}
		p := chain.BuildPath(in.Certs)
		for i := range in.Certs {
			chain.DescribeCert(in.Certs, p, i)
		}
	})
}

// FuzzParseCSR: no input panics the CSR reader.
func FuzzParseCSR(f *testing.F) {
	for _, s := range fixtures.CheckScenarios() {
		for _, file := range s.Build(base) {
			if bytes.Contains(file.Data, []byte("REQUEST")) {
				f.Add(file.Data)
				f.Add(bytes.ReplaceAll(file.Data, []byte("\n"), nil))
			}
		}
	}
	f.Add([]byte(`{"CertificateData":"-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := chain.ParseCSR("fuzz", data)
		if err == nil && c.Req == nil {
			t.Fatal("no error and no request")
		}
	})
}

// FuzzPKCS7 and FuzzPKCS12 aim the fuzzer at the binary containers, which
// come from third-party parsers.
func FuzzPKCS7(f *testing.F) {
	p := pki(f)
	f.Add(fixtures.PKCS7(p.Chain("leaf", "inter", "root")))
	f.Fuzz(func(t *testing.T, data []byte) {
		chain.Parse("fuzz.p7b", data, chain.Options{})
	})
}

func FuzzPKCS12(f *testing.F) {
	p := pki(f)
	f.Add(fixtures.PFX(p.Certs["leaf"].Key, p.Chain("leaf", "inter"), ""))
	f.Add(fixtures.PFX(p.Certs["leaf"].Key, p.Chain("leaf", "inter"), "pw"))
	f.Fuzz(func(t *testing.T, data []byte) {
		chain.Parse("fuzz.pfx", data, chain.Options{Password: func() (string, error) { return "pw", nil }})
	})
}
