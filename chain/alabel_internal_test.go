package chain

import (
	"strings"
	"testing"
)

// Java's host name check refuses an A-label that decodes to a label
// beginning or ending with '-' (measured with OpenJDK 17's IDN and
// SNIHostName); valid A-labels and plain names are not claimed.
func TestJavaRefusedALabel(t *testing.T) {
	for host, want := range map[string]string{
		"xn--test--wg5h0h.com":    "xn--test--wg5h0h",
		"a.XN--TEST--WG5H0H.com.": "XN--TEST--WG5H0H",
		"xn--bcher-kva.com":       "",
		"oment-310.example.com":   "",
		"xn--.com":                "",
		"xn--zzzzzzzzzzzzzz.com":  "",
	} {
		if got, _, _ := javaRefusedALabel(host); got != want {
			t.Errorf("javaRefusedALabel(%q) = %q, want %q", host, got, want)
		}
	}
}

// FuzzJavaRefusedALabel: no host name panics the A-label check, and a
// label it claims is one of the host's A-labels.
func FuzzJavaRefusedALabel(f *testing.F) {
	for _, s := range []string{"xn--test--wg5h0h.com", "xn--bcher-kva.com", "xn--zzzzzzzzzzzzzzzz", "xn--.x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, host string) {
		if l, _, ok := javaRefusedALabel(host); ok && !strings.Contains(host, l) {
			t.Fatalf("%q: claimed label %q is not in it", host, l)
		}
	})
}
