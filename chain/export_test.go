package chain

import (
	"crypto/x509"
	"time"
)

// MaxSigChecks is the search's signature budget.
const MaxSigChecks = maxSigChecks

// MaxPathLen bounds the certificates in a path.
const MaxPathLen = maxPathLen

// counting is signedBy, counting its calls in *n.
func counting(n *int) func(child, parent *x509.Certificate) error {
	return func(child, parent *x509.Certificate) error {
		*n++
		return signedBy(child, parent)
	}
}

// BuildPathAtCounting is BuildPathAt, also returning how many signatures
// it checked.
func BuildPathAtCounting(certs []*x509.Certificate, at time.Time) (Path, int) {
	var n int
	p := buildPath(certs, -1, at, counting(&n))
	return p, n
}

// ValidateCounting is Validate, also returning how many signatures its path
// search checked (crypto/x509's Verify checks each candidate path's
// signatures again, uncounted).
func ValidateCounting(leaf *x509.Certificate, presented []*x509.Certificate, o VerifyOptions) (Verdict, int) {
	var n int
	v := validate(leaf, presented, o, counting(&n))
	return v, n
}

// NewCountingSigCache is a SigCache whose misses are counted in *n.
func NewCountingSigCache(n *int) *SigCache {
	c := NewSigCache()
	c.check = counting(n)
	return c
}
