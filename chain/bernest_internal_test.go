package chain

import (
	"bytes"
	"encoding/asn1"
	"errors"
	"math/big"
	"testing"
)

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// nestDef nests content in n definite-length SEQUENCEs.
func nestDef(n int, content []byte) []byte {
	for ; n > 0; n-- {
		content = tlv(0x30, content)
	}
	return content
}

// nestIndef nests content in n indefinite-length elements with tag bytes
// tag (one or more: a high tag number takes several).
func nestIndef(n int, tag []byte, content []byte) []byte {
	return cat(bytes.Repeat(cat(tag, []byte{0x80}), n), content, make([]byte, 2*n))
}

// berNestingOK counts every level, closes definite and indefinite elements
// where they end, reads long lengths and high tag numbers, looks into OCTET
// STRINGs that hold ASN.1, and leaves malformed input to the parser.
func TestBERNesting(t *testing.T) {
	emptySeq := []byte{0x30, 0x00}
	cases := []struct {
		name string
		der  []byte
		max  int
		deep bool // ErrTooDeep expected
	}{
		{"no depth allowed", nil, 0, true},
		{"negative depth", emptySeq, -1, true},
		{"empty input", nil, 1, false},
		{"depth 3, max 3", nestDef(3, nil), 3, false},
		{"depth 3, max 2", nestDef(3, nil), 2, true},
		{"depth 3 with content, max 2", nestDef(3, []byte{0x05, 0x00}), 2, true},
		{"siblings close where they end", tlv(0x30, bytes.Repeat(emptySeq, 10)), 2, false},
		{"siblings with content", tlv(0x30, bytes.Repeat(tlv(0x30, []byte{0x02, 0x01, 0x05}), 10)), 2, false},
		{"top-level siblings", bytes.Repeat(nestDef(2, nil), 5), 2, false},
		{"indefinite depth 3, max 3", nestIndef(3, []byte{0x30}, nil), 3, false},
		{"indefinite depth 3, max 2", nestIndef(3, []byte{0x30}, nil), 2, true},
		{"indefinite siblings close at their end-of-contents", cat([]byte{0x30, 0x80}, bytes.Repeat([]byte{0x30, 0x80, 0x00, 0x00}, 10), []byte{0x00, 0x00}), 2, false},
		{"end-of-contents at top level", []byte{0x00, 0x00, 0x30, 0x00}, 1, false},
		{"a lone zero byte", []byte{0x00}, 1, false},
		{"a lone tag", []byte{0x30}, 1, false},
		{"high tag number, depth 3, max 3", nestIndef(3, []byte{0x3f, 0x81, 0x01}, nil), 3, false},
		{"high tag number, depth 3, max 2", nestIndef(3, []byte{0x3f, 0x81, 0x01}, nil), 2, true},
		{"high tag number, definite, max 3", cat([]byte{0x3f, 0x81, 0x01, 0x04}, nestDef(2, nil)), 3, false},
		{"high tag number, definite, max 2", cat([]byte{0x3f, 0x81, 0x01, 0x04}, nestDef(2, nil)), 2, true},
		{"high tag number cut short", []byte{0x3f, 0x81}, 1, false},
		{"long length of 4 bytes", cat([]byte{0x30, 0x84, 0, 0, 0, 4}, nestDef(2, nil)), 2, true},
		{"long length of 4 bytes, room enough", cat([]byte{0x30, 0x84, 0, 0, 0, 4}, nestDef(2, nil)), 3, false},
		{"long length of 5 bytes: left to the parser", cat([]byte{0x30, 0x85, 0, 0, 0, 0, 4}, nestDef(2, nil)), 2, false},
		{"long length ending the input", []byte{0x30, 0x80, 0x30, 0x82, 0x00, 0x05}, 1, true},
		{"long length past the input", []byte{0x30, 0x80, 0x30, 0x82, 0x00}, 1, false},
		{"definite content then deep", cat([]byte{0x04, 0x02, 0x01, 0x02}, nestDef(3, nil)), 2, true},
		{"NULL then deep", cat([]byte{0x05, 0x00}, nestDef(3, nil)), 2, true},
		{"primitive of indefinite length: left to the parser", cat([]byte{0x04, 0x80}, nestDef(3, nil)), 2, false},
		{"primitive past the input", []byte{0x04, 0x05, 0x30}, 1, false},
		{"empty OCTET STRING at the end", []byte{0x04, 0x00}, 1, false},
		{"OCTET STRING holding ASN.1, at the end", tlv(0x30, tlv(0x04, nestDef(2, nil))), 4, false},
		{"OCTET STRING holding ASN.1 one level too deep", tlv(0x30, tlv(0x04, nestDef(2, nil))), 3, true},
		{"OCTET STRING holding ASN.1, then more", tlv(0x30, cat(tlv(0x04, nestDef(2, nil)), emptySeq)), 3, true},
		{"OCTET STRING of plain bytes", tlv(0x30, tlv(0x04, []byte{0x01, 0x30, 0x80, 0x30, 0x80})), 2, false},
		{"other primitive holding what looks like ASN.1", tlv(0x30, tlv(0x02, nestDef(3, nil))), 2, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			der := append([]byte(nil), tc.der...)[:len(tc.der):len(tc.der)]
			err := berNestingOK(der, tc.max)
			if tc.deep != errors.Is(err, ErrTooDeep) || (!tc.deep && err != nil) {
				t.Errorf("err %v, want too deep: %v", err, tc.deep)
			}
		})
	}
}

// The PKCS#12 guard refuses iteration counts above its bound wherever
// they hide (after a salt, in encapsulated ASN.1, nested up to its depth)
// and lets the decoder refuse what is malformed.
func TestPBEIterationBound(t *testing.T) {
	iter := func(n int64) []byte { b, _ := asn1.Marshal(big.NewInt(n)); return b }
	salt := tlv(0x04, []byte("saltsalt"))
	params := func(count []byte) []byte { return tlv(0x30, cat(salt, count)) }
	cases := []struct {
		name    string
		der     []byte
		refused bool
	}{
		{"at the bound", params(iter(maxPBEIterations)), false},
		{"one above", params(iter(maxPBEIterations + 1)), true},
		{"far above", params(iter(1 << 40)), true},
		{"not after a salt", tlv(0x30, cat(tlv(0x0c, []byte("salt")), iter(1<<30))), false},
		{"first in its sequence", tlv(0x30, iter(1<<30)), false},
		{"negative", params([]byte{0x02, 0x04, 0x80, 0x00, 0x00, 0x00}), false},
		{"empty INTEGER", params([]byte{0x02, 0x00}), false},
		{"in an OCTET STRING holding ASN.1", tlv(0x30, tlv(0x04, params(iter(1<<30)))), true},
		{"in an OCTET STRING of bytes", tlv(0x30, tlv(0x04, cat([]byte{0x01}, params(iter(1<<30))))), false},
		{"empty OCTET STRING", tlv(0x30, cat(tlv(0x04, nil), iter(5))), false},
		{"nested 23 levels", nestDef(23, params(iter(1<<30))), true},
		{"nested 24 levels: beyond the walk", nestDef(24, params(iter(1<<30))), false},
		{"garbage", []byte{0x30, 0x05, 0x02}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			der := append([]byte(nil), tc.der...)[:len(tc.der):len(tc.der)]
			err := pbeIterationsOK(der)
			if tc.refused != errors.Is(err, ErrUnsupportedPFX) || (!tc.refused && err != nil) {
				t.Errorf("err %v, want refused: %v", err, tc.refused)
			}
		})
	}
}
