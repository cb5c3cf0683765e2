package report

import (
	"encoding/json"
	"time"
)

// Kind says how a checklist pair was checked.
type Kind string

// Kinds.
const (
	KindProbe   Kind = "probe"
	KindCompare Kind = "compare"
)

// ChecklistPair is one pair's result in a checklist.
type ChecklistPair struct {
	Name    string
	Verdict Verdict
	Kind    Kind
	// Window is the pair's change window.
	Window time.Duration
	Error  string
	// BeforeIssuing is the first section: what is judged before any
	// certificate exists (the appliances' CSRs, the CA template).
	BeforeIssuing []BeforeIssuing
	Report        *Report
}

// BeforeIssuing is one input judged before the certificate exists: an
// appliance's CSR (command csr) or the AD CS template dump (command
// template). Status is the worst of its checks; na with Reason when it
// could not be judged.
type BeforeIssuing struct {
	What   string  `json:"what"` // "source csr", "target csr", "template"
	File   string  `json:"file"`
	Status Status  `json:"status"`
	Reason string  `json:"reason,omitempty"`
	Report *Report `json:"report,omitempty"`
}

// MarshalJSON writes the contract's fields, the window as a Go duration
// ("4h0m0s").
func (p ChecklistPair) MarshalJSON() ([]byte, error) {
	return marshal(struct {
		Name    string  `json:"name"`
		Verdict Verdict `json:"verdict"`
		Kind    Kind    `json:"kind"`
		Window  string  `json:"window"`
		Error   string  `json:"error,omitempty"`
		// before_issuing is added to the contract; omitted when empty.
		BeforeIssuing []BeforeIssuing `json:"before_issuing,omitempty"`
		Report        *Report         `json:"report"`
	}{p.Name, p.Verdict, p.Kind, p.Window.String(), p.Error, p.BeforeIssuing, p.Report})
}

// UnmarshalJSON reads the contract's fields back.
func (p *ChecklistPair) UnmarshalJSON(b []byte) error {
	var w struct {
		Name    string  `json:"name"`
		Verdict Verdict `json:"verdict"`
		Kind    Kind    `json:"kind"`
		Window  string  `json:"window"`
		Error   string  `json:"error"`
		// before_issuing, as written above.
		BeforeIssuing []BeforeIssuing `json:"before_issuing"`
		Report        *Report         `json:"report"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	window, err := time.ParseDuration(w.Window)
	if err != nil {
		return err
	}
	*p = ChecklistPair{Name: w.Name, Verdict: w.Verdict, Kind: w.Kind, Window: window, Error: w.Error, BeforeIssuing: w.BeforeIssuing, Report: w.Report}
	return nil
}

// Checklist is `checklist`'s report.
type Checklist struct {
	SchemaVersion int             `json:"schema_version"`
	Command       string          `json:"command"`
	Verdict       Verdict         `json:"verdict"`
	Inventory     string          `json:"inventory"`
	Generated     time.Time       `json:"generated"`
	Pairs         []ChecklistPair `json:"pairs"`
	// Manual are the prerequisites the admin confirms by hand, for every
	// pair: the tool cannot observe them, so none is ever a pass.
	Manual []ManualItem `json:"manual"`
	// Run names the tool's version, when it ran and the SHA-256 of the
	// inventory and of every file it names.
	Run *Run `json:"run,omitempty"`
}

// ManualStatus is the status of a manual item: the admin's to confirm.
// It is not a Status: a rule's pass needs an observation, and these have
// none.
type ManualStatus string

// ToConfirm is the only status a manual item has: the tool never ticks it.
const ToConfirm ManualStatus = "to_confirm"

// ManualItem is one prerequisite the admin ticks: what to confirm, why the
// tool cannot, and where it is stated.
type ManualItem struct {
	ID        string       `json:"id"`
	Status    ManualStatus `json:"status"`
	Text      string       `json:"text"`
	Why       string       `json:"why"`
	Reference string       `json:"reference"`
}

// Finish sets the overall verdict: fail if any pair fails, incomplete if
// any is incomplete, else pass.
func (c *Checklist) Finish() {
	c.Verdict = VerdictPass
	for _, p := range c.Pairs {
		switch p.Verdict {
		case VerdictFail:
			c.Verdict = VerdictFail
		case VerdictIncomplete:
			if c.Verdict == VerdictPass {
				c.Verdict = VerdictIncomplete
			}
		}
	}
}
