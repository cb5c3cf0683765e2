package chain

import (
	"bytes"
	"io"
	"testing"
	"testing/iotest"
)

// FuzzBase64Loose: the fast path of decodeBase64Loose answers exactly as
// the loose decoder does, bytes and error alike.
func FuzzBase64Loose(f *testing.F) {
	for _, s := range []string{"TUlJQg==", "TUlJ\r\nQg==", "TUlJQg", "TUl JQg==", `TUlJ\nQg==`, "TUlJQ\tg=", "====", "", "TQ=\n=", "T\\/8="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, gerr := decodeBase64Loose(s)
		want, werr := decodeBase64Slow(s)
		if (gerr == nil) != (werr == nil) || !bytes.Equal(got, want) {
			t.Errorf("%q: fast %x %v, loose %x %v", s, got, gerr, want, werr)
		}
	})
}

// readAll returns what io.ReadAll returns, whatever the size hint says:
// more data than the hint, one byte per read, or an error midway.
func TestReadAllAsIoReadAll(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789"), 700)
	for _, hint := range []int64{0, 1, 100, int64(len(data)), int64(len(data)) + 5, 1 << 20} {
		for _, r := range []func() io.Reader{
			func() io.Reader { return bytes.NewReader(data) },
			func() io.Reader { return iotest.OneByteReader(bytes.NewReader(data)) },
			func() io.Reader { return iotest.HalfReader(bytes.NewReader(data)) },
		} {
			got, err := readAll(r(), hint)
			if err != nil || !bytes.Equal(got, data) {
				t.Errorf("hint %d: %d bytes, %v", hint, len(got), err)
			}
		}
		if _, err := readAll(iotest.TimeoutReader(iotest.OneByteReader(bytes.NewReader(data))), hint); err != iotest.ErrTimeout {
			t.Errorf("hint %d: error %v, want the reader's", hint, err)
		}
	}
}
