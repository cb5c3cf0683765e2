package pairing_test

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/ome-preflight/ome-preflight/pairing"
	"github.com/ome-preflight/ome-preflight/report"
)

// A chain holding a certificate crypto/x509 cannot parse, for an extension
// OpenSSL and Java read without effect (here a Name Constraints extension
// with no subtrees, written by hand): the chain verdict is cannot judge
// (info, never a pass nor an error), naming the certificate, Go's refusal
// and how to check it with OpenSSL. The block is Base64 PEM X.509, so
// encoding passes; chain-complete does not call its issuer missing; and
// when it is the leaf, the leaf rules are not run and the report is
// incomplete, not a pass.
func TestUnparsedCertificate(t *testing.T) {
	p := pairing.LabPKI(t, nil)
	emptyNC := pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 30}, Critical: true, Value: []byte{0x30, 0x00}}
	bad, err := p.UnparsableCA("inter", "root", emptyNC)
	if err != nil {
		t.Fatal(err)
	}
	pemOf := func(der []byte) []byte { return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}) }
	interFile := append(append(pemOf(p.Certs["source"].Cert.Raw), pemOf(bad)...), pemOf(p.Certs["root"].Cert.Raw)...)
	leafFile := append(pemOf(bad), pemOf(p.Certs["root"].Cert.Raw)...)
	const cannot = `block 2, "Inter-CA1", a CA certificate, is an X.509 certificate crypto/x509 cannot parse (x509: empty name constraints extension); OpenSSL and Java read such certificates (inferred`
	runRuleCases(t, "chain-verify", []ruleCase{
		{name: "an unparsed intermediate: cannot judge, naming it", run: checkFile("chain.pem", interFile),
			want: want{status: pairing.Info, cert: -1, details: cannot, args: noOME}},
		{name: "an unparsed leaf: cannot judge", run: checkFile("chain.pem", leafFile),
			want: want{status: pairing.Info, cert: -1, details: `block 1, "Inter-CA1", the leaf (the file's first certificate)`, args: noOME}},
	})
	runRuleCases(t, "encoding", []ruleCase{
		{name: "the unparsed block is Base64 PEM X.509", run: checkFile("chain.pem", interFile), want: pass()},
	})
	runRuleCases(t, "chain-complete", []ruleCase{
		{name: "its issuer is the unparsed block, not missing", run: checkFile("chain.pem", interFile),
			want: na(`the issuer of certificate 0 "OMENT-310" (leaf) is block 2 "Inter-CA1", a certificate crypto/x509 cannot parse`)},
	})
	for _, rule := range []string{"leaf-eku", "leaf-key-usage", "leaf-is-ca", "chain-complete"} {
		runRuleCases(t, rule, []ruleCase{
			{name: "the leaf is the unparsed block: not run", run: checkFile("chain.pem", leafFile),
				want: na(`the leaf, block 1 "Inter-CA1", is a certificate crypto/x509 cannot parse`)},
		})
	}

	r := checkFile("chain.pem", interFile)(t)
	if r.ChainVerdict == nil || r.ChainVerdict.Valid || r.ChainVerdict.Reason != "cannot judge" {
		t.Fatalf("chain verdict %+v, want cannot judge", r.ChainVerdict)
	}
	for _, f := range r.Findings {
		if f.Rule == "chain-verify" && !strings.Contains(f.Fix, "openssl verify -CAfile root.pem -untrusted chain.pem leaf.pem") {
			t.Errorf("chain-verify fix %q does not say how to check the chain with OpenSSL", f.Fix)
		}
	}
	// Not a pass: which answer OME gives is not known.
	if r.Verdict != report.VerdictIncomplete || !strings.Contains(strings.Join(r.Incomplete, "\n"), "the chain could not be judged") {
		t.Errorf("an unparsed intermediate and a good leaf: verdict %s (%q), want incomplete: the chain could not be judged", r.Verdict, r.Incomplete)
	}
	if r := checkFile("chain.pem", leafFile)(t); r.Verdict != report.VerdictIncomplete || len(r.Incomplete) == 0 {
		t.Errorf("an unparsed leaf: verdict %s (%q), want incomplete: the leaf rules could not run", r.Verdict, r.Incomplete)
	}
}
