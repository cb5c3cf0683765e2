package chain

import (
	"encoding/asn1"
	"fmt"
	"math/big"
)

// maxPBEIterations bounds the key-derivation work a PKCS#12 file may ask
// for. OpenSSL writes 2048, Windows 2000, Java 10000; a hostile file can ask
// for 2^31 and hang the reader for hours.
const maxPBEIterations = 200_000

// pbeIterationsOK walks the ASN.1 of a PFX and refuses any iteration count
// (an INTEGER right after a salt in the same SEQUENCE: MAC data, PBE and
// PBKDF2/PBMAC1 parameters) above maxPBEIterations. A salt is recognised as
// go-pkcs12 recognises it: by tag number 4 in any class.
func pbeIterationsOK(der []byte) error {
	return walkIterations(der, 0)
}

func walkIterations(der []byte, depth int) error {
	if depth > 24 {
		return nil
	}
	prevOctet := false
	for len(der) > 0 {
		var v asn1.RawValue
		rest, err := asn1.Unmarshal(der, &v)
		if err != nil {
			return nil
		}
		switch {
		case v.Class == asn1.ClassUniversal && v.Tag == asn1.TagInteger && prevOctet:
			n := new(big.Int).SetBytes(v.Bytes)
			if len(v.Bytes) > 0 && v.Bytes[0]&0x80 == 0 && n.Cmp(big.NewInt(maxPBEIterations)) > 0 {
				return fmt.Errorf("%w: key derivation asks for %s iterations (more than %d)", ErrUnsupportedPFX, n, maxPBEIterations)
			}
		case v.IsCompound:
			if err := walkIterations(v.Bytes, depth+1); err != nil {
				return err
			}
		case v.Class == asn1.ClassUniversal && v.Tag == asn1.TagOctetString && len(v.Bytes) > 0 && v.Bytes[0] == 0x30:
			if err := walkIterations(v.Bytes, depth+1); err != nil {
				return err
			}
		}
		// go-pkcs12 takes a salt by its tag number alone, whatever its
		// class: a salt tagged [4] must hide no iteration count.
		prevOctet = v.Tag == asn1.TagOctetString
		der = rest
	}
	return nil
}
