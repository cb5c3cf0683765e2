package pairing_test

import (
	"fmt"
	"github.com/ome-preflight/ome-preflight/report"
	"testing"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/fixtures"
	"github.com/ome-preflight/ome-preflight/pairing"
)

// base is the one test clock (testpki_test.go).
var base = pairing.TestClock

// deepChain builds leaf -> n-2 intermediates -> root as PEM.
func deepChain(tb testing.TB, n int) []byte {
	specs := []fixtures.Spec{{ID: "c0", CN: "Root-CA", CA: true}}
	for i := 1; i < n-1; i++ {
		specs = append(specs, fixtures.Spec{ID: fmt.Sprintf("c%d", i), CN: fmt.Sprintf("Inter-CA%d", i), Issuer: fmt.Sprintf("c%d", i-1), CA: true, KeySlot: 1 + i%4})
	}
	specs = append(specs, fixtures.Spec{ID: "leaf", CN: "OMENT-310", Issuer: fmt.Sprintf("c%d", n-2), KeySlot: 6})
	specs[0].KeySlot = 5
	p := fixtures.MustBuild(base, specs...)
	ids := []string{"leaf"}
	for i := n - 2; i >= 0; i-- {
		ids = append(ids, fmt.Sprintf("c%d", i))
	}
	return fixtures.PEM(p.Chain(ids...)...)
}

func benchCheck(b *testing.B, n int) {
	data := deepChain(b, n)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		in, err := chain.Parse("chain.pem", data, chain.Options{})
		if err != nil {
			b.Fatal(err)
		}
		r := pairing.Check(pairing.CheckOptions{Input: in, At: base})
		if r.Verdict != report.VerdictPass {
			b.Fatalf("verdict %s: %+v", r.Verdict, r.Findings)
		}
	}
}

// BenchmarkCheck3 parses and checks leaf -> intermediate -> root.
func BenchmarkCheck3(b *testing.B) { benchCheck(b, 3) }

// BenchmarkCheck10 parses and checks a chain at OME's depth limit.
func BenchmarkCheck10(b *testing.B) { benchCheck(b, 10) }

func benchCompare(b *testing.B, n int) {
	src, tgt := deepChain(b, n), deepChain(b, n)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s, err := chain.Parse("source.pem", src, chain.Options{})
		if err != nil {
			b.Fatal(err)
		}
		t, err := chain.Parse("target.pem", tgt, chain.Options{})
		if err != nil {
			b.Fatal(err)
		}
		r := pairing.Compare(pairing.CompareOptions{Source: s, Target: t, SourceTime: base, TargetTime: base})
		if r.Verdict != report.VerdictPass {
			b.Fatalf("verdict %s: %+v", r.Verdict, r.Findings)
		}
	}
}

// BenchmarkCompare3 parses and compares two 3-deep chains.
func BenchmarkCompare3(b *testing.B) { benchCompare(b, 3) }

// BenchmarkCompare10 parses and compares two chains at OME's depth limit.
func BenchmarkCompare10(b *testing.B) { benchCompare(b, 10) }
