package probe

import (
	"context"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ome-preflight/ome-preflight/fixtures"
)

// stallListener accepts connections on loopback and never answers; it
// counts them. Everything closes at the end of the test.
func stallListener(t *testing.T) (addr string, accepted func() int) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		wg.Wait()
		for _, c := range conns {
			c.Close()
		}
	})
	return l.Addr().String(), func() int { mu.Lock(); defer mu.Unlock(); return len(conns) }
}

// recorder keeps the steps a probe reports.
type recorder struct {
	mu    sync.Mutex
	steps []Step
}

func (r *recorder) add(s Step) { r.mu.Lock(); r.steps = append(r.steps, s); r.mu.Unlock() }
func (r *recorder) got() []Step {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.steps)
}

// An appliance that accepts the connections and never answers fails at
// HandshakeTimeout, not at Timeout (an hour here: the watchdog would
// fire), saying the TLS handshake timed out; the steps it reached are
// dial, TLS, done.
func TestHandshakeTimeoutEndsAStall(t *testing.T) {
	addr, accepted := stallListener(t)
	var rec recorder
	done := make(chan struct{})
	var failures []string
	go func() {
		defer close(done)
		obs := Observe(context.Background(), addr, Options{Timeout: time.Hour, HandshakeTimeout: 50 * time.Millisecond, Progress: rec.add})
		for _, f := range obs.Failures {
			failures = append(failures, f.Step+": "+f.Error)
		}
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("a stalled appliance held the probe past HandshakeTimeout")
	}
	if !slices.ContainsFunc(failures, func(f string) bool { return strings.HasPrefix(f, "tls handshake: timed out") }) {
		t.Errorf("failures %q; want the TLS handshake timed out", failures)
	}
	if got := rec.got(); !slices.Equal(got, []Step{StepDial, StepTLS, StepDone}) {
		t.Errorf("steps %v", got)
	}
	if n := accepted(); n < 2 {
		t.Errorf("%d connections accepted; the stall was not reached", n)
	}
}

// The handshake bound is lifted once a connection is handshaken: an API
// slower than HandshakeTimeout is still read, within Timeout; the steps
// reach API.
func TestHandshakeTimeoutSparesSlowAPI(t *testing.T) {
	base := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	p := fixtures.MustBuild(base, fixtures.Spec{ID: "root", CN: "Root-CA", CA: true}, fixtures.Spec{ID: "leaf", CN: "OMENT-400", Issuer: "root"})
	m, err := fixtures.StartMock(fixtures.MockOptions{Chain: p.Chain("leaf", "root"), Key: p.Certs["leaf"].Key, ClientAuth: "none",
		User: "admin", Password: "pw", NTP: true, Version: "4.0.1", Latency: 300 * time.Millisecond, Now: func() time.Time { return base }})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	var rec recorder
	obs := Observe(context.Background(), m.Addr, Options{Timeout: 20 * time.Second, HandshakeTimeout: 200 * time.Millisecond, Progress: rec.add,
		User: "admin", Password: "pw", ExpectedLeaf: p.Certs["leaf"].Cert, Now: func() time.Time { return base }})
	if obs.API == nil || obs.API.Version != "4.0.1" || obs.API.UtcTime == "" || len(obs.Failures) != 0 {
		t.Fatalf("API %+v, failures %+v; want it read", obs.API, obs.Failures)
	}
	if got := rec.got(); !slices.Equal(got, []Step{StepDial, StepTLS, StepAPI, StepDone}) {
		t.Errorf("steps %v", got)
	}
}
