package chain

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// decodeText tells text from binary and UTF-16 from UTF-8 by the first
// bytes, at the exact lengths where the sniffing changes its mind.
func TestDecodeText(t *testing.T) {
	cases := []struct {
		name   string
		data   []byte
		text   string
		isText bool
		facts  Facts
	}{
		{"UTF-16LE BOM", []byte{0xFF, 0xFE, 'A', 0, 'B', 0, 'C', 0, 'D', 0}, "ABCD", true, Facts{UTF16: "LE", UTF16BOM: true}},
		{"UTF-16BE BOM", []byte{0xFE, 0xFF, 0, 'A', 0, 'B', 0, 'C', 0, 'D'}, "ABCD", true, Facts{UTF16: "BE", UTF16BOM: true}},
		{"UTF-16LE BOM alone", []byte{0xFF, 0xFE}, "", true, Facts{UTF16: "LE", UTF16BOM: true}},
		{"UTF-16BE BOM alone", []byte{0xFE, 0xFF}, "", true, Facts{UTF16: "BE", UTF16BOM: true}},
		{"UTF-16LE without BOM, 4 bytes", []byte{'A', 0, 'B', 0}, "AB", true, Facts{UTF16: "LE"}},
		{"UTF-16BE without BOM, 4 bytes", []byte{0, 'A', 0, 'B'}, "AB", true, Facts{UTF16: "BE"}},
		{"UTF-16LE without BOM, longer", []byte{'A', 0, 'B', 0, 'C', 0, 'D', 0}, "ABCD", true, Facts{UTF16: "LE"}},
		{"UTF-16BE without BOM, longer", []byte{0, 'A', 0, 'B', 0, 'C', 0, 'D'}, "ABCD", true, Facts{UTF16: "BE"}},
		{"UTF-16LE BOM then a second BOM", []byte{0xFF, 0xFE, 0xFF, 0xFE, 'A', 0, 'B', 0}, "AB", true, Facts{UTF16: "LE", UTF16BOM: true}},
		{"UTF-16LE with a control character", []byte{0xFF, 0xFE, 'A', 0, 1, 0}, "A\x01", true, Facts{UTF16: "LE", UTF16BOM: true}},
		{"three bytes with NUL", []byte{'A', 0, 'B'}, "", false, Facts{}},
		{"UTF-8 BOM", []byte{0xEF, 0xBB, 0xBF, 'A', 'B'}, "AB", true, Facts{UTF8BOM: true}},
		{"UTF-8 BOM twice: one removed", []byte{0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF, 'A'}, "\uFEFFA", true, Facts{UTF8BOM: true}},
		{"backspace", []byte("AB\x08C"), "", false, Facts{}},
		{"tab", []byte("AB\tC"), "AB\tC", true, Facts{}},
		{"carriage return", []byte("AB\rC"), "AB\rC", true, Facts{}},
		{"shift out", []byte("AB\x0eC"), "", false, Facts{}},
		{"unit separator", []byte("AB\x1fC"), "", false, Facts{}},
		{"space", []byte("AB C"), "AB C", true, Facts{}},
		{"CRLF", []byte("A\r\nB"), "A\r\nB", true, Facts{CRLF: true}},
		{"control byte with a PEM marker", []byte("\x01\x02-----BEGIN"), "\x01\x02-----BEGIN", true, Facts{}},
		{"control byte after the first KiB", append(bytes.Repeat([]byte("A"), 1024), 1), strings.Repeat("A", 1024) + "\x01", true, Facts{}},
		{"control byte at the end of the first KiB", append(bytes.Repeat([]byte("A"), 1023), 1), "", false, Facts{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var f Facts
			// A copy with no spare capacity: slicing past the end panics.
			data := append([]byte(nil), tc.data...)[:len(tc.data):len(tc.data)]
			text, isText := decodeText(data, &f)
			if isText != tc.isText || (isText && text != tc.text) {
				t.Errorf("text %q (%v), want %q (%v)", text, isText, tc.text, tc.isText)
			}
			if diff := cmp.Diff(tc.facts, f); diff != "" {
				t.Errorf("facts (-want +got):\n%s", diff)
			}
		})
	}
}

// unpadded counts Base64 characters (an escaped "/" is one, other escapes
// and whitespace none) and calls a count that is not a multiple of four
// unpadded.
func TestUnpadded(t *testing.T) {
	cases := []struct {
		s    string
		want bool
	}{
		{"AAAA", false},
		{"AAA", true},
		{"AAAAA", true},
		{"AA==", false},
		{`AB\/C`, false},
		{`A\/AA`, false},
		{`AB\/`, true},
		{`AAA\nA`, false},
		{`AAA\nAA`, true},
		{`AAAA\n`, false},
		{`AAAA\r\n`, false},
		{`AAAA\`, false},
		{"AA A\tA\r\n", false},
		{"A A\tA\r\n", true},
		{" \t\r\n", false},
		{"", false},
	}
	for _, tc := range cases {
		if got := unpadded(tc.s); got != tc.want {
			t.Errorf("unpadded(%q) = %v, want %v", tc.s, got, tc.want)
		}
	}
}

// looksBase64 takes 64 or more characters of the Base64 alphabet and
// whitespace, nothing else.
func TestLooksBase64(t *testing.T) {
	in := []string{"A", "Z", "a", "z", "0", "9", "+", "/", "="}
	out := []string{"@", "[", "`", "{", ".", ":", "-", "_", "!", "\x00", "é"}
	for _, c := range in {
		if s := strings.Repeat(c, 64); !looksBase64(s) {
			t.Errorf("%q: not Base64", s[:4])
		}
		if s := strings.Repeat(c, 63); looksBase64(s) {
			t.Errorf("63 times %q: Base64, want too short", c)
		}
	}
	for _, c := range out {
		if s := strings.Repeat("A", 64) + c; looksBase64(s) {
			t.Errorf("64 A and %q: Base64", c)
		}
	}
	for _, ws := range []string{"\r", "\n", " ", "\t"} {
		if s := strings.Repeat("A", 32) + ws + strings.Repeat("A", 32); !looksBase64(s) {
			t.Errorf("whitespace %q inside: not Base64", ws)
		}
	}
	if s := "  " + strings.Repeat("A", 63) + "\n"; looksBase64(s) {
		t.Error("63 characters in whitespace: Base64, want too short")
	}
}

// decodeBase64Loose decodes padded and unpadded Base64 through whitespace
// and the escapes JSON puts in.
func TestDecodeBase64Loose(t *testing.T) {
	cases := []struct {
		s    string
		want string
		err  error
	}{
		{"TUlJQg==", "MIIB", nil},
		{"TUlJQg", "MIIB", nil},
		{"TUlJQg===", "MIIB", nil},
		{"TUlJ Qg==", "MIIB", nil},
		{"TUlJ\tQg==", "MIIB", nil},
		{"TUlJ\r\nQg==", "MIIB", nil},
		{"TUlJ\rQg", "MIIB", nil},
		{"TUlJ\nQg", "MIIB", nil},
		{`TUlJ\nQg==`, "MIIB", nil},
		{`TUlJ\rQg==`, "MIIB", nil},
		{`Pz8\/`, "???", nil},
		{"!!!!", "", ErrBadBase64},
		{"TUlJ Q!==", "", ErrBadBase64},
		{"", "", nil},
	}
	for _, tc := range cases {
		got, err := decodeBase64Loose(tc.s)
		if !errors.Is(err, tc.err) || (err == nil) != (tc.err == nil) || string(got) != tc.want {
			t.Errorf("%q: %q, %v; want %q, %v", tc.s, got, err, tc.want, tc.err)
		}
	}
}

type scanned struct {
	Type string
	Data string
	Err  error
	Flat bool
}

func scan(text string) ([]scanned, Facts) {
	var f Facts
	var out []scanned
	for _, b := range scanPEM(text, &f) {
		out = append(out, scanned{b.Type, string(b.Bytes), b.Err, b.Flat})
	}
	return out, f
}

// scanPEM finds blocks and records what it tolerated: text around and
// between blocks, indentation, missing padding, a body on one line.
func TestScanPEM(t *testing.T) {
	blk := func(typ, body string) string {
		return "-----BEGIN " + typ + "-----\n" + body + "\n-----END " + typ + "-----\n"
	}
	t64, t65 := strings.Repeat("T", 64), strings.Repeat("T", 65)
	a78, a79 := strings.Repeat("A", 78), strings.Repeat("A", 79)
	malformed := errors.New("malformed BEGIN line")
	cases := []struct {
		name   string
		text   string
		blocks []scanned
		facts  Facts
	}{
		{"one block", blk("X", "TUlJQg=="), []scanned{{"X", "MIIB", nil, false}}, Facts{}},
		{"two blocks", blk("X", "TUlJQg==") + blk("Y", "QUJD"), []scanned{{"X", "MIIB", nil, false}, {"Y", "ABC", nil, false}}, Facts{}},
		{"text before", "Bag Attributes\n" + blk("X", "TUlJQg=="), []scanned{{"X", "MIIB", nil, false}}, Facts{TextBefore: true}},
		{"text between", blk("X", "TUlJQg==") + "subject=CN=x\n" + blk("Y", "TUlJQg=="), []scanned{{"X", "MIIB", nil, false}, {"Y", "MIIB", nil, false}}, Facts{TextBetween: true}},
		{"text after", blk("X", "TUlJQg==") + "trailer", []scanned{{"X", "MIIB", nil, false}}, Facts{TextAfter: true}},
		{"escaped newlines around are no text", `\n` + blk("X", "TUlJQg==") + `\n`, []scanned{{"X", "MIIB", nil, false}}, Facts{}},
		{"a marker without its space is text", "-----BEGINCERTIFICATE-----", nil, Facts{TextBefore: true}},
		{"type of 64 characters", blk(t64, "TUlJQg=="), []scanned{{t64, "MIIB", nil, false}}, Facts{}},
		{"type of 65 characters", blk(t65, "TUlJQg=="), []scanned{{"", "", malformed, false}}, Facts{TextAfter: true}},
		{"empty type", blk("", "TUlJQg=="), []scanned{{"", "MIIB", nil, false}}, Facts{}},
		{"BEGIN line broken", "-----BEGIN CERT\nIFICATE-----\nTUlJQg==\n-----END CERTIFICATE-----\n", []scanned{{"", "", malformed, false}}, Facts{TextAfter: true}},
		{"BEGIN line without dashes", "-----BEGIN CERTIFICATE", []scanned{{"", "", malformed, false}}, Facts{TextAfter: true}},
		{"no END", "-----BEGIN X-----\nTUlJQg==\n" + blk("Y", "TUlJQg=="), []scanned{{"X", "", ErrTruncatedPEM, false}}, Facts{}},
		{"END right after BEGIN", "-----BEGIN X----------END X-----", []scanned{{"X", "", nil, false}}, Facts{}},
		{"indented BEGIN", "  " + blk("X", "TUlJQg=="), []scanned{{"X", "MIIB", nil, false}}, Facts{Indented: true}},
		{"text then indented BEGIN", "text\n\t" + blk("X", "TUlJQg=="), []scanned{{"X", "MIIB", nil, false}}, Facts{TextBefore: true, Indented: true}},
		{"BEGIN after text on its line", "text " + blk("X", "TUlJQg=="), []scanned{{"X", "MIIB", nil, false}}, Facts{TextBefore: true}},
		{"indented body line", blk("X", "TUlJ\n Qg=="), []scanned{{"X", "MIIB", nil, false}}, Facts{Indented: true}},
		{"tab-indented body line", blk("X", "TUlJ\n\tQg=="), []scanned{{"X", "MIIB", nil, false}}, Facts{Indented: true}},
		{"blank line of spaces", blk("X", "TUlJ\n   \nQg=="), []scanned{{"X", "MIIB", nil, false}}, Facts{}},
		{"indented END", "-----BEGIN X-----\nTUlJQg==\n  -----END X-----\n", []scanned{{"X", "MIIB", nil, false}}, Facts{Indented: true}},
		{"unpadded", blk("X", "TUlJQg"), []scanned{{"X", "MIIB", nil, false}}, Facts{Unpadded: true}},
		{"bad Base64 is not called unpadded", blk("X", "TUl!Qg"), []scanned{{"X", "", ErrBadBase64, false}}, Facts{}},
		{"headers", blk("X", "Proc-Type: 4,ENCRYPTED\nTUlJQg=="), []scanned{{"X", "MIIB", nil, false}}, Facts{}},
		{"80 characters on one line", "-----BEGIN X-----\n" + a78 + "\n-----END X-----", []scanned{{"X", strings.Repeat("\x00", 58) + "", nil, false}}, Facts{Unpadded: true}},
		{"81 characters on one line", "-----BEGIN X-----\n" + a79 + "\n-----END X-----", []scanned{{"X", strings.Repeat("\x00", 59), nil, true}}, Facts{Unpadded: true}},
		{"long body with escaped newlines", "-----BEGIN X-----" + strings.Repeat(`AAAA\n`, 20) + "-----END X-----", []scanned{{"X", strings.Repeat("\x00", 60), nil, false}}, Facts{}},
		{"long body on lines", "-----BEGIN X-----\n" + strings.Repeat("AAAA\n", 20) + "-----END X-----", []scanned{{"X", strings.Repeat("\x00", 60), nil, false}}, Facts{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, f := scan(tc.text)
			errs := cmp.Comparer(func(a, b error) bool {
				return (a == nil) == (b == nil) && (a == nil || errors.Is(a, b) || a.Error() == b.Error())
			})
			if diff := cmp.Diff(tc.blocks, got, errs); diff != "" {
				t.Errorf("blocks (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.facts, f); diff != "" {
				t.Errorf("facts (-want +got):\n%s", diff)
			}
		})
	}
}
