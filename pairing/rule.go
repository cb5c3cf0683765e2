// Package pairing is ome-preflight's OME knowledge: the rule catalogue (what
// OME checks and the exact error it returns), the three rule families, the
// report model, and the reading of OME's logs. Package render shows the
// reports.
package pairing

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Severity of a finding.
type Severity string

// Severities, worst first.
const (
	SevError   Severity = "error"
	SevWarning Severity = "warning"
	SevInfo    Severity = "info"
)

func (s Severity) rank() int {
	switch s {
	case SevError:
		return 0
	case SevWarning:
		return 1
	default:
		return 2
	}
}

// Status is the outcome of one rule on one subject, as in zlint.
type Status int

// Statuses. NA means the rule does not apply, or could not be evaluated; in
// the latter case the result says why and becomes an info finding.
const (
	NA Status = iota
	Pass
	Info
	Warn
	Error
	Fatal // the rule itself failed (a bug); reported, the run goes on
)

var statusNames = []string{"na", "pass", "info", "warn", "error", "fatal"}

func (s Status) String() string {
	if s >= 0 && int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("status(%d)", int(s))
}

// MarshalJSON writes the status name.
func (s Status) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// UnmarshalJSON reads a status name, so reports can be read back.
func (s *Status) UnmarshalJSON(b []byte) error {
	var name string
	if err := json.Unmarshal(b, &name); err != nil {
		return err
	}
	for i, n := range statusNames {
		if n == name {
			*s = Status(i)
			return nil
		}
	}
	return fmt.Errorf("unknown status %q", name)
}

// Family groups rules: what each command runs.
type Family string

// Rule families.
const (
	FamilyUpload Family = "upload"
	FamilyPair   Family = "pair"
	FamilyLive   Family = "live"
)

// Result is what a rule's check returns for one finding-worthy fact.
type Result struct {
	Status    Status
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
}

// Rule is one declared check, like a zlint lint.
type Rule struct {
	ID             string
	Family         Family
	Severity       Severity // severity of an Error result; Warn results are warnings
	OMEMessageID   string   // what OME answers, when OME reports it
	OMEMessageArgs []string
	Citation       string // "KB 000221202 #3", or "inferred: ..."
	Inferred       bool   // our reading goes beyond the KB
	Description    string
	Fix            string
	// Cause is what explain says when it finds this rule's OME message in a
	// log ("" : the description).
	Cause string
}

// RuleInfo is the catalogue entry printed by `rules`.
type RuleInfo struct {
	ID             string   `json:"id"`
	Family         Family   `json:"family"`
	Severity       Severity `json:"severity"`
	OMEMessageID   string   `json:"ome_message_id"`
	OMEMessageArgs []string `json:"ome_message_args"`
	Reference      string   `json:"reference"`
	Description    string   `json:"description"`
	Fix            string   `json:"fix"`
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

// Catalogue lists every rule, upload rules first, then pair and live rules.
func Catalogue() []RuleInfo {
	var out []RuleInfo
	for _, r := range allRules() {
		args := r.OMEMessageArgs
		if args == nil {
			args = []string{}
		}
		out = append(out, RuleInfo{ID: r.ID, Family: r.Family, Severity: r.Severity, OMEMessageID: r.OMEMessageID,
			OMEMessageArgs: args, Reference: r.reference(), Description: r.Description, Fix: r.Fix})
	}
	return out
}

func allRules() []*Rule {
	var all []*Rule
	for _, u := range uploadRules {
		all = append(all, u.Rule)
	}
	for _, p := range pairRules {
		all = append(all, p.Rule)
	}
	for _, l := range liveRules {
		all = append(all, l.Rule)
	}
	return all
}

// RuleByID finds a rule in the catalogue.
func RuleByID(id string) (*Rule, bool) {
	for _, r := range allRules() {
		if r.ID == id {
			return r, true
		}
	}
	return nil, false
}

// Finding is one reported fact, as in the JSON contract (README "JSON report").
type Finding struct {
	Rule           string   `json:"rule"`
	Severity       Severity `json:"severity"`
	Side           string   `json:"side"`
	CertIndex      *int     `json:"cert_index"`
	OMEMessageID   string   `json:"ome_message_id"`
	OMEMessageArgs []string `json:"ome_message_args"`
	Message        string   `json:"message"`
	Fix            string   `json:"fix"`
	Reference      string   `json:"reference"`
	// ConsequenceOf names the rule of the report's first cause when this
	// finding follows from it (fix that, and this one goes too).
	ConsequenceOf string `json:"consequence_of,omitempty"`
	// Doc links to the rule's entry in the README's rules table.
	Doc string `json:"doc"`
}

// DocBase is where a rule's README entry is: DocBase + rule id.
const DocBase = "https://github.com/ome-preflight/ome-preflight/blob/main/README.md#rule-"

// CheckResult is the outcome of one rule on one side, pass or not, so that
// checklists can tick requirements.
type CheckResult struct {
	Rule        string `json:"rule"`
	Side        string `json:"side"`
	Status      Status `json:"status"`
	Description string `json:"description"`
	// Inferred is true when the rule is our reading, not Dell's statement.
	Inferred bool `json:"inferred,omitempty"`
	// Reason says why a check is na: what evidence was missing.
	Reason string `json:"reason,omitempty"`
}

// NotChecked reports whether the check could not be evaluated (as opposed
// to passing or not applying).
func (c CheckResult) NotChecked() bool { return c.Status == NA && c.Reason != "" }

// finding turns a non-passing result into a finding; ok is false for a pass
// or a silent NA.
func (r *Rule) finding(side string, res Result) (Finding, bool) {
	var sev Severity
	switch res.Status {
	case Pass:
		return Finding{}, false
	case NA, Info:
		if res.Details == "" {
			return Finding{}, false
		}
		sev = SevInfo
	case Warn:
		sev = SevWarning
	case Error, Fatal:
		sev = r.Severity
	}
	f := Finding{Rule: r.ID, Severity: sev, Side: side, CertIndex: res.CertIndex, Message: res.Details,
		Fix: r.Fix, Reference: r.reference(), OMEMessageArgs: []string{}, Doc: DocBase + r.ID}
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
func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		if a, b := fs[i].Severity.rank(), fs[j].Severity.rank(); a != b {
			return a < b
		}
		return sideRank(fs[i].Side) < sideRank(fs[j].Side)
	})
}

func sideRank(s string) int {
	switch s {
	case "source":
		return 0
	case "target":
		return 1
	}
	return 2
}

func intp(i int) *int       { return &i }
func strp(s string) *string { return &s }
