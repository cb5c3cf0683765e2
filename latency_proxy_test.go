package main

import (
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ome-preflight/ome-preflight/fixtures"
)

// latencyProxy forwards loopback connections to upstream with a one-way
// delay d in each direction (data is delivered d after it arrived,
// pipelined), and holds a new connection for one round trip (2d) before
// anything passes, as a TCP handshake would. The tests own it: nothing
// leaves loopback.
type latencyProxy struct {
	Addr string
	ln   net.Listener
	wg   sync.WaitGroup
	mu   sync.Mutex
	conn []net.Conn
}

func startLatencyProxy(t testing.TB, upstream string, d time.Duration) *latencyProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &latencyProxy{Addr: ln.Addr().String(), ln: ln}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			u, err := net.Dial("tcp", upstream)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conn = append(p.conn, c, u)
			p.mu.Unlock()
			open := time.Now().Add(2 * d)
			p.wg.Add(2)
			go func() { defer p.wg.Done(); relay(u, c, d, open) }()
			go func() { defer p.wg.Done(); relay(c, u, d, open) }()
		}
	}()
	t.Cleanup(p.Close)
	return p
}

func (p *latencyProxy) Close() {
	p.ln.Close()
	p.mu.Lock()
	for _, c := range p.conn {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

// relay copies src to dst, each chunk delivered d after it arrived and not
// before open.
func relay(dst, src net.Conn, d time.Duration, open time.Time) {
	type chunk struct {
		at   time.Time
		data []byte
	}
	q := make(chan chunk, 1024)
	go func() {
		defer close(q)
		for {
			buf := make([]byte, 32<<10)
			n, err := src.Read(buf)
			if n > 0 {
				at := time.Now().Add(d)
				if at.Before(open) {
					at = open
				}
				q <- chunk{at, buf[:n]}
			}
			if err != nil {
				return
			}
		}
	}()
	for c := range q {
		time.Sleep(time.Until(c.at))
		if _, err := dst.Write(c.data); err != nil {
			break
		}
	}
	if tc, ok := dst.(*net.TCPConn); ok {
		tc.CloseWrite()
	}
	io.Copy(io.Discard, src)
}

// probeRTT probes two mocks behind latency proxies and returns the wall
// time in round trips (2d).
func probeRTT(b *testing.B, user bool, d time.Duration) float64 {
	return probeTimed(b, user, d, 0) / float64(2*d)
}

// probeTimed probes two mocks (each adding latency to every response)
// behind latency proxies (one-way delay d; none when 0) and returns the
// wall time in nanoseconds.
func probeTimed(b *testing.B, user bool, d, latency time.Duration) float64 {
	b.Helper()
	dir := b.TempDir()
	for _, s := range fixtures.PairScenarios() {
		if s.Name == "good-pair" {
			for _, f := range s.Build(testBase) {
				os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o600)
			}
		}
	}
	start := time.Now()
	now := func() time.Time { return testBase.Add(time.Since(start)) }
	mk := func(side string) string {
		certs, key := loadPair(b, dir, side)
		m, err := fixtures.StartMock(fixtures.MockOptions{Chain: certs, Key: key, ClientAuth: "none",
			User: "admin", Password: "pw", NTP: true, Now: now, Version: "4.0.1", Latency: latency})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { m.Close() })
		if d == 0 {
			return m.Addr
		}
		return startLatencyProxy(b, m.Addr, d).Addr
	}
	src, tgt := mk("source"), mk("target")
	args := []string{"probe", "--format", "json", "--timeout", "20s", "--source", src, "--target", tgt,
		"--source-chain", filepath.Join(dir, "source.pem"), "--target-chain", filepath.Join(dir, "target.pem"),
		"--client-cert", filepath.Join(dir, "standin.pem"), "--client-key", filepath.Join(dir, "standin.key")}
	if user {
		args = append(args, "--user", "admin")
		os.Setenv("OME_PASSWORD", "pw")
		defer os.Unsetenv("OME_PASSWORD")
	}
	t0 := time.Now()
	res := runCLI(b, args...)
	el := time.Since(t0)
	if res.code != 0 {
		b.Fatalf("exit %d: %s %.2000s", res.code, res.stderr, res.stdout)
	}
	return float64(el)
}

// BenchmarkProbeRTT reports the round trips a probe takes per appliance
// (both are probed at once), through a latency proxy of 20 ms one way, and
// at 50 and 150 ms RTT (the TCP handshake a full round trip before data).
// The median is reported: the machine is noisy.
func BenchmarkProbeRTT(b *testing.B) {
	for _, rtt := range []time.Duration{40 * time.Millisecond, 50 * time.Millisecond, 150 * time.Millisecond} {
		for _, user := range []bool{false, true} {
			name := map[bool]string{false: "no-user", true: "user"}[user]
			b.Run(fmt.Sprintf("%s/rtt=%s", name, rtt), func(b *testing.B) {
				var runs []float64
				for i := 0; i < b.N; i++ {
					runs = append(runs, probeRTT(b, user, rtt/2))
				}
				slices.Sort(runs)
				b.ReportMetric(runs[len(runs)/2], "RTT/probe")
			})
		}
	}
}

// BenchmarkProbeUserLatency50ms reports probe --user against two mocks that
// add 50 ms to every response, in those latencies.
func BenchmarkProbeUserLatency50ms(b *testing.B) {
	var sum float64
	for i := 0; i < b.N; i++ {
		sum += probeTimed(b, true, 0, 50*time.Millisecond) / float64(50*time.Millisecond)
	}
	b.ReportMetric(sum/float64(b.N), "latencies/probe")
}
