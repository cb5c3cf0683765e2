package pairing

import (
	"time"
)

// ChecklistPair is one pair's result in a checklist.
type ChecklistPair struct {
	Name    string  `json:"name"`
	Verdict string  `json:"verdict"`
	Kind    string  `json:"kind"` // probe or compare
	Window  string  `json:"window"`
	Error   string  `json:"error,omitempty"`
	Report  *Report `json:"report"`
}

// Checklist is `checklist`'s report.
type Checklist struct {
	SchemaVersion int             `json:"schema_version"`
	Command       string          `json:"command"`
	Verdict       string          `json:"verdict"`
	Inventory     string          `json:"inventory"`
	Generated     time.Time       `json:"generated"`
	Pairs         []ChecklistPair `json:"pairs"`
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
