package pairing

import (
	"time"

	"github.com/ome-preflight/ome-preflight/chain"
)

// Side is one appliance in compare and probe reports.
type Side struct {
	File        string       `json:"file,omitempty"`
	Address     string       `json:"address,omitempty"`
	Clock       time.Time    `json:"clock"`
	ClockSource string       `json:"clock_source"`
	Chain       []chain.Info `json:"chain"`
	Input       *InputInfo   `json:"input,omitempty"`
	Path        string       `json:"path,omitempty"`
}

// Row is one line of the KB's issued-to/issued-by table.
type Row struct {
	Source *RowCert `json:"source"`
	Target *RowCert `json:"target"`
	Match  bool     `json:"match"`
}

// RowCert is one side of a row.
type RowCert struct {
	Subject string `json:"subject"`
	Issuer  string `json:"issuer"`
}

// TrustCheck is one direction of the trust matrix.
type TrustCheck struct {
	Chain  string    `json:"chain"`
	Anchor string    `json:"anchor"`
	Usage  string    `json:"usage"`
	At     time.Time `json:"at"`
	OK     bool      `json:"ok"`
	Error  string    `json:"error,omitempty"`
}

// ClockInfo reports both clocks and their skew.
type ClockInfo struct {
	Source      time.Time `json:"source"`
	Target      time.Time `json:"target"`
	SkewSeconds float64   `json:"skew_seconds"`
	Window      string    `json:"window"`
}

func pairRuleList() []*Rule { return nil }
