package chain

// SigChecks is the number of signature verifications so far.
func SigChecks() int64 { return sigChecks.Load() }

// MaxSigChecks is the search's signature budget.
const MaxSigChecks = maxSigChecks

// ResetMemo forgets every signature check (benchmarks measure cold work).
func ResetMemo() {
	sigMemo.Lock()
	sigMemo.m = map[sigKey]error{}
	sigMemo.Unlock()
}

// X509Verifies is the number of paths given to crypto/x509's Verify.
func X509Verifies() int64 { return x509Verifies.Load() }
