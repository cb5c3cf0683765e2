// Package pairing is ome-preflight's OME knowledge: the rule catalogue (what
// OME checks and the exact error it returns), the three rule families, and
// the reading of OME's logs. The rules build package report's values from
// chain's facts and probe's observations (report's observation types);
// package render shows them.
package pairing

import (
	"sort"
	"strings"
	"sync"

	"github.com/ome-preflight/ome-preflight/report"
)

// The statuses and severities rules answer with (report's, named here for
// the rule tables).
const (
	NA    = report.NA
	Pass  = report.Pass
	Info  = report.Info
	Warn  = report.Warn
	Error = report.Error
	Fatal = report.Fatal

	SevError   = report.SevError
	SevWarning = report.SevWarning
	SevInfo    = report.SevInfo

	FamilyUpload   = report.FamilyUpload
	FamilyPair     = report.FamilyPair
	FamilyLive     = report.FamilyLive
	FamilyCSR      = report.FamilyCSR
	FamilyBaseline = report.FamilyBaseline
)

// Result is what a rule's check returns for one finding-worthy fact.
type Result struct {
	Status    report.Status
	CertIndex *int   // the certificate at fault, when there is one
	Details   string // what is wrong, naming the certificate
	Fix       string // overrides the rule's fix when set
	// MessageID and Args override the rule's OME message (e.g. the key usage
	// rule answers CSEC9002 for a single server certificate).
	MessageID *string
	Args      []string
	// Reason, on an NA result, says why the rule could not be evaluated
	// (side unreachable, handshake not attempted, API not read, ...). It
	// becomes the check's reason, not a finding.
	Reason string
	// NotApplies, on an NA result, says why the rule does not apply to
	// this input (another rule reports the fact, the mode has no such
	// thing): the check is na with that reason, not "not checked".
	NotApplies string
}

// Rule is one declared check, like a zlint lint.
type Rule struct {
	ID             string
	Family         report.Family
	Severity       report.Severity // severity of an Error result; Warn results are warnings
	OMEMessageID   string          // what OME answers, when OME reports it
	OMEMessageArgs []string
	Citation       string // "KB 000221202 #3", or "inferred: ..."
	Inferred       bool   // our reading goes beyond the KB
	Description    string
	Fix            string
	// Cause is what explain says when it finds this rule's OME message in a
	// log ("" : the description).
	Cause string
}

func (r *Rule) reference() string {
	ref := r.Citation
	if doc := r.doc(); !strings.Contains(ref, doc) {
		ref += " [" + doc + "]"
	}
	if r.Inferred {
		return "inferred: " + ref
	}
	return ref
}

// doc is the repository document that states (or, for inferred rules,
// argues) the rule: every reference names one.
func (r *Rule) doc() string {
	switch {
	case strings.HasPrefix(r.ID, "api-") || strings.Contains(r.Citation, "ome-api.md"):
		return "docs/ome-api.md"
	case strings.Contains(r.Citation, "KB 000221202") && !r.Inferred:
		return "docs/ome-requirements.md"
	}
	return "docs/design-notes.md"
}

// Catalogue lists every rule, upload rules first, then pair, live and
// baseline rules.
// models says, per rule, whose behaviour it models: OME policy (the KB),
// OpenSSL (Apache mod_ssl on the appliance's port 443), Java (the
// appliance's client side, inferred), both stacks, or this tool's own
// probe; with the source. The README's rules table prints it.
var models = map[string]string{
	"csr-key":             "OME policy (KB 000221202 #1)",
	"csr-wildcard":        "OME policy (KB 000221202 #6)",
	"csr-common-name":     "OME policy (KB 000221202 #6: a leaf without CN); the CA copying the CSR's subject is inferred",
	"csr-san":             "OME's CSR generation (CGEN1004 San) as Dell's Ansible module ome_application_certificate documents it (inferred)",
	"csr-key-size":        "OME's CSR generation, RSA 2048 or 4096 (inferred)",
	"csr-signature":       "RFC 2986 section 3: CAs verify the request's signature (inferred)",
	"encoding":            "OME policy (KB 000221202 #2); a PEM PKCS#7 chain is a warning: the KB and Dell's Ansible module ome_application_certificate disagree",
	"encoding-text":       "OpenSSL's PEM reader (indented lines, missing padding; inferred)",
	"leaf-eku":            "OME policy (KB 000221202 #3); a leaf without EKU is refused as OME's message says, not as the stacks would",
	"leaf-key-usage":      "OME policy (KB 000221202 #4: Key Encipherment); both stacks for Digital Signature (Java as server, OpenSSL -purpose sslclient; inferred)",
	"chain-complete":      "OME policy (KB 000221202 #5); both stacks refuse a path that stops short of a root",
	"chain-signature":     "both stacks (RFC 5280 6.1)",
	"chain-order":         "OME policy (KB 000221202 #5, order, stated by the KB; OME's message for it inferred); for a served chain, a warning (TLS 1.3 clients reorder)",
	"chain-unrelated":     "OME policy (KB 000221202 #5)",
	"chain-depth":         "OME policy (KB 000221202 #5, depth 10)",
	"chain-verify":        "both stacks: crypto/x509 plus the CN rules of OpenSSL and Java (host name and DNS name constraints on the CN without dNSName SAN); differences listed by stacks_test.go",
	"ca-constraints":      "both stacks (RFC 5280 4.2.1.9, 4.2.1.3)",
	"common-name":         "OME policy (KB 000221202 #6)",
	"leaf-cn-wildcard":    "OME policy (KB 000221202 #6)",
	"validity":            "both stacks, at each appliance's clock (KB connection validation)",
	"validity-expiring":   "this tool's margin (30 days)",
	"leaf-key-type":       "OME's TLS 1.2 suites, all RSA (OME 3.6 Security Configuration Guide; inferred)",
	"key-size":            "Java's jdk.certpath.disabledAlgorithms, NIST SP 800-131A (inferred)",
	"weak-signature":      "OpenSSL at security level 2 refuses SHA-1/MD5; Java refuses MD2/MD5, accepts SHA-1 outside its roots (inferred)",
	"leaf-is-ca":          "RFC 5280 4.2.1.9 profile (inferred)",
	"leaf-name":           "both stacks: SAN, else the CN when there is no dNSName SAN (OpenSSL X509_check_host, Java HostnameChecker); in probe without a name, the names OME's AddressConfiguration reports",
	"pair-ca-names":       "OME policy (KB connection validation: issued to / issued by)",
	"pair-ca-keys":        "both stacks: a renamed CA key breaks the handshake (inferred)",
	"pair-trust":          "both stacks, each appliance's root at its clock (inferred)",
	"pair-validity":       "both stacks at both clocks (KB connection validation)",
	"pair-clock-skew":     "this tool (each appliance judges at its own clock; inferred)",
	"pair-distinct":       "OME: each appliance generates its own key with its CSR (inferred)",
	"live-unreachable":    "this tool's probe",
	"live-key":            "both stacks: RFC 8446 4.4.3, RFC 5246 7.4.3",
	"live-leaf-only":      "OME policy (KB 000221202 #5, Ansible issue 645); that the appliance serves only its leaf after a single-certificate upload is inferred",
	"live-chain-differs":  "this tool's probe (--source-chain/--target-chain)",
	"live-client-ca":      "OpenSSL (port 443) requesting client certificates, RFC 5246 7.4.4 (inferred)",
	"live-no-client-auth": "OpenSSL (port 443): whether it requests a client certificate is not documented (inferred)",
	"live-tls":            "OME's four TLS 1.2 suites (OME 3.6 Security Configuration Guide), offered exactly as OME's client would (inferred)",
	"live-handshake":      "Go's TLS client as a stand-in for OME's Java client; nginx-style HTTP refusals recognised; for the suites Go cannot complete (DHE, CBC-SHA384) the appliance's TLS 1.2 flight is read and the rest inferred",
	"live-clock":          "this tool's probe (OME API UtcTime, HTTP Date)",
	"api-access":          "OME API (GET only)",
	"api-version":         "OME migration prerequisites (OME 4.0.x User's Guide, Migrate in: source 3.10.x, target 4.0/4.0.1)",
	"api-ntp":             "OME API TimeConfiguration",
	"api-cert":            "OME API Certificate",
	"api-proxy":           "OME API ProxyConfiguration; the 4.0.x User's Guide's \"Proxy requirements for Migrate an appliance\" (the rule's logic is inferred)",
	"api-fips":            "OME API SecurityConfiguration (OME-Modular)",
	"baseline-leaf":       "this tool's probe against an earlier report (--baseline)",
	"baseline-ca":         "this tool's probe against an earlier report (--baseline); that a CA changed on one appliance breaks the pairing is the KB's connection validation (inferred)",
	"api-webserver":       "OME API WebServerConfiguration (Dell's Ansible module ome_application_network_webserver); the wizard dialling 443 is inferred",
	"template-subject":    "the AD CS CA ([MS-WCCE] 3.2.2.6.2.1.4.5.9) building the subject; OME's and both stacks' name checks on the result (inferred)",
	"template-key-size":   "the AD CS CA enforcing msPKI-Minimal-Key-Size ([MS-CRTD] 2.19); OME's CSR key sizes (inferred)",
	"template-validity":   "the AD CS CA capping validity at pKIExpirationPeriod ([MS-WCCE] 3.2.2.6.2.1.4.4.2); both stacks judging validity (KB connection validation)",
}

func Catalogue() []report.RuleInfo {
	var out []report.RuleInfo
	for _, r := range allRules() {
		args := r.OMEMessageArgs
		if args == nil {
			args = []string{}
		}
		out = append(out, report.RuleInfo{ID: r.ID, Family: r.Family, Severity: r.Severity, OMEMessageID: r.OMEMessageID,
			OMEMessageArgs: args, Reference: r.reference(), Models: models[r.ID], Description: r.Description, Fix: r.Fix})
	}
	return out
}

// Rules is the catalogue's rules, in order (explain maps OME's messages to
// them).
func Rules() []*Rule { return allRules() }

func allRules() []*Rule {
	var all []*Rule
	for _, u := range uploadRules {
		all = append(all, &u.Rule)
	}
	for _, c := range csrRules {
		if c.Rule.Family == FamilyCSR { // csr-wildcard is an upload rule too
			all = append(all, c.Rule)
		}
	}
	for _, p := range pairRules {
		all = append(all, &p.Rule)
	}
	for _, l := range liveRules {
		all = append(all, &l.Rule)
	}
	for _, t := range templateRules {
		if t.Family == report.FamilyTemplate { // the others are upload rules, listed above
			all = append(all, t.Rule)
		}
	}
	for _, b := range baselineRules {
		all = append(all, &b.Rule)
	}
	return all
}

// catalogueIndex is each rule's place in the catalogue.
var catalogueIndex = sync.OnceValue(func() map[string]int {
	m := map[string]int{}
	for i, r := range allRules() {
		m[r.ID] = i
	}
	return m
})

// RuleByID finds a rule in the catalogue.
func RuleByID(id string) (*Rule, bool) {
	for _, r := range allRules() {
		if r.ID == id {
			return r, true
		}
	}
	return nil, false
}

// DocBase is where a rule's README entry is: DocBase + rule id.
const DocBase = "https://github.com/ome-preflight/ome-preflight/blob/main/README.md#rule-"

// finding turns a non-passing result into a finding; ok is false for a pass
// or a silent NA.
func (r *Rule) finding(side report.Side, res Result) (report.Finding, bool) {
	var sev report.Severity
	switch res.Status {
	case Pass:
		return report.Finding{}, false
	case NA, Info:
		if res.Details == "" {
			return report.Finding{}, false
		}
		sev = SevInfo
	case Warn:
		sev = SevWarning
	case Error, Fatal:
		sev = r.Severity
	}
	f := report.Finding{Rule: r.ID, Severity: sev, Side: side, CertIndex: res.CertIndex, Message: res.Details,
		Fix: r.Fix, Reference: r.reference(), OMEMessageArgs: []string{}, Doc: DocBase + r.ID,
		Family: r.Family, CatalogueIndex: catalogueIndex()[r.ID]}
	if res.Fix != "" {
		f.Fix = res.Fix
	}
	if sev == r.Severity && sev != SevInfo {
		// OME's message is only predicted when the rule fails as OME would.
		f.OMEMessageID = r.OMEMessageID
		if r.OMEMessageArgs != nil {
			f.OMEMessageArgs = r.OMEMessageArgs
		}
	}
	if res.MessageID != nil {
		f.OMEMessageID = *res.MessageID
		f.OMEMessageArgs = res.Args
		if f.OMEMessageArgs == nil {
			f.OMEMessageArgs = []string{}
		}
	}
	if res.Status == Fatal {
		f.Message = "internal error in rule " + r.ID + ": " + res.Details
	}
	return f, true
}

// sortFindings orders findings by severity, then side, then certificate,
// keeping rule order otherwise.
func sortFindings(fs []report.Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		if a, b := fs[i].Severity.Rank(), fs[j].Severity.Rank(); a != b {
			return a < b
		}
		return fs[i].Side.Rank() < fs[j].Side.Rank()
	})
}

func intp(i int) *int       { return &i }
func strp(s string) *string { return &s }
