package pairing_test

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"math/rand"
	"net"
	"testing"
	"time"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/fixtures"
	"github.com/ome-preflight/ome-preflight/pairing"
	"github.com/ome-preflight/ome-preflight/report"
)

const (
	msgCSR       = "Invalid CSR key."
	msgEKU       = "No Client/Server authentication EKU present in leaf certificate."
	msgWebServer = "User Certificate is not a web server certificate."
	msgChain     = "Invalid certificate chain provided."
)

var (
	chainArgs = []string{msgChain}
	server    = func(o *pairing.CheckOptions) { o.Mode = report.ModeServer }
)

// pass, na and the others are the shorthand wants.
func pass() want            { return want{status: pairing.Pass, cert: -1} }
func na(reason string) want { return want{status: pairing.NA, cert: -1, details: reason} }
func chainErr(cert int, d string) want {
	return want{status: pairing.Error, cert: cert, details: d, msgID: "CGEN1008", args: chainArgs}
}
func warn(cert int, d string) want {
	return want{status: pairing.Warn, cert: cert, details: d, args: noOME}
}

func TestRuleCSRKey(t *testing.T) {
	p := pairing.LabPKI(t, nil)
	csr := func(key string) func(o *pairing.CheckOptions) {
		return func(o *pairing.CheckOptions) { o.CSR = csrOf(t, "OMENT-310", p.Certs[key].Key) }
	}
	runRuleCases(t, "csr-key", []ruleCase{
		{name: "the leaf was issued for the appliance's CSR", run: checkOf(p, labChain, csr("source")), want: pass()},
		{name: "a CSR generated after the leaf was signed (another key)", run: checkOf(p, labChain, csr("target")),
			want: want{status: pairing.Error, cert: 0, details: `certificate 0 "OMENT-310" (leaf) has a different public key`, msgID: "CGEN1008", args: []string{msgCSR}}},
		{name: "no CSR given, the command takes --csr", run: checkOf(p, labChain, nil),
			want: na("no CSR given (use --csr with the CSR generated on this appliance)")},
		{name: "no CSR given, the command takes none: still a reason", run: checkOf(p, labChain, func(o *pairing.CheckOptions) { o.Flags = nil }),
			want: na("no CSR given (the CSR generated on this appliance)")},
	})
}

func TestRuleCSRWildcard(t *testing.T) {
	p := pairing.LabPKI(t, nil)
	withCSR := func(cn string, damaged bool) func(o *pairing.CheckOptions) {
		return func(o *pairing.CheckOptions) {
			o.CSR = csrOf(t, cn, p.Certs["source"].Key)
			if damaged {
				o.CSR.SignatureOK = false
			}
		}
	}
	runRuleCases(t, "csr-wildcard", []ruleCase{
		{name: "the appliance's own name", run: checkOf(p, labChain, withCSR("OMENT-310", false)), want: pass()},
		{name: "wildcard common name", run: checkOf(p, labChain, withCSR("*.example.com", false)),
			want: want{status: pairing.Error, cert: -1, details: `the CSR appliance.csr has a wildcard in its subject "CN=*.example.com`, msgID: "CGEN6002", args: []string{"DistinguishedName"}}},
		{name: "damaged CSR signature", run: checkOf(p, labChain, withCSR("OMENT-310", true)),
			want: warn(-1, "the CSR appliance.csr's signature does not verify")},
		{name: "no CSR: na with csr-key's reason", run: checkOf(p, labChain, nil),
			want: na("no CSR given (use --csr with the CSR generated on this appliance)")},
	})
}

func TestRuleEncoding(t *testing.T) {
	p := pairing.LabPKI(t, nil)
	pemData := fixtures.PEM(p.Chain(labChain...)...)
	runRuleCases(t, "encoding", []ruleCase{
		{name: "Base64 PEM", run: checkFile("chain.pem", pemData), want: pass()},
		{name: "DER .cer", run: checkFile("leaf.cer", p.Certs["source"].Cert.Raw),
			want: want{status: pairing.Error, cert: -1, details: "leaf.cer is DER (binary) X.509; OME accepts only Base64 PEM", msgID: "CSEC9002", args: noOME}},
		{name: "PowerShell 5.1 UTF-16", run: checkFile("chain.pem", fixtures.UTF16(pemData, false, true)),
			want: want{status: pairing.Error, cert: -1, details: "PEM saved as UTF-16 text", msgID: "CSEC9002", args: noOME}},
		{name: "five broken blocks: three named, the rest counted", run: checkFile("chain.pem", append(pemData, bytes.Repeat([]byte("-----BEGIN CERTIFICATE-----\nMIIBroken\n-----END CERTIFICATE-----\n"), 5)...)),
			want: want{status: pairing.Error, cert: -1, details: "chain.pem: ", msgID: "CSEC9002", args: noOME, findings: 4}},
		{name: "read from a TLS handshake", run: checkOf(p, labChain, func(o *pairing.CheckOptions) { o.Input.Encoding = chain.EncTLS }),
			want: na("the chain was read from the appliance's TLS handshake")},
	})
	r := checkFile("chain.pem", append(pemData, bytes.Repeat([]byte("-----BEGIN CERTIFICATE-----\nMIIBroken\n-----END CERTIFICATE-----\n"), 5)...))(t)
	var last string
	for _, f := range r.Findings {
		if f.Rule == "encoding" {
			last = f.Message
		}
	}
	if last != "chain.pem: and 2 more blocks like these" {
		t.Errorf("the fourth broken-block finding says %q", last)
	}
}

func TestRuleEncodingText(t *testing.T) {
	p := pairing.LabPKI(t, nil)
	pemData := fixtures.PEM(p.Chain(labChain...)...)
	crlf := []byte{}
	for _, b := range pemData {
		if b == '\n' {
			crlf = append(crlf, '\r')
		}
		crlf = append(crlf, b)
	}
	runRuleCases(t, "encoding-text", []ruleCase{
		{name: "certificate blocks only", run: checkFile("chain.pem", pemData), want: pass()},
		{name: "Notepad's UTF-8 BOM", run: checkFile("chain.pem", append([]byte("\xEF\xBB\xBF"), pemData...)),
			want: warn(-1, "chain.pem: starts with a UTF-8 byte order mark")},
		{name: "openssl Bag Attributes", run: checkFile("chain.pem", append([]byte("Bag Attributes\n    friendlyName: ome\n"), pemData...)),
			want: warn(-1, "has text around the PEM blocks")},
		{name: "CRLF line endings: said, not a warning", run: checkFile("chain.pem", crlf),
			want: want{status: pairing.Info, cert: -1, details: "has CRLF (Windows) line endings; OME accepts them", args: noOME}},
		{name: "the private key pasted in", run: checkFile("chain.pem", append(pemData, fixtures.KeyPEM(p.Certs["source"].Key)...)),
			want: warn(-1, "chain.pem: holds a private key (not shown); never upload a private key to OME")},
		{name: "an OpenSSL TRUSTED CERTIFICATE block", run: checkFile("chain.pem", append(pemData, pem.EncodeToMemory(&pem.Block{Type: "TRUSTED CERTIFICATE", Bytes: p.Certs["target"].Cert.Raw})...)),
			want: warn(-1, "chain.pem: holds a TRUSTED CERTIFICATE block (OpenSSL trust format)")},
		{name: "a CRL beside the certificates", run: checkFile("chain.pem", append(pemData, pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: []byte{0x30, 0x00}})...)),
			want: warn(-1, "chain.pem: holds a X509 CRL block, which is not a certificate")},
		{name: "read from a TLS handshake", run: checkOf(p, labChain, func(o *pairing.CheckOptions) { o.Input.Encoding = chain.EncTLS }),
			want: na("the chain was read from the appliance's TLS handshake")},
	})
}

func TestRuleLeafEKU(t *testing.T) {
	eku := func(e ...x509.ExtKeyUsage) *fixtures.PKI {
		return pairing.LabPKI(t, edits{"source": func(s *fixtures.Spec) { s.EKU, s.NoEKU = e, len(e) == 0 }})
	}
	serverOnly, clientOnly, none := eku(x509.ExtKeyUsageServerAuth), eku(x509.ExtKeyUsageClientAuth), eku()
	fail := func(d string) want {
		return want{status: pairing.Error, cert: 0, details: d, msgID: "CGEN1008", args: []string{msgEKU}}
	}
	runRuleCases(t, "leaf-eku", []ruleCase{
		{name: "serverAuth and clientAuth", run: checkOf(pairing.LabPKI(t, nil), labChain, nil), want: pass()},
		{name: "web server template: serverAuth only", run: checkOf(serverOnly, labChain, nil),
			want: fail(`certificate 0 "OMENT-310" (leaf) lacks Client Authentication in its Extended Key Usage (it has serverAuth)`)},
		{name: "client template: clientAuth only", run: checkOf(clientOnly, labChain, nil),
			want: fail("lacks Server Authentication in its Extended Key Usage (it has clientAuth)")},
		{name: "no EKU extension", run: checkOf(none, labChain, nil),
			want: fail("lacks Server Authentication and Client Authentication in its Extended Key Usage (it has no Extended Key Usage extension)")},
		{name: "--mode server: serverAuth is enough", run: checkOf(serverOnly, labChain, server), want: pass()},
		{name: "--mode server: clientAuth only", run: checkOf(clientOnly, labChain, server),
			want: fail(`certificate 0 "OMENT-310" (leaf) lacks Server Authentication (it has clientAuth)`)},
	})
}

func TestRuleLeafKeyUsage(t *testing.T) {
	noKE := pairing.LabPKI(t, edits{"source": func(s *fixtures.Spec) { s.KU = x509.KeyUsageDigitalSignature }})
	noKU := pairing.LabPKI(t, edits{"source": func(s *fixtures.Spec) { s.NoKU = true }})
	runRuleCases(t, "leaf-key-usage", []ruleCase{
		{name: "digitalSignature and keyEncipherment", run: checkOf(pairing.LabPKI(t, nil), labChain, nil), want: pass()},
		{name: "digitalSignature only", run: checkOf(noKE, labChain, nil),
			want: want{status: pairing.Error, cert: 0, details: "lacks Key Encipherment in its Key Usage (it has digitalSignature)", msgID: "CGEN1008", args: []string{msgWebServer}}},
		{name: "no Key Usage extension", run: checkOf(noKU, labChain, nil),
			want: want{status: pairing.Error, cert: 0, details: "(it has no Key Usage extension)", msgID: "CGEN1008", args: []string{msgWebServer}}},
		{name: "--mode server: OME answers CSEC9002", run: checkOf(noKE, []string{"source"}, server),
			want: want{status: pairing.Error, cert: 0, details: "lacks Key Encipherment", msgID: "CSEC9002", args: noOME}},
	})
}

func TestRuleChainComplete(t *testing.T) {
	p := pairing.LabPKI(t, nil, fixtures.Spec{ID: "self", CN: "OMENT-self"})
	runRuleCases(t, "chain-complete", []ruleCase{
		{name: "leaf, intermediate, root", run: checkOf(p, labChain, nil), want: pass()},
		{name: "root missing", run: checkOf(p, []string{"source", "inter"}, nil),
			want: chainErr(1, `certificate 1 "Inter-CA1" (intermediate) is issued by "CN=Root-CA,O=Example Corp", which is not in source.pem: missing the root CA certificate`)},
		{name: "uploaded as a single certificate", run: checkOf(p, []string{"source"}, nil),
			want: chainErr(0, "missing its issuing CA and root: the file holds only the appliance certificate")},
		{name: "intermediate missing, root given", run: checkOf(p, []string{"source", "root"}, nil),
			want: chainErr(0, `missing an intermediate CA certificate between it and the root "Root-CA"`)},
		{name: "a single self-signed certificate", run: checkOf(p, []string{"self"}, nil),
			want: chainErr(0, "is a single self-signed certificate; migration needs a CA-signed appliance certificate")},
		{name: "--mode server: a lone server certificate is a warning", run: checkOf(p, []string{"source"}, server),
			want: warn(0, "chain not verified: certificate 0")},
		{name: "--mode server with its chain", run: checkOf(p, labChain, server), want: pass()},
	})
}

// The path search is bounded: 400 CA certificates sharing one name make it
// give up, and chain-complete says so instead of inventing a broken link
// (chain-signature) or a missing root.
func TestRuleChainCompleteSearchBudget(t *testing.T) {
	const n = 400
	specs := []fixtures.Spec{{ID: "s0", CN: "Same", CA: true, KeyType: fixtures.ECDSAP256, KeySlot: 1000}}
	for i := 1; i < n; i++ {
		specs = append(specs, fixtures.Spec{ID: fmt.Sprintf("s%d", i), CN: "Same", Issuer: fmt.Sprintf("s%d", i-1), CA: true, KeyType: fixtures.ECDSAP256, KeySlot: 1000 + i})
	}
	specs = append(specs, fixtures.Spec{ID: "leaf", CN: "OMENT-310", Issuer: fmt.Sprintf("s%d", n-1), KeyType: fixtures.ECDSAP256, KeySlot: 1000 + n})
	p := fixtures.MustBuild(pairing.TestClock, specs...)
	ids := []string{"leaf"}
	for i := 0; i < n; i++ {
		ids = append(ids, fmt.Sprintf("s%d", i))
	}
	rand.New(rand.NewSource(1)).Shuffle(len(ids)-1, func(i, j int) { ids[i+1], ids[j+1] = ids[j+1], ids[i+1] })
	r := checkOf(p, ids, nil)(t)
	// The certificate at fault is the last one the search reached.
	last, lastPos := -1, -1
	for _, c := range r.Chain {
		if c.PathPosition != nil && *c.PathPosition > lastPos {
			last, lastPos = c.Index, *c.PathPosition
		}
	}
	if lastPos < 1 {
		t.Fatalf("the search reached no CA certificate: %+v", r.Chain[0])
	}
	assertRule(t, r, "chain-complete", report.SideNone, want{status: pairing.Error, cert: last, details: "path building gave up at its bounds after OMENT-310", msgID: "CGEN1008", args: chainArgs})
	assertRule(t, r, "chain-signature", report.SideNone, pass())
}

func TestRuleChainSignature(t *testing.T) {
	p := pairing.LabPKI(t, nil, fixtures.Spec{ID: "rekeyed", CN: "Inter-CA1", Issuer: "root", CA: true})
	runRuleCases(t, "chain-signature", []ruleCase{
		{name: "every link verifies", run: checkOf(p, labChain, nil), want: pass()},
		{name: "intermediate renewed with a new key", run: checkOf(p, []string{"source", "rekeyed", "root"}, nil),
			want: chainErr(0, `certificate 0 "OMENT-310" (leaf) names certificate 1 "Inter-CA1"`)},
	})
}

func TestRuleChainOrder(t *testing.T) {
	p := pairing.LabPKI(t, nil)
	reversed := []string{"root", "inter", "source"}
	runRuleCases(t, "chain-order", []ruleCase{
		{name: "leaf, intermediate, root", run: checkOf(p, labChain, nil), want: pass()},
		{name: "root first (as Windows exports)", run: checkOf(p, reversed, nil),
			want: chainErr(-1, "root.pem lists the certificates as Root-CA -> Inter-CA1 -> OMENT-310; OME wants each certificate followed by its issuer: OMENT-310 -> Inter-CA1 -> Root-CA")},
		{name: "--mode server: in order still passes", run: checkOf(p, labChain, server), want: pass()},
		{name: "--mode server: order not judged", run: checkOf(p, reversed, server), want: na("")},
		{name: "out of order with an unrelated certificate", run: checkOf(p, []string{"root", "inter", "source", "target"}, nil), want: na("")},
		{name: "a PKCS#7 bundle's order is not the admin's", run: checkOf(p, reversed, func(o *pairing.CheckOptions) { o.Input.Encoding = chain.EncPKCS7DER }), want: na("")},
	})
}

func TestRuleChainUnrelated(t *testing.T) {
	p := pairing.LabPKI(t, nil)
	runRuleCases(t, "chain-unrelated", []ruleCase{
		{name: "only the chain", run: checkOf(p, labChain, nil), want: pass()},
		{name: "the peer's leaf in the file", run: checkOf(p, []string{"source", "inter", "root", "target"}, nil),
			want: chainErr(3, `certificate 3 "OMENT-400" (leaf) is not on the chain OMENT-310 -> Inter-CA1 -> Root-CA`)},
		{name: "the intermediate twice", run: checkOf(p, []string{"source", "inter", "inter", "root"}, nil),
			want: warn(2, `certificate 2 "Inter-CA1" is a duplicate of an earlier one`)},
		{name: "--mode server: a chain where one certificate is taken", run: checkOf(p, labChain, server),
			want: warn(-1, "source.pem holds 3 certificates; a single server certificate upload takes only the first")},
		{name: "--mode server: a lone certificate", run: checkOf(p, []string{"source"}, server), want: na("")},
	})
}

// deep is a chain of n certificates: a root, n-2 intermediates, a leaf.
func deep(n int) (*fixtures.PKI, []string) {
	specs := []fixtures.Spec{{ID: "c0", CN: "Root-CA", CA: true}}
	for i := 1; i < n-1; i++ {
		specs = append(specs, fixtures.Spec{ID: fmt.Sprintf("c%d", i), CN: fmt.Sprintf("Inter-CA%d", i), Issuer: fmt.Sprintf("c%d", i-1), CA: true})
	}
	specs = append(specs, fixtures.Spec{ID: "leaf", CN: "OMENT-310", Issuer: fmt.Sprintf("c%d", n-2)})
	ids := []string{"leaf"}
	for i := n - 2; i >= 0; i-- {
		ids = append(ids, fmt.Sprintf("c%d", i))
	}
	return fixtures.MustBuild(pairing.TestClock, specs...), ids
}

func TestRuleChainDepth(t *testing.T) {
	ten, tenIDs := deep(10)
	eleven, elevenIDs := deep(11)
	runRuleCases(t, "chain-depth", []ruleCase{
		{name: "ten certificates: OME's limit", run: checkOf(ten, tenIDs, nil), want: pass()},
		{name: "eleven certificates", run: checkOf(eleven, elevenIDs, nil),
			want: chainErr(-1, "leaf.pem holds 11 certificates; OME accepts at most 10")},
		{name: "ten on the path and an unrelated one", run: checkOf(ten, tenIDs, func(o *pairing.CheckOptions) {
			o.Input.Certs = append(o.Input.Certs, pairing.LabPKI(t, nil).Certs["target"].Cert)
		}), want: chainErr(-1, "leaf.pem holds 11 certificates")},
	})
}

func TestRuleChainVerify(t *testing.T) {
	pathLen := func(n int) func(*fixtures.Spec) {
		return func(s *fixtures.Spec) {
			s.Mutate = func(c *x509.Certificate) { c.MaxPathLen, c.MaxPathLenZero = n, n == 0 }
		}
	}
	zero := pairing.LabPKI(t, edits{"root": pathLen(0)})
	unknownExt := pairing.LabPKI(t, edits{"source": func(s *fixtures.Spec) {
		s.Mutate = func(c *x509.Certificate) {
			c.ExtraExtensions = append(c.ExtraExtensions, pkixCritical())
		}
	}})
	runRuleCases(t, "chain-verify", []ruleCase{
		{name: "verifies to its own root", run: checkOf(pairing.LabPKI(t, nil), labChain, nil), want: pass()},
		{name: "root's path length 0 over an intermediate", run: checkOf(zero, labChain, nil),
			want: chainErr(2, `at certificate 2 "Root-CA" (root)`)},
		{name: "root's path length 0: the count", run: checkOf(zero, labChain, nil),
			want: chainErr(2, "(its path length constraint allows 0 CA certificates below it; this chain has 1)")},
		{name: "an unknown critical extension", run: checkOf(unknownExt, labChain, nil),
			want: chainErr(0, "a certificate has a critical extension that X.509 libraries do not know")},
		{name: "expired leaf: validity's finding, the rest verifies", run: checkOf(pairing.LabPKI(t, nil), labChain, func(o *pairing.CheckOptions) { o.At = o.At.AddDate(2, 0, 0) }), want: na("")},
		{name: "root missing: chain-complete's finding", run: checkOf(pairing.LabPKI(t, nil), []string{"source", "inter"}, nil), want: na("")},
	})
}

func TestRuleCAConstraints(t *testing.T) {
	notCA := pairing.LabPKI(t, edits{"inter": func(s *fixtures.Spec) { s.Mutate = func(c *x509.Certificate) { c.IsCA = false } }})
	noBC := pairing.LabPKI(t, edits{"inter": func(s *fixtures.Spec) {
		s.Mutate = func(c *x509.Certificate) { c.IsCA, c.BasicConstraintsValid = false, false }
	}})
	rootNoBC := pairing.LabPKI(t, edits{"root": func(s *fixtures.Spec) {
		s.Mutate = func(c *x509.Certificate) { c.IsCA, c.BasicConstraintsValid = false, false }
	}})
	noCertSign := pairing.LabPKI(t, edits{"inter": func(s *fixtures.Spec) { s.KU = x509.KeyUsageDigitalSignature }})
	runRuleCases(t, "ca-constraints", []ruleCase{
		{name: "CA:TRUE and keyCertSign", run: checkOf(pairing.LabPKI(t, nil), labChain, nil), want: pass()},
		{name: "intermediate CA:FALSE", run: checkOf(notCA, labChain, nil),
			want: chainErr(1, `certificate 1 "Inter-CA1" (intermediate) signs other certificates but its Basic Constraints say CA:FALSE`)},
		{name: "intermediate without Basic Constraints", run: checkOf(noBC, labChain, nil),
			want: chainErr(1, "signs other certificates but has no Basic Constraints CA:TRUE")},
		{name: "a root needs no Basic Constraints", run: checkOf(rootNoBC, labChain, nil), want: pass()},
		{name: "intermediate without keyCertSign", run: checkOf(noCertSign, labChain, nil),
			want: chainErr(1, "its Key Usage lacks keyCertSign (it has digitalSignature)")},
	})
}

func TestRuleCommonName(t *testing.T) {
	noCN := func(id string) *fixtures.PKI {
		return pairing.LabPKI(t, edits{id: func(s *fixtures.Spec) { s.CN = "-" }})
	}
	runRuleCases(t, "common-name", []ruleCase{
		{name: "every certificate has a CN", run: checkOf(pairing.LabPKI(t, nil), labChain, nil), want: pass()},
		{name: "leaf without CN", run: checkOf(noCN("source"), labChain, nil),
			want: want{status: pairing.Error, cert: 0, details: `no common name found in the leaf certificate 0 (subject "O=Example Corp")`, msgID: "CGEN1008", args: noOME}},
		{name: "intermediate without CN", run: checkOf(noCN("inter"), labChain, nil),
			want: want{status: pairing.Error, cert: 1, details: `certificate 1 (intermediate, subject "O=Example Corp") has no common name`, msgID: "CGEN1008", args: noOME}},
	})
}

func TestRuleLeafCNWildcard(t *testing.T) {
	runRuleCases(t, "leaf-cn-wildcard", []ruleCase{
		{name: "the appliance's host name", run: checkOf(pairing.LabPKI(t, nil), labChain, nil), want: pass()},
		{name: "wildcard CN", run: checkOf(pairing.LabPKI(t, edits{"source": func(s *fixtures.Spec) { s.CN = "*.example.com" }}), labChain, nil),
			want: want{status: pairing.Error, cert: 0, details: `has a wildcard common name "*.example.com"`, msgID: "CGEN1008", args: noOME}},
		{name: "wildcard SAN beside a plain CN", run: checkOf(pairing.LabPKI(t, edits{"source": func(s *fixtures.Spec) { s.DNS = []string{"OMENT-310", "*.example.com"} }}), labChain, nil),
			want: warn(0, `has a wildcard Subject Alternative Name "*.example.com"`)},
	})
}

// validityLab has a source leaf valid from testClock-30d to testClock+1y
// (the fixtures' defaults, made explicit here).
func validityLab(t *testing.T) (*fixtures.PKI, time.Time, time.Time) {
	nb, na := pairing.TestClock.AddDate(0, 0, -30), pairing.TestClock.AddDate(1, 0, 0)
	return pairing.LabPKI(t, edits{"source": func(s *fixtures.Spec) { s.NotBefore, s.NotAfter = nb, na }}), nb, na
}

// pkixCritical is a critical extension no X.509 library knows.
func pkixCritical() pkix.Extension {
	return pkix.Extension{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1}, Critical: true, Value: []byte{0x05, 0x00}}
}

func at(t time.Time) func(o *pairing.CheckOptions) { return func(o *pairing.CheckOptions) { o.At = t } }

func TestRuleValidity(t *testing.T) {
	p, notBefore, notAfter := validityLab(t)
	fail := func(d string) want { return want{status: pairing.Error, cert: 0, details: d, args: noOME} }
	runRuleCases(t, "validity", []ruleCase{
		{name: "inside the validity", run: checkOf(p, labChain, nil), want: pass()},
		{name: "exactly at notBefore", run: checkOf(p, labChain, at(notBefore)), want: pass()},
		{name: "one second before notBefore", run: checkOf(p, labChain, at(notBefore.Add(-time.Second))),
			want: fail(`certificate 0 "OMENT-310" (leaf) is not yet valid at 2026-10-24T08:59:59Z: valid from 2026-10-24T09:00:00Z (in 1s)`)},
		{name: "exactly at notAfter", run: checkOf(p, labChain, at(notAfter)), want: pass()},
		{name: "one second after notAfter", run: checkOf(p, labChain, at(notAfter.Add(time.Second))),
			want: fail(`certificate 0 "OMENT-310" (leaf) expired on 2027-11-23T09:00:00Z (1s before 2027-11-23T09:00:01Z)`)},
	})
}

func TestRuleValidityExpiring(t *testing.T) {
	p, notBefore, notAfter := validityLab(t)
	runRuleCases(t, "validity-expiring", []ruleCase{
		{name: "a year left", run: checkOf(p, labChain, nil), want: pass()},
		{name: "exactly 30 days left", run: checkOf(p, labChain, at(notAfter.Add(-pairing.ExpiryWarning))), want: pass()},
		{name: "30 days less a second left", run: checkOf(p, labChain, at(notAfter.Add(-pairing.ExpiryWarning+time.Second))),
			want: warn(0, `certificate 0 "OMENT-310" (leaf) expires on 2027-11-23T09:00:00Z, in`)},
		{name: "expires this very second", run: checkOf(p, labChain, at(notAfter)), want: warn(0, "expires on 2027-11-23T09:00:00Z, in 0s")},
		{name: "already expired: validity's finding", run: checkOf(p, labChain, at(notAfter.Add(time.Second))), want: pass()},
		{name: "not yet valid and short-lived: validity's finding", run: checkOf(pairing.LabPKI(t, edits{"source": func(s *fixtures.Spec) {
			s.NotBefore, s.NotAfter = notBefore, notBefore.AddDate(0, 0, 10)
		}}), labChain, at(notBefore.Add(-time.Hour))), want: pass()},
	})
}

func TestRuleLeafKeyType(t *testing.T) {
	runRuleCases(t, "leaf-key-type", []ruleCase{
		{name: "RSA", run: checkOf(pairing.LabPKI(t, nil), labChain, nil), want: pass()},
		{name: "ECDSA leaf", run: checkOf(pairing.LabPKI(t, edits{"source": func(s *fixtures.Spec) { s.KeyType, s.KeySlot = fixtures.ECDSAP256, 300 }}), labChain, nil),
			want: warn(0, `certificate 0 "OMENT-310" (leaf) has an ECDSA P-256 key; OME's TLS 1.2 cipher suites are RSA-only`)},
	})
}

func TestRuleKeySize(t *testing.T) {
	small := func(id string, slot int) *fixtures.PKI {
		return pairing.LabPKI(t, edits{id: func(s *fixtures.Spec) { s.KeyType, s.KeySlot = fixtures.RSA1024, slot }})
	}
	runRuleCases(t, "key-size", []ruleCase{
		{name: "RSA 2048 throughout", run: checkOf(pairing.LabPKI(t, nil), labChain, nil), want: pass()},
		{name: "RSA 1024 leaf", run: checkOf(small("source", 301), labChain, nil), want: warn(0, `certificate 0 "OMENT-310" (leaf) has an RSA 1024-bit key`)},
		{name: "RSA 1024 intermediate", run: checkOf(small("inter", 302), labChain, nil), want: warn(1, "has an RSA 1024-bit key: OpenSSL at security level 2 refuses it, Java accepts it (inferred); use at least 2048 bits")},
	})
}

func TestRuleWeakSignature(t *testing.T) {
	sha1 := func(s *fixtures.Spec) {
		s.Mutate = func(c *x509.Certificate) { c.SignatureAlgorithm = x509.SHA1WithRSA }
	}
	runRuleCases(t, "weak-signature", []ruleCase{
		{name: "SHA-256 throughout", run: checkOf(pairing.LabPKI(t, nil), labChain, nil), want: pass()},
		{name: "SHA-1 intermediate", run: checkOf(pairing.LabPKI(t, edits{"inter": sha1}), labChain, nil),
			want: warn(1, `certificate 1 "Inter-CA1" (intermediate) is signed with SHA1-RSA`)},
		{name: "SHA-1 root: its self-signature is not relied on", run: checkOf(pairing.LabPKI(t, edits{"root": sha1}), labChain, nil), want: pass()},
	})
}

func TestRuleLeafIsCA(t *testing.T) {
	p := pairing.LabPKI(t, edits{"source": func(s *fixtures.Spec) { s.CA = true }}, fixtures.Spec{ID: "self", CN: "OMENT-self", CA: true})
	runRuleCases(t, "leaf-is-ca", []ruleCase{
		{name: "end-entity leaf", run: checkOf(pairing.LabPKI(t, nil), labChain, nil), want: pass()},
		{name: "leaf from a CA template", run: checkOf(p, labChain, nil), want: warn(0, `certificate 0 "OMENT-310" (leaf) is marked as a CA (Basic Constraints CA:TRUE)`)},
		{name: "a lone self-signed CA: chain-complete's finding", run: checkOf(p, []string{"self"}, nil), want: pass()},
	})
}

func TestRuleLeafName(t *testing.T) {
	p := pairing.LabPKI(t, edits{"source": func(s *fixtures.Spec) {
		s.DNS, s.IPs = []string{"ome310.example.com"}, []net.IP{net.ParseIP("10.0.0.5"), net.ParseIP("fd00::5")}
	}})
	cnOnly := pairing.LabPKI(t, edits{"source": func(s *fixtures.Spec) { s.Mutate = func(c *x509.Certificate) { c.DNSNames = nil } }})
	cnIP := pairing.LabPKI(t, edits{"source": func(s *fixtures.Spec) {
		s.CN = "ome310.example.com"
		s.Mutate = func(c *x509.Certificate) { c.DNSNames, c.IPAddresses = nil, []net.IP{net.ParseIP("10.0.0.5")} }
	}})
	partial := pairing.LabPKI(t, edits{"source": func(s *fixtures.Spec) { s.DNS = []string{"ome3*.example.com"} }})
	name := func(n string) func(o *pairing.CheckOptions) { return func(o *pairing.CheckOptions) { o.Name = n } }
	runRuleCases(t, "leaf-name", []ruleCase{
		{name: "a partial-label wildcard (OpenSSL and Java match it)", run: checkOf(partial, labChain, name("ome310.example.com")),
			want: warn(0, `covers "ome310.example.com" only by the partial-label wildcard "ome3*.example.com": OpenSSL and Java (OME's stacks) accept it`)},
		{name: "a partial-label wildcard that does not match", run: checkOf(partial, labChain, name("ome400.example.com")),
			want: warn(0, `does not cover the host name "ome400.example.com"`)},
		{name: "the SAN's host name", run: checkOf(p, labChain, name("ome310.example.com")), want: pass()},
		{name: "the SAN's IP", run: checkOf(p, labChain, name("10.0.0.5")), want: pass()},
		{name: "a bracketed IPv6 address", run: checkOf(p, labChain, name("[fd00::5]")), want: pass()},
		{name: "another host name", run: checkOf(p, labChain, name("ome400.example.com")),
			want: warn(0, `certificate 0 "OMENT-310" (leaf) does not cover the host name "ome400.example.com" (it covers ome310.example.com, 10.0.0.5, fd00::5)`)},
		{name: "another IP", run: checkOf(p, labChain, name("10.0.0.6")), want: warn(0, `does not cover the IP address "10.0.0.6"`)},
		{name: "the name only in the CN", run: checkOf(cnOnly, labChain, name("oment-310")),
			want: warn(0, `names "oment-310" only in its CN, without a DNS Subject Alternative Name: OpenSSL and Java (OME's stacks) accept it`)},
		{name: "an IP-only SAN, the host name in the CN (OpenSSL and Java fall back to it)", run: checkOf(cnIP, labChain, name("OME310.example.com")),
			want: warn(0, `names "OME310.example.com" only in its CN`)},
		{name: "an IP-only SAN, an IP in the CN is no fallback for an IP", run: checkOf(cnIP, labChain, name("10.0.0.6")),
			want: warn(0, `does not cover the IP address "10.0.0.6"`)},
		{name: "no SAN, another name", run: checkOf(cnOnly, labChain, name("ome400")), want: warn(0, "(it covers CN OMENT-310 and no SAN)")},
		{name: "no name given, the command takes --name", run: checkOf(p, labChain, nil),
			want: na("no host name given: give --name with the name or IP the peer appliance uses")},
		{name: "no name given, the command takes none: still a reason", run: checkOf(p, labChain, func(o *pairing.CheckOptions) { o.Flags = nil }),
			want: na("no host name given (the name or IP the peer appliance uses)")},
	})
}
