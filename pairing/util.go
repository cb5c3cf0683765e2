package pairing

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"strings"
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

// ShortIssuer shows the issuer's CN when it has one.
func ShortIssuer(dn string) string {
	for _, part := range splitDN(dn) {
		if strings.HasPrefix(part, "CN=") {
			return strings.TrimPrefix(part, "CN=")
		}
	}
	return dn
}

func splitDN(dn string) []string {
	var parts []string
	start, esc := 0, false
	for i := 0; i < len(dn); i++ {
		switch {
		case esc:
			esc = false
		case dn[i] == '\\':
			esc = true
		case dn[i] == ',':
			parts = append(parts, dn[start:i])
			start = i + 1
		}
	}
	return append(parts, dn[start:])
}
