package main

// The error and hint lines in the run's language. The English texts stay
// where they are written (usagef, hintsFor, the chain package's sentinel
// errors); printError finds each in the catalogue: a hint by its English
// text (hint.*, values as %s), a usage error by its format (error.*), the
// chain package's errors by identity. What follows a catalogued text (the
// OS's or Go's own words, file names, values) stays as it is.

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/i18n"
)

// textError is an error whose English format and arguments the error line
// looks up in the catalogue, as a usage error's.
type textError struct {
	format string
	args   []any
}

func (e *textError) Error() string { return fmt.Sprintf(e.format, e.args...) }

// errNoTerminal is the prompt's error when nobody can be asked.
var errNoTerminal = errors.New("no terminal to ask on")

// sentinelIDs are the errors whose whole text is one catalogue entry.
var sentinelIDs = map[error]string{
	chain.ErrTooLarge:       "error.too-large",
	chain.ErrEmpty:          "error.empty",
	chain.ErrNoCertificates: "error.no-certificates",
	chain.ErrUnknownFormat:  "error.unknown-format",
	chain.ErrPasswordNeeded: "error.password-needed",
	chain.ErrBadPassword:    "error.bad-password",
	chain.ErrNotCSR:         "error.not-csr",
	chain.ErrIsDirectory:    "error.is-directory",
	chain.ErrTooManyCerts:   "error.too-many-certs",
	chain.ErrTruncatedPEM:   "error.truncated-pem",
	chain.ErrBadBase64:      "error.bad-base64",
	chain.ErrUnreadable:     "error.unreadable",
	chain.ErrNoAnchor:       "error.no-anchor",
	chain.ErrUnsupportedPFX: "error.unsupported-pfx",
	chain.ErrIncomplete:     "error.incomplete",
	chain.ErrTooDeep:        "error.too-deep",
	chain.ErrEmptyPKCS7:     "error.empty-pkcs7",
	errNoTerminal:           "error.no-terminal",
}

// localError is err's text in the run's language; English is err.Error()
// itself.
func localError(err error) string {
	if i18n.Active().Code() == "en" {
		return err.Error()
	}
	return localiseError(err)
}

func localiseError(err error) string {
	msg := err.Error()
	// A loop, not a map index: an error of an uncomparable type (a slice)
	// would panic as a key; compared with a sentinel's type it is merely
	// unequal.
	for sentinel, id := range sentinelIDs {
		if err == sentinel {
			return i18n.T(id, msg)
		}
	}
	switch e := err.(type) {
	case *usageError:
		return localFormat(e.format, e.args, msg)
	case *textError:
		return localFormat(e.format, e.args, msg)
	case *chain.ParseError:
		s := e.File + ": "
		if e.Block > 0 {
			s += i18n.T("error.block", fmt.Sprintf("block %d", e.Block), e.Block) + ": "
		}
		return s + localiseError(e.Err)
	}
	// A wrapping error (fmt.Errorf with %w): each wrapped error's text,
	// found in order in msg, in the run's language; the rest as it is.
	var inner []error
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		inner = []error{u.Unwrap()}
	case interface{ Unwrap() []error }:
		inner = u.Unwrap()
	}
	var b strings.Builder
	rest := msg
	for _, in := range inner {
		if in == nil {
			continue
		}
		t := in.Error()
		i := strings.Index(rest, t)
		if i < 0 || t == "" {
			continue
		}
		b.WriteString(rest[:i])
		b.WriteString(localiseError(in))
		rest = rest[i+len(t):]
	}
	return b.String() + rest
}

// localFormat is format's catalogue entry with args, those that are errors
// in the run's language too; english when format has no entry.
func localFormat(format string, args []any, english string) string {
	id, ok := i18n.ByEnglish("error.", format)
	if !ok {
		return english
	}
	out := make([]any, len(args))
	for i, a := range args {
		out[i] = a
		if e, ok := a.(error); ok {
			out[i] = localiseError(e)
		}
	}
	return i18n.T(id, english, out...)
}

// localHint is a hint in the run's language: its entry (hint.*) found by
// its English, an argument that is itself a hint ("run 'ome-preflight
// --help'" inside "did you mean ...?") translated too.
func localHint(h string) string {
	id, args, ok := i18n.IdentifyPrefix("hint.", h)
	if !ok {
		return h
	}
	out := make([]any, len(args))
	for i, a := range args {
		out[i] = a
		if aid, aargs, ok := i18n.IdentifyPrefix("hint.", a); ok {
			out[i] = i18n.T(aid, a, anys(aargs)...)
		}
	}
	return i18n.T(id, h, out...)
}

func anys(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}
