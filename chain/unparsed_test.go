package chain_test

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/fixtures"
)

// emptyNameConstraints is a Name Constraints extension with neither
// permitted nor excluded subtrees (SEQUENCE {}), written by hand:
// crypto/x509 refuses to parse a certificate carrying it ("empty name
// constraints extension"), OpenSSL and Java read it (x509-limbo's
// webpki::nc::intermediate-permitted-excluded-subtrees-both-empty-sequences).
var emptyNameConstraints = pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 30}, Critical: true, Value: []byte{0x30, 0x00}}

// unparsableCA is fixtures' UnparsableCA, failing t on error.
func unparsableCA(t testing.TB, p *fixtures.PKI, id, issuer string, ext pkix.Extension) []byte {
	t.Helper()
	der, err := p.UnparsableCA(id, issuer, ext)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// A well-formed certificate that crypto/x509 refuses is kept as Unparsed,
// with its name read from the TBS and Go's error; it is not a bad block
// (that stays for what is not a certificate at all).
func TestParseUnparsed(t *testing.T) {
	p := pki(t)
	leaf, root := p.Certs["leaf"].Cert, p.Certs["root"].Cert
	bad := unparsableCA(t, p, "inter", "root", emptyNameConstraints)
	type got struct {
		Certs    int
		Unparsed []string // block/index/name
		Bad      int
	}
	summary := func(in *chain.Input) got {
		g := got{Certs: len(in.Certs), Bad: len(in.Facts.BadBlocks)}
		for _, u := range in.Unparsed {
			if u.Err == nil {
				t.Errorf("unparsed block %d without crypto/x509's error", u.Block)
			}
			g.Unparsed = append(g.Unparsed, fmt.Sprintf("%d/%d/%s", u.Block, u.Index, u.Name()))
		}
		return g
	}
	// A CSR, a truncated certificate and random bytes in CERTIFICATE blocks.
	csr := fixtures.CSR("OMENT-310", p.Certs["leaf"].Key)
	csrDER := csr
	if b, _ := pemDecode(csr); b != nil {
		csrDER = b
	}
	cases := []struct {
		name string
		data []byte
		want got
	}{
		{"PEM: the intermediate is unparsed, leaf and root read",
			append(append(block("CERTIFICATE", leaf.Raw), block("CERTIFICATE", bad)...), block("CERTIFICATE", root.Raw)...),
			got{Certs: 2, Unparsed: []string{"2/1/Inter-CA1"}}},
		{"PEM: the first certificate is unparsed", append(block("CERTIFICATE", bad), block("CERTIFICATE", root.Raw)...),
			got{Certs: 1, Unparsed: []string{"1/0/Inter-CA1"}}},
		{"DER: concatenated, the second unparsed", append(append([]byte{}, leaf.Raw...), bad...),
			got{Certs: 1, Unparsed: []string{"2/1/Inter-CA1"}}},
		{"a malformed critical AIA: refused by crypto/x509, and by OpenSSL (unhandled critical extension): a bad block as before",
			append(block("CERTIFICATE", unparsableCA(t, p, "inter", "root", pkix.Extension{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 1, 1}, Critical: true, Value: []byte("malformed")})), block("CERTIFICATE", root.Raw)...),
			got{Certs: 1, Bad: 1}},
		{"a Name Constraints extension with a subtree crypto/x509 refuses is not inert: a bad block",
			append(block("CERTIFICATE", unparsableCA(t, p, "inter", "root", pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 30}, Critical: true, Value: []byte{0x30, 0x08, 0xa0, 0x06, 0x30, 0x04, 0x87, 0x02, 0x0a, 0x00}})), block("CERTIFICATE", root.Raw)...),
			got{Certs: 1, Bad: 1}},
		{"a CSR in a CERTIFICATE block is not a certificate", append(block("CERTIFICATE", csrDER), block("CERTIFICATE", root.Raw)...),
			got{Certs: 1, Bad: 1}},
		{"a truncated certificate is not one", append(block("CERTIFICATE", bad[:len(bad)-10]), block("CERTIFICATE", root.Raw)...),
			got{Certs: 1, Bad: 1}},
		{"trailing bytes inside the block make it no certificate", append(block("CERTIFICATE", append(append([]byte{}, bad...), 0x05, 0x00)), block("CERTIFICATE", root.Raw)...),
			got{Certs: 1, Bad: 1}},
		{"random bytes are not a certificate", append(block("CERTIFICATE", []byte{0x30, 0x03, 0x02, 0x01, 0x01}), block("CERTIFICATE", root.Raw)...),
			got{Certs: 1, Bad: 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in, err := chain.Parse("chain.pem", tc.data, chain.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, summary(in)); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
			if len(in.Unparsed) > 0 && !strings.Contains(strings.Join(in.Notes, "\n"), "crypto/x509 cannot parse (x509: empty name constraints extension); OpenSSL and Java read such certificates (inferred)") {
				t.Errorf("notes do not say what was not read: %q", in.Notes)
			}
		})
	}
	// Only a certificate crypto/x509 cannot parse: read, with no
	// certificate to judge, not "no certificate found" (OME's stacks would
	// read it); a bad block alone still is.
	in, err := chain.Parse("only.pem", block("CERTIFICATE", bad), chain.Options{})
	if err != nil || len(in.Certs) != 0 || len(in.Unparsed) != 1 {
		t.Errorf("only an unparsed certificate: %v, %+v", err, in)
	}
	if _, err := chain.Parse("garbage.pem", block("CERTIFICATE", []byte{0x30, 0x03, 0x02, 0x01, 0x01}), chain.Options{}); !errors.Is(err, chain.ErrNoCertificates) {
		t.Errorf("only garbage: %v, want ErrNoCertificates", err)
	}
}

// OpenSSL reads the certificate crypto/x509 refuses (the premise of
// Unparsed), and names the same subject.
func TestUnparsedOpenSSLReads(t *testing.T) {
	bin, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl not installed")
	}
	p := pki(t)
	bad := unparsableCA(t, p, "inter", "root", emptyNameConstraints)
	f := filepath.Join(t.TempDir(), "inter.pem")
	if err := os.WriteFile(f, block("CERTIFICATE", bad), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "x509", "-noout", "-subject", "-in", f).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Inter-CA1") {
		t.Fatalf("openssl x509 does not read it: %v\n%s", err, out)
	}
	in, err := chain.Parse("inter.pem", append(block("CERTIFICATE", bad), block("CERTIFICATE", p.Certs["root"].Cert.Raw)...), chain.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Unparsed) != 1 || in.Unparsed[0].Name() != "Inter-CA1" {
		t.Errorf("unparsed %+v, want Inter-CA1", in.Unparsed)
	}
}

func pemDecode(b []byte) ([]byte, error) {
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, errors.New("no PEM block")
	}
	return blk.Bytes, nil
}

// assemble cannot write a certificate crypto/x509 cannot parse: when it is
// the missing issuer, the error says where it is and why, not that it is
// absent.
func TestAssembleUnparsedIssuer(t *testing.T) {
	p := pki(t)
	bad := unparsableCA(t, p, "inter", "root", emptyNameConstraints)
	data := append(append(block("CERTIFICATE", p.Certs["leaf"].Cert.Raw), block("CERTIFICATE", bad)...), block("CERTIFICATE", p.Certs["root"].Cert.Raw)...)
	in, err := chain.Parse("chain.pem", data, chain.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = chain.Assemble([]*chain.Input{in}, nil)
	if !errors.Is(err, chain.ErrIncomplete) || !strings.Contains(err.Error(), `is block 2 of chain.pem, which crypto/x509 cannot parse (x509: empty name constraints extension)`) {
		t.Errorf("assemble: %v, want ErrIncomplete naming block 2 and Go's error", err)
	}
}
