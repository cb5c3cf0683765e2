// Package chain is the X.509 mechanics of ome-preflight: it reads certificate
// chains and CSRs in whatever format an administrator has, orders them and
// verifies the links. It knows nothing about OME; the rules live in pairing.
package chain

import (
	"errors"
	"fmt"
)

// MaxFileSize is the largest input read. A certificate chain is a few KiB;
// anything bigger than this is not one.
const MaxFileSize = 10 << 20

// Sentinel errors. Callers test them with errors.Is.
var (
	ErrTooLarge       = errors.New("file is larger than 10 MiB")
	ErrEmpty          = errors.New("file is empty")
	ErrNoCertificates = errors.New("no certificate found")
	ErrUnknownFormat  = errors.New("not a certificate file (PEM, DER, PKCS#7 or PKCS#12)")
	ErrPasswordNeeded = errors.New("PKCS#12 file needs a password")
	ErrBadPassword    = errors.New("PKCS#12 password is incorrect")
	ErrNotCSR         = errors.New("not a certificate signing request")
	ErrIsDirectory    = errors.New("is a directory, not a file")
	ErrTooManyCerts   = errors.New("more than 5000 certificates")
	ErrTruncatedPEM   = errors.New("PEM block has no END line (truncated file?)")
	ErrBadBase64      = errors.New("PEM block is not valid Base64")
	ErrUnreadable     = errors.New("cannot read file")
	ErrNoAnchor       = errors.New("no root certificate to anchor trust")
	ErrUnsupportedPFX = errors.New("PKCS#12 file of a kind this tool cannot read")
	ErrEmptyPKCS7     = errors.New("PKCS#7 bundle holds no certificate")
	errNotPKCS7       = errors.New("not PKCS#7")
)

// ParseError names the file, and the block within it when there is one.
type ParseError struct {
	File  string
	Block int // 1-based PEM block or certificate number; 0 when not about one
	Err   error
}

func (e *ParseError) Error() string {
	if e.Block > 0 {
		return fmt.Sprintf("%s: block %d: %v", e.File, e.Block, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// NotACertificate reports whether err says that a readable file holds no
// certificate at all (random bytes, a key, a CSR, an empty or broken PEM):
// what OME refuses with CSEC9002, as opposed to a file that cannot be read.
func NotACertificate(err error) bool {
	for _, e := range []error{ErrUnknownFormat, ErrNoCertificates, ErrEmpty, ErrTruncatedPEM, ErrBadBase64} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
