package chain_test

import (
	"crypto/x509"
	"fmt"
	"testing"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/fixtures"
)

// The path search checks each link once, however many times it asks. A
// d-deep chain with a second leaf under the same CA costs BuildPath d+1
// signature checks: the root's self-signature, the d-1 links walked from
// the first leaf and the second leaf's own link (choosing between the two
// leaves walks both; the search then reuses those answers). Validate costs
// d-1 (the links; the anchor is given).
func TestSearchChecksEachLinkOnce(t *testing.T) {
	for _, depth := range []int{3, 10} {
		t.Run(fmt.Sprint(depth), func(t *testing.T) {
			specs := []fixtures.Spec{{ID: "c0", CN: "Root-CA", CA: true, KeySlot: 60}}
			ids := []string{"leaf"}
			for i := 1; i < depth-1; i++ {
				specs = append(specs, fixtures.Spec{ID: fmt.Sprintf("c%d", i), CN: fmt.Sprintf("Inter-CA%d", i), Issuer: fmt.Sprintf("c%d", i-1), CA: true, KeySlot: 60 + i})
			}
			for i := depth - 2; i >= 0; i-- {
				ids = append(ids, fmt.Sprintf("c%d", i))
			}
			specs = append(specs, fixtures.Spec{ID: "leaf", CN: "OMENT-310", Issuer: fmt.Sprintf("c%d", depth-2), KeySlot: 80},
				fixtures.Spec{ID: "leaf2", CN: "OMENT-400", Issuer: fmt.Sprintf("c%d", depth-2), KeySlot: 81})
			p := fixtures.MustBuild(base, specs...)
			certs := p.Chain(ids...)
			// The file's order reversed, so that the search has a choice.
			shuffled := []*x509.Certificate{certs[0]}
			for i := len(certs) - 1; i > 0; i-- {
				shuffled = append(shuffled, certs[i])
			}
			path, n := chain.BuildPathAtCounting(append(shuffled, p.Certs["leaf2"].Cert), base)
			if !path.Root || len(path.Order) != depth || path.Order[0] != 0 {
				t.Fatalf("path %v, root %v: want the whole %d-deep chain from the first leaf", path.Order, path.Root, depth)
			}
			if n != depth+1 {
				t.Errorf("BuildPath: %d signature checks for a %d-deep chain and a second leaf, want %d", n, depth, depth+1)
			}
			v, n := chain.ValidateCounting(certs[0], shuffled[1:], chain.VerifyOptions{Anchors: certs[depth-1:], At: base, Usage: x509.ExtKeyUsageServerAuth})
			if v.Err != nil || len(v.Path) != depth {
				t.Fatalf("validate: %v, path of %d", v.Err, len(v.Path))
			}
			if n != depth-1 {
				t.Errorf("Validate: %d signature checks for a %d-deep chain, want %d", n, depth, depth-1)
			}
		})
	}
}
