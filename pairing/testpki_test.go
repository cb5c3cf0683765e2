package pairing

import (
	"testing"
	"time"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/fixtures"
)

// testClock is the one instant the pairing tests judge at, unless a case
// moves a clock on purpose: the lab's 2026-11-23T09:00:00Z.
var testClock = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// labSpecs is the lab's four-certificate PKI: the root "Root-CA", the
// intermediate "Inter-CA1" and two appliance leaves it issued, the source
// "OMENT-310" and the target "OMENT-400" (ids root, inter, source, target).
func labSpecs() []fixtures.Spec {
	return []fixtures.Spec{
		{ID: "root", CN: "Root-CA", CA: true},
		{ID: "inter", CN: "Inter-CA1", Issuer: "root", CA: true},
		{ID: "source", CN: "OMENT-310", Issuer: "inter"},
		{ID: "target", CN: "OMENT-400", Issuer: "inter"},
	}
}

// labPKI builds the lab's PKI at testClock. edits change a spec before it
// is built, by id (nil: none); extra specs are built after the four, and
// may name them as issuers.
func labPKI(t testing.TB, edits map[string]func(*fixtures.Spec), extra ...fixtures.Spec) *fixtures.PKI {
	t.Helper()
	specs := labSpecs()
	for i := range specs {
		if e := edits[specs[i].ID]; e != nil {
			e(&specs[i])
		}
	}
	p, err := fixtures.Build(testClock, append(specs, extra...)...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// labInput is the certificates ids of p as a PEM file named after the
// first.
func labInput(p *fixtures.PKI, ids ...string) *chain.Input {
	return &chain.Input{File: ids[0] + ".pem", Encoding: chain.EncPEM, Certs: p.Chain(ids...), Notes: []string{}}
}
