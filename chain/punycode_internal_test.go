package chain

import (
	"testing"
	"unicode/utf8"
)

// Punycode decoding against RFC 3492's own samples and Python's codec.
func TestPunycodeDecode(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"bcher-kva", "bücher", true},
		{"test--wg5h0h", "te兕s儳t-", true},               // Python: b"test--wg5h0h".decode("punycode")
		{"-> $1.00 <--", "-> $1.00 <-", true},           // RFC 3492 7.1 (S)
		{"ihqwcrb4cv8a8dqg056pqjye", "他们为什么不说中文", true}, // RFC 3492 7.1 (B)
		{"b1abfaaepdrnnbgefbadotcwatmq2g4l", "почемужеонинеговорятпорусски", true}, // RFC 3492 7.1 (J)
		{"zzzzzzzzzzzzzzzz", "衞鳥箥糪縖끇", true},                                       // Python agrees
		{"a", "\u0080", true},
		{"9999999999", "", false}, // a delta that never ends (Python: incomplete)
		{"ü-abc", "", false},      // a basic code point that is not ASCII
		{"é", "", false},          // not a digit
	} {
		got, ok := punycodeDecode(tc.in)
		if ok != tc.ok || ok && string(got) != tc.want {
			t.Errorf("punycodeDecode(%q) = %q, %v; want %q, %v", tc.in, string(got), ok, tc.want, tc.ok)
		}
	}
}

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

// FuzzPunycodeDecode: no input panics the decoder, and what it decodes is
// valid Unicode no longer than its input.
func FuzzPunycodeDecode(f *testing.F) {
	for _, s := range []string{"bcher-kva", "test--wg5h0h", "-> $1.00 <--", "ihqwcrb4cv8a8dqg056pqjye", "zzzzzzzzzzzzzzzz", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, ok := punycodeDecode(s)
		if !ok {
			return
		}
		if len(out) > len(s) {
			t.Fatalf("%q decodes to %d runes", s, len(out))
		}
		for _, r := range out {
			if !utf8.ValidRune(r) {
				t.Fatalf("%q decodes to invalid rune %U", s, r)
			}
		}
		javaRefusedALabel("xn--" + s + ".example")
	})
}
