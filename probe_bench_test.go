package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"github.com/ome-preflight/ome-preflight/report"
	"sync"
	"testing"
	"time"

	"github.com/ome-preflight/ome-preflight/fixtures"
	"github.com/ome-preflight/ome-preflight/pairing"
	"github.com/ome-preflight/ome-preflight/probe"
)

// benchProbe probes n mock pairs concurrently, each mock adding latency to
// every HTTP response, and reports pairs per second.
func benchProbe(b *testing.B, n int, latency time.Duration) {
	start := time.Now()
	now := func() time.Time { return testBase.Add(time.Since(start)) }
	p := fixtures.MustBuild(testBase,
		fixtures.Spec{ID: "root", CN: "Root-CA", CA: true}, fixtures.Spec{ID: "inter", CN: "Inter-CA1", Issuer: "root", CA: true},
		fixtures.Spec{ID: "src", CN: "OMENT-310", Issuer: "inter"}, fixtures.Spec{ID: "tgt", CN: "OMENT-400", Issuer: "inter"},
		fixtures.Spec{ID: "standin", CN: "standin", Issuer: "inter"})
	var mocks []*fixtures.Mock
	defer func() {
		for _, m := range mocks {
			m.Close()
		}
	}()
	start1 := func(id string) string {
		m, err := fixtures.StartMock(fixtures.MockOptions{Chain: p.Chain(id, "inter", "root"), Key: p.Certs[id].Key, ClientAuth: "require",
			ClientCAs: p.Chain("inter", "root"), Latency: latency, Now: now})
		if err != nil {
			b.Fatal(err)
		}
		mocks = append(mocks, m)
		return m.Addr
	}
	type pair struct{ src, tgt string }
	var pairs []pair
	for i := 0; i < n; i++ {
		pairs = append(pairs, pair{start1("src"), start1("tgt")})
	}
	cert := tls.Certificate{Certificate: [][]byte{p.Certs["standin"].Cert.Raw}, PrivateKey: p.Certs["standin"].Key, Leaf: p.Certs["standin"].Cert}
	o := probe.Options{Timeout: 10 * time.Second, ClientCert: &cert, Now: now}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for _, pr := range pairs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a, t := probe.Pair(context.Background(), pr.src, pr.tgt, o, o)
				if r := pairing.Probe(pairing.ProbeOptions{Source: a, Target: t}); r.Verdict != report.VerdictPass {
					errs <- fmt.Errorf("%s/%s: %s %+v", pr.src, pr.tgt, r.Verdict, r.Findings)
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "pairs/s")
}

// BenchmarkProbe1 probes one mock pair.
func BenchmarkProbe1(b *testing.B) { benchProbe(b, 1, 0) }

// BenchmarkProbe50 probes 50 mock pairs at once.
func BenchmarkProbe50(b *testing.B) { benchProbe(b, 50, 0) }

// BenchmarkProbe100Latency50ms probes 100 pairs at once, each mock adding
// 50 ms to every response (issue 6's target: under 3 s).
func BenchmarkProbe100Latency50ms(b *testing.B) { benchProbe(b, 100, 50*time.Millisecond) }
