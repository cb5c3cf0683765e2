package pairing

import (
	"crypto/sha256"
	"encoding/hex"
)

func hexSHA(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func short(h string) string {
	if len(h) > 16 {
		return h[:16] + "..."
	}
	return h
}
