package chain

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"math/big"
	"net"
	"slices"
	"strings"
	"time"
	"unicode"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
	"golang.org/x/net/idna"
)

// Where OME's two stacks part ways with crypto/x509, or with each other,
// on a path crypto/x509 accepts. Port 443 is Apache httpd with OpenSSL;
// the appliance's outgoing client is most likely Java (inferred; see
// docs/design-notes.md). Each check here names the stack it models, and
// every one was measured against `openssl verify` (OpenSSL 3.0) and Java's
// PKIX validation (OpenJDK 17) on x509-limbo (stacks_test.go).

// opensslPath is the one path OpenSSL 3.0 builds from start
// (x509_vfy.c build_chain with its defaults: trusted first, no
// backtracking). At each step it takes the first trusted certificate that
// could have issued the top (ossl_x509_likely_issued: names, Authority Key
// Identifier, the key's algorithm, keyCertSign), else the first of the
// others in the order given, one valid at the instant before one that is
// not (find_issuer). The path is complete at a trusted certificate OpenSSL
// counts as self-signed (without -partial_chain, which Apache does not
// set, a trusted intermediate is not enough). stop says why an incomplete
// path ends.
func (s *search) opensslPath(start int) (path []int, complete bool, stop string) {
	path = []int{start}
	on := map[int]bool{start: true}
	trustedOnly := false
	for len(path) <= opensslMaxDepth {
		top := path[len(path)-1]
		c := s.certs[top]
		if s.anchor[top] {
			if opensslSelfSigned(c) {
				return path, true, ""
			}
			// Without -partial_chain (Apache sets none), a trusted
			// certificate OpenSSL does not count self-signed is not an
			// anchor: it looks in the trust store for its issuer.
			trustedOnly = true
		} else if opensslSelfSigned(c) {
			return path, false, fmt.Sprintf("it ends at the self-signed \"%s\", which is not trusted (self-signed certificate in certificate chain)", Name(c))
		}
		next := s.opensslIssuer(top, on, true)
		if next < 0 && !trustedOnly {
			next = s.opensslIssuer(top, on, false)
		}
		if next < 0 {
			if s.anchor[top] && !bytes.Equal(c.RawSubject, c.RawIssuer) {
				return path, false, fmt.Sprintf("it trusts \"%s\", but that is not a self-signed root, and without partial-chain verification (which Apache does not set) OpenSSL looks for its issuer among the trusted certificates and finds none (unable to get issuer certificate)", Name(c))
			}
			if s.anchor[top] {
				return path, false, fmt.Sprintf("it does not count the trusted root \"%s\" as self-signed (its Authority Key Identifier does not name itself, or its key cannot have signed it) and finds no issuer for it (unable to get issuer certificate)", Name(c))
			}
			return path, false, fmt.Sprintf("it finds no issuer for \"%s\" (unable to get local issuer certificate)", Name(c))
		}
		path = append(path, next)
		on[next] = true
	}
	return path, false, "the path grows past OpenSSL's verify depth"
}

// opensslMaxDepth is OpenSSL's default verify depth (100 certificates
// above the leaf); each step costs only name and key-identifier
// comparisons, no signature.
const opensslMaxDepth = 100

// opensslIssuer is OpenSSL's choice of issuer for top among the trusted
// certificates (trusted) or the others, in the order given: the first that
// is valid at the instant, else the one that expires last.
func (s *search) opensslIssuer(top int, on map[int]bool, trusted bool) int {
	child := s.certs[top]
	best := -1
	for _, j := range s.bySubject[string(child.RawIssuer)] {
		if on[j] || s.anchor[j] != trusted || !opensslLikelyIssued(s.certs[j], child) {
			continue
		}
		p := s.certs[j]
		if s.at.IsZero() || !s.at.Before(p.NotBefore) && s.at.Before(p.NotAfter) {
			return j
		}
		if best < 0 || p.NotAfter.After(s.certs[best].NotAfter) {
			best = j
		}
	}
	return best
}

// opensslSelfSigned is OpenSSL's EXFLAG_SS: self-issued, and the
// certificate could have issued itself.
func opensslSelfSigned(c *x509.Certificate) bool {
	return bytes.Equal(c.RawSubject, c.RawIssuer) && opensslLikelyIssued(c, c)
}

// opensslLikelyIssued is ossl_x509_likely_issued with the keyCertSign check
// of X509_check_issued, without a signature check (OpenSSL checks
// signatures after it has built the path): the issuer's subject is the
// child's issuer, the child's Authority Key Identifier (key id, issuer
// name, serial number) does not contradict the issuer, the issuer's key
// fits the child's signature algorithm, and a Key Usage extension on the
// issuer allows certificate signing.
func opensslLikelyIssued(issuer, child *x509.Certificate) bool {
	if !bytes.Equal(issuer.RawSubject, child.RawIssuer) {
		return false
	}
	if len(child.AuthorityKeyId) > 0 && len(issuer.SubjectKeyId) > 0 && !bytes.Equal(child.AuthorityKeyId, issuer.SubjectKeyId) {
		return false
	}
	if name, serial, ok := akidIssuerSerial(child); ok {
		if serial != nil && serial.Cmp(issuer.SerialNumber) != 0 {
			return false
		}
		if name != nil && !bytes.Equal(name, issuer.RawIssuer) {
			return false
		}
	}
	if want := keyAlgorithmOf(child.SignatureAlgorithm); want != x509.UnknownPublicKeyAlgorithm && issuer.PublicKeyAlgorithm != want {
		return false
	}
	if hasKeyUsage(issuer) && issuer.KeyUsage&x509.KeyUsageCertSign == 0 && issuer != child {
		return false
	}
	return true
}

var oidKeyUsage = asn1.ObjectIdentifier{2, 5, 29, 15}

// hasKeyUsage reports whether c carries a Key Usage extension (crypto/x509
// reads an empty one as 0, like none).
func hasKeyUsage(c *x509.Certificate) bool {
	return slices.ContainsFunc(c.Extensions, func(e pkix.Extension) bool { return e.Id.Equal(oidKeyUsage) })
}

func keyAlgorithmOf(a x509.SignatureAlgorithm) x509.PublicKeyAlgorithm {
	switch a {
	case x509.MD2WithRSA, x509.MD5WithRSA, x509.SHA1WithRSA, x509.SHA256WithRSA, x509.SHA384WithRSA, x509.SHA512WithRSA,
		x509.SHA256WithRSAPSS, x509.SHA384WithRSAPSS, x509.SHA512WithRSAPSS:
		return x509.RSA
	case x509.ECDSAWithSHA1, x509.ECDSAWithSHA256, x509.ECDSAWithSHA384, x509.ECDSAWithSHA512:
		return x509.ECDSA
	case x509.DSAWithSHA1, x509.DSAWithSHA256:
		return x509.DSA
	case x509.PureEd25519:
		return x509.Ed25519
	}
	return x509.UnknownPublicKeyAlgorithm
}

var oidAuthorityKeyID = asn1.ObjectIdentifier{2, 5, 29, 35}

// akidIssuerSerial reads the authorityCertIssuer (its first directoryName,
// as DER) and authorityCertSerialNumber of c's Authority Key Identifier,
// which crypto/x509 does not expose. ok is false when there is neither or
// the extension does not parse (then OpenSSL would not use them either).
func akidIssuerSerial(c *x509.Certificate) (dirName []byte, serial *big.Int, ok bool) {
	i := slices.IndexFunc(c.Extensions, func(e pkix.Extension) bool { return e.Id.Equal(oidAuthorityKeyID) })
	if i < 0 {
		return nil, nil, false
	}
	in := cryptobyte.String(c.Extensions[i].Value)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) {
		return nil, nil, false
	}
	seq.SkipOptionalASN1(cbasn1.Tag(0).ContextSpecific())
	var gens cryptobyte.String
	var hasGens bool
	if !seq.ReadOptionalASN1(&gens, &hasGens, cbasn1.Tag(1).ContextSpecific().Constructed()) {
		return nil, nil, false
	}
	for hasGens && !gens.Empty() {
		var gn cryptobyte.String
		var tag cbasn1.Tag
		if !gens.ReadAnyASN1(&gn, &tag) {
			return nil, nil, false
		}
		if tag == cbasn1.Tag(4).ContextSpecific().Constructed() && dirName == nil {
			// directoryName [4] EXPLICIT Name.
			var name cryptobyte.String
			if !gn.ReadASN1Element(&name, cbasn1.SEQUENCE) {
				return nil, nil, false
			}
			dirName = name
		}
	}
	var raw cryptobyte.String
	var hasSerial bool
	if !seq.ReadOptionalASN1(&raw, &hasSerial, cbasn1.Tag(2).ContextSpecific()) {
		return nil, nil, false
	}
	if hasSerial {
		serial = new(big.Int).SetBytes(raw)
		if len(raw) > 0 && raw[0]&0x80 != 0 {
			serial.Sub(serial, new(big.Int).Lsh(big.NewInt(1), uint(len(raw))*8))
		}
	}
	return dirName, serial, dirName != nil || serial != nil
}

// opensslRefusesFirstPath reports, for a valid path found by backtracking,
// whether OpenSSL (which does not backtrack) refuses: its one path is
// another and fails. Java's path builder backtracks as this tool's does,
// so the verdict is StacksDisagree (inferred: Java's builder may still
// stop on some graphs).
func (s *search) opensslRefusesFirstPath(start int, valid []int, o VerifyOptions) error {
	op, complete, stop := s.opensslPath(start)
	if complete && slices.Equal(op, valid) {
		return nil
	}
	var fault *x509.Certificate
	extra := false
	for _, i := range op {
		if !slices.Contains(valid, i) {
			fault, extra = s.certs[i], true
			break
		}
	}
	why := stop
	if complete {
		cannot, _, err := verifyPath(s.pathCerts(op), o)
		if cannot != "" || err == nil {
			return nil // OpenSSL's own path passes (or cannot be judged): no claim
		}
		why = "that path fails: " + err.Error()
	}
	if fault == nil {
		fault = s.certs[op[len(op)-1]]
	}
	msg := fmt.Sprintf("OpenSSL refuses, Java accepts (inferred from OpenSSL 3.0's path building, which does not backtrack): OpenSSL builds %s and %s; Java's path builder backtracks to %s",
		pathNames(s.pathCerts(op)), why, pathNames(s.pathCerts(valid)))
	if extra {
		msg += fmt.Sprintf(". Serve only that path: leave \"%s\" (issued by \"%s\", serial %X) out of the chain", Name(fault), IssuerName(fault), fault.SerialNumber)
	}
	fix := "Upload (and serve) exactly one path, leaf first and root last, without alternative or cross-signed copies of its CAs: OpenSSL uses the certificates in the order given and does not try another path."
	return &limitError{StacksDisagree, fault, msg, fix}
}

// IssuerName is how a report names c's issuer: its CN, else its DN.
func IssuerName(c *x509.Certificate) string {
	if c.Issuer.CommonName != "" {
		return c.Issuer.CommonName
	}
	return c.Issuer.String()
}

func pathNames(p []*x509.Certificate) string {
	names := make([]string, len(p))
	for i, c := range p {
		names[i] = "\"" + Name(c) + "\""
	}
	return strings.Join(names, " <- ")
}

// stackDivergence applies, to a path crypto/x509 accepts, what OpenSSL
// or Java decide differently (measured on x509-limbo):
//   - an empty issuer name: Java cannot parse the certificate, OpenSSL
//     finds no issuer for it.
//   - notAfter equal to the instant: OpenSSL counts the certificate expired
//     (X509_cmp_time), Java and Go do not.
//   - an RSA key below 2048 bits: OpenSSL at security level 2 (the Debian
//     and Ubuntu default; OME's own setting is not documented) refuses it on
//     any certificate; Java refuses below 1024 only, and never on a trust
//     anchor (jdk.certpath.disabledAlgorithms).
//   - a leaf Key Usage without digitalSignature, keyEncipherment or
//     keyAgreement: OpenSSL's sslserver purpose refuses it; Java's PKIX
//     validation does not look (its TLS handshake does: see ku_test.go).
//   - a leaf with an empty subject whose Subject Alternative Name is not
//     critical: Java cannot parse it (RFC 5280 4.2.1.6); OpenSSL reads it.
//   - a host name with characters outside letters, digits, '-' and '.':
//     Java's HostnameChecker refuses it; OpenSSL matches it.
//   - a host name with an A-label whose Unicode form begins or ends with
//     '-': Java's HostnameChecker refuses it; OpenSSL matches it as written.
func stackDivergence(path []*x509.Certificate, o VerifyOptions) error {
	leaf := path[0]
	anchor := path[len(path)-1]
	for _, c := range path {
		if len(c.RawIssuer) <= 2 {
			return &limitError{Other, c, fmt.Sprintf("x509: \"%s\" has an empty issuer name: Java cannot read it (empty issuer DN), and OpenSSL finds no issuer for it", Name(c)),
				"Issue the chain from a CA whose certificate has a subject name."}
		}
	}
	for _, c := range path {
		if !o.At.IsZero() && c.NotAfter.Equal(o.At) {
			return &limitError{StacksDisagree, c, fmt.Sprintf("OpenSSL refuses, Java accepts (inferred): \"%s\" expires at exactly %s, the instant judged; OpenSSL counts a certificate expired at its notAfter, Java and Go one second later", Name(c), o.At.UTC().Format(time.RFC3339)), "Renew the certificate before the change window: it expires at the instant judged."}
		}
	}
	for _, c := range path {
		k, ok := c.PublicKey.(*rsa.PublicKey)
		if !ok || k.N.BitLen() >= 2048 {
			continue
		}
		bits := k.N.BitLen()
		if c != anchor && bits < 1024 {
			return &limitError{WeakKey, c, fmt.Sprintf("x509: \"%s\" has a %d-bit RSA key: OpenSSL (security level 2) and Java (below 1024 bits) refuse it", Name(c), bits), ""}
		}
		java := "Java accepts it (it allows 1024 bits and more)"
		if c == anchor {
			java = "Java accepts it on a trust anchor"
		}
		return &limitError{WeakKey, c, fmt.Sprintf("OpenSSL refuses, Java accepts (inferred): \"%s\" has a %d-bit RSA key, which OpenSSL refuses at security level 2 (the Debian default; OME's setting is not documented); %s", Name(c), bits, java), ""}
	}
	if hasKeyUsage(leaf) && leaf.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageKeyEncipherment|x509.KeyUsageKeyAgreement) == 0 {
		return &limitError{StacksDisagree, leaf, fmt.Sprintf("OpenSSL refuses, Java's path validation accepts (inferred): the leaf \"%s\" has a Key Usage with none of digitalSignature, keyEncipherment, keyAgreement, which OpenSSL's TLS purpose check refuses (unsuitable certificate purpose); a Java TLS handshake refuses it too", Name(leaf)), "Reissue the appliance certificate with Digital Signature and Key Encipherment in its Key Usage."}
	}
	if len(leaf.RawSubject) <= 2 {
		for _, e := range leaf.Extensions {
			if e.Id.Equal(oidSAN) && !e.Critical {
				return &limitError{StacksDisagree, leaf, fmt.Sprintf("Java refuses, OpenSSL accepts (inferred): the leaf \"%s\" has an empty subject and a non-critical Subject Alternative Name; Java cannot read it (RFC 5280 4.2.1.6: the extension must then be critical)", Name(leaf)), "Reissue the appliance certificate with its host name as the subject CN."}
			}
		}
	}
	if h := strings.TrimSuffix(strings.TrimPrefix(o.Name, "["), "]"); h != "" && net.ParseIP(h) == nil && !ldhName(h) {
		return &limitError{StacksDisagree, leaf, fmt.Sprintf("Java refuses, OpenSSL accepts (inferred): the host name %q has characters other than letters, digits, '-' and '.', which Java's host name check refuses (non-LDH)", h), "Give the appliances host names of letters, digits and '-' only (no '_'), or pair them by IP address."}
	}
	if h := strings.TrimSuffix(strings.TrimPrefix(o.Name, "["), "]"); h != "" && net.ParseIP(h) == nil {
		if l, u, ok := javaRefusedALabel(h); ok {
			return &limitError{StacksDisagree, leaf, fmt.Sprintf("Java refuses, OpenSSL accepts (inferred): the host name %q has the label %q, Punycode for %q, which begins or ends with '-': Java's host name check decodes internationalised labels and refuses that one (leading or trailing hyphen); OpenSSL compares the names as written", h, l, u),
				"Give the appliances host names whose internationalised labels are valid IDNA (encode them with an IDNA tool, do not edit the xn-- form), or pair them by IP address."}
		}
	}
	return nil
}

func ldhName(h string) bool {
	for _, r := range strings.TrimSuffix(h, ".") {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '*') {
			return false
		}
	}
	return true
}

// PartialWildcard reports the dNSName SAN of leaf that matches host only
// as OpenSSL (X509_check_host without NO_PARTIAL_WILDCARDS) and Java match
// it: a wildcard inside the left-most label with other characters beside
// it ("ba*.example.com"). crypto/x509, browsers and the CA/B Forum accept
// only a whole-label "*.". "" when none does.
func PartialWildcard(leaf *x509.Certificate, host string) string {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "" || net.ParseIP(host) != nil {
		return ""
	}
	hl := strings.Split(host, ".")
	for _, san := range leaf.DNSNames {
		p := strings.ToLower(strings.TrimSuffix(san, "."))
		pl := strings.Split(p, ".")
		first := pl[0]
		if strings.HasPrefix(p, "*.") || strings.Count(first, "*") != 1 || strings.Contains(strings.Join(pl[1:], "."), "*") {
			continue
		}
		if len(pl) < 3 || len(pl) != len(hl) || strings.Join(pl[1:], ".") != strings.Join(hl[1:], ".") || strings.HasPrefix(hl[0], "xn--") {
			continue
		}
		prefix, suffix, _ := strings.Cut(first, "*")
		if len(hl[0]) >= len(prefix)+len(suffix) && strings.HasPrefix(hl[0], prefix) && strings.HasSuffix(hl[0], suffix) {
			return san
		}
	}
	return ""
}

// literalNameConstraints applies the path's DNS and IP name constraints as
// OpenSSL and Java do, comparing each name as written: the leaf's SANs and
// those of every intermediate that is not self-issued (RFC 5280 6.1.3).
// It answers false whenever a CA on the path carries a constraint of
// another kind (email, URI): then it makes no claim.
func literalNameConstraints(path []*x509.Certificate) bool {
	for j := 1; j < len(path); j++ {
		ca := path[j]
		if len(ca.PermittedEmailAddresses)+len(ca.ExcludedEmailAddresses)+len(ca.PermittedURIDomains)+len(ca.ExcludedURIDomains) > 0 {
			return false
		}
		for i := 0; i < j; i++ {
			c := path[i]
			if i > 0 && bytes.Equal(c.RawSubject, c.RawIssuer) {
				continue
			}
			for _, d := range c.DNSNames {
				if !(len(ca.PermittedDNSDomains) == 0 || slices.ContainsFunc(ca.PermittedDNSDomains, func(p string) bool { return dnsConstraintMatches(p, d) })) ||
					slices.ContainsFunc(ca.ExcludedDNSDomains, func(p string) bool { return dnsConstraintMatches(p, d) }) {
					return false
				}
			}
			for _, ip := range c.IPAddresses {
				if !(len(ca.PermittedIPRanges) == 0 || slices.ContainsFunc(ca.PermittedIPRanges, func(n *net.IPNet) bool { return n.Contains(ip) })) ||
					slices.ContainsFunc(ca.ExcludedIPRanges, func(n *net.IPNet) bool { return n.Contains(ip) }) {
					return false
				}
			}
		}
	}
	return true
}

// javaRefusedALabel is the first label of host that Java's host name check
// refuses although it is letters, digits and '-': an A-label ("xn--...")
// whose Punycode decodes to a label beginning or ending with '-'. Java's
// HostnameChecker compares names after IDN.toUnicode and then checks the
// SAN with SNIHostName, whose STD3 rules refuse such a label ("Has leading
// or trailing hyphen"; OpenJDK 17 on webpki::cn::utf8-vs-punycode-mismatch);
// OpenSSL compares the names as written. IDN.toUnicode keeps a label whose
// Unicode form nameprep would change: only labels whose decoded characters
// are lower-case letters or basic code points are claimed (inferred).
func javaRefusedALabel(host string) (label, unicodeLabel string, ok bool) {
	for l := range strings.SplitSeq(strings.TrimSuffix(host, "."), ".") {
		if len(l) < 5 || len(l) > 63 || !strings.EqualFold(l[:4], "xn--") {
			continue
		}
		// Raw RFC 3492 decoding, with no check of the result: Java's own
		// IDN.toUnicode decodes so before SNIHostName refuses the label.
		dec, err := idna.Punycode.ToUnicode("xn--" + l[4:])
		u := []rune(dec)
		if err != nil || len(u) == 0 || (u[0] != '-' && u[len(u)-1] != '-') {
			continue
		}
		if !slices.ContainsFunc(u, func(r rune) bool { return r >= 0x80 && (!unicode.IsLetter(r) || unicode.ToLower(r) != r) }) {
			return l, string(u), true
		}
	}
	return "", "", false
}
