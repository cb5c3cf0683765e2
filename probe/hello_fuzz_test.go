package probe

import (
	"bytes"
	"testing"
)

// FuzzServerHello: no answer from a server panics or hangs the ClientHello
// prober's reader, and a ServerHello it accepts names a suite.
func FuzzServerHello(f *testing.F) {
	hello := []byte{22, 3, 3, 0, 42, 2, 0, 0, 38, 3, 3}
	hello = append(hello, make([]byte, 32)...)
	hello = append(hello, 0, 0xc0, 0x30, 0)
	f.Add(hello)
	f.Add([]byte{21, 3, 3, 0, 2, 2, 40})
	f.Add([]byte{22, 3, 3, 0, 4, 2, 0, 0, 0})
	f.Add([]byte{23, 3, 3, 0, 1, 0})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := readServerHello(bytes.NewReader(data))
		if err == nil && h.Suite == 0 && h.Alert == 0 {
			t.Fatalf("%x: neither a suite nor an alert, and no error", data)
		}
		if err != nil && (h.Suite != 0 || h.Alert != 0) {
			t.Fatalf("%x: an error with a result", data)
		}
	})
}

// FuzzFlight: no server flight after a ServerHello panics or hangs the
// reader, and a flight it accepts has a chain.
func FuzzFlight(f *testing.F) {
	f.Add([]byte{22, 3, 3, 0, 4, 14, 0, 0, 0})
	f.Add([]byte{22, 3, 3, 0, 10, 11, 0, 0, 6, 0, 0, 3, 0, 0, 1, 0x30})
	f.Add([]byte{22, 3, 3, 0, 8, 13, 0, 0, 4, 0, 0, 0, 0})
	f.Add([]byte{21, 3, 3, 0, 2, 2, 40})
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, suite := range OMESuites {
			fl, err := readFlight(&msgReader{r: bytes.NewReader(data)}, suite, make([]byte, 64))
			if err == nil && (fl == nil || len(fl.Chain) == 0) {
				t.Fatalf("%x: a flight without a chain and no error", data)
			}
		}
	})
}
