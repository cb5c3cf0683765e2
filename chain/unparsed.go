package chain

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Unparsed is a certificate crypto/x509 refused to parse although its DER
// has the structure of an X.509 Certificate (RFC 5280 4.1): a Name
// Constraints extension without subtrees or a malformed Authority
// Information Access, which OpenSSL 3.0 and Java 17 read (measured on
// x509-limbo, stacks_test.go). It was not judged: the chain verdict on the
// file cannot be a pass, nor a refusal of OME's (inferred).
type Unparsed struct {
	Block int // the 1-based PEM block, or DER certificate, that holds it
	// Index is its position among the file's certificates (0: the first,
	// where OME expects the leaf).
	Index int
	// RawSubject and RawIssuer are the DER Names of its TBS.
	RawSubject, RawIssuer []byte
	Err                   error // crypto/x509's refusal
}

// Name is how a report names u: its subject's CN, else its DN, else its
// position in the file.
func (u Unparsed) Name() string {
	var rdn pkix.RDNSequence
	if rest, err := asn1.Unmarshal(u.RawSubject, &rdn); err == nil && len(rest) == 0 {
		var n pkix.Name
		n.FillFromRDNSequence(&rdn)
		if n.CommonName != "" {
			return n.CommonName
		}
		if s := n.String(); s != "" {
			return s
		}
	}
	return fmt.Sprintf("certificate %d (block %d)", u.Index, u.Block)
}

// certificateShape reads der as an X.509 Certificate's structure only:
// SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT
// STRING }, the TBS with its version, serial number, signature algorithm,
// issuer, validity (two times), subject, public key and optional unique
// ids and extensions (each an OID, an optional BOOLEAN and an OCTET
// STRING), and nothing after. Extension values are not read: that is
// where crypto/x509 is stricter than OpenSSL and Java. ok is false for
// anything else (random bytes, a CSR, a CRL, a key).
func certificateShape(der []byte) (subject, issuer []byte, ok bool) {
	in := cryptobyte.String(der)
	var cert, tbs, alg, sig cryptobyte.String
	if !in.ReadASN1(&cert, cbasn1.SEQUENCE) || !in.Empty() ||
		!cert.ReadASN1(&tbs, cbasn1.SEQUENCE) || !cert.ReadASN1(&alg, cbasn1.SEQUENCE) ||
		!cert.ReadASN1(&sig, cbasn1.BIT_STRING) || !cert.Empty() {
		return nil, nil, false
	}
	var serial, validity, spki cryptobyte.String
	var iss, sub cryptobyte.String
	if !tbs.SkipOptionalASN1(cbasn1.Tag(0).Constructed().ContextSpecific()) ||
		!tbs.ReadASN1(&serial, cbasn1.INTEGER) || !tbs.ReadASN1(&alg, cbasn1.SEQUENCE) ||
		!tbs.ReadASN1Element(&iss, cbasn1.SEQUENCE) || !tbs.ReadASN1(&validity, cbasn1.SEQUENCE) ||
		!tbs.ReadASN1Element(&sub, cbasn1.SEQUENCE) || !tbs.ReadASN1(&spki, cbasn1.SEQUENCE) {
		return nil, nil, false
	}
	for range 2 {
		var t cryptobyte.String
		var tag cbasn1.Tag
		if !validity.ReadAnyASN1(&t, &tag) || tag != cbasn1.UTCTime && tag != cbasn1.GeneralizedTime {
			return nil, nil, false
		}
	}
	if !validity.Empty() ||
		!tbs.SkipOptionalASN1(cbasn1.Tag(1).ContextSpecific()) ||
		!tbs.SkipOptionalASN1(cbasn1.Tag(2).ContextSpecific()) {
		return nil, nil, false
	}
	var exts cryptobyte.String
	var hasExts bool
	if !tbs.ReadOptionalASN1(&exts, &hasExts, cbasn1.Tag(3).Constructed().ContextSpecific()) || !tbs.Empty() {
		return nil, nil, false
	}
	if hasExts {
		var list cryptobyte.String
		if !exts.ReadASN1(&list, cbasn1.SEQUENCE) || !exts.Empty() {
			return nil, nil, false
		}
		for !list.Empty() {
			var ext, oid, val cryptobyte.String
			if !list.ReadASN1(&ext, cbasn1.SEQUENCE) || !ext.ReadASN1(&oid, cbasn1.OBJECT_IDENTIFIER) ||
				!ext.SkipOptionalASN1(cbasn1.BOOLEAN) || !ext.ReadASN1(&val, cbasn1.OCTET_STRING) || !ext.Empty() {
				return nil, nil, false
			}
		}
	}
	return sub, iss, true
}

// inertExtension reports whether an extension crypto/x509 may refuse to
// parse is one OpenSSL and Java read without effect on path validation
// (each measured on x509-limbo): a Name Constraints extension without
// subtrees (SEQUENCE {} or empty [0] and [1]), which constrains nothing,
// and a non-critical Authority Information Access, which only says where
// to fetch the issuer.
func inertExtension(oid asn1.ObjectIdentifier, critical bool, value cryptobyte.String) bool {
	switch {
	case oid.Equal(oidAIA):
		return !critical
	case oid.Equal(oidNameConstraints):
		var nc cryptobyte.String
		if !value.ReadASN1(&nc, cbasn1.SEQUENCE) || !value.Empty() {
			return false
		}
		for _, tag := range []cbasn1.Tag{cbasn1.Tag(0).Constructed().ContextSpecific(), cbasn1.Tag(1).Constructed().ContextSpecific()} {
			var subtrees cryptobyte.String
			var present bool
			if !nc.ReadOptionalASN1(&subtrees, &present, tag) || present && !subtrees.Empty() {
				return false
			}
		}
		return nc.Empty()
	}
	return false
}

// withoutInertExtensions is der, a certificate certificateShape accepts,
// rebuilt without its inert extensions (see inertExtension); the signature
// no longer matches, and the result is only for asking crypto/x509 whether
// they were all it refused. ok is false when der has none.
func withoutInertExtensions(der []byte) (out []byte, ok bool) {
	in := cryptobyte.String(der)
	var cert, tbs cryptobyte.String
	var alg, sig cryptobyte.String
	if !in.ReadASN1(&cert, cbasn1.SEQUENCE) || !cert.ReadASN1(&tbs, cbasn1.SEQUENCE) ||
		!cert.ReadASN1Element(&alg, cbasn1.SEQUENCE) || !cert.ReadASN1Element(&sig, cbasn1.BIT_STRING) {
		return nil, false
	}
	extsTag := cbasn1.Tag(3).Constructed().ContextSpecific()
	var head [][]byte
	var kept [][]byte
	removed := false
	for !tbs.Empty() {
		var el, body cryptobyte.String
		var tag cbasn1.Tag
		if !tbs.ReadAnyASN1Element(&el, &tag) {
			return nil, false
		}
		if tag != extsTag {
			head = append(head, el)
			continue
		}
		var list cryptobyte.String
		if !el.ReadASN1(&body, extsTag) || !body.ReadASN1(&list, cbasn1.SEQUENCE) {
			return nil, false
		}
		for !list.Empty() {
			var ext, elem, e, crit, value cryptobyte.String
			var oid asn1.ObjectIdentifier
			var hasCrit bool
			if !list.ReadASN1Element(&ext, cbasn1.SEQUENCE) {
				return nil, false
			}
			elem = ext
			// The critical flag is read as its one content byte: cryptobyte's
			// ReadOptionalASN1Boolean expects an EXPLICIT tag.
			if !elem.ReadASN1(&e, cbasn1.SEQUENCE) || !e.ReadASN1ObjectIdentifier(&oid) ||
				!e.ReadOptionalASN1(&crit, &hasCrit, cbasn1.BOOLEAN) || !e.ReadASN1(&value, cbasn1.OCTET_STRING) {
				return nil, false
			}
			critical := hasCrit && len(crit) == 1 && crit[0] != 0
			if inertExtension(oid, critical, value) {
				removed = true
				continue
			}
			kept = append(kept, ext)
		}
	}
	if !removed {
		return nil, false
	}
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			for _, el := range head {
				b.AddBytes(el)
			}
			if len(kept) > 0 {
				b.AddASN1(extsTag, func(b *cryptobyte.Builder) {
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
						for _, ext := range kept {
							b.AddBytes(ext)
						}
					})
				})
			}
		})
		b.AddBytes(alg)
		b.AddBytes(sig)
	})
	out, err := b.Bytes()
	return out, err == nil
}
