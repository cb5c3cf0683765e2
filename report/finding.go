package report

import (
	"bytes"

	"encoding/json"
	"fmt"
	"github.com/ome-preflight/ome-preflight/i18n"
)

// Severity of a finding.
type Severity string

// Severities, worst first.
const (
	SevError   Severity = "error"
	SevWarning Severity = "warning"
	SevInfo    Severity = "info"
)

// Rank orders severities, worst first.
func (s Severity) Rank() int {
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
	// FamilyCSR: the appliance's CSR alone, before a certificate exists
	// (command csr).
	FamilyCSR Family = "csr"
	// FamilyTemplate: what `template` predicts from an AD CS certificate
	// template, before any certificate exists.
	FamilyTemplate Family = "template"
	// FamilyBaseline compares a probe with an earlier report (--baseline).
	FamilyBaseline Family = "baseline"
)

// RuleInfo is a catalogue entry, as `rules` prints it.
type RuleInfo struct {
	ID             string   `json:"id"`
	Family         Family   `json:"family"`
	Severity       Severity `json:"severity"`
	OMEMessageID   string   `json:"ome_message_id"`
	OMEMessageArgs []string `json:"ome_message_args"`
	Reference      string   `json:"reference"`
	// Models says whose behaviour the rule models: OME policy, OpenSSL,
	// Java, both stacks, or this tool's probe, with the source.
	Models      string `json:"models"`
	Description string `json:"description"`
	Fix         string `json:"fix"`
}

// RulesReport is `rules --format json`: the catalogue with the schema
// version every JSON output carries.
type RulesReport struct {
	SchemaVersion int        `json:"schema_version"`
	Command       string     `json:"command"`
	Rules         []RuleInfo `json:"rules"`
}

// Finding is one reported fact, as in the JSON contract.
type Finding struct {
	Rule           string   `json:"rule"`
	Severity       Severity `json:"severity"`
	Side           Side     `json:"side"`
	CertIndex      *int     `json:"cert_index"`
	OMEMessageID   string   `json:"ome_message_id"`
	OMEMessageArgs []string `json:"ome_message_args"`
	Message        string   `json:"message"`
	// MessageID and MessageArgs are Message as a catalogue entry (i18n's
	// English catalogue: the same text, for tools that localise); an id
	// of "finding.verbatim" means the text has no entry of its own yet.
	MessageID   string   `json:"message_id"`
	MessageArgs []string `json:"message_args"`
	Fix         string   `json:"fix"`
	// FixID and FixArgs are Fix as a catalogue entry ("rule.<id>.fix" for
	// the rule's own fix).
	FixID     string   `json:"fix_id"`
	FixArgs   []string `json:"fix_args"`
	Reference string   `json:"reference"`
	// ConsequenceOf names the rule of the report's first cause when this
	// finding follows from it (fix that, and this one goes too).
	ConsequenceOf string `json:"consequence_of,omitempty"`
	// Doc links to the rule's entry in the README's rules table.
	Doc string `json:"doc"`
	// Family and CatalogueIndex place the finding's rule in the catalogue,
	// for the renderers (the wizard's causes): not part of the JSON.
	Family         Family `json:"-"`
	CatalogueIndex int    `json:"-"`
}

// CheckResult is the outcome of one rule on one side, pass or not, so that
// checklists can tick requirements.
type CheckResult struct {
	Rule        string `json:"rule"`
	Side        Side   `json:"side"`
	Status      Status `json:"status"`
	Description string `json:"description"`
	// Inferred is true when the rule is our reading, not Dell's statement.
	Inferred bool `json:"inferred,omitempty"`
	// Reason says why a check is na: what evidence was missing, or, with
	// NotApplicable, why the rule does not apply to this input.
	Reason string `json:"reason,omitempty"`
	// NotApplicable marks an na whose rule does not apply here (its
	// reason says why): not a check that could not run.
	NotApplicable bool `json:"not_applicable,omitempty"`
	// NotReached is the side whose appliance was not reached when that
	// alone left the check na (the report's source or target NotReached
	// says why, once).
	NotReached Side `json:"not_reached,omitempty"`
}

// NotChecked reports whether the check could not be evaluated (as opposed
// to passing or not applying).
func (c CheckResult) NotChecked() bool { return c.Status == NA && c.Reason != "" && !c.NotApplicable }

// WithIDs returns f with MessageID, MessageArgs, FixID and FixArgs filled
// in from Message and Fix when they are empty (i18n.Identify: the English
// catalogue entry that formats back to the same text).
func (f Finding) WithIDs() Finding {
	if f.MessageID == "" {
		f.MessageID, f.MessageArgs = i18n.Identify(f.Rule, f.Message)
	}
	if f.MessageArgs == nil {
		f.MessageArgs = []string{}
	}
	if f.FixID == "" {
		f.FixID, f.FixArgs = i18n.Identify(f.Rule, f.Fix)
	}
	if f.FixArgs == nil {
		f.FixArgs = []string{}
	}
	return f
}

// MarshalJSON writes the finding with its catalogue ids (WithIDs); the
// message and fix stay English whatever the run's language.
func (f Finding) MarshalJSON() ([]byte, error) {
	type plain Finding
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(plain(f.WithIDs())); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// LocalMessage is the finding's message in the run's language (English
// when the catalogue has no translation).
func (f Finding) LocalMessage() string {
	f = f.WithIDs()
	return i18n.Localise(f.MessageID, f.MessageArgs, f.Message)
}

// LocalFix is the finding's fix in the run's language.
func (f Finding) LocalFix() string {
	f = f.WithIDs()
	return i18n.Localise(f.FixID, f.FixArgs, f.Fix)
}
