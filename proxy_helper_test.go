package main

import (
	"io"
	"net"
	"sync"
	"testing"
)

// loopProxy listens on loopback and connects the n-th accepted connection
// (from 0) to upstream(n). Bytes from the client go up unchanged; back
// carries the upstream's bytes down (io.Copy when nil) and may misbehave.
// stop closes everything and waits for every goroutine; it also runs at
// the end of the test.
func loopProxy(t *testing.T, upstream func(n int) string, back func(client io.Writer, server io.Reader)) (addr string, stop func()) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if back == nil {
		back = func(c io.Writer, u io.Reader) { io.Copy(c, u) }
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Add(1)
	go func() {
		defer wg.Done()
		for n := 0; ; n++ {
			c, err := l.Accept()
			if err != nil {
				return
			}
			u, err := net.Dial("tcp", upstream(n))
			if err != nil {
				c.Close()
				continue
			}
			mu.Lock()
			conns = append(conns, c, u)
			mu.Unlock()
			wg.Add(2)
			go func() { defer wg.Done(); io.Copy(u, c); u.Close() }()
			go func() { defer wg.Done(); defer c.Close(); defer u.Close(); back(c, u) }()
		}
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			l.Close()
			mu.Lock()
			for _, c := range conns {
				c.Close()
			}
			mu.Unlock()
			wg.Wait()
		})
	}
	t.Cleanup(stop)
	return l.Addr().String(), stop
}
