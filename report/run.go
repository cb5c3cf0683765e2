package report

import "time"

// Run says what produced a report, for the change ticket: the tool and its
// version, the instant it ran (the run's clock), and the SHA-256 of each
// input file it read.
type Run struct {
	Tool    string    `json:"tool"`
	Version string    `json:"version"`
	At      time.Time `json:"at"`
	// Inputs are the files the report judged, in the order the command
	// names them. A private key is never listed.
	Inputs []InputHash `json:"inputs"`
}

// InputHash is one input file and the SHA-256 of its bytes.
type InputHash struct {
	// Role is what the file is to the command: "chain", "--csr",
	// "source chain", "inventory"...
	Role string `json:"role"`
	File string `json:"file"`
	// SHA256 is the lower-case hex digest of the file's bytes, or "" when
	// the file could not be read again (Error says why).
	SHA256 string `json:"sha256"`
	Bytes  int64  `json:"bytes"`
	Error  string `json:"error,omitempty"`
}

// ShortSHA is the first 16 hex digits of a digest, for narrow places.
func ShortSHA(s string) string {
	if len(s) > 16 {
		return s[:16]
	}
	return s
}
