// Package report is ome-preflight's one report model: the typed values the
// rules (package pairing) build and the renderers (package render) read.
// encoding/json writes these types directly, with the field names of the
// JSON contract (docs: ../README.md "JSON report"); a field never changes
// meaning once shipped. Strings appear at the edges only: sides, clock
// sources, names and durations are typed, and the JSON keeps their
// contract's spelling.
//
// The package holds data, and the small judgements that belong to the data
// (a report's counts, whether a check was evaluated). It imports nothing of
// this module: the observation types that cross from probe to the rules
// (observe.go) live here because they are written into the report as they
// are (the "observed" object), so that render needs this package alone.
package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// SchemaVersion of the JSON reports.
const SchemaVersion = 1

// Verdict is a report's answer.
type Verdict string

// Verdicts.
const (
	VerdictPass       Verdict = "pass"
	VerdictFail       Verdict = "fail"
	VerdictIncomplete Verdict = "incomplete"
)

// Mode is what an upload is: a migration chain or a single server
// certificate.
type Mode string

// Upload modes.
const (
	ModeMigration Mode = "migration"
	ModeServer    Mode = "server"
)

// Side names an appliance of a pair. A finding about the pair as a whole,
// or about the one file of `check`, has SideNone; a check of a pair rule
// has SidePair.
type Side string

// Sides, as the JSON contract spells them.
const (
	SideNone   Side = ""
	SideSource Side = "source"
	SideTarget Side = "target"
	SidePair   Side = "pair"
)

// Other is the peer of source or target.
func (s Side) Other() Side {
	if s == SideSource {
		return SideTarget
	}
	return SideSource
}

// Rank orders sides: source, target, then the rest.
func (s Side) Rank() int {
	switch s {
	case SideSource:
		return 0
	case SideTarget:
		return 1
	}
	return 2
}

// Encoding is the container format of an input file ("pem", "der",
// "pkcs7-pem", "pkcs7-der", "pkcs12", "utf16-pem", "unknown", "tls").
type Encoding string

// InputInfo describes a file as read.
type InputInfo struct {
	File     string   `json:"file"`
	Encoding Encoding `json:"encoding"`
	Notes    []string `json:"notes"`
}

// CSRInfo describes the CSR given with the command.
type CSRInfo struct {
	File       string   `json:"file"`
	Subject    string   `json:"subject"`
	Key        string   `json:"key"`
	SPKISHA256 string   `json:"spki_sha256"`
	Notes      []string `json:"notes"`
	// SAN are the subject alternative names the CSR requests, as written
	// (command csr).
	SAN []string `json:"san,omitempty"`
	// Names are the names a certificate issued for the CSR will have to
	// cover: its CN and its DNS and IP SANs, without repeats (command csr).
	Names []string `json:"names,omitempty"`
}

// Report is what check, compare and probe produce: one struct, several
// renderers.
type Report struct {
	SchemaVersion int          `json:"schema_version"`
	Command       string       `json:"command"`
	Verdict       Verdict      `json:"verdict"`
	Mode          Mode         `json:"mode,omitempty"`
	EvaluatedAt   *time.Time   `json:"evaluated_at,omitempty"`
	Chain         []Cert       `json:"chain,omitempty"`
	Path          string       `json:"path,omitempty"`
	Input         *InputInfo   `json:"input,omitempty"`
	CSR           *CSRInfo     `json:"csr,omitempty"`
	Source        *Appliance   `json:"source,omitempty"`
	Target        *Appliance   `json:"target,omitempty"`
	Rows          []Row        `json:"rows,omitempty"`
	Trust         []TrustCheck `json:"trust,omitempty"`
	Clocks        *ClockInfo   `json:"clocks,omitempty"`
	// WizardMessage is what the migration wizard would show when the pair
	// fails, with the causes in Findings (those with Wizard set).
	WizardMessage string        `json:"wizard_message,omitempty"`
	Findings      []Finding     `json:"findings"`
	Checks        []CheckResult `json:"checks"`
	// Incomplete lists checks that could not run (exit code 3).
	Incomplete []string `json:"incomplete,omitempty"`
	// FixFirst is the finding to act on first: the cause that explains the
	// most of the others (an appliance that did not answer, a chain
	// uploaded as a single certificate, a missing root, the wrong CA...).
	FixFirst *Finding `json:"fix_first,omitempty"`
	// Scope says what a passing verdict covers when it covers less than the
	// whole question (probe without --client-cert: the server side only).
	Scope string `json:"scope,omitempty"`
	// ChainVerdict (check) is the one verifier's answer on the file: does
	// the path check shows validate to the file's own root, for the mode's
	// usages and --name, at --at? The rules say what OME makes of it.
	ChainVerdict *ChainVerdict `json:"chain_verdict,omitempty"`
	// Run names the tool's version, when it ran and the SHA-256 of each
	// input file.
	Run *Run `json:"run,omitempty"`
	// Template is what `template` read from the certutil dump.
	Template *TemplateInfo `json:"template,omitempty"`
	// WhatChanged (probe --baseline) compares this report with an earlier
	// one of the same appliances: leaf, CA, chain served, clock, version,
	// verdict, each as before -> after.
	WhatChanged *Changes `json:"what_changed,omitempty"`
}

// TemplateInfo is an AD CS certificate template as `template` read it, and
// what a leaf issued from it would carry.
type TemplateInfo struct {
	// Name is the template's cn: what certreq's CertificateTemplate:
	// attribute takes.
	Name          string `json:"name"`
	DisplayName   string `json:"display_name,omitempty"`
	SchemaVersion int    `json:"schema_version"`
	// EKUSource is the attribute the issued Extended Key Usage comes from
	// (msPKI-Certificate-Application-Policy or pKIExtendedKeyUsage).
	EKUSource   string   `json:"eku_source"`
	ExtKeyUsage []string `json:"ext_key_usage"`
	KeyUsage    []string `json:"key_usage"`
	// SubjectFromRequest: CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT is set.
	SubjectFromRequest bool   `json:"subject_from_request"`
	MinimalKeySize     int    `json:"minimal_key_size"`
	ValidityPeriod     string `json:"validity_period"`
	// IssuedUntil is when a leaf issued at evaluated_at expires at the
	// latest (absent when the period could not be read).
	IssuedUntil *time.Time `json:"issued_until,omitempty"`
	WindowEnd   *time.Time `json:"window_end,omitempty"`
	// Certreq is the command that issues the appliance's certificate from
	// this template.
	Certreq string `json:"certreq"`
}

// Changes is what changed since an earlier report (the baseline).
type Changes struct {
	// Baseline is the earlier report's file, Command the command that
	// wrote it (probe, compare, check, checklist).
	Baseline string `json:"baseline"`
	Command  string `json:"command"`
	// Pair names the checklist pair the baseline was taken from.
	Pair  string   `json:"pair,omitempty"`
	Items []Change `json:"items"`
}

// ChangeItem names what a Change compares.
type ChangeItem string

// The items compared, per appliance (leaf, CA, chain, clock, version)
// and for the pair (skew, verdict).
const (
	ChangeLeaf    ChangeItem = "leaf"
	ChangeCA      ChangeItem = "ca"
	ChangeChain   ChangeItem = "chain"
	ChangeClock   ChangeItem = "clock"
	ChangeVersion ChangeItem = "version"
	ChangeSkew    ChangeItem = "skew"
	ChangeVerdict ChangeItem = "verdict"
)

// Change is one item as it was in the baseline and as it is now.
type Change struct {
	// Side is source or target, or pair for the skew and the verdict.
	Side    Side       `json:"side"`
	Item    ChangeItem `json:"item"`
	Before  string     `json:"before"`
	After   string     `json:"after"`
	Changed bool       `json:"changed"`
}

// Changed counts the items that changed.
func (c *Changes) Changed() int {
	n := 0
	for _, x := range c.Items {
		if x.Changed {
			n++
		}
	}
	return n
}

// ChainVerdict is the one verifier's verdict as the report shows it.
type ChainVerdict struct {
	Valid bool `json:"valid"`
	// Reason is "valid", or why not: "expired", "not yet valid", "weak
	// signature", "CA usage", "extended key usage", "name constraints",
	// "path length", "host name", "unknown authority", "bad signature",
	// "critical extension", "search bound", "no anchor", "cannot judge"
	// (never valid), "other", "unreadable certificate" (a block of the file
	// could not be read, so it was not judged), "stacks disagree" (OpenSSL
	// refuses and Java accepts, or the reverse: never valid).
	Reason    string `json:"reason"`
	CertIndex *int   `json:"cert_index"`
	Error     string `json:"error,omitempty"`
	// Caveats qualify a valid verdict: what OME's stacks accept and current
	// clients may not (a host name matched only by the CN).
	Caveats []string `json:"caveats,omitempty"`
}

// Count returns the number of findings of a severity.
func (r *Report) Count(s Severity) int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == s {
			n++
		}
	}
	return n
}

// NotCheckedCount counts the checks whose evidence was missing.
func (r *Report) NotCheckedCount() int {
	n := 0
	for _, c := range r.Checks {
		if c.NotChecked() {
			n++
		}
	}
	return n
}

// WizardCauses are the findings the migration wizard's message stands for:
// the error findings of pair and live rules, in catalogue order.
func (r *Report) WizardCauses() []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Severity == SevError && (f.Family == FamilyPair || f.Family == FamilyLive) {
			out = append(out, f)
		}
	}
	// Stable insertion sort by catalogue position: findings of one rule
	// keep their order.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].CatalogueIndex < out[j-1].CatalogueIndex; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// Appliance is one side of a compare or probe report.
type Appliance struct {
	File        string      `json:"file,omitempty"`
	Address     string      `json:"address,omitempty"`
	Clock       time.Time   `json:"clock"`
	ClockSource ClockSource `json:"clock_source"`
	Chain       []Cert      `json:"chain"`
	Input       *InputInfo  `json:"input,omitempty"`
	CSR         *CSRInfo    `json:"csr,omitempty"`
	Path        string      `json:"path"`
	// Observed is what probe saw: TLS version, cipher, client-CA names,
	// handshakes, API reads.
	Observed *Observation `json:"observed,omitempty"`
	// NotReached (probe) says, once, why the appliance showed no chain
	// (connect failed, ...): nothing it does was observed, and each check
	// that needed it is na with NotReached set to its side. File and Chain
	// are then the chain the user expects it to serve, checked offline
	// at this machine's clock, when one was given.
	NotReached string `json:"not_reached,omitempty"`
	// SavedChain (probe --save-chains) is the file the served chain was
	// written to.
	SavedChain string `json:"saved_chain,omitempty"`
}

// Reached reports whether probe saw the appliance's chain (a file side of
// compare counts as reached).
func (a *Appliance) Reached() bool { return a != nil && a.NotReached == "" }

// Where is the appliance's address, else its file.
func (a *Appliance) Where() string {
	if a.Address != "" {
		return a.Address
	}
	return a.File
}

// ClockKind says where a clock came from, for the rules.
type ClockKind int

// Clock kinds.
const (
	// ClockGiven: the user gave the instant (a flag, the inventory).
	ClockGiven ClockKind = iota
	// ClockLocal: this machine's clock stands in for the appliance's.
	ClockLocal
	// ClockAPI: OME's API UtcTime.
	ClockAPI
	// ClockHTTP: the HTTP Date header.
	ClockHTTP
)

// ClockSource is where a clock came from: Kind for the rules, Text for
// people (the contract's "clock_source" string).
type ClockSource struct {
	Kind ClockKind
	Text string
}

// The clock sources probe reports, and this machine's clock.
var (
	ClockSourceAPI         = ClockSource{ClockAPI, "OME API UtcTime"}
	ClockSourceHTTP        = ClockSource{ClockHTTP, "HTTP Date header, corrected by half the round trip"}
	ClockSourceUnread      = ClockSource{ClockLocal, "local clock of this machine (the appliance's could not be read)"}
	ClockSourceThisMachine = ClockSource{ClockLocal, "local clock of this machine"}
)

// String is the text of the source.
func (c ClockSource) String() string { return c.Text }

// MarshalJSON writes the text.
func (c ClockSource) MarshalJSON() ([]byte, error) { return jsonString(c.Text) }

// UnmarshalJSON reads the text back; the kind is that of the clock sources
// above with the same text, else ClockGiven.
func (c *ClockSource) UnmarshalJSON(b []byte) error {
	var text string
	if err := json.Unmarshal(b, &text); err != nil {
		return err
	}
	*c = ClockSource{ClockGiven, text}
	for _, k := range []ClockSource{ClockSourceAPI, ClockSourceHTTP, ClockSourceUnread, ClockSourceThisMachine} {
		if k.Text == text {
			*c = k
		}
	}
	return nil
}

// Row is one line of the KB's issued-to/issued-by table, leaf first.
type Row struct {
	Source *RowCert `json:"source"`
	Target *RowCert `json:"target"`
	// Match is the KB's comparison: issuers for the leaf row, issued-to and
	// issued-by for CA rows.
	Match bool `json:"match"`
	// SameKey is false when a CA row matches by name but the two
	// certificates carry different public keys.
	SameKey bool `json:"same_key"`
}

// RowCert is one side of a row.
type RowCert struct {
	Subject    Name   `json:"subject"`
	Issuer     Name   `json:"issuer"`
	CertIndex  int    `json:"cert_index"`
	SPKISHA256 string `json:"spki_sha256"`
}

// Usage is the extended key usage a trust check asks for.
type Usage string

// Usages.
const (
	ServerAuth Usage = "serverAuth"
	ClientAuth Usage = "clientAuth"
)

// Role is "server" for serverAuth, "client" for clientAuth.
func (u Usage) Role() string {
	if u == ClientAuth {
		return "client"
	}
	return "server"
}

// TrustCheck is one direction of the trust matrix: the peer (verifier)
// checks the presenter's chain with its own root at its own clock.
type TrustCheck struct {
	Presenter Side      `json:"presenter"` // side whose chain is verified
	Verifier  Side      `json:"verifier"`  // side whose root is the anchor
	Usage     Usage     `json:"usage"`
	At        time.Time `json:"at"`
	OK        bool      `json:"ok"`
	Error     string    `json:"error,omitempty"`
}

// ClockInfo reports both clocks, their skew and the change window.
type ClockInfo struct {
	Source, Target time.Time
	// Skew is the source clock minus the target clock.
	Skew    time.Duration
	MaxSkew time.Duration
	Window  time.Duration
}

// MarshalJSON writes the contract's fields: skew and window in seconds,
// max_skew and window as Go durations ("5m0s").
func (c ClockInfo) MarshalJSON() ([]byte, error) {
	return marshal(struct {
		Source        time.Time `json:"source"`
		Target        time.Time `json:"target"`
		SkewSeconds   float64   `json:"skew_seconds"`
		MaxSkew       string    `json:"max_skew"`
		Window        string    `json:"window"`
		WindowSeconds float64   `json:"window_seconds"`
	}{c.Source, c.Target, c.Skew.Seconds(), c.MaxSkew.String(), c.Window.String(), c.Window.Seconds()})
}

// UnmarshalJSON reads the contract's fields back.
func (c *ClockInfo) UnmarshalJSON(b []byte) error {
	var w struct {
		Source      time.Time `json:"source"`
		Target      time.Time `json:"target"`
		SkewSeconds float64   `json:"skew_seconds"`
		MaxSkew     string    `json:"max_skew"`
		Window      string    `json:"window"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	maxSkew, err := time.ParseDuration(w.MaxSkew)
	if err != nil {
		return err
	}
	window, err := time.ParseDuration(w.Window)
	if err != nil {
		return err
	}
	*c = ClockInfo{Source: w.Source, Target: w.Target, Skew: time.Duration(w.SkewSeconds * float64(time.Second)), MaxSkew: maxSkew, Window: window}
	return nil
}

// Cert is the description of one certificate that reports carry.
type Cert struct {
	Index              int       `json:"index"`
	Role               string    `json:"role"`
	Subject            Name      `json:"subject"`
	Issuer             Name      `json:"issuer"`
	CommonName         string    `json:"common_name"`
	NotBefore          time.Time `json:"not_before"`
	NotAfter           time.Time `json:"not_after"`
	Serial             string    `json:"serial"`
	SHA256             string    `json:"sha256"`
	SPKISHA256         string    `json:"spki_sha256"`
	Key                string    `json:"key"`
	SignatureAlgorithm string    `json:"signature_algorithm"`
	KeyUsage           []string  `json:"key_usage"`
	ExtKeyUsage        []string  `json:"ext_key_usage"`
	IsCA               bool      `json:"is_ca"`
	SAN                []string  `json:"san"`
	// PathPosition is the place on the certification path (0 = leaf), or
	// nil for a certificate that is on no path.
	PathPosition *int `json:"path_position"`
}

// Human is "12 days", "5h30m0s", "40s": a duration as findings and every
// renderer show it (the one way a skew, a window or a time left is
// written): whole days from two days on, counted after rounding to the
// minute (a skew measured a round trip short of 400 days reads "400 days",
// not "399 days"); to the second below.
func Human(d time.Duration) string {
	if m := d.Round(time.Minute); m >= 48*time.Hour {
		return fmt.Sprintf("%d days", int(m/(24*time.Hour)))
	}
	return d.Round(time.Second).String()
}

// marshal is json.Marshal without HTML escaping, as the reports are
// written (a custom MarshalJSON's bytes are kept as they are).
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

func jsonString(s string) ([]byte, error) { return marshal(s) }
