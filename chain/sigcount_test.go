package chain_test

import (
	"crypto/sha256"
	"crypto/x509"
	"fmt"
	"testing"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/fixtures"
	"github.com/ome-preflight/ome-preflight/pairing"
)

// A compare verifies each distinct signature once: the leaves', each
// intermediate's and the root's own (n+1 for two n-deep chains under the
// same CAs), however many rules and verdicts need them. Every signature
// check of the path search goes through chain's counted memo (crypto/x509's
// Verify checks each path's signatures again, uncounted).
func TestCompareVerifiesEachSignatureOnce(t *testing.T) {
	for _, depth := range []int{3, 10} {
		t.Run(fmt.Sprint(depth), func(t *testing.T) {
			specs := []fixtures.Spec{{ID: "c0", CN: "Root-CA", CA: true, KeySlot: 60}}
			for i := 1; i < depth-1; i++ {
				specs = append(specs, fixtures.Spec{ID: fmt.Sprintf("c%d", i), CN: fmt.Sprintf("Inter-CA%d", i), Issuer: fmt.Sprintf("c%d", i-1), CA: true, KeySlot: 60 + i})
			}
			last := fmt.Sprintf("c%d", depth-2)
			specs = append(specs, fixtures.Spec{ID: "src", CN: "OMENT-310", Issuer: last, KeySlot: 80}, fixtures.Spec{ID: "tgt", CN: "OMENT-400", Issuer: last, KeySlot: 81})
			p := fixtures.MustBuild(base, specs...)
			ids := func(leaf string) []string {
				out := []string{leaf}
				for i := depth - 2; i >= 0; i-- {
					out = append(out, fmt.Sprintf("c%d", i))
				}
				return out
			}
			in := func(leaf string) *chain.Input {
				return &chain.Input{File: leaf + ".pem", Encoding: chain.EncPEM, Certs: p.Chain(ids(leaf)...)}
			}
			chain.ResetMemo()
			before := chain.SigChecks()
			r := pairing.Compare(pairing.CompareOptions{Source: in("src"), Target: in("tgt"), SourceTime: base, TargetTime: base})
			got := chain.SigChecks() - before
			want := int64(2 + (depth - 2) + 1) // two leaves, the intermediates, the root's self-signature
			if r.Verdict != pairing.VerdictPass {
				t.Fatalf("verdict %s: %+v", r.Verdict, r.Findings)
			}
			if got != want {
				t.Errorf("%d-deep compare: %d signature verifications, want %d (the distinct signatures)", depth, got, want)
			}
		})
	}
}

// Digests are the SHA-256 of the certificate and of its public key info,
// the same for two parsed copies of one certificate, and distinct copies
// share one signature verification (the memo keys on content).
func TestDigestsAreContent(t *testing.T) {
	p := fixtures.MustBuild(base, fixtures.Spec{ID: "root", CN: "Digest-Root", CA: true, KeySlot: 70}, fixtures.Spec{ID: "leaf", CN: "digest-leaf", Issuer: "root", KeySlot: 71})
	leaf, root := p.Certs["leaf"].Cert, p.Certs["root"].Cert
	raw, spki := chain.Digests(leaf)
	if raw != sha256.Sum256(leaf.Raw) || spki != sha256.Sum256(leaf.RawSubjectPublicKeyInfo) {
		t.Fatal("Digests is not the SHA-256 of the DER and of the SPKI")
	}
	copyOf := func(c *x509.Certificate) *x509.Certificate {
		d, err := x509.ParseCertificate(c.Raw)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	leaf2 := copyOf(leaf)
	if r2, s2 := chain.Digests(leaf2); r2 != raw || s2 != spki {
		t.Error("two parsed copies have different digests")
	}
	before := chain.SigChecks()
	for _, pair := range [][2]*x509.Certificate{{leaf, root}, {leaf2, root}, {leaf2, copyOf(root)}} {
		if !chain.SignedByForTest(pair[0], pair[1]) {
			t.Fatal("the leaf is signed by the root")
		}
	}
	if n := chain.SigChecks() - before; n != 1 {
		t.Errorf("%d signature verifications for one signature asked about through three pairs of copies", n)
	}
}
