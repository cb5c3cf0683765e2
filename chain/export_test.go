package chain

import "crypto/x509"

// SigChecks is the number of signature verifications so far.
func SigChecks() int64 { return sigChecks.Load() }

// MaxSigChecks is the search's signature budget.
const MaxSigChecks = maxSigChecks

// ResetMemo forgets every signature check (benchmarks measure cold work).
func ResetMemo() {
	sigMemo.Lock()
	sigMemo.m = map[sigKey]error{}
	sigMemo.digests = map[*x509.Certificate]certDigest{}
	sigMemo.Unlock()
}

// SignedByForTest reports whether parent's key verifies child's signature,
// through the memo.
func SignedByForTest(child, parent *x509.Certificate) bool { return signedBy(child, parent) == nil }
