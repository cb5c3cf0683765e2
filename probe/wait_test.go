package probe

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"
)

// Wait retries what a restarting web server does (refused, reset) until
// the end of the wait, and stops at once on what waiting cannot mend (an
// answer that is not TLS).
func TestWait(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := l.Addr().String()
	l.Close()

	plain, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	go func() {
		for {
			c, err := plain.Accept()
			if err != nil {
				return
			}
			c.Write([]byte("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"))
			c.Close()
		}
	}()

	t.Run("refused until the end", func(t *testing.T) {
		var seen []int
		start := time.Now()
		w := Wait(context.Background(), refused, Options{HandshakeTimeout: time.Second}, 1200*time.Millisecond,
			func(n int, err error, left time.Duration) { seen = append(seen, n) })
		if w.Answered || w.Attempts < 2 || len(seen) != w.Attempts-1 || !strings.Contains(w.LastError, "refused") {
			t.Errorf("wait %+v, progress %v", w, seen)
		}
		if took := time.Since(start); took < 1200*time.Millisecond || took > 4*time.Second {
			t.Errorf("took %s for 1.2s", took)
		}
		if w.For.Duration() != 1200*time.Millisecond {
			t.Errorf("for %s", w.For.Duration())
		}
	})
	t.Run("not TLS: no retry", func(t *testing.T) {
		w := Wait(context.Background(), plain.Addr().String(), Options{HandshakeTimeout: time.Second}, 10*time.Second, nil)
		if w.Answered || w.Attempts != 1 || w.LastError == "" {
			t.Errorf("wait %+v", w)
		}
	})
	t.Run("a bad address", func(t *testing.T) {
		if w := Wait(context.Background(), "fd00::5::6", Options{}, time.Second, nil); w.Answered || w.Attempts != 0 || w.LastError == "" {
			t.Errorf("wait %+v", w)
		}
	})
}
