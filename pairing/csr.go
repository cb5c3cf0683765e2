package pairing

import (
	"crypto/rsa"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/report"
)

// MaxCSRSANs is how many subject alternative names OME's CSR generation
// takes: Dell's Ansible module ome_application_certificate documents
// subject_alternative_names as "up to 4 comma separated values" (inferred
// for OME itself: reference/ does not state it).
const MaxCSRSANs = 4

// csrRule is a rule on the appliance's CSR alone (command csr), declared
// like the upload rules: the catalogue entry and its check.
type csrRule struct {
	*Rule
	Check func(c *chain.CSR) []Result
}

// csrRules are the csr command's rules, in catalogue order: csr-wildcard
// (an upload rule too: check --csr runs it) then the csr family.
var csrRules = []*csrRule{
	{&ruleCSRWildcard.Rule, csrWildcard},
	{ruleCSRCommonName, checkCSRCommonName},
	{ruleCSRSAN, checkCSRSAN},
	{ruleCSRKeySize, checkCSRKeySize},
	{ruleCSRSignature, checkCSRSignature},
}

const ansibleSAN = "Dell's Ansible module ome_application_certificate: subject_alternative_names \"up to 4 comma separated values\"; spaces stripped since its issue 537"

// ruleCSRCommonName: "Every certificate has a common name" (KB 000221202
// #6; a leaf without one is refused with CGEN1008). That the CA copies the
// CSR's subject into the leaf is our reading (AD CS does when the template
// takes the subject from the request).
var ruleCSRCommonName = &Rule{ID: "csr-common-name", Family: FamilyCSR, Severity: SevError, OMEMessageID: "CGEN1008", Inferred: true,
	Citation:    kb + " #6 (a leaf without common name; the CA copying the CSR's subject is our reading)",
	Description: "The CSR's subject has a common name (CN): the certificate issued for it will carry that subject.",
	Fix:         "Generate the CSR on the appliance again with its host name as the common name (Application Settings > Security > Certificates > Generate Certificate Signing Request)."}

func checkCSRCommonName(c *chain.CSR) []Result {
	if strings.TrimSpace(c.Req.Subject.CommonName) != "" {
		return nil
	}
	return []Result{{Status: Error, Details: fmt.Sprintf("the CSR %s has no common name in its subject \"%s\": a certificate issued for it has none either, and OME refuses a leaf without one", c.File, c.Req.Subject.String())}}
}

// ruleCSRSAN: OME's CSR generation takes at most 4 subject alternative
// names, separated by commas without spaces, and answers CGEN1004 naming
// San otherwise (the message explain maps; Dell's Ansible module documents
// the limit and strips the spaces, issue 537). Inferred: reference/ does
// not state it.
var ruleCSRSAN = &Rule{ID: "csr-san", Family: FamilyCSR, Severity: SevError, OMEMessageID: "CGEN1004", OMEMessageArgs: []string{"San"}, Inferred: true,
	Citation:    ansibleSAN,
	Description: "The CSR requests at most 4 subject alternative names, none with spaces (OME's CSR generation answers CGEN1004 with RelatedProperties [\"San\"] otherwise).",
	Cause:       "CSR generation refused the subject alternative names (San): OME takes at most 4, separated by commas without spaces",
	Fix:         "Generate the CSR again with at most 4 names, separated by commas only (ome1.example.com,10.0.0.5, not 'ome1.example.com, 10.0.0.5'); then check it with 'ome-preflight csr appliance.csr' before it is signed."}

func checkCSRSAN(c *chain.CSR) []Result {
	var out []Result
	sans := csrSANs(c)
	if len(sans) > MaxCSRSANs {
		out = append(out, Result{Status: Error, Details: fmt.Sprintf("the CSR %s requests %d subject alternative names (%s); OME's CSR generation takes at most %d, so this CSR was not made by it as documented",
			c.File, len(sans), strings.Join(sans, ", "), MaxCSRSANs)})
	}
	for _, s := range sans {
		if strings.IndexFunc(s, unicode.IsSpace) >= 0 {
			out = append(out, Result{Status: Error, Details: fmt.Sprintf("the CSR %s has a subject alternative name with a space in it: %q (a list typed with a space after a comma becomes one name)", c.File, s)})
		}
	}
	return out
}

// ruleCSRKeySize: OME generates the appliance's key itself, RSA 2048 or
// 4096 (inferred: reference/ does not state the sizes). A CSR with another
// key was made elsewhere, and a certificate issued for it will not match
// the appliance's key (csr-key).
var ruleCSRKeySize = &Rule{ID: "csr-key-size", Family: FamilyCSR, Severity: SevWarning, Inferred: true,
	Citation:    "OME's CSR generator offers RSA 2048 or 4096 (our reading; the KB states no size)",
	Description: "The CSR's key is RSA 2048 or 4096, a key OME's CSR generation makes.",
	Fix:         "Use the CSR generated on the appliance itself (its key never leaves the appliance); a CSR made with openssl or certreq elsewhere does not carry the appliance's key."}

func checkCSRKeySize(c *chain.CSR) []Result {
	switch k := c.Req.PublicKey.(type) {
	case *rsa.PublicKey:
		if n := k.N.BitLen(); n == 2048 || n == 4096 {
			return nil
		}
	}
	return []Result{{Status: Warn, Details: fmt.Sprintf("the CSR %s has a %s key; OME's CSR generation makes RSA 2048 or 4096 keys, so this CSR was probably not generated on the appliance", c.File, chain.KeyDescription(c.Req.PublicKey))}}
}

// ruleCSRSignature: a CSR is signed with its own key (RFC 2986 section 3,
// proof of possession); a CA refuses one whose signature does not verify
// (AD CS and openssl x509 -req check it; inferred for every CA).
var ruleCSRSignature = &Rule{ID: "csr-signature", Family: FamilyCSR, Severity: SevError, Inferred: true,
	Citation:    "RFC 2986 section 3 (the CSR's signature proves possession of its key; CAs check it)",
	Description: "The CSR's self-signature verifies: the file was not damaged on its way from the appliance.",
	Fix:         "Copy the CSR again from the appliance (Generate Certificate Signing Request shows it; copy it whole, or read it from the API's GenerateCSR answer) and do not edit it."}

func checkCSRSignature(c *chain.CSR) []Result {
	if c.SignatureOK {
		return nil
	}
	return []Result{{Status: Error, Details: fmt.Sprintf("the CSR %s's signature does not verify with its own key: the file is damaged or was edited, and the CA will refuse it", c.File)}}
}

// csrSANs are the CSR's subject alternative names as written: DNS names,
// IP addresses, e-mail addresses and URIs.
func csrSANs(c *chain.CSR) []string {
	var out []string
	out = append(out, c.Req.DNSNames...)
	for _, ip := range c.Req.IPAddresses {
		out = append(out, ip.String())
	}
	out = append(out, c.Req.EmailAddresses...)
	for _, u := range c.Req.URIs {
		out = append(out, u.String())
	}
	return out
}

// csrNames are the names a certificate issued for c will have to cover:
// the CN, then the DNS and IP SANs, without repeats.
func csrNames(c *chain.CSR) []string {
	var out []string
	add := func(n string) {
		if n = strings.TrimSpace(n); n != "" && !slices.ContainsFunc(out, func(x string) bool { return strings.EqualFold(x, n) }) {
			out = append(out, n)
		}
	}
	add(c.Req.Subject.CommonName)
	for _, d := range c.Req.DNSNames {
		add(d)
	}
	for _, ip := range c.Req.IPAddresses {
		add(ip.String())
	}
	return out
}

// LintCSR is the csr command's report: every csr rule on the appliance's
// CSR alone, and the names the certificate will have to cover.
func LintCSR(c *chain.CSR) *report.Report {
	r := newReport("csr")
	info := csrInfo(c)
	info.SAN, info.Names = csrSANs(c), csrNames(c)
	if info.SAN == nil {
		info.SAN = []string{}
	}
	r.CSR = info
	for _, cr := range csrRules {
		r.record(cr.Rule, report.SideNone, safely(func() []sideResult {
			res := cr.Check(c)
			if len(res) == 0 {
				// Each rule looked at the CSR: the observation behind the pass.
				res = []Result{{Status: Pass}}
			}
			out := make([]sideResult, len(res))
			for i, x := range res {
				out[i] = sideResult{report.SideNone, x}
			}
			return out
		}))
	}
	r.finish()
	return r.Report
}
