package main

// All user-facing talk that is not a report lives here.
//
// Rules:
//   - stdout carries only the report (text, json or markdown); everything
//     else goes to stderr.
//   - errors are printed as "ome-preflight: error: ..." and each hint on its
//     own line as "ome-preflight: hint: ...".
//   - exit codes are decided in exitCode and nowhere else: 0 pass, 1 fail,
//     2 usage error or unreadable input, 3 incomplete.
//   - no private key or password is ever printed or logged.

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/i18n"
	"github.com/ome-preflight/ome-preflight/render"
	"github.com/ome-preflight/ome-preflight/report"
	"golang.org/x/term"
)

// Exit codes, the contract (README "Exit codes").
const (
	exitPass       = 0
	exitFail       = 1
	exitUsage      = 2
	exitIncomplete = 3
)

// usageError is a bad flag or argument.
type usageError struct {
	msg   string
	hints []string
	// format and args are msg's English format and its arguments: the
	// error line looks format up in the catalogue (error.*).
	format string
	args   []any
}

func (e *usageError) Error() string { return e.msg }

func usagef(hint string, format string, args ...any) error {
	var h []string
	if hint != "" {
		h = []string{hint}
	}
	return usageHints(h, format, args...)
}

// usageHints is usagef with any number of hints.
func usageHints(hints []string, format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...), hints: hints, format: format, args: args}
}

// verdictError carries a finished report's exit code through urfave/cli.
type verdictError struct{ code int }

func (e *verdictError) Error() string { return fmt.Sprintf("exit %d", e.code) }

func verdictCode(verdict report.Verdict) error {
	switch verdict {
	case report.VerdictFail:
		return &verdictError{exitFail}
	case report.VerdictIncomplete:
		return &verdictError{exitIncomplete}
	}
	return nil
}

// exitCode maps an action's error to the process exit code, printing it.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitPass
	}
	var ve *verdictError
	if errors.As(err, &ve) {
		return ve.code
	}
	printError(stderr, err)
	return exitUsage
}

// printError prints err and its hints in the run's language (localError,
// localHint); the prefixes stay English: scripts grep them.
func printError(w io.Writer, err error) {
	// One line per line of the message, each escaped (a value inside it may
	// come from a file or an appliance).
	for i, line := range strings.Split(strings.TrimRight(localError(err), "\n"), "\n") {
		if i == 0 {
			fmt.Fprintf(w, "ome-preflight: error: %s\n", render.TermSafe(line))
		} else {
			fmt.Fprintf(w, "ome-preflight:   %s\n", render.TermSafe(line))
		}
	}
	hints := hintsFor(err)
	if len(hints) == 0 {
		// Every error says what to do next, even one nobody foresaw.
		hints = []string{"run the command with --help for its usage, or with --log-level debug for what led to this"}
	}
	for _, h := range hints {
		fmt.Fprintf(w, "ome-preflight: hint: %s\n", render.TermSafe(localHint(h)))
	}
}

func hintsFor(err error) []string {
	var ue *usageError
	if errors.As(err, &ue) {
		return ue.hints
	}
	switch {
	case errors.Is(err, chain.ErrPasswordNeeded):
		return []string{"set OME_PREFLIGHT_PFX_PASSWORD, or run in a terminal to be asked; or export the certificates as Base-64 X.509 instead"}
	case errors.Is(err, chain.ErrBadPassword):
		return []string{"check OME_PREFLIGHT_PFX_PASSWORD; the password is never taken as a flag"}
	case errors.Is(err, chain.ErrUnsupportedPFX):
		return []string{"convert it with: openssl pkcs12 -in FILE.pfx -nokeys -out chain.pem"}
	case errors.Is(err, chain.ErrTooLarge):
		return []string{"a certificate chain is a few KiB: is this the right file?"}
	case errors.Is(err, chain.ErrIsDirectory):
		return []string{"give the chain file inside it"}
	case errors.Is(err, chain.ErrNotCSR):
		return []string{"csr and --csr take the certificate signing request generated on the appliance (-----BEGIN CERTIFICATE REQUEST-----)"}
	case errors.Is(err, chain.ErrEmpty), errors.Is(err, chain.ErrNoCertificates), errors.Is(err, chain.ErrUnknownFormat),
		errors.Is(err, chain.ErrTruncatedPEM), errors.Is(err, chain.ErrBadBase64):
		return []string{"give the certificate chain file you plan to upload: Base64 PEM, DER, PKCS#7 (.p7b) or PKCS#12 (.pfx) are read"}
	case errors.Is(err, chain.ErrUnreadable):
		return []string{"check the path and its permissions"}
	case errors.Is(err, chain.ErrIncomplete):
		return []string{"give the CA certificates too, as files or a folder: the issuing CA and the root, exported as Base-64 X.509 or the .p7b your CA returned with the certificate (ome-preflight assemble -o chain.pem appliance.cer ./ca-certs)"}
	case errors.Is(err, chain.ErrTooManyCerts):
		return []string{"a chain is a handful of certificates: give the appliance's chain, not a whole trust store"}
	case errors.Is(err, chain.ErrTooDeep):
		return []string{"the file is not a certificate OME could read: export it again from the CA as Base-64 X.509"}
	case errors.Is(err, chain.ErrNoAnchor):
		return []string{"give the root CA certificate too (--ca FILE, or in the chain file)"}
	}
	return nil
}

// isTerminal reports whether w is a terminal.
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// pfxPassword returns the PKCS#12 password from the environment or a prompt.
func pfxPassword(stdin io.Reader, stderr io.Writer) func() (string, error) {
	return func() (string, error) {
		if pw, ok := os.LookupEnv("OME_PREFLIGHT_PFX_PASSWORD"); ok {
			return pw, nil
		}
		pw, err := prompt(&env{stdin: stdin, stderr: stderr}, i18n.T("prompt.pfx-password", "PKCS#12 password"))
		if err != nil {
			return "", &textError{format: "no password in OME_PREFLIGHT_PFX_PASSWORD and %v", args: []any{err}}
		}
		return pw, nil
	}
}

// say prints a line for people on stderr: what a command changed or wrote.
// Values in it (certificate names, file names) may come from a file or an
// appliance: each line is escaped as the reports are.
func (e *env) say(format string, args ...any) {
	for _, line := range strings.Split(fmt.Sprintf(format, args...), "\n") {
		fmt.Fprintf(e.stderr, "ome-preflight: %s\n", render.TermSafe(line))
	}
}

// progress redraws one status line on a terminal; done clears it. The line
// is escaped (an inventory's pair name is the user's file, not ours).
func (e *env) progress(format string, args ...any) {
	fmt.Fprintf(e.stderr, "\r\x1b[K%s", render.TermSafe(fmt.Sprintf(format, args...)))
}

// prompt asks for a secret on the terminal without echo.
func prompt(e *env, label string) (string, error) {
	f, ok := e.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", errNoTerminal
	}
	fmt.Fprintf(e.stderr, "%s: ", label)
	b, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(e.stderr)
	return string(b), err
}
