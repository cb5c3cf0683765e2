package chain

import (
	"bytes"
	"testing"
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
