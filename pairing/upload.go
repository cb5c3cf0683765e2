package pairing

import (
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/report"
)

// InputKind names an input a rule asks for when it is missing.
type InputKind int

// Inputs the rules ask for.
const (
	CSRInput         InputKind = iota + 1 // the CSR generated on the appliance
	NameInput                             // the name the peer uses to reach the appliance
	ChainInput                            // the chain the appliance is expected to serve
	FingerprintInput                      // the SHA-256 of the expected leaf
	CredentialInput                       // the user and the variable holding its password
	AddressInput                          // the appliance's address (probe, checklist)
)

// Flags words, for a hint, how the user gives input kind for side: the
// command layer knows its flags ("--csr", "--source-csr"); "" when the
// command takes no such input.
type Flags func(side report.Side, kind InputKind) string

// flag is how the user gives kind for side ("" when they cannot).
func (f Flags) flag(side report.Side, kind InputKind) string {
	if f == nil {
		return ""
	}
	return f(side, kind)
}

// ExpiryWarning is how close to notAfter a certificate earns a warning.
const ExpiryWarning = 30 * 24 * time.Hour

// MaxDepth is OME's maximum chain depth.
const MaxDepth = 10

// Subject is one appliance's upload as the upload rules see it.
type Subject struct {
	Input *chain.Input
	// Path is the path the one verifier judged (chain.Judge): the
	// validated one, the failing one its Verdict describes, or how far the
	// file goes.
	Path    chain.Path
	Verdict chain.Verdict
	// Cache shares signature checks with the other verdicts of this run.
	Cache *chain.SigCache
	// Anchors are the roots the peer trusts when given apart from the file
	// (check --ca); nil: the file's own self-signed certificates.
	Anchors []*x509.Certificate
	// anchorChoice says which of several self-signed certificates the
	// verdict is anchored at ("" when there was no choice).
	anchorChoice string
	CSR          *chain.CSR // nil when no CSR was given
	Mode         report.Mode
	At           time.Time // the appliance's clock
	Name         string    // the name the peer uses, "" when not given
	// APINames are the DNS name and addresses the appliance's own API
	// reports (AddressConfiguration): the names its peer may dial, judged
	// by leaf-name when no Name was given.
	APINames []string
	// Side is the appliance's side in a pair (SideNone for check); Flags
	// words the inputs its rules ask for.
	Side  report.Side
	Flags Flags
}

// NewSubject judges in with the one verifier: anchored at the file's own
// self-signed certificates (chain.Anchors), at the appliance's clock, for
// the usages the mode needs.
func NewSubject(in *chain.Input, csr *chain.CSR, mode report.Mode, at time.Time, name string) *Subject {
	return newSubject(in, csr, mode, at, name, nil)
}

// newSubject is NewSubject sharing signature checks through cache (nil:
// none).
func newSubject(in *chain.Input, csr *chain.CSR, mode report.Mode, at time.Time, name string, cache *chain.SigCache) *Subject {
	return newSubjectWith(in, csr, mode, at, name, cache, nil)
}

// newSubjectWith is newSubject with the anchors the peer trusts (check
// --ca); nil: the file's own self-signed certificates.
func newSubjectWith(in *chain.Input, csr *chain.CSR, mode report.Mode, at time.Time, name string, cache *chain.SigCache, anchors []*x509.Certificate) *Subject {
	if mode == "" {
		mode = report.ModeMigration
	}
	s := &Subject{Input: in, CSR: csr, Mode: mode, At: at.UTC(), Name: name, Cache: cache, Anchors: anchors}
	// The whole question, as the peer asks it: serverAuth, the name when
	// given, at this appliance's clock.
	s.Path, s.Verdict = chain.Judge(in.Certs, chain.VerifyOptions{At: s.At, Usage: x509.ExtKeyUsageServerAuth, Name: name, Cache: cache, Anchors: anchors})
	leaf, _ := s.leaf()
	if mode == report.ModeMigration && s.Verdict.OK() && leaf != nil {
		// Each appliance is client too: the same path, for clientAuth (a
		// CA's EKU may allow serverAuth only).
		path := s.Verdict.Path
		if v := chain.Validate(leaf, path, chain.VerifyOptions{Anchors: path[len(path)-1:], At: s.At, Usage: x509.ExtKeyUsageClientAuth, Cache: cache}); !v.OK() {
			s.Verdict = v
		}
	}
	if bad := in.Facts.BadBlocks; len(bad) > 0 {
		// A certificate crypto/x509 could not read was not judged: the
		// verdict on the others is not the file's (the encoding rule says
		// what the block is).
		s.Verdict = chain.Verdict{Path: s.Verdict.Path, Reason: chain.Unreadable,
			Err: fmt.Errorf("%s: %s could not be read as X.509, so the chain was judged without it", in.File, strings.Join(bad, "; "))}
	} else if len(in.Unparsed) > 0 {
		// A certificate only crypto/x509 refuses: what OME's stacks would
		// say of the chain is not known here, neither a pass nor a refusal.
		s.Verdict = unparsedVerdict(in, s.Verdict.Path)
	}
	if n := len(chain.Anchors(in.Certs, nil)); anchors == nil && n > 1 && len(s.Verdict.Path) > 0 {
		s.anchorChoice = fmt.Sprintf("the file holds %d self-signed certificates that could each be a trust anchor; the path judged ends at \"%s\": give --ca with the root the peer appliance trusts",
			n, chain.Name(s.Verdict.Path[len(s.Verdict.Path)-1]))
		if s.Verdict.OK() {
			// Which root the peer trusts is not in the file: the path is
			// valid only if it is this one. Not a pass (OpenSSL and Java
			// refuse a path to a root they do not hold).
			s.Verdict = chain.Verdict{Path: s.Verdict.Path, Reason: chain.CannotJudge, Err: &chain.CannotJudgeError{Why: s.anchorChoice}}
		} else {
			s.Verdict.Caveats = append(s.Verdict.Caveats, s.anchorChoice)
		}
	}
	return s
}

func (s *Subject) certs() []*x509.Certificate { return s.Input.Certs }

// unparsedVerdict is the chain verdict on a file holding certificates
// that crypto/x509 cannot parse and OpenSSL and Java read (in.Unparsed):
// cannot judge, naming the first and saying how to check it.
func unparsedVerdict(in *chain.Input, path []*x509.Certificate) chain.Verdict {
	u := in.Unparsed[0]
	role := "a CA certificate"
	if u.Index == 0 {
		role = "the leaf (the file's first certificate)"
	}
	more := ""
	if n := len(in.Unparsed); n > 1 {
		more = fmt.Sprintf(" (and %d more like it)", n-1)
	}
	return chain.Verdict{Path: path, Reason: chain.CannotJudge, Err: &chain.CannotJudgeError{
		Why: fmt.Sprintf("%s: block %d, \"%s\", %s, is an X.509 certificate crypto/x509 cannot parse (%v)%s; OpenSSL and Java read such certificates (inferred from OpenSSL 3.0 and Java 17 on x509-limbo), so what OME's stacks decide about the chain is not known here: check it with openssl verify -CAfile root.pem -untrusted chain.pem leaf.pem, or have it reissued without the malformed extension",
			in.File, u.Block, u.Name(), role, u.Err, more),
		Fix: fmt.Sprintf("Check the chain with OpenSSL, as the appliance's web server would: openssl verify -CAfile root.pem -untrusted chain.pem leaf.pem (root.pem the root, chain.pem the intermediates, leaf.pem the appliance certificate, each split from %s); or have \"%s\" reissued without the malformed extension.", in.File, u.Name())}}
}

// unparsedLeaf is the certificate crypto/x509 could not parse at the
// file's first position, where OME takes the leaf.
func (s *Subject) unparsedLeaf() (chain.Unparsed, bool) {
	for _, u := range s.Input.Unparsed {
		if u.Index == 0 {
			return u, true
		}
	}
	return chain.Unparsed{}, false
}

// unparsedIssuer is the certificate crypto/x509 could not parse that
// would have issued c (by name).
func (s *Subject) unparsedIssuer(c *x509.Certificate) (chain.Unparsed, bool) {
	for _, u := range s.Input.Unparsed {
		if string(u.RawSubject) == string(c.RawIssuer) {
			return u, true
		}
	}
	return chain.Unparsed{}, false
}

// indexOf is the file position of c (its first occurrence), or nil: the
// verdict's certificate at fault as findings and chain_verdict name it.
func (s *Subject) indexOf(c *x509.Certificate) *int {
	if c == nil {
		return nil
	}
	for i, x := range s.certs() {
		if x.Equal(c) {
			return intp(i)
		}
	}
	return nil
}

// hasLeaf: a rule on the leaf (or on the path from it) needs a
// certificate.
func hasLeaf(s *Subject) (bool, string) {
	if u, ok := s.unparsedLeaf(); ok {
		return false, fmt.Sprintf("the leaf, block %d \"%s\", is a certificate crypto/x509 cannot parse: chain-verify says what OME's stacks would do", u.Block, u.Name())
	}
	if len(s.Path.Order) == 0 {
		return false, "no certificate to judge"
	}
	return true, ""
}
func (s *Subject) leaf() (*x509.Certificate, int) {
	if len(s.Path.Order) == 0 {
		return nil, -1
	}
	return s.Input.Certs[s.Path.Order[0]], s.Path.Order[0]
}

// label names certificate i the way findings do: `certificate 0 "OMENT-310" (leaf)`.
func (s *Subject) label(i int) string {
	return fmt.Sprintf("certificate %d \"%s\" (%s)", i, chain.Name(s.Input.Certs[i]), s.Path.Role(s.Input.Certs, i))
}

// uploadRule is an upload rule, declared as zlint declares a lint: the
// catalogue entry, whether it applies to a subject, and its check. Each is
// declared next to its check function; uploadRules lists them in catalogue
// order.
type uploadRule struct {
	Rule
	// Applies says whether the rule applies to s; when it does not, why
	// (the check's na reason; "" when the rule was not asked for at all and
	// the check is na without one). nil: it always applies.
	Applies func(s *Subject) (ok bool, why string)
	Check   func(s *Subject) []Result
}

// run is the rule on s: na with Applies' reason when it does not apply,
// otherwise its check.
func (u *uploadRule) run(s *Subject) []Result {
	if u.Applies != nil {
		if ok, why := u.Applies(s); !ok {
			return []Result{{Status: NA, Reason: why}}
		}
	}
	return u.Check(s)
}

const (
	msgCSR       = "Invalid CSR key."
	msgEKU       = "No Client/Server authentication EKU present in leaf certificate."
	msgWebServer = "User Certificate is not a web server certificate."
	msgChain     = "Invalid certificate chain provided."
	kb           = "KB 000221202"
)

var convertFix = `Export the certificates as "Base-64 encoded X.509 (.CER)" in the Windows certificate export wizard and join them leaf, intermediates, root in one file; or convert with openssl: `

// uploadRules are the KB's upload requirements, in the KB's order, then our
// inferred ones.
var uploadRules = []*uploadRule{
	ruleCSRKey,
	ruleCSRWildcard,
	ruleEncoding,
	ruleEncodingText,
	ruleLeafEKU,
	ruleLeafKU,
	ruleChainComplete,
	ruleChainSignature,
	ruleChainOrder,
	ruleChainUnrelated,
	ruleChainDepth,
	ruleChainVerify,
	ruleCAConstraints,
	ruleCommonName,
	ruleLeafWildcard,
	ruleValidity,
	ruleExpiring,
	ruleLeafKeyType,
	ruleKeySize,
	ruleWeakSignature,
	ruleLeafIsCA,
	ruleLeafName,
}

var ruleCSRKey = &uploadRule{Rule: Rule{ID: "csr-key", Family: FamilyUpload, Severity: SevError, OMEMessageID: "CGEN1008", OMEMessageArgs: []string{msgCSR},
	Citation:    kb + " #1",
	Description: "The leaf certificate was issued for a CSR generated on this appliance: its public key is the CSR's.",
	Cause:       "the uploaded certificate was not issued for the CSR generated on this appliance (its public key differs), or a new CSR was generated after it was signed",
	Fix:         "Have the CA sign the CSR generated on this appliance (Application Settings > Security > Certificates > Generate Certificate Signing Request), and upload what it returns; do not generate a new CSR in between."},
	Applies: csrKeyApplies,
	Check:   checkCSRKey}

// csrKeyApplies: csr-key needs the CSR (without one it is na, saying which
// flag gives it when the command takes one) and a leaf.
func csrKeyApplies(s *Subject) (bool, string) {
	if s.CSR == nil {
		return false, noCSR(s)
	}
	return hasLeaf(s)
}

func checkCSRKey(s *Subject) []Result {
	leaf, li := s.leaf()
	type eq interface{ Equal(crypto.PublicKey) bool }
	k, ok := leaf.PublicKey.(eq)
	if ok && k.Equal(s.CSR.Req.PublicKey) {
		return []Result{{Status: Pass}}
	}
	return []Result{{Status: Error, CertIndex: intp(li), Details: fmt.Sprintf(
		"%s has a different public key (SPKI SHA-256 %s) from the CSR %s (%s): it was not issued for this appliance's CSR",
		s.label(li), short(spkiHex(leaf)), s.CSR.File, spki(s.CSR.Req))}}
}

func spki(r *x509.CertificateRequest) string {
	return "SPKI SHA-256 " + short(hexSHA(r.RawSubjectPublicKeyInfo))
}

var ruleCSRWildcard = &uploadRule{Rule: Rule{ID: "csr-wildcard", Family: FamilyUpload, Severity: SevError, OMEMessageID: "CGEN6002", OMEMessageArgs: []string{"DistinguishedName"},
	Citation:    kb + " #6",
	Description: "The CSR's distinguished name has no wildcard (*); OME refuses to generate such a CSR.",
	Cause:       "the CSR's distinguished name is missing or invalid, e.g. a wildcard (*) in the common name",
	Fix:         "Generate the CSR on the appliance with the appliance's own host name as common name, without '*'; OME does not support wildcard certificates."},
	Applies: csrGiven,
	Check:   checkCSRWildcard}

// csrGiven: a rule on the CSR applies when one was given (otherwise it is
// na, saying which input gives it, as csr-key does).
func csrGiven(s *Subject) (bool, string) {
	if s.CSR == nil {
		return false, noCSR(s)
	}
	return true, ""
}

// noCSR is why a rule on the CSR did not run: no CSR, and which flag gives
// it when the command takes one.
func noCSR(s *Subject) string {
	if flag := s.Flags.flag(s.Side, CSRInput); flag != "" {
		return "no CSR given (use " + flag + " with the CSR generated on this appliance)"
	}
	return "no CSR given (the CSR generated on this appliance)"
}

func checkCSRWildcard(s *Subject) []Result {
	out := csrWildcard(s.CSR)
	if !s.CSR.SignatureOK {
		out = append(out, Result{Status: Warn, Details: fmt.Sprintf("the CSR %s's signature does not verify: the file is damaged", s.CSR.File), Fix: "Copy the CSR again from the appliance."})
	}
	if len(out) == 0 {
		return []Result{{Status: Pass}}
	}
	return out
}

// csrWildcard is csr-wildcard on the CSR's distinguished name alone (the
// csr command judges the signature with csr-signature).
func csrWildcard(c *chain.CSR) []Result {
	if strings.Contains(c.Req.Subject.String(), "*") {
		return []Result{{Status: Error, Details: fmt.Sprintf("the CSR %s has a wildcard in its subject \"%s\"", c.File, c.Req.Subject.String())}}
	}
	return nil
}

// fromTLS: a chain read from a handshake has no file whose format or text
// could be judged.
const fromTLS = "the chain was read from the appliance's TLS handshake, not from the file that was uploaded"

// ruleEncoding: "Het certificaatbestand vereist een codering van basis 64"
// (KB 000221202 #2: the file must be Base 64). A PEM-armoured PKCS#7 chain
// is where Dell's sources disagree: the KB asks for Base 64 X.509, while
// Dell's Ansible module ome_application_certificate lists .p7b among the
// formats of upload_file (".crt, .cer, .ca-bundle, .p7b, .der, and .pem")
// and uploads "/path/certificate_chain.p7b" with command upload_cert_chain
// in its example. That is a warning naming both; a binary (DER) file stays
// an error.
var ruleEncoding = &uploadRule{Rule: Rule{ID: "encoding", Family: FamilyUpload, Severity: SevError, OMEMessageID: "CSEC9002", OMEMessageArgs: []string{},
	Citation:    kb + " #2; PEM PKCS#7: " + ansibleP7B,
	Description: "The file is Base64-encoded (PEM) X.509: not DER, PKCS#7, PKCS#12 or UTF-16 text (a PEM-armoured PKCS#7 chain is a warning: Dell's sources disagree).",
	Cause:       "the file is not a Base64 PEM X.509 certificate (DER, PKCS#7, PKCS#12 or UTF-16 text), or, for a single server certificate, its Key Usage lacks Key Encipherment",
	Fix:         convertFix + "openssl x509 -inform DER -in cert.cer -out cert.pem"},
	Applies: fromFile,
	Check:   checkEncoding}

// fromFile: a rule on the file's format applies to a chain read from a
// file, not to one read from a TLS handshake.
func fromFile(s *Subject) (bool, string) {
	if s.Input.Encoding == chain.EncTLS {
		return false, fromTLS
	}
	return true, ""
}

func checkEncoding(s *Subject) []Result {
	in := s.Input
	var out []Result
	var how string
	switch in.Encoding {
	case chain.EncPEM:
	case chain.EncDER:
		how = "DER (binary) X.509"
		out = append(out, Result{Fix: convertFix + fmt.Sprintf("openssl x509 -inform DER -in %s -out upload.pem", in.File)})
	case chain.EncPKCS7DER:
		how = "a binary (DER) PKCS#7 (.p7b) bundle"
		out = append(out, Result{Fix: pkcs7Fix(in.File, "DER")})
	case chain.EncPKCS7PEM:
		// Dell's sources disagree (see ruleEncoding): a warning naming
		// both; the certificates are judged by the other rules.
		out = append(out, Result{Status: Warn,
			Details: fmt.Sprintf("%s is a PEM-armoured PKCS#7 bundle (-----BEGIN PKCS7-----). Dell's sources disagree on whether OME takes it: KB 000221202 asks for a Base 64 X.509 file (else CSEC9002), while Dell's Ansible module ome_application_certificate lists .p7b among its upload formats and uploads a .p7b chain in its own example (command: upload_cert_chain). The certificates in it were read and judged", in.File),
			Fix:     "To be safe, upload Base64 PEM X.509, which both sources accept. " + pkcs7Fix(in.File, "PEM")})
	case chain.EncPKCS12:
		how = "a PKCS#12 (.pfx/.p12) file"
		out = append(out, Result{Fix: fmt.Sprintf("Run 'ome-preflight assemble -o upload.pem %s' (certificates only, in order, Base64 PEM; the key is left out). Or: openssl pkcs12 -in %s -nokeys | openssl crl2pkcs7 -nocrl -certfile /dev/stdin | openssl pkcs7 -print_certs | grep -v -e '^subject=' -e '^issuer=' -e '^$' > upload.pem, then put the certificates in order", in.File, in.File)})
	case chain.EncUTF16PEM:
		how = "PEM saved as UTF-16 text (Windows PowerShell 5.1 '>' and Out-File write UTF-16)"
		out = append(out, Result{Fix: fmt.Sprintf("Save the file as ASCII: in PowerShell, Get-Content %s | Set-Content -Encoding ascii upload.pem (or Out-File -Encoding ascii); on Linux: iconv -f UTF-16 -t ASCII %s > upload.pem", in.File, in.File)})
	default:
		how = "not PEM (" + strings.Join(in.Notes, ", ") + ")"
		out = append(out, Result{Fix: "Wrap each certificate in -----BEGIN CERTIFICATE----- / -----END CERTIFICATE----- lines, or export it again as \"Base-64 encoded X.509 (.CER)\"."})
	}
	if how != "" {
		out[0].Status = Error
		out[0].Details = fmt.Sprintf("%s is %s; OME accepts only Base64 PEM X.509 (the certificates were read anyway and are shown)", in.File, how)
	}
	for k, b := range in.Facts.BadBlocks {
		if k == 3 {
			b = fmt.Sprintf("and %d more blocks like these", len(in.Facts.BadBlocks)-3)
		}
		out = append(out, Result{Status: Error, Details: fmt.Sprintf("%s: %s", in.File, b),
			Fix: "Copy the certificate again from its source; a PEM block must hold unbroken Base64 of one X.509 certificate."})
		if k == 3 {
			break
		}
	}
	if in.Facts.TrailingData {
		out = append(out, Result{Status: Error, Details: fmt.Sprintf("%s has bytes after the certificate data", in.File),
			Fix: "Export the certificate again; the file is damaged or has something appended."})
	}
	if len(out) == 0 {
		return []Result{{Status: Pass}}
	}
	return out
}

// ansibleP7B cites the Dell source that takes a .p7b chain.
const ansibleP7B = "Dell's Ansible module ome_application_certificate (.p7b among its upload formats; its example uploads a .p7b chain)"

// pkcs7Fix converts a PKCS#7 bundle (inform DER or PEM) into the file the
// KB asks for.
func pkcs7Fix(file, inform string) string {
	return fmt.Sprintf("Run 'ome-preflight assemble -o upload.pem %s' (it writes leaf, intermediates, root in Base64 PEM). Or export each certificate as \"Base-64 encoded X.509 (.CER)\" in the Windows export wizard and join them in that order; or: openssl pkcs7 -inform %s -in %s -print_certs | grep -v -e '^subject=' -e '^issuer=' -e '^$' > upload.pem, then put the certificates in order", file, inform, file)
}

var ruleEncodingText = &uploadRule{Rule: Rule{ID: "encoding-text", Family: FamilyUpload, Severity: SevWarning, Inferred: true,
	Citation:    kb + " #2 (text around the Base64 is our reading)",
	Description: "The PEM file holds only certificate blocks: no BOM, no text around them, no indented lines or missing Base64 padding, no keys.",
	Fix:         "Keep only the -----BEGIN CERTIFICATE----- ... -----END CERTIFICATE----- blocks, saved as plain ASCII (ome-preflight reads the file either way; OME's parser may not)."},
	Applies: fromFile,
	Check:   checkEncodingText}

func checkEncodingText(s *Subject) []Result {
	f := s.Input.Facts
	var out []Result
	warn := func(d string) { out = append(out, Result{Status: Warn, Details: s.Input.File + ": " + d}) }
	info := func(d string) { out = append(out, Result{Status: Info, Details: s.Input.File + ": " + d}) }
	if f.UTF8BOM {
		warn("starts with a UTF-8 byte order mark (Notepad and PowerShell 7 write one); OME's parser may reject it")
	}
	if f.TextBefore || f.TextBetween || f.TextAfter {
		warn("has text around the PEM blocks (openssl \"Bag Attributes\", subject= lines or notes); OME's parser may reject it")
	}
	if f.PrivateKey && s.Input.Encoding != chain.EncPKCS12 {
		out = append(out, Result{Status: Warn, Details: s.Input.File + ": holds a private key (not shown); never upload a private key to OME",
			Fix: "Remove the private key block; OME keeps the key that generated the CSR."})
	}
	for _, t := range f.OtherBlocks {
		switch {
		case t == chain.TrustedCertBlock:
			out = append(out, Result{Status: Warn, Details: s.Input.File + ": holds a TRUSTED CERTIFICATE block (OpenSSL trust format); ome-preflight read the certificate in it, OME's parser may not",
				Fix: "Save that certificate as a plain CERTIFICATE block (openssl x509 -in FILE -out plain.pem drops the trust settings) and rebuild the chain file with it."})
		case !strings.Contains(t, "PRIVATE KEY"):
			warn("holds a " + t + " block, which is not a certificate")
		}
	}
	if f.Indented {
		warn("has indented PEM lines (spaces or tabs before -----BEGIN, -----END or the Base64, as text pasted from mail or a web page keeps them); OpenSSL reads no certificate from such a file, and OME's parser may reject it")
	}
	if f.Unpadded {
		warn(`has PEM Base64 without its "=" padding (the last line was cut or edited); OpenSSL refuses such a block, and OME's parser may reject it`)
	}
	if f.CRLF {
		info("has CRLF (Windows) line endings; OME accepts them")
	}
	if f.NoLineBreaks {
		info("has PEM Base64 without line breaks")
	}
	if len(out) == 0 {
		return []Result{{Status: Pass}}
	}
	return out
}

var ruleLeafEKU = &uploadRule{Rule: Rule{ID: "leaf-eku", Family: FamilyUpload, Severity: SevError, OMEMessageID: "CGEN1008", OMEMessageArgs: []string{msgEKU},
	Citation:    kb + " #3",
	Description: "The leaf's Extended Key Usage has Server Authentication and Client Authentication (a single server certificate: Server Authentication).",
	Cause:       "the appliance certificate lacks Server Authentication and/or Client Authentication in its Extended Key Usage",
	Fix:         "Reissue the appliance certificate from a CA template whose Application Policies / Extended Key Usage include both Server Authentication (1.3.6.1.5.5.7.3.1) and Client Authentication (1.3.6.1.5.5.7.3.2), e.g. a copy of the AD CS \"Web Server\" template with Client Authentication added."},
	Applies: hasLeaf,
	Check:   checkLeafEKU}

func checkLeafEKU(s *Subject) []Result {
	leaf, li := s.leaf()
	server, client := chain.HasEKU(leaf, x509.ExtKeyUsageServerAuth), chain.HasEKU(leaf, x509.ExtKeyUsageClientAuth)
	have := strings.Join(chain.ExtKeyUsageNames(leaf), ", ")
	if have == "" {
		have = "no Extended Key Usage extension"
	}
	if s.Mode == report.ModeServer {
		if server {
			return []Result{{Status: Pass}}
		}
		return []Result{{Status: Error, CertIndex: intp(li), Details: fmt.Sprintf("%s lacks Server Authentication (it has %s)", s.label(li), have)}}
	}
	if server && client {
		return []Result{{Status: Pass}}
	}
	var missing []string
	if !server {
		missing = append(missing, "Server Authentication")
	}
	if !client {
		missing = append(missing, "Client Authentication")
	}
	return []Result{{Status: Error, CertIndex: intp(li), Details: fmt.Sprintf("%s lacks %s in its Extended Key Usage (it has %s); migration needs both because each appliance is client and server",
		s.label(li), strings.Join(missing, " and "), have)}}
}

var ruleLeafKU = &uploadRule{Rule: Rule{ID: "leaf-key-usage", Family: FamilyUpload, Severity: SevError, OMEMessageID: "CGEN1008", OMEMessageArgs: []string{msgWebServer},
	Citation:    kb + " #4",
	Description: "The leaf's Key Usage has Key Encipherment.",
	Cause:       "the appliance certificate lacks Key Encipherment in its Key Usage",
	Fix:         "Reissue the appliance certificate from a template whose Key Usage includes Key Encipherment (AD CS: Request Handling > \"Allow key exchange ... (key encipherment)\")."},
	Applies: hasLeaf,
	Check:   checkLeafKU}

func checkLeafKU(s *Subject) []Result {
	leaf, li := s.leaf()
	if leaf.KeyUsage&x509.KeyUsageKeyEncipherment != 0 {
		if leaf.KeyUsage&x509.KeyUsageDigitalSignature == 0 {
			// Every one of OME's suites is (EC)DHE_RSA: the server signs its
			// key exchange, and a TLS client signs CertificateVerify, with
			// this key. Java refuses it as a server certificate ("KeyUsage
			// does not allow digital signatures"); OpenSSL refuses it as a
			// client (-purpose sslclient); nginx answers 400.
			return []Result{{Status: Error, CertIndex: intp(li), MessageID: strp(""), Args: []string{}, Details: fmt.Sprintf(
				"%s has Key Encipherment but not Digital Signature in its Key Usage (it has %s): with OME's (EC)DHE_RSA suites the appliance signs with this key as server and as client, which Java and OpenSSL refuse (inferred: OME's own message for it is not documented)",
				s.label(li), strings.Join(chain.KeyUsageNames(leaf.KeyUsage), ", ")),
				Fix: "Reissue the appliance certificate from a template whose Key Usage includes Digital Signature and Key Encipherment (AD CS: Extensions > Key Usage > Digital signature, and Request Handling > \"Allow key exchange ... (key encipherment)\")."}}
		}
		return []Result{{Status: Pass}}
	}
	have := strings.Join(chain.KeyUsageNames(leaf.KeyUsage), ", ")
	if have == "" {
		have = "no Key Usage extension"
	}
	r := Result{Status: Error, CertIndex: intp(li), Details: fmt.Sprintf("%s lacks Key Encipherment in its Key Usage (it has %s)", s.label(li), have)}
	if s.Mode == report.ModeServer {
		r.MessageID, r.Args = strp("CSEC9002"), []string{}
	}
	return []Result{r}
}

var ruleChainComplete = &uploadRule{Rule: Rule{ID: "chain-complete", Family: FamilyUpload, Severity: SevError, OMEMessageID: "CGEN1008", OMEMessageArgs: []string{msgChain},
	Citation:    kb + " #5",
	Description: "The file holds the full chain: the leaf, every intermediate, and the self-signed root.",
	Cause:       "the chain is incomplete (root or an intermediate missing), out of order, holds an unrelated certificate, is deeper than 10, or a link's signature does not verify",
	Fix:         "Add the missing CA certificates (export them from the CA or the Windows certificate store as Base-64 X.509) so the file reads leaf, intermediates, root."},
	Applies: hasLeaf,
	Check:   checkChainComplete}

func checkChainComplete(s *Subject) []Result {
	p, certs := s.Path, s.certs()
	last := p.Order[len(p.Order)-1]
	if u, ok := s.unparsedIssuer(certs[last]); ok && !p.Root && p.Anchor == nil {
		return []Result{{Status: NA, Reason: fmt.Sprintf("the issuer of %s is block %d \"%s\", a certificate crypto/x509 cannot parse: chain-verify says what OME's stacks would do", s.label(last), u.Block, u.Name())}}
	}
	if s.Mode == report.ModeServer {
		if p.Root || p.Anchor != nil {
			return []Result{{Status: Pass}}
		}
		if len(p.Order) > 1 || len(certs) > 1 {
			// CA certificates were given, and the path still stops short of
			// a root: OpenSSL and Java refuse it (x509-limbo too).
			return []Result{{Status: Error, CertIndex: intp(last), Details: fmt.Sprintf(
				"the chain stops at %s, issued by \"%s\", which is not in %s: OpenSSL and Java cannot verify it to a root", s.label(last), p.MissingIssuer, s.Input.File),
				Fix: fmt.Sprintf("Add the certificate of \"%s\" (and any CA above it up to the self-signed root) to the file, after \"%s\".", p.MissingIssuer, chain.Name(certs[last]))}}
		}
		return []Result{{Status: Warn, CertIndex: intp(last), Details: fmt.Sprintf(
			"chain not verified: %s is issued by \"%s\", which is not in %s, so nothing here proves the certificate chains to a root", s.label(last), p.MissingIssuer, s.Input.File),
			Fix: "Check it with the chain: ome-preflight check --mode migration with the certificate, its intermediates and root in one file."}}
	}
	if len(p.Order) == 1 && p.Root {
		return []Result{{Status: Error, CertIndex: intp(last), Details: fmt.Sprintf(
			"%s is a single self-signed certificate; migration needs a CA-signed appliance certificate with its chain", s.label(last)),
			Fix: "Generate a CSR on the appliance, have your CA sign it, and upload the certificate with its intermediates and root. Without a CA, Dell documents backup and restore instead (KB 000223239)."}}
	}
	if p.Root {
		return []Result{{Status: Pass}}
	}
	if p.Exhausted {
		return []Result{{Status: Error, CertIndex: intp(last), Details: fmt.Sprintf(
			"path building gave up at its bounds after %s: %s holds too many certificates sharing issuer names to search them all", chain.Describe(certs, p.Order), s.Input.File),
			Fix: "Keep only the appliance certificate, its intermediates and its root in the file (ome-preflight assemble picks them)."}}
	}
	what := "the root CA certificate"
	if len(p.Order) == 1 {
		what = "its issuing CA and root: the file holds only the appliance certificate (uploaded as a single certificate, migration validation fails)"
	}
	for _, i := range p.Unrelated {
		if chain.SelfSigned(certs[i]) {
			what = "an intermediate CA certificate between it and the root " + fmt.Sprintf("\"%s\"", chain.Name(certs[i]))
		}
	}
	if s.Input.Encoding == chain.EncTLS {
		// Read from a live appliance: there is no file to edit, the
		// upload was incomplete.
		if len(p.Order) == 1 {
			what = "its issuing CA and root: it serves only its own certificate (uploaded as a single certificate, migration validation fails)"
		}
		return []Result{{Status: Error, CertIndex: intp(last), Details: fmt.Sprintf(
			"%s is issued by \"%s\", which %s does not serve: missing %s", s.label(last), p.MissingIssuer, s.Input.File, what),
			Fix: fmt.Sprintf("Upload the full chain to the appliance (leaf, intermediates, root; \"%s\" and every CA above it up to the self-signed root after \"%s\") with Upload certificate chain; ome-preflight assemble builds the file, ome-preflight check verifies it first.", p.MissingIssuer, chain.Name(certs[last]))}}
	}
	return []Result{{Status: Error, CertIndex: intp(last), Details: fmt.Sprintf(
		"%s is issued by \"%s\", which is not in %s: missing %s", s.label(last), p.MissingIssuer, s.Input.File, what),
		Fix: fmt.Sprintf("Add the certificate of \"%s\" (and any CA above it up to the self-signed root) to the file, after \"%s\".", p.MissingIssuer, chain.Name(certs[last]))}}
}

var ruleChainSignature = &uploadRule{Rule: Rule{ID: "chain-signature", Family: FamilyUpload, Severity: SevError, OMEMessageID: "CGEN1008", OMEMessageArgs: []string{msgChain},
	Citation:    kb + " #5",
	Description: "Each certificate is signed by the next one's key (a CA re-issued with a new key under the same name breaks this).",
	Fix:         "Use the CA certificate that actually signed the certificate before it: the current CA certificate may have been renewed with a new key; export the one whose key matches (compare Authority Key Identifier and Subject Key Identifier)."},
	Check: checkChainSignature}

func checkChainSignature(s *Subject) []Result {
	if len(s.Path.BrokenLinks) == 0 {
		return []Result{{Status: Pass}}
	}
	var out []Result
	for _, l := range s.Path.BrokenLinks {
		d := fmt.Sprintf("%s names %s as its issuer, but that certificate's key did not sign it (%v)", s.label(l.Child), s.label(l.Parent), l.Err)
		if l.Child == l.Parent {
			d = fmt.Sprintf("%s names itself as issuer but its own key does not verify its signature (%v)", s.label(l.Child), l.Err)
		}
		out = append(out, Result{Status: Error, CertIndex: intp(l.Child), Details: d})
	}
	return out
}

var ruleChainOrder = &uploadRule{Rule: Rule{ID: "chain-order", Family: FamilyUpload, Severity: SevError, OMEMessageID: "CGEN1008", OMEMessageArgs: []string{msgChain},
	Citation:    kb + " #5 (order: \"the chain begins with the standalone certificate, followed by certificates signed by the entity identified in the next certificate in the chain\", version 4 of 11 Jun 2024; OME's message for a wrong order is inferred)",
	Description: "The certificates are in order: each is followed by the one that signed it, leaf first, root last.",
	Fix:         "Reorder the file to leaf, intermediates, root (ome-preflight assemble writes it in that order)."},
	Check: checkChainOrder}

// chainOrderNotJudged: a file that lists the path in order is judged (and
// passes) whatever its mode or format; otherwise the order is judged only
// for a migration chain without unrelated certificates (chain-unrelated's
// finding) in a file whose order the admin chose: a container's order is
// not, and converting it (encoding's fix) writes the right one. It says
// why the order is not judged, or "".
func chainOrderNotJudged(s *Subject) string {
	switch {
	case s.Path.FileOrder:
		return ""
	case s.Mode == report.ModeServer:
		return "a single server certificate upload takes the first certificate; no chain order to judge"
	case len(s.Path.Unrelated) > 0:
		return "the file holds certificates off the path (chain-unrelated): their order is not the chain's"
	}
	switch s.Input.Encoding {
	case chain.EncPKCS7DER, chain.EncPKCS7PEM, chain.EncPKCS12:
		return "a PKCS#7 or PKCS#12 container's order is not the admin's; converting it (encoding's fix) writes the right one"
	}
	return ""
}

func checkChainOrder(s *Subject) []Result {
	if why := chainOrderNotJudged(s); why != "" {
		return []Result{{Status: NA, NotApplies: why}}
	}
	if s.Path.FileOrder {
		return []Result{{Status: Pass}} // observed: the file lists the path in order
	}
	if s.Input.Encoding == chain.EncTLS {
		// Served out of order: TLS 1.3 clients reorder, but an appliance
		// serves the order it was given, so the upload was misordered
		// (OME's message for a wrong order is inferred).
		return []Result{{Status: Warn, Details: fmt.Sprintf("%s serves the certificates as %s; the chain in order is %s: the uploaded file was probably not leaf, intermediates, root",
			s.Input.File, fileOrder(s), chain.Describe(s.certs(), s.Path.Order)),
			Fix: "Upload the chain again in the order leaf, intermediates, root (ome-preflight assemble writes it): " + chain.Describe(s.certs(), s.Path.Order) + "."}}
	}
	return []Result{{Status: Error, Details: fmt.Sprintf("%s lists the certificates as %s; OME wants each certificate followed by its issuer: %s",
		s.Input.File, fileOrder(s), chain.Describe(s.certs(), s.Path.Order)),
		Fix: "Reorder the file to: " + chain.Describe(s.certs(), s.Path.Order) + " (ome-preflight assemble -o " + orderedName(s.Input.File) + " " + s.Input.File + " writes it in that order)."}}
}

// orderedName is the file assemble's fix writes the reordered chain to:
// chain.pem -> chain-ordered.pem, beside the original (never over it).
func orderedName(file string) string {
	ext := filepath.Ext(file)
	return strings.TrimSuffix(file, ext) + "-ordered.pem"
}

func fileOrder(s *Subject) string {
	var idx []int
	dup := map[int]bool{}
	for _, d := range s.Path.Duplicates {
		dup[d] = true
	}
	for i := range s.certs() {
		if !dup[i] {
			idx = append(idx, i)
		}
	}
	return chain.Describe(s.certs(), idx)
}

var ruleChainUnrelated = &uploadRule{Rule: Rule{ID: "chain-unrelated", Family: FamilyUpload, Severity: SevError, OMEMessageID: "CGEN1008", OMEMessageArgs: []string{msgChain},
	Citation:    kb + " #5",
	Description: "The file holds nothing but the chain: no unrelated certificates, no duplicates.",
	Fix:         "Remove the certificates that are not on the leaf's chain."},
	Applies: chainUnrelatedApplies,
	Check:   checkChainUnrelated}

// chainUnrelatedApplies: a single server certificate alone has nothing
// unrelated beside it.
func chainUnrelatedApplies(s *Subject) (bool, string) {
	return s.Mode != report.ModeServer || len(s.certs()) > 1, ""
}

func checkChainUnrelated(s *Subject) []Result {
	var out []Result
	if s.Mode == report.ModeServer {
		return []Result{{Status: Warn, Details: fmt.Sprintf("%s holds %d certificates; a single server certificate upload takes only the first", s.Input.File, len(s.certs())),
			Fix: "Use --mode migration to check a chain, or keep only the appliance certificate."}}
	}
	for _, i := range s.Path.Unrelated {
		if !s.Path.Root && chain.SelfSigned(s.certs()[i]) {
			continue // the root of an incomplete path: chain-complete names it
		}
		out = append(out, Result{Status: Error, CertIndex: intp(i), Details: fmt.Sprintf("%s is not on the chain %s", s.label(i), chain.Describe(s.certs(), s.Path.Order)),
			Fix: fmt.Sprintf("Remove \"%s\" from the file.", chain.Name(s.certs()[i]))})
	}
	for _, i := range s.Path.Duplicates {
		out = append(out, Result{Status: Warn, CertIndex: intp(i), Details: fmt.Sprintf("certificate %d \"%s\" is a duplicate of an earlier one", i, chain.Name(s.certs()[i])),
			Fix: "Remove the duplicate."})
	}
	if len(out) == 0 {
		return []Result{{Status: Pass}}
	}
	return out
}

var ruleChainDepth = &uploadRule{Rule: Rule{ID: "chain-depth", Family: FamilyUpload, Severity: SevError, OMEMessageID: "CGEN1008", OMEMessageArgs: []string{msgChain}, Inferred: true,
	Citation:    kb + " #5 (the depth limit is stated; its message is our reading)",
	Description: "The chain has at most 10 certificates.",
	Fix:         "Issue the appliance certificate from a CA closer to the root; OME accepts at most 10 certificates."},
	Check: checkChainDepth}

func checkChainDepth(s *Subject) []Result {
	n := len(s.Path.Order)
	if len(s.certs()) > n {
		n = len(s.certs())
	}
	if n <= MaxDepth {
		return []Result{{Status: Pass}}
	}
	return []Result{{Status: Error, Details: fmt.Sprintf("%s holds %d certificates; OME accepts at most %d", s.Input.File, n, MaxDepth)}}
}

var ruleChainVerify = &uploadRule{Rule: Rule{ID: "chain-verify", Family: FamilyUpload, Severity: SevError, OMEMessageID: "CGEN1008", OMEMessageArgs: []string{msgChain}, Inferred: true,
	Citation:    kb + " #5 (verified as an X.509 path to the file's own root)",
	Description: "The path verifies as X.509 to the file's own root: CA constraints, path length, name constraints, critical extensions.",
	Fix:         "Reissue the certificate named in the message from a CA whose certificate allows it (basic constraints, path length, name constraints, an Extended Key Usage that includes serverAuth and clientAuth), without unknown critical extensions."},
	Check: checkChainVerify}

func checkChainVerify(s *Subject) []Result {
	p, certs, v := s.Path, s.certs(), s.Verdict
	switch v.Reason {
	case chain.Valid:
		return []Result{{Status: Pass}}
	case chain.CannotJudge:
		if s.anchorChoice != "" {
			return []Result{{Status: Warn, Details: s.anchorChoice,
				Fix: "Keep only your CA's own root among the self-signed certificates of the file (the peer trusts one root), or name it with --ca root.pem."}}
		}
		// Never a pass: crypto/x509 refuses what Java may accept.
		return []Result{{Status: Info, Details: v.Err.Error(), Fix: cannotJudgeFix(v.Err)}}
	case chain.StacksDisagree:
		// One of OME's stacks refuses what the other accepts: not a pass,
		// and the finding says which (inferred).
		fix := "Make the chain one that both stacks accept: see the finding for which refuses and why."
		var f interface{ Fix() string }
		if errors.As(v.Err, &f) && f.Fix() != "" {
			fix = f.Fix()
		}
		return []Result{{Status: Warn, CertIndex: s.indexOf(v.Cert), Details: fmt.Sprintf("the chain %s: %v", chain.Describe(certs, p.Order), v.Err), Fix: fix}}
	case chain.WeakKey:
		return []Result{{Status: NA, NotApplies: "key-size reports the weak key, saying which stack refuses it"}}
	case chain.UnknownAuthority, chain.BadSignature, chain.NoAnchor, chain.SearchBound, chain.Unreadable:
		return []Result{{Status: NA, NotApplies: "no path to judge: chain-complete, chain-signature or encoding reports why"}}
	case chain.CAUsage, chain.WeakSignature:
		return []Result{{Status: NA, NotApplies: "ca-constraints or weak-signature reports the refusal"}}
	case chain.ExtKeyUsage, chain.HostName, chain.Expired, chain.NotYetValid:
		// leaf-eku, leaf-name and validity report the leaf's usages, its
		// names and the dates: judge the rest of the same path for any
		// usage, at a moment every certificate covers when there is one.
		t := s.At
		if v.Reason == chain.Expired || v.Reason == chain.NotYetValid {
			var ok bool
			if t, ok = commonInstant(certs, p.Order); !ok {
				return []Result{{Status: NA, NotApplies: "validity reports the dates; no instant is inside every certificate's validity to judge the rest of the path at"}}
			}
		}
		if len(v.Path) < 2 {
			return []Result{{Status: NA, NotApplies: "leaf-eku, leaf-name or validity reports the leaf; no CA on the path to judge"}}
		}
		if v.Reason == chain.ExtKeyUsage && v.Cert != nil && v.Cert != v.Path[0] {
			break
		}
		usage := x509.ExtKeyUsageServerAuth
		if !chain.Allows(v.Path[0], usage) {
			usage = x509.ExtKeyUsageAny
		}
		v = chain.Validate(v.Path[0], v.Path, chain.VerifyOptions{Anchors: v.Path[len(v.Path)-1:], At: t, Usage: usage, Cache: s.Cache})
		switch v.Reason {
		case chain.Valid, chain.CAUsage, chain.WeakSignature, chain.Expired, chain.NotYetValid:
			return []Result{{Status: NA, NotApplies: "leaf-eku, leaf-name or validity reports the leaf; the rest of the path is judged by ca-constraints, weak-signature and validity"}}
		case chain.CannotJudge:
			return []Result{{Status: Info, Details: v.Err.Error(), Fix: cannotJudgeFix(v.Err)}}
		}
	}
	ci := s.indexOf(v.Cert)
	if v.Reason == chain.CriticalExtension {
		return []Result{{Status: Error, CertIndex: ci, Details: fmt.Sprintf("the chain %s does not verify: a certificate has a critical extension that X.509 libraries do not know (%v)", chain.Describe(certs, p.Order), v.Err)}}
	}
	details := fmt.Sprintf("the chain %s does not verify to its own root", chain.Describe(certs, p.Order))
	if ci != nil {
		details += " at " + s.label(*ci)
	}
	details += fmt.Sprintf(": %v", v.Err)
	if ci != nil && v.Reason == chain.PathLength {
		// Path length counts the CA certificates between this one and the
		// leaf (RFC 5280 4.2.1.9).
		below, word := slices.Index(p.Order, *ci)-1, "certificates"
		if certs[*ci].MaxPathLen == 1 {
			word = "certificate"
		}
		details += fmt.Sprintf(" (its path length constraint allows %d CA %s below it; this chain has %d)", certs[*ci].MaxPathLen, word, below)
	}
	return []Result{{Status: Error, CertIndex: ci, Details: details}}
}

// cannotJudgeFix is the fix a cannot-judge verdict gives, "" for the
// rule's own.
func cannotJudgeFix(err error) string {
	var cj *chain.CannotJudgeError
	if errors.As(err, &cj) {
		return cj.Fix
	}
	return ""
}

// commonInstant is a moment inside every certificate's validity, if any.
func commonInstant(certs []*x509.Certificate, order []int) (time.Time, bool) {
	var lo, hi time.Time
	for k, i := range order {
		c := certs[i]
		if k == 0 || c.NotBefore.After(lo) {
			lo = c.NotBefore
		}
		if k == 0 || c.NotAfter.Before(hi) {
			hi = c.NotAfter
		}
	}
	return lo.Add(time.Second), !lo.Add(time.Second).After(hi)
}

var ruleCAConstraints = &uploadRule{Rule: Rule{ID: "ca-constraints", Family: FamilyUpload, Severity: SevError, OMEMessageID: "CGEN1008", OMEMessageArgs: []string{msgChain}, Inferred: true,
	Citation:    kb + " #5 (PKIX path validation, RFC 5280 4.2.1.9 and 4.2.1.3)",
	Description: "Every CA certificate on the path is marked as a CA (basic constraints) and, when it has Key Usage, has keyCertSign.",
	Fix:         "Reissue the CA certificate named in the message with Basic Constraints CA:TRUE and Key Usage keyCertSign."},
	Check: checkCAConstraints}

func checkCAConstraints(s *Subject) []Result {
	var out []Result
	certs := s.certs()
	for k, i := range s.Path.Order {
		if k == 0 {
			continue
		}
		c := certs[i]
		isRoot := k == len(s.Path.Order)-1 && s.Path.Root
		switch {
		case c.BasicConstraintsValid && !c.IsCA:
			out = append(out, Result{Status: Error, CertIndex: intp(i), Details: fmt.Sprintf("%s signs other certificates but its Basic Constraints say CA:FALSE", s.label(i))})
		case !c.BasicConstraintsValid && !isRoot: // a trust anchor needs no Basic Constraints
			out = append(out, Result{Status: Error, CertIndex: intp(i), Details: fmt.Sprintf("%s signs other certificates but has no Basic Constraints CA:TRUE", s.label(i))})
		}
		if c.KeyUsage != 0 && c.KeyUsage&x509.KeyUsageCertSign == 0 {
			out = append(out, Result{Status: Error, CertIndex: intp(i), Details: fmt.Sprintf("%s signs other certificates but its Key Usage lacks keyCertSign (it has %s)", s.label(i), strings.Join(chain.KeyUsageNames(c.KeyUsage), ", "))})
		}
	}
	if len(out) == 0 {
		return []Result{{Status: Pass}}
	}
	return out
}

var ruleCommonName = &uploadRule{Rule: Rule{ID: "common-name", Family: FamilyUpload, Severity: SevError, OMEMessageID: "CGEN1008", OMEMessageArgs: []string{},
	Citation:    kb + " #6 (\"No common name found in the leaf certificate\"; OME's MessageArgs for it are not documented)",
	Description: "Every certificate has a common name (CN).",
	Fix:         "Reissue the certificate with a CN in its subject: for the appliance, its host name."},
	Check: checkCommonName}

func checkCommonName(s *Subject) []Result {
	var out []Result
	for i, c := range s.certs() {
		if strings.TrimSpace(c.Subject.CommonName) != "" {
			continue
		}
		d := fmt.Sprintf("certificate %d (%s, subject \"%s\") has no common name", i, s.Path.Role(s.certs(), i), c.Subject.String())
		if len(s.Path.Order) > 0 && i == s.Path.Order[0] {
			d = fmt.Sprintf("no common name found in the leaf certificate %d (subject \"%s\")", i, c.Subject.String())
		}
		out = append(out, Result{Status: Error, CertIndex: intp(i), Details: d})
	}
	if len(out) == 0 {
		return []Result{{Status: Pass}}
	}
	return out
}

var ruleLeafWildcard = &uploadRule{Rule: Rule{ID: "leaf-cn-wildcard", Family: FamilyUpload, Severity: SevError, OMEMessageID: "CGEN1008", OMEMessageArgs: []string{},
	Citation:    kb + " #6 (OME's MessageArgs for it are not documented)",
	Description: "The leaf's common name has no wildcard (*): OME does not support wildcard certificates.",
	Fix:         "Generate a CSR on the appliance for its own host name and have it signed; OME does not support wildcard certificates."},
	Applies: hasLeaf,
	Check:   checkLeafWildcard}

func checkLeafWildcard(s *Subject) []Result {
	leaf, li := s.leaf()
	var out []Result
	if strings.Contains(leaf.Subject.CommonName, "*") {
		out = append(out, Result{Status: Error, CertIndex: intp(li), Details: fmt.Sprintf("%s has a wildcard common name \"%s\"; OME does not support wildcard certificates (and cannot have generated its CSR)", s.label(li), leaf.Subject.CommonName)})
	}
	for _, d := range leaf.DNSNames {
		if strings.Contains(d, "*") {
			out = append(out, Result{Status: Warn, CertIndex: intp(li), Details: fmt.Sprintf("%s has a wildcard Subject Alternative Name \"%s\"; OME does not support wildcard certificates", s.label(li), d)})
		}
	}
	if len(out) == 0 {
		return []Result{{Status: Pass}}
	}
	return out
}

var ruleValidity = &uploadRule{Rule: Rule{ID: "validity", Family: FamilyUpload, Severity: SevError,
	Citation:    kb + " (connection validation: validity period against the appliance's date and time)",
	Description: "Every certificate is valid at the appliance's clock (notBefore <= now <= notAfter).",
	Fix:         "Renew the expired certificate, or correct the appliance's clock (enable NTP) if the certificate is not yet valid."},
	Check: checkValidity}

func checkValidity(s *Subject) []Result {
	var out []Result
	at := s.At
	// Judged on the path: a certificate off it is chain-unrelated's.
	for _, i := range s.Path.Order {
		c := s.certs()[i]
		switch {
		case at.Before(c.NotBefore):
			out = append(out, Result{Status: Error, CertIndex: intp(i), Details: fmt.Sprintf("%s is not yet valid at %s: valid from %s (in %s)",
				s.label(i), at.Format(time.RFC3339), c.NotBefore.UTC().Format(time.RFC3339), report.Human(c.NotBefore.Sub(at)))})
		case at.After(c.NotAfter):
			out = append(out, Result{Status: Error, CertIndex: intp(i), Details: fmt.Sprintf("%s expired on %s (%s before %s)",
				s.label(i), c.NotAfter.UTC().Format(time.RFC3339), report.Human(at.Sub(c.NotAfter)), at.Format(time.RFC3339))})
		}
	}
	if len(out) == 0 {
		return []Result{{Status: Pass}}
	}
	return out
}

var ruleExpiring = &uploadRule{Rule: Rule{ID: "validity-expiring", Family: FamilyUpload, Severity: SevWarning, Inferred: true,
	Citation:    kb + " (validity period; the 30-day margin is ours)",
	Description: "No certificate expires within 30 days.",
	Fix:         "Renew the certificate before the change window, then upload the renewed chain."},
	Check: checkExpiring}

func checkExpiring(s *Subject) []Result {
	var out []Result
	for _, i := range s.Path.Order {
		c := s.certs()[i]
		left := c.NotAfter.Sub(s.At)
		if left >= 0 && left < ExpiryWarning && !s.At.Before(c.NotBefore) {
			out = append(out, Result{Status: Warn, CertIndex: intp(i), Details: fmt.Sprintf("%s expires on %s, in %s", s.label(i), c.NotAfter.UTC().Format(time.RFC3339), report.Human(left))})
		}
	}
	if len(out) == 0 {
		return []Result{{Status: Pass}}
	}
	return out
}

var ruleLeafKeyType = &uploadRule{Rule: Rule{ID: "leaf-key-type", Family: FamilyUpload, Severity: SevWarning, Inferred: true,
	Citation:    "OME 3.6 Security Configuration Guide: TLS 1.2 with four ECDHE-RSA/DHE-RSA AES-256 suites",
	Description: "The leaf key is RSA: OME's TLS 1.2 cipher suites are all RSA-authenticated.",
	Fix:         "Generate the CSR on the appliance (it makes an RSA key) and have the CA sign it with an RSA template."},
	Applies: hasLeaf,
	Check:   checkLeafKeyType}

func checkLeafKeyType(s *Subject) []Result {
	leaf, li := s.leaf()
	if _, ok := leaf.PublicKey.(*rsa.PublicKey); ok {
		return []Result{{Status: Pass}}
	}
	return []Result{{Status: Warn, CertIndex: intp(li), Details: fmt.Sprintf("%s has %s key; OME's TLS 1.2 cipher suites are RSA-only, so the appliances cannot negotiate with it", s.label(li), withArticle(chain.KeyDescription(leaf.PublicKey)))}}
}

// withArticle puts "a" or "an" before a key description: "an ECDSA P-256",
// "an Ed25519", "an RSA 1024", "a DSA 2048". An acronym is read letter by
// letter, so its first letter decides by its name ("R" is "ar").
func withArticle(s string) string {
	word, _, _ := strings.Cut(s, " ")
	vowels := "AEIOUaeiou"
	if word != "" && strings.ToUpper(word) == word && strings.ToLower(word) != word {
		vowels = "AEFHILMNORSX"
	}
	if s != "" && strings.ContainsRune(vowels, rune(s[0])) {
		return "an " + s
	}
	return "a " + s
}

var ruleKeySize = &uploadRule{Rule: Rule{ID: "key-size", Family: FamilyUpload, Severity: SevWarning, Inferred: true,
	Citation:    "NIST SP 800-131A; Java's jdk.certpath.disabledAlgorithms",
	Description: "RSA keys are at least 2048 bits.",
	Fix:         "Reissue the certificate with an RSA key of 2048 bits or more."},
	Check: checkKeySize}

func checkKeySize(s *Subject) []Result {
	var out []Result
	for i, c := range s.certs() {
		if k, ok := c.PublicKey.(*rsa.PublicKey); ok && k.N.BitLen() < 2048 {
			// OpenSSL at security level 2 (the Debian and Ubuntu default;
			// OME's own setting is not documented) refuses RSA under 2048
			// bits anywhere on the path; Java refuses under 1024, and never
			// on a trust anchor (jdk.certpath.disabledAlgorithms).
			bits := k.N.BitLen()
			if bits < 1024 {
				out = append(out, Result{Status: Error, CertIndex: intp(i), Details: fmt.Sprintf("%s has an RSA %d-bit key: OpenSSL and Java refuse it (inferred); use at least 2048 bits", s.label(i), bits)})
				continue
			}
			out = append(out, Result{Status: Warn, CertIndex: intp(i), Details: fmt.Sprintf("%s has an RSA %d-bit key: OpenSSL at security level 2 refuses it, Java accepts it (inferred); use at least 2048 bits", s.label(i), bits)})
		}
	}
	if len(out) == 0 {
		return []Result{{Status: Pass}}
	}
	return out
}

// weakNote is what every rule that sees a SHA-1 or MD5 signature says, with
// one severity (a warning): which of OME's stacks would refuse it, and why.
const weakNote = "OpenSSL at Debian's default security level refuses SHA-1 and MD5 signatures where it verifies (on OME's side, a server checking a client certificate, a step no public source documents), " +
	"and Java refuses MD2 and MD5 but accepts SHA-1 outside its built-in roots; Go refuses both (inferred)"

var ruleWeakSignature = &uploadRule{Rule: Rule{ID: "weak-signature", Family: FamilyUpload, Severity: SevWarning, Inferred: true,
	Citation:    "Java's jdk.certpath.disabledAlgorithms (MD2, MD5; SHA-1 restricted)",
	Description: "No certificate below the root is signed with SHA-1 or MD5.",
	Fix:         "Reissue the certificate with a SHA-256 (or stronger) signature."},
	Check: checkWeakSignature}

func checkWeakSignature(s *Subject) []Result {
	var out []Result
	// The path judged only: a certificate off the path is chain-unrelated's
	// finding, and a root's self-signature is not relied on.
	for _, i := range s.Path.Order {
		c := s.certs()[i]
		if chain.SelfSigned(c) || !chain.WeakAlgorithm(c) {
			continue
		}
		out = append(out, Result{Status: Warn, CertIndex: intp(i), Details: fmt.Sprintf("%s is signed with %s: %s", s.label(i), c.SignatureAlgorithm, weakNote)})
	}
	if len(out) == 0 {
		return []Result{{Status: Pass}}
	}
	return out
}

var ruleLeafIsCA = &uploadRule{Rule: Rule{ID: "leaf-is-ca", Family: FamilyUpload, Severity: SevWarning, Inferred: true,
	Citation:    "RFC 5280 4.2.1.9; CA/Browser Forum baseline requirements",
	Description: "The leaf is not a CA certificate.",
	Fix:         "Reissue the appliance certificate from an end-entity (web server) template, not a CA template."},
	Applies: hasLeaf,
	Check:   checkLeafIsCA}

func checkLeafIsCA(s *Subject) []Result {
	leaf, li := s.leaf()
	if len(s.Path.Order) == 1 || !leaf.IsCA {
		return []Result{{Status: Pass}}
	}
	return []Result{{Status: Warn, CertIndex: intp(li), Details: fmt.Sprintf("%s is marked as a CA (Basic Constraints CA:TRUE)", s.label(li))}}
}

var ruleLeafName = &uploadRule{Rule: Rule{ID: "leaf-name", Family: FamilyUpload, Severity: SevWarning, Inferred: true,
	Citation:    "RFC 6125 / RFC 2818 host name check (--name)",
	Description: "With --name, the leaf covers that host name or IP address (SAN, or CN when there is no SAN).",
	Fix:         "Generate the CSR with the name the peer appliance uses to reach this one, and add it as a Subject Alternative Name."},
	Applies: leafNameApplies,
	Check:   checkLeafName}

// leafNameApplies: leaf-name needs the name the peer uses (without one it
// is na, saying which flag gives it when the command takes one) and a leaf.
func leafNameApplies(s *Subject) (bool, string) {
	if s.Name == "" && len(s.APINames) > 0 {
		return hasLeaf(s)
	}
	if s.Name == "" {
		if flag := s.Flags.flag(s.Side, NameInput); flag != "" {
			return false, "no host name given: give " + flag + " with the name or IP the peer appliance uses"
		}
		return false, "no host name given (the name or IP the peer appliance uses)"
	}
	return hasLeaf(s)
}

func checkLeafName(s *Subject) []Result {
	leaf, li := s.leaf()
	if s.Name == "" && len(s.APINames) > 0 {
		return checkLeafAPINames(s, leaf, li)
	}
	host := strings.Trim(s.Name, "[]")
	ok, viaCN := chain.HostMatch(leaf, host)
	if ok && !viaCN {
		return []Result{{Status: Pass}}
	}
	if viaCN {
		// OpenSSL and Java fall back to the CN when the leaf has no dNSName
		// SAN (an iPAddress-only SAN included): OME's stacks accept it.
		return []Result{{Status: Warn, CertIndex: intp(li), Details: fmt.Sprintf("%s names \"%s\" only in its CN, without a DNS Subject Alternative Name: OpenSSL and Java (OME's stacks) accept it, but current TLS clients ignore the CN", s.label(li), host)}}
	}
	if san := chain.PartialWildcard(leaf, host); san != "" {
		return []Result{{Status: Warn, CertIndex: intp(li), Details: fmt.Sprintf("%s covers \"%s\" only by the partial-label wildcard %q: OpenSSL and Java (OME's stacks) accept it, but current TLS clients and the CA/B Forum do not", s.label(li), host, san),
			Fix: "Reissue the appliance certificate with the host name itself (or a whole-label wildcard, *.domain) in a DNS Subject Alternative Name."}}
	}
	kind := "host name"
	if net.ParseIP(host) != nil {
		kind = "IP address"
	}
	return []Result{{Status: Warn, CertIndex: intp(li), Details: fmt.Sprintf("%s does not cover the %s \"%s\" (it covers %s)", s.label(li), kind, host, covers(leaf))}}
}

// checkLeafAPINames judges the names the appliance's API reports for
// itself (AddressConfiguration): the peer dials one of them, whichever the
// admin types in the wizard, so the leaf must cover at least one (by a
// SAN, or by the CN as OME's stacks accept it); it says which to use.
func checkLeafAPINames(s *Subject, leaf *x509.Certificate, li int) []Result {
	var byCN []string
	for _, n := range s.APINames {
		ok, viaCN := chain.HostMatch(leaf, n)
		if ok && !viaCN {
			return []Result{{Status: Pass}}
		}
		if viaCN {
			byCN = append(byCN, n)
		}
	}
	if len(byCN) > 0 {
		return []Result{{Status: Warn, CertIndex: intp(li), Details: fmt.Sprintf("of the names the appliance's API reports for itself (%s), %s covers only \"%s\", and only in its CN, without a DNS Subject Alternative Name: OpenSSL and Java (OME's stacks) accept it, but current TLS clients ignore the CN",
			strings.Join(s.APINames, ", "), s.label(li), byCN[0])}}
	}
	return []Result{{Status: Warn, CertIndex: intp(li), Details: fmt.Sprintf("%s covers none of the names the appliance's API reports for itself (AddressConfiguration: %s), which the peer appliance dials; it covers %s",
		s.label(li), strings.Join(s.APINames, ", "), covers(leaf))}}
}

func covers(c *x509.Certificate) string {
	names := chain.SANs(c)
	if len(names) == 0 {
		return "CN " + c.Subject.CommonName + " and no SAN"
	}
	return strings.Join(names, ", ")
}
