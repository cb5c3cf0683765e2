package pairing

import (
	"crypto/x509"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ome-preflight/ome-preflight/adcs"
	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/report"
)

// The template family predicts, from an AD CS certificate template (package
// adcs), what OME will say about a leaf issued from it, before any
// certificate exists. Where an upload rule judges the fact on the issued
// leaf (leaf-eku, leaf-key-usage), the template rule is that rule: its id,
// OME message and citation, with the fix in the words of the Certificate
// Templates console. Facts no upload rule judges (the subject taken from the
// request, the minimal key size, the validity period) are rules of their
// own.

// TemplateSubject is one template as the template rules see it.
type TemplateSubject struct {
	T    *adcs.Template
	Mode report.Mode
	// At is when the certificate will be issued (the run's clock).
	At time.Time
	// WindowEnd is when the planned change window ends (zero: not given).
	WindowEnd time.Time
}

// templateRule is a template rule: its catalogue entry (an upload rule's
// when the template predicts that rule's finding) and its check.
type templateRule struct {
	*Rule
	Check func(s *TemplateSubject) []Result
}

// templateRules are the template family, in the order a template is read.
var templateRules = []*templateRule{
	{Rule: &ruleLeafEKU.Rule, Check: checkTemplateEKU},
	{Rule: &ruleLeafKU.Rule, Check: checkTemplateKU},
	ruleTemplateSubject,
	ruleTemplateKeySize,
	ruleTemplateValidity,
}

const (
	oidServerAuth = "1.3.6.1.5.5.7.3.1"
	oidClientAuth = "1.3.6.1.5.5.7.3.2"
	// certtmpl is how the fixes open the console.
	certtmpl = "In the Certificate Templates console (certtmpl.msc)"
	// MS-CRTD and MS-WCCE are the template specifications the rules cite.
	crtd = "[MS-CRTD]"
)

// OME's CSR generator offers RSA keys of these sizes (inferred: the OME
// documentation in reference/ does not list them; Dell's Ansible module
// ome_application_certificate generates the CSR without a size choice).
const (
	omeKeyMin = 2048
	omeKeyMax = 4096
)

// fixName is the template that will issue the appliance's certificate once
// fixed: the template itself when it can be edited (schema 2 and later), a
// duplicate of it (schema 1 templates cannot be edited).
func (s *TemplateSubject) fixName() string {
	if s.T.SchemaVersion >= 2 {
		return s.T.Name
	}
	return s.T.Name + "OME"
}

// Certreq is the command that issues the appliance's certificate from the
// template (fixed: fixName) for the CSR generated on the appliance.
func (s *TemplateSubject) Certreq(fixed bool) string {
	name := s.T.Name
	if fixed {
		name = s.fixName()
	}
	return fmt.Sprintf(`certreq -submit -attrib "CertificateTemplate:%s" appliance.csr appliance.cer`, name)
}

// fix words change in the console: on a duplicate for a schema-1 template,
// on the template's properties otherwise; then the certreq line.
func (s *TemplateSubject) fix(change string) string {
	display := s.T.DisplayName
	if display == "" {
		display = s.T.Name
	}
	var b strings.Builder
	if s.T.SchemaVersion < 2 {
		fmt.Fprintf(&b, "%s, right-click \"%s\" > Duplicate Template (a schema-1 template cannot be edited); on General, name it \"%s\"; then on the duplicate: %s. Publish it on the CA (certsrv.msc: Certificate Templates > New > Certificate Template to Issue)",
			certtmpl, display, s.fixName(), change)
	} else {
		fmt.Fprintf(&b, "%s, open \"%s\" > Properties: %s", certtmpl, display, change)
	}
	fmt.Fprintf(&b, ". Then issue the appliance's certificate from it: %s", s.Certreq(true))
	return b.String()
}

func (s *TemplateSubject) label() string {
	return fmt.Sprintf("template \"%s\" (schema %d)", s.T.Name, s.T.SchemaVersion)
}

func oidNames(oids []adcs.OID) string {
	var out []string
	for _, o := range oids {
		if o.Name != "" {
			out = append(out, o.Name+" ("+o.OID+")")
		} else {
			out = append(out, o.OID)
		}
	}
	return strings.Join(out, ", ")
}

func hasOID(oids []adcs.OID, oid string) bool {
	return slices.ContainsFunc(oids, func(o adcs.OID) bool { return o.OID == oid })
}

// checkTemplateEKU predicts leaf-eku: the EKU the CA will issue
// (adcs.Template.IssuedEKU: msPKI-Certificate-Application-Policy for schema
// 2 and later, [MS-CRTD] 2.25; pKIExtendedKeyUsage for schema 1, 2.12).
func checkTemplateEKU(s *TemplateSubject) []Result {
	oids, attr, given := s.T.IssuedEKU()
	server, client := hasOID(oids, oidServerAuth), hasOID(oids, oidClientAuth)
	have := oidNames(oids)
	if !given || have == "" {
		have = "nothing: the template has no " + attr + ", so the leaf would have no Extended Key Usage extension"
	}
	var out []Result
	if s.T.SchemaVersion >= 2 && s.T.AppPolicyGiven && s.T.EKUGiven && oidNames(s.T.EKU) != oidNames(s.T.AppPolicy) {
		out = append(out, Result{Status: Info, Details: fmt.Sprintf("%s: %s lists %s, %s lists %s; for a schema-2 or later template the CA issues %s ([MS-CRTD] 2.25)",
			s.label(), adcs.AttrEKU, orNone(oidNames(s.T.EKU)), adcs.AttrAppPolicy, orNone(oidNames(s.T.AppPolicy)), adcs.AttrAppPolicy)})
	}
	var missing []string
	if !server {
		missing = append(missing, "Server Authentication")
	}
	if !client && s.Mode != report.ModeServer {
		missing = append(missing, "Client Authentication")
	}
	if len(missing) == 0 {
		return append(out, Result{Status: Pass})
	}
	why := "; migration needs both because each appliance is client and server"
	if s.Mode == report.ModeServer {
		why = ""
	}
	return append(out, Result{Status: Error, Details: fmt.Sprintf("%s issues Extended Key Usage from %s: %s. A leaf issued from it lacks %s%s",
		s.label(), attr, have, strings.Join(missing, " and "), why),
		Fix: s.fix("Extensions > Application Policies > Edit > Add: " + strings.Join(missing, ", "))})
}

func orNone(s string) string {
	if s == "" {
		return "nothing"
	}
	return s
}

// checkTemplateKU predicts leaf-key-usage from pKIKeyUsage ([MS-CRTD]
// 2.13), which the CA copies into the leaf's Key Usage ([MS-WCCE]
// 3.2.2.6.2.1.4.4.4).
func checkTemplateKU(s *TemplateSubject) []Result {
	ku := s.T.KeyUsage
	have := strings.Join(chain.KeyUsageNames(ku), ", ")
	if have == "" {
		have = "none"
	}
	where := fmt.Sprintf("%s gives the leaf Key Usage %s (%s \"%s\")", s.label(), have, adcs.AttrKeyUsage, s.T.KeyUsageRaw)
	keyEnc := "Extensions > Key Usage > Edit: tick \"Allow key exchange only with key encryption (key encipherment)\" (Request Handling > Purpose \"Signature and encryption\" offers it)"
	if ku&x509.KeyUsageKeyEncipherment == 0 {
		change := keyEnc
		if ku&x509.KeyUsageDigitalSignature == 0 {
			change += ", and \"Digital signature\""
		}
		r := Result{Status: Error, Details: where + ": a leaf issued from it lacks Key Encipherment", Fix: s.fix(change)}
		if s.Mode == report.ModeServer {
			r.MessageID, r.Args = strp("CSEC9002"), []string{}
		}
		return []Result{r}
	}
	if ku&x509.KeyUsageDigitalSignature == 0 {
		// As checkLeafKU: OME's suites are all (EC)DHE_RSA, so the
		// appliance signs with this key as server and as TLS client.
		return []Result{{Status: Error, MessageID: strp(""), Args: []string{}, Details: where +
			": a leaf issued from it lacks Digital Signature; with OME's (EC)DHE_RSA suites the appliance signs with this key as server and as TLS client, which Java and OpenSSL refuse (inferred: OME's own message for it is not documented)",
			Fix: s.fix("Extensions > Key Usage > Edit: tick \"Digital signature\"")}}
	}
	return []Result{{Status: Pass}}
}

// ruleTemplateSubject: "If the CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT flag is
// not set, then: The CA MUST ignore any subject name information provided
// in the certificate request" ([MS-WCCE] 3.2.2.6.2.1.4.5.9; the flag:
// [MS-CRTD] 2.28). The appliance's name is in its CSR's subject: without
// the flag the leaf names the requester's directory object instead.
var ruleTemplateSubject = &templateRule{Rule: &Rule{ID: "template-subject", Family: report.FamilyTemplate, Severity: SevError, Inferred: true,
	Citation:    crtd + " 2.28 msPKI-Certificate-Name-Flag; [MS-WCCE] 3.2.2.6.2.1.4.5.9 (the CA ignores the request's subject without CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT); that the leaf then fails OME's name checks is inferred",
	Description: "The template takes the subject from the request (CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT), so the leaf names the appliance as its CSR does.",
	Fix:         certtmpl + ", on the template (a duplicate for a schema-1 template): Subject Name > \"Supply in the request\"; then issue with certreq -submit -attrib \"CertificateTemplate:NAME\" appliance.csr appliance.cer."},
	Check: checkTemplateSubject}

func checkTemplateSubject(s *TemplateSubject) []Result {
	f := s.T.NameFlag
	if f&adcs.EnrolleeSuppliesSubject != 0 {
		return []Result{{Status: Pass}}
	}
	built := "no subject at all (no CT_FLAG_SUBJECT_REQUIRE_* flag is set either)"
	switch {
	case f&adcs.SubjectRequireDirectoryPath != 0:
		built = "the requester's distinguished name from Active Directory"
	case f&(adcs.SubjectRequireCommonName|adcs.SubjectRequireDNSAsCN) != 0:
		built = "the requester's common name or DNS host name from Active Directory"
	case f&adcs.SubjectRequireEmail != 0:
		built = "the requester's e-mail address from Active Directory"
	}
	return []Result{{Status: Error, Details: fmt.Sprintf(
		"%s does not take the subject from the request (%s 0x%08x lacks CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT): the CA ignores the subject of the appliance's CSR and writes %s, so the leaf would not name the appliance (its peer checks the name; OME requires a common name)",
		s.label(), adcs.AttrNameFlag, f, built),
		Fix: s.fix("Subject Name > \"Supply in the request\"")}}
}

// ruleTemplateKeySize: msPKI-Minimal-Key-Size "specifies the minimum size,
// in bits, of the public key that the client creates" ([MS-CRTD] 2.19); the
// appliance's CSR carries a key OME generated, RSA 2048 or 4096 bits
// (inferred).
var ruleTemplateKeySize = &templateRule{Rule: &Rule{ID: "template-key-size", Family: report.FamilyTemplate, Severity: SevError, Inferred: true,
	Citation:    crtd + " 2.19 msPKI-Minimal-Key-Size; that OME's CSR generator offers RSA 2048 or 4096 bits is inferred",
	Description: "The template's minimal key size is one the appliance's CSR can meet (OME generates RSA 2048 or 4096 bits).",
	Fix:         certtmpl + ", on the template: Cryptography (schema 2: Request Handling) > Minimum key size: 2048; or generate the appliance's CSR with a 4096-bit key."},
	Check: checkTemplateKeySize}

func checkTemplateKeySize(s *TemplateSubject) []Result {
	n := s.T.MinKeySize
	where := "Request Handling"
	if s.T.SchemaVersion >= 3 {
		where = "Cryptography"
	}
	switch {
	case n <= omeKeyMin:
		return []Result{{Status: Pass}}
	case n <= omeKeyMax:
		return []Result{{Status: Warn, Details: fmt.Sprintf("%s requires keys of at least %d bits (%s): generate the appliance's CSR with a %d-bit key; a %d-bit CSR would be refused by the CA",
			s.label(), n, adcs.AttrMinKeySize, omeKeyMax, omeKeyMin),
			Fix: fmt.Sprintf("Generate the CSR on the appliance with key size %d (Application Settings > Security > Certificates > Generate Certificate Signing Request), or lower the template's minimum: %s",
				omeKeyMax, s.fix(where+" > Minimum key size: 2048"))}}
	}
	return []Result{{Status: Error, Details: fmt.Sprintf("%s requires keys of at least %d bits (%s), more than the %d bits OME's CSR generator offers at most (inferred): the CA would refuse the appliance's CSR",
		s.label(), n, adcs.AttrMinKeySize, omeKeyMax),
		Fix: s.fix(where + " > Minimum key size: 2048 (or 4096)")}}
}

// ruleTemplateValidity: "The CA MUST issue a certificate with a validity
// period that does not exceed the period defined by this attribute's
// value" ([MS-WCCE] 3.2.2.6.2.1.4.4.2, pKIExpirationPeriod: [MS-CRTD]
// 2.11); OME judges each certificate's validity at each appliance's clock
// (KB connection validation).
var ruleTemplateValidity = &templateRule{Rule: &Rule{ID: "template-validity", Family: report.FamilyTemplate, Severity: SevError,
	Citation:    crtd + " 2.11 pKIExpirationPeriod, [MS-WCCE] 3.2.2.6.2.1.4.4.2; the KB's connection validation judges each certificate's validity period",
	Description: "A leaf issued from the template now stays valid until the planned change window ends (--window-end).",
	Fix:         certtmpl + ", on the template: General > Validity period, long enough to cover the change window; the CA never issues past its own certificate's expiry."},
	Check: checkTemplateValidity}

func checkTemplateValidity(s *TemplateSubject) []Result {
	switch {
	case s.WindowEnd.IsZero():
		return []Result{{Status: NA, Reason: "no --window-end given (when the planned change window ends)"}}
	case !s.T.ValidityGiven:
		return []Result{{Status: NA, Reason: "the dump has no " + adcs.AttrExpiration}}
	case !s.T.Validity.Known:
		return []Result{{Status: NA, Reason: fmt.Sprintf("%s \"%s\" could not be read (expected a count and Years, Months, Weeks, Days or Hours, as certutil prints it in English)", adcs.AttrExpiration, s.T.Validity.Text)}}
	}
	end := s.T.Validity.End(s.At)
	if end.Before(s.WindowEnd) {
		return []Result{{Status: Error, Details: fmt.Sprintf("%s issues certificates valid for %s at most (%s): one issued at %s expires by %s, before the change window ends at %s",
			s.label(), s.T.Validity.Text, adcs.AttrExpiration, s.At.Format(time.RFC3339), end.Format(time.RFC3339), s.WindowEnd.Format(time.RFC3339)),
			Fix: s.fix(fmt.Sprintf("General > Validity period: at least %s", report.Human(s.WindowEnd.Sub(s.At).Round(24*time.Hour)+24*time.Hour)))}}
	}
	return []Result{{Status: Pass}}
}

// TemplateOptions are the inputs of `template`.
type TemplateOptions struct {
	Template  *adcs.Template
	Mode      report.Mode
	At        time.Time
	WindowEnd time.Time
}

// Template predicts what OME will say about a leaf issued from o.Template.
func Template(o TemplateOptions) *report.Report {
	if o.Mode == "" {
		o.Mode = report.ModeMigration
	}
	s := &TemplateSubject{T: o.Template, Mode: o.Mode, At: o.At.UTC().Truncate(time.Second), WindowEnd: o.WindowEnd.UTC()}
	r := newReport("template")
	at := s.At
	r.EvaluatedAt, r.Mode = &at, o.Mode
	t := o.Template
	notes := t.Notes
	if notes == nil {
		notes = []string{}
	}
	r.Input = &report.InputInfo{File: t.File, Encoding: report.Encoding(t.Encoding), Notes: notes}
	for _, tr := range templateRules {
		r.record(tr.Rule, report.SideNone, safely(func() []sideResult {
			var out []sideResult
			for _, x := range tr.Check(s) {
				out = append(out, sideResult{Result: x})
			}
			return out
		}))
	}
	r.finish()
	oids, attr, _ := t.IssuedEKU()
	info := &report.TemplateInfo{Name: t.Name, DisplayName: t.DisplayName, SchemaVersion: t.SchemaVersion, EKUSource: attr,
		ExtKeyUsage: ekuNames(oids), KeyUsage: chain.KeyUsageNames(t.KeyUsage), SubjectFromRequest: t.NameFlag&adcs.EnrolleeSuppliesSubject != 0,
		MinimalKeySize: t.MinKeySize, ValidityPeriod: t.Validity.Text, Certreq: s.Certreq(r.Verdict == report.VerdictFail)}
	if t.ValidityGiven && t.Validity.Known {
		end := t.Validity.End(s.At)
		info.IssuedUntil = &end
	}
	if !s.WindowEnd.IsZero() {
		we := s.WindowEnd
		info.WindowEnd = &we
	}
	r.Template = info
	return r.Report
}

// ekuNames names OIDs as the chain table does (serverAuth, clientAuth), the
// others as dotted OIDs.
func ekuNames(oids []adcs.OID) []string {
	out := []string{}
	for _, o := range oids {
		switch o.OID {
		case oidServerAuth:
			out = append(out, "serverAuth")
		case oidClientAuth:
			out = append(out, "clientAuth")
		default:
			out = append(out, o.OID)
		}
	}
	return out
}
