package chain_test

import (
	"fmt"
	"testing"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/fixtures"
	"github.com/ome-preflight/ome-preflight/pairing"
)

// A compare verifies each distinct signature once: the leaves', each
// intermediate's and the root's own (n+1 for two n-deep chains under the
// same CAs), however many rules and verdicts need them. Every signature
// check of the process goes through chain's counted memo (simple paths do
// not call crypto/x509's Verify, which would verify again).
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
			before, x509Before := chain.SigChecks(), chain.X509Verifies()
			r := pairing.Compare(pairing.CompareOptions{Source: in("src"), Target: in("tgt"), SourceTime: base, TargetTime: base})
			got := chain.SigChecks() - before
			want := int64(2 + (depth - 2) + 1) // two leaves, the intermediates, the root's self-signature
			if r.Verdict != pairing.VerdictPass {
				t.Fatalf("verdict %s: %+v", r.Verdict, r.Findings)
			}
			if n := chain.X509Verifies() - x509Before; n != 0 {
				t.Errorf("%d paths went to crypto/x509's Verify, which verifies their signatures again", n)
			}
			if got != want {
				t.Errorf("%d-deep compare: %d signature verifications, want %d (the distinct signatures)", depth, got, want)
			}
		})
	}
}
