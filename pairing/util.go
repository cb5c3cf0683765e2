package pairing

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
)

func hexSHA(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// spkiHex is the SHA-256 of c's public key info.
func spkiHex(c *x509.Certificate) string { return hexSHA(c.RawSubjectPublicKeyInfo) }

func short(h string) string {
	if len(h) > 16 {
		return h[:16] + "..."
	}
	return h
}
