package pairing

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/report"
)

// ProbeOptions are the inputs of `probe`: what each appliance showed, and
// the chains the user expects them to serve.
type ProbeOptions struct {
	// Source and Target are what each appliance showed; one of them is nil
	// when probe was given one appliance alone (only --source or only
	// --target): its pair rules are then na, "no target given".
	Source, Target                 *report.Observation
	SourceExpected, TargetExpected *chain.Input
	SourceCSR, TargetCSR           *chain.CSR
	// SourceName and TargetName are the names each peer uses to reach the
	// appliance (leaf-name; "" when not given).
	SourceName, TargetName string
	Window, MaxSkew        time.Duration
	ClientCertGiven        bool
	// Local is this machine's clock (zero: not known).
	Local time.Time
	// Flags words the inputs a check asks for when they are missing.
	Flags Flags
	// Baseline, when given, is an earlier report of the same appliances
	// (probe --baseline): the report says what changed since.
	Baseline *Baseline
}

// LivePair is the pair as the live rules see it.
type LivePair struct {
	ProbeOptions
	Src, Tgt *Subject // nil when that appliance showed no chain
}

// OME's TLS 1.2 suites (OME 3.6 Security Configuration Guide), by the names
// crypto/tls and IANA use.
var omeSuites = map[string]bool{
	"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384": true,
	"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384": true,
	"TLS_DHE_RSA_WITH_AES_256_GCM_SHA384":   true,
	"TLS_DHE_RSA_WITH_AES_256_CBC_SHA256":   true,
}

// liveRule is a live or API rule, declared next to its check function: the
// catalogue entry, whether it applies to each side, and its check.
type liveRule struct {
	Rule
	// Applies says whether the rule applies to side sd, that is whether
	// the evidence it judges is there, and when it does not, why. The
	// check reports what it observed on both sides; a side it reports
	// nothing on passes only when the rule applies there, and is na with
	// Applies' reason otherwise: a check that did not run never passes.
	// nil: it always applies.
	Applies func(p *LivePair, sd liveSide) (ok bool, why string)
	Check   func(p *LivePair) []sideResult
}

// run is the rule on p, each side completed by Applies.
func (lr *liveRule) run(p *LivePair) []sideResult {
	return judged(p, lr.Check(p), lr.Applies)
}

const apiRef = "docs/ome-api.md (GET only)"

// liveRules are the live and API rules, in catalogue order.
var liveRules = []*liveRule{
	ruleUnreachable,
	ruleKeyProof,
	ruleLeafOnly,
	ruleChainDiffers,
	ruleClientCA,
	ruleNoClientAuth,
	ruleTLS,
	ruleHandshake,
	ruleClock,
	ruleAPIAccess,
	ruleAPIVersion,
	ruleAPINTP,
	ruleAPICert,
	ruleAPIProxy,
	ruleAPIFIPS,
	ruleAPIWebServer,
}

// Probe judges two live appliances, or one alone: first each verifying
// handshake (with the peer's root at the peer's clock: judgeMutuals), then
// every compare rule on what they presented, each at its own clock, then
// the live rules. An appliance that was not reached is said once
// (Appliance.NotReached, the live-unreachable finding); every check that
// needed it is na naming it, and the chain the user expects it to serve
// is checked offline, at this machine's clock, as check would.
func Probe(o ProbeOptions) *report.Report {
	judgeMutuals(o.Source, o.Target)
	r := newReport("probe")
	lp := &LivePair{ProbeOptions: o}
	local := o.Local
	mk := func(obs *report.Observation, name report.Side, csr *chain.CSR, host string, exp *chain.Input) (*Subject, *report.Appliance) {
		if obs == nil {
			return nil, nil
		}
		side := &report.Appliance{Address: obs.Address, Clock: obs.Clock, ClockSource: obs.ClockSource, Chain: []report.Cert{}, Observed: obs}
		if len(obs.Chain) == 0 {
			side.NotReached = NotReached(obs)
			r.Incomplete = append(r.Incomplete, unreached(name, obs))
			// The expected chain is checked offline for an appliance not
			// reached; not for one that answered with a chain this tool
			// cannot take as evidence (an unproven key, suites Go cannot
			// complete), lest a pass on the file read as one on it.
			if exp == nil || len(exp.Certs) == 0 || side.NotReached == "" {
				for _, u := range uploadRules {
					r.record(&u.Rule, name, []sideResult{{name, Result{Status: NA, Reason: unreached(name, obs)}}})
				}
				return nil, side
			}
			// What the user expects it to serve, checked as a file, at this
			// machine's clock: the appliance's was never read.
			at := local
			if at.IsZero() {
				at = obs.Clock
			}
			s := NewSubject(exp, csr, report.ModeMigration, at, host)
			s.Side, s.Flags = name, o.Flags
			side.File, side.Chain, side.Path, side.Input = exp.File, describeAll(s), chain.Describe(exp.Certs, s.Path.Order), inputInfo(exp)
			r.runUpload(s, name)
			return nil, side
		}
		in := &chain.Input{File: obs.Address, Encoding: chain.EncTLS, Certs: obs.Chain, Notes: []string{}}
		s := NewSubject(in, csr, report.ModeMigration, obs.Clock, host)
		s.Side, s.Flags = name, o.Flags
		s.APINames = apiNames(obs.API)
		side.Chain, side.Path = describeAll(s), chain.Describe(in.Certs, s.Path.Order)
		side.Input = inputInfo(in)
		r.runUpload(s, name)
		return s, side
	}
	lp.Src, r.Source = mk(o.Source, report.SideSource, o.SourceCSR, o.SourceName, o.SourceExpected)
	lp.Tgt, r.Target = mk(o.Target, report.SideTarget, o.TargetCSR, o.TargetName, o.TargetExpected)
	switch {
	case lp.Src != nil && lp.Tgt != nil:
		p := NewPair(lp.Src, lp.Tgt, o.Window, o.MaxSkew)
		p.Local = o.Local
		if localClock(o.Source.ClockSource) && localClock(o.Target.ClockSource) {
			p.ClocksUnmeasured = "neither appliance's clock could be read: both are judged at this machine's clock, so their skew is not measured"
		}
		r.runPair(p)
	default:
		// An appliance not given, or not reached (which Incomplete says).
		why := pairMissing(lp)
		for _, pr := range pairRules {
			r.record(&pr.Rule, report.SidePair, []sideResult{{Result: Result{Status: NA, Reason: why}}})
		}
	}
	for _, lr := range liveRules {
		res := safely(func() []sideResult { return lr.run(lp) })
		for _, sd := range lp.sides() {
			var mine []sideResult
			for _, x := range res {
				if x.Side == sd.name || x.Side == report.SideNone {
					mine = append(mine, x)
				}
			}
			if r.record(&lr.Rule, sd.name, mine) && lr.ID == "live-handshake" {
				r.WizardMessage = WizardMessage
			}
		}
	}
	for _, sd := range lp.sides() {
		obs := sd.obs
		if unreached(sd.name, obs) != "" {
			continue // said once, above
		}
		for _, f := range obs.Failures {
			if f.Clock {
				continue // the local clock stands in, with a warning (live-clock)
			}
			r.Incomplete = append(r.Incomplete, fmt.Sprintf("%s: %s: %s", obs.Address, f.Step, f.Error))
		}
		for _, h := range obs.Handshakes {
			if h.Kind == report.KindMutual && !h.OK && (h.Stage == report.StageConnect || h.Stage == report.StageTimeout) {
				r.Incomplete = append(r.Incomplete, fmt.Sprintf("%s: verifying handshake: %s", obs.Address, h.Error))
			}
		}
		if obs.API != nil && !obs.API.Read() {
			r.Incomplete = append(r.Incomplete, fmt.Sprintf("%s %s: %s", sd.name, obs.Address, apiNotRead(obs.API)))
		}
	}
	markNotReached(r.Report, lp)
	var scope []string
	if o.Source == nil || o.Target == nil {
		scope = append(scope, fmt.Sprintf("the %s alone: %s, so no pair rule was checked", lp.sides()[0].name, pairMissing(lp)))
	}
	if !o.ClientCertGiven {
		scope = append(scope, "server side only: no --client-cert was given, so no appliance was shown a client certificate")
	}
	r.Scope = strings.Join(scope, "; ")
	if o.Baseline != nil {
		r.runBaseline(o.Baseline)
	}
	r.finish()
	if o.Baseline != nil {
		r.whatChangedVerdict(o.Baseline)
	}
	return r.Report
}

// pairMissing says why the pair rules could not run: an appliance not
// given, or not reached.
func pairMissing(lp *LivePair) string {
	var why []string
	for _, sd := range []struct {
		name report.Side
		obs  *report.Observation
	}{{report.SideSource, lp.Source}, {report.SideTarget, lp.Target}} {
		if sd.obs == nil {
			why = append(why, fmt.Sprintf("no %s given", sd.name))
		} else if u := unreached(sd.name, sd.obs); u != "" {
			why = append(why, u)
		}
	}
	return strings.Join(why, "; ")
}

// markNotReached sets NotReached on each check that is na only because an
// appliance was not reached (its reason is that appliance's, as unreached
// words it), so that renderers can say "not reached" once for them all.
func markNotReached(r *report.Report, lp *LivePair) {
	for _, sd := range lp.sides() {
		why := unreached(sd.name, sd.obs)
		if NotReached(sd.obs) == "" {
			continue
		}
		for i, c := range r.Checks {
			if c.NotChecked() && c.Reason == why {
				r.Checks[i].NotReached = sd.name
			}
		}
	}
}

type liveSide struct {
	name      report.Side
	obs, peer *report.Observation
	s, ps     *Subject
	expected  *chain.Input
}

// sides are the appliances given, source first; peer is nil when the
// other one was not given.
func (p *LivePair) sides() []liveSide {
	var out []liveSide
	if p.Source != nil {
		out = append(out, liveSide{report.SideSource, p.Source, p.Target, p.Src, p.Tgt, p.SourceExpected})
	}
	if p.Target != nil {
		out = append(out, liveSide{report.SideTarget, p.Target, p.Source, p.Tgt, p.Src, p.TargetExpected})
	}
	return out
}

// judged completes a live rule's results: each side that produced none
// passes only when the rule applies there (its evidence is there);
// otherwise it is na with applies' reason. A check that did not run never
// passes.
func judged(p *LivePair, out []sideResult, applies func(p *LivePair, sd liveSide) (bool, string)) []sideResult {
	for _, sd := range p.sides() {
		seen := false
		for _, x := range out {
			seen = seen || x.Side == sd.name
		}
		if seen {
			continue
		}
		if applies != nil {
			if ok, why := applies(p, sd); !ok {
				out = append(out, sideResult{sd.name, Result{Status: NA, Reason: why}})
				continue
			}
		}
		out = append(out, sideResult{sd.name, Result{Status: Pass}})
	}
	return out
}

// unreached is the reason of every check that an appliance left na by
// showing no chain ("" when it showed one): short, and the same for every
// check, so that it is said once; notReached says why.
func unreached(name report.Side, obs *report.Observation) string {
	switch {
	case len(obs.Chain) > 0:
		return ""
	case obs.KeyUnproven != "":
		return fmt.Sprintf("the %s %s did not prove it holds the key of the certificate it presented (live-key)", name, obs.Address)
	case goCannot(obs):
		return fmt.Sprintf("the %s %s speaks only %s among OME's suites, which Go's TLS (this tool) cannot complete (live-tls): its chain, clock and API were not read", name, obs.Address, obs.OMESuites.Chosen)
	case obs.NotTLS != "":
		return fmt.Sprintf("the %s %s answered without TLS on this port (live-tls)", name, obs.Address)
	}
	return fmt.Sprintf("the %s %s was not reached", name, obs.Address)
}

// NotReached says why an appliance was not reached: the failed step and
// its error, once for the whole report. It is "" for an appliance that
// showed its chain, and for one that answered without a chain this tool
// can judge (unproven key, suites Go cannot complete: live-key and
// live-tls say so).
func NotReached(obs *report.Observation) string {
	switch {
	case len(obs.Chain) > 0, obs.KeyUnproven != "", goCannot(obs), obs.NotTLS != "":
		return ""
	}
	why := "no certificate chain was presented"
	if len(obs.Failures) > 0 {
		why = obs.Failures[0].Step + " failed: " + obs.Failures[0].Error
	}
	if w := obs.Wait; w != nil && !w.Answered {
		why += fmt.Sprintf(" (after --wait %s: %s, last: %s)", w.For.Duration(), attempts(w.Attempts), w.LastError)
	}
	return why
}

// attempts is "1 attempt", "12 attempts".
func attempts(n int) string {
	if n == 1 {
		return "1 attempt"
	}
	return fmt.Sprintf("%d attempts", n)
}

func sideUnreached(sd liveSide) string { return unreached(sd.name, sd.obs) }

// goCannot reports a side whose TLS handshakes failed while it accepted one
// of OME's suites that Go's crypto/tls cannot complete (DHE, CBC-SHA384).
func goCannot(obs *report.Observation) bool {
	return len(obs.Chain) == 0 && obs.TLSVersion == "" && obs.OMESuites != nil && obs.OMESuites.Chosen != "" && !obs.OMESuites.GoCompletes
}

// bothReached needs the chains of the side and of its peer.
func bothReached(sd liveSide) string {
	if why := unreached(sd.name, sd.obs); why != "" {
		return why
	}
	if sd.peer == nil {
		return noPeer(sd)
	}
	return unreached(sd.name.Other(), sd.peer)
}

// noPeer is the reason of a check that needs the peer appliance when
// probe was given one appliance alone.
func noPeer(sd liveSide) string { return fmt.Sprintf("no %s given", sd.name.Other()) }

// apiNames are the names and addresses the appliance's API reports for
// itself (AddressConfiguration), DNS name first; nil when not read.
func apiNames(api *report.API) []string {
	if !api.Read() {
		return nil
	}
	var out []string
	if api.DNSName != "" {
		out = append(out, api.DNSName)
	}
	return append(out, api.Addresses...)
}

// apiRead says why a side's API answers are missing ("" when read).
func apiRead(sd liveSide) string {
	api := sd.obs.API
	switch {
	case api == nil && len(sd.obs.Chain) == 0:
		return unreached(sd.name, sd.obs)
	case api == nil:
		return "API not read: give --user (password from OME_PASSWORD or a prompt)"
	case !api.Read():
		return apiNotRead(api)
	}
	return ""
}

// apiNotRead says why the required endpoints did not answer.
func apiNotRead(api *report.API) string {
	switch {
	case api.Refused != "":
		return "API not read: " + api.Refused
	case api.AuthFailed:
		return fmt.Sprintf("API not read: the credentials of \"%s\" were refused (%s)", api.User, authError(api))
	}
	var why []string
	for _, f := range api.Failures {
		if f.Required {
			why = append(why, f.Error)
		}
	}
	if len(why) == 0 {
		why = api.Errors
	}
	return "API not read: " + strings.Join(why, "; ")
}

// apiField needs the API read and the answer of one endpoint (path).
func apiField(path string, present func(*report.API) bool, what string) func(p *LivePair, sd liveSide) string {
	return func(_ *LivePair, sd liveSide) string {
		if why := apiRead(sd); why != "" {
			return why
		}
		api := sd.obs.API
		for _, u := range api.Unavailable {
			if u == path {
				why := fmt.Sprintf("not available on this product: GET %s answered 404 (CGEN1006)", path)
				if path == report.PathSecurity {
					why += "; FIPS mode is documented for OME-Modular only"
				}
				return why
			}
		}
		for _, f := range api.Failures {
			if f.Path == path {
				return "not read: " + f.Error
			}
		}
		if !present(api) {
			return fmt.Sprintf("the %s %s did not report %s", sd.name, sd.obs.Address, what)
		}
		return ""
	}
}

// authError is the refusal as the appliance worded it.
func authError(api *report.API) string {
	if api.AuthError != "" {
		return api.AuthError
	}
	return "HTTP 401"
}

// apiFix is the fix for a failed GET, by its HTTP status.
func apiFix(f report.APIFailure) string {
	switch {
	case f.Status == 401:
		return "Check the user name and its password for this appliance (OME answers 401 CGEN1001, \"the user is not authenticated\", to a wrong user name or password)."
	case f.Status == 403:
		return "Give the account a role that may read Application Settings (an administrator or a device manager with read access)."
	case f.Status == 404:
		return "This product or version does not have " + f.Path + ": check that you probed an OME appliance of the version you expect."
	case f.Status >= 500:
		return "The appliance failed to answer: check its health (Application Settings > Console, or restart the services) and probe again."
	case f.Status == 0:
		return "Check that the appliance stays reachable; raise --timeout if it is slow."
	}
	return "Check the appliance's API with a browser session as the same user."
}

var ruleUnreachable = &liveRule{Rule: Rule{ID: "live-unreachable", Family: FamilyLive, Severity: SevWarning,
	Citation:    "probe",
	Description: "Each appliance answers on its address within --timeout: connect, TLS handshake, HTTP.",
	Fix:         "Check the address and port (443 unless the web server port was changed), that the appliance is up, and that no firewall between this machine and it drops the connection."},
	Check: checkUnreachable}

func checkUnreachable(p *LivePair) []sideResult {
	var out []sideResult
	for _, sd := range p.sides() {
		if goCannot(sd.obs) || sd.obs.NotTLS != "" {
			// Reached: it answered OME's suites, which this tool cannot
			// finish, or it answered without TLS (live-tls says so). Not
			// unreachable.
			out = append(out, sideResult{sd.name, Result{Status: NA, Reason: unreached(sd.name, sd.obs)}})
			continue
		}
		if NotReached(sd.obs) != "" && len(sd.obs.Failures) > 0 {
			// Not reached: said once, with the step that failed first.
			out = append(out, sideResult{sd.name, Result{Status: Warn, Details: fmt.Sprintf("not reached: %s: %s", sd.obs.Address, NotReached(sd.obs))}})
			continue
		}
		for _, f := range sd.obs.Failures {
			if f.Clock && f.Answered {
				continue // it answered without a Date header: live-clock says so
			}
			out = append(out, sideResult{sd.name, Result{Status: Warn, Details: fmt.Sprintf("%s %s: %s failed: %s", sd.name, sd.obs.Address, f.Step, f.Error)}})
		}
	}
	return out
}

var ruleKeyProof = &liveRule{Rule: Rule{ID: "live-key", Family: FamilyLive, Severity: SevError,
	Citation:    "RFC 8446 4.4.3 (CertificateVerify), RFC 5246 7.4.3 (ServerKeyExchange): the server signs with the key of its certificate",
	Description: "Each appliance proves in the TLS handshake that it holds the private key of the certificate it presents.",
	Fix:         "Something on the path answers with the appliance's certificate but without its key (a TLS-inspecting proxy or load balancer, or another host on that address): check the address, probe from the appliances' own network, and send no credentials there."},
	Applies: reachedApplies,
	Check:   checkKeyProof}

// checkKeyProof fails a side whose handshake signature did not verify with
// the certificate it presented. A side passes when it was reached: probe
// keeps a chain only from a handshake that got past the server's signature
// (completed, or asked for our certificate, which comes after it).
func checkKeyProof(p *LivePair) []sideResult {
	var out []sideResult
	for _, sd := range p.sides() {
		if sd.obs.KeyUnproven != "" {
			out = append(out, sideResult{sd.name, Result{Status: Error, Details: fmt.Sprintf("%s %s: %s", sd.name, sd.obs.Address, sd.obs.KeyUnproven)}})
		}
	}
	return out
}

var ruleLeafOnly = &liveRule{Rule: Rule{ID: "live-leaf-only", Family: FamilyLive, Severity: SevError, Inferred: true,
	Citation:    "KB 000221202 #5 (the full chain); dellemc-openmanage-ansible-modules issue 645 (a chain uploaded with UploadCertificate is not stored as a chain); that the appliance then serves only its leaf is our reading",
	Description: "Each appliance serves its full chain, not only its own certificate.",
	Fix:         "Upload the full chain with Application Settings > Security > Certificates > Upload certificate chain (REST: ApplicationService.UploadCertChain), not UploadCertificate."},
	Applies: reachedApplies,
	Check:   checkLeafOnly}

func checkLeafOnly(p *LivePair) []sideResult {
	var out []sideResult
	for _, sd := range p.sides() {
		if len(sd.obs.Chain) == 1 && !chain.SelfSigned(sd.obs.Chain[0]) {
			out = append(out, sideResult{sd.name, Result{Status: Error, CertIndex: intp(0), Details: fmt.Sprintf(
				"%s %s serves only its own certificate \"%s\": the chain was probably uploaded as a single certificate, and migration validation will fail",
				sd.name, sd.obs.Address, chain.Name(sd.obs.Chain[0]))}})
		}
	}
	return out
}

var ruleChainDiffers = &liveRule{Rule: Rule{ID: "live-chain-differs", Family: FamilyLive, Severity: SevError,
	Citation:    "--source-chain/--target-chain",
	Description: "Each appliance serves the chain you expect it to (the file given with --source-chain/--target-chain), the same on every connection.",
	Fix:         "Upload the expected chain file to that appliance, or check that you probed the right address."},
	Applies: evidence(missingChainDiffers),
	Check:   checkChainDiffers}

func checkChainDiffers(p *LivePair) []sideResult {
	var out []sideResult
	for _, sd := range p.sides() {
		if sd.obs.ConnectionsDiffer != "" {
			out = append(out, sideResult{sd.name, Result{Status: Error, Details: fmt.Sprintf("%s %s: %s; something on the path answers some connections",
				sd.name, sd.obs.Address, sd.obs.ConnectionsDiffer),
				Fix: "Something between this machine and the appliance (a load balancer, a TLS-inspecting proxy, another host on that address) answers some connections: check the address, probe from the appliances' own network, and send no credentials there."}})
			continue
		}
		if sd.expected == nil || len(sd.obs.Chain) == 0 {
			continue
		}
		want := sd.expected.Certs
		same := len(want) == len(sd.obs.Chain)
		for i := 0; same && i < len(want); i++ {
			same = bytes.Equal(want[i].Raw, sd.obs.Chain[i].Raw)
		}
		if same {
			continue
		}
		d := fmt.Sprintf("%s %s serves %s, but %s holds %s", sd.name, sd.obs.Address, describeAgainst(sd.obs.Chain, want), sd.expected.File, describeAgainst(want, sd.obs.Chain))
		if len(want) > 0 && !bytes.Equal(want[0].Raw, sd.obs.Chain[0].Raw) {
			d += " (the leaf itself differs: the expected chain is not installed)"
		}
		var fix string
		other, otherSide := p.TargetExpected, report.SideTarget
		if sd.name == report.SideTarget {
			other, otherSide = p.SourceExpected, report.SideSource
		}
		if other != nil && len(other.Certs) > 0 && bytes.Equal(other.Certs[0].Raw, sd.obs.Chain[0].Raw) {
			sf, tf := p.Flags.flag(report.SideSource, ChainInput), p.Flags.flag(report.SideTarget, ChainInput)
			if sf == "" || tf == "" {
				sf, tf = "the source's chain file", "the target's"
			}
			fix = fmt.Sprintf("It serves the leaf of %s, the file given for the %s: did you swap %s and %s?", other.File, otherSide, sf, tf)
		}
		out = append(out, sideResult{sd.name, Result{Status: Error, Details: d, Fix: fix}})
	}
	return out
}

// missingChainDiffers is checkChainDiffers\'s applies step: why side sd lacks the evidence the check
// judges ("" when it has it).
func missingChainDiffers(p *LivePair, sd liveSide) string {
	if why := sideUnreached(sd); why != "" {
		return why
	}
	if sd.expected == nil {
		return fmt.Sprintf("no %s given: nothing to compare with", p.Flags.flag(sd.name, ChainInput))
	}
	return ""
}

// describeAgainst names the certificates of cs, "A -> B -> C", for two
// chains that differ: each certificate that differs from the one at the same place in other also
// gets its serial and the start of its SHA-256, since a re-issued
// certificate reads the same by name.
func describeAgainst(cs, other []*x509.Certificate) string {
	var n []string
	for i, c := range cs {
		name := chain.Name(c)
		if i < len(other) && !bytes.Equal(c.Raw, other[i].Raw) {
			sum := sha256.Sum256(c.Raw)
			name += fmt.Sprintf(" (serial %X, SHA-256 %X...)", c.SerialNumber, sum[:8])
		}
		n = append(n, name)
	}
	return strings.Join(n, " -> ")
}

var ruleClientCA = &liveRule{Rule: Rule{ID: "live-client-ca", Family: FamilyLive, Severity: SevError, Inferred: true,
	Citation:    "RFC 5246 7.4.4 certificate_authorities; mutual TLS between the appliances",
	Description: "An appliance that requests client certificates names, among its acceptable CAs, an issuer of the peer appliance's chain.",
	Fix:         "Upload, on the appliance that requests client certificates, a chain whose CAs include the peer's issuing CA (the same intermediates and root on both)."},
	Applies: evidence(missingClientCA),
	Check:   checkClientCA}

func checkClientCA(p *LivePair) []sideResult {
	var out []sideResult
	for _, sd := range p.sides() {
		if sd.peer == nil || !sd.obs.RequestsClientCert || len(sd.obs.AcceptableCAs) == 0 || len(sd.peer.Chain) == 0 {
			continue
		}
		ok := false
		issuers := map[string]report.Name{}
		for _, c := range sd.peer.Chain {
			issuers[c.Issuer.String()] = report.NameOf(c.Issuer)
		}
		for _, ca := range sd.obs.AcceptableCAs {
			if _, found := issuers[ca.DN]; found {
				ok = true
			}
		}
		if !ok {
			var names []string
			for _, n := range issuers {
				names = append(names, n.Short())
			}
			out = append(out, sideResult{sd.name, Result{Status: Error, Details: fmt.Sprintf(
				"%s %s asks for a client certificate issued by one of [%s], and none of them issued the %s's chain (issuers %s)",
				sd.name, sd.obs.Address, strings.Join(report.ShortNames(sd.obs.AcceptableCAs), ", "), sd.name.Other(), strings.Join(names, ", "))}})
		}
	}
	return out
}

// missingClientCA is checkClientCA\'s applies step: why side sd lacks the evidence the check
// judges ("" when it has it).
func missingClientCA(p *LivePair, sd liveSide) string {
	if why := bothReached(sd); why != "" {
		return why
	}
	if !sd.obs.RequestsClientCert {
		return fmt.Sprintf("the %s %s does not request a client certificate on this port, so it names no acceptable CAs", sd.name, sd.obs.Address)
	}
	return ""
}

var ruleNoClientAuth = &liveRule{Rule: Rule{ID: "live-no-client-auth", Family: FamilyLive, Severity: SevInfo, Inferred: true,
	Citation:    "probe; whether OME's port 443 ever requests a client certificate is not publicly documented",
	Description: "Each appliance requests a client certificate on the probed port (otherwise the handshake proves server authentication only).",
	Fix:         "Nothing to fix: the migration connection may use another listener; the server side was still checked."},
	Applies: reachedApplies,
	Check:   checkNoClientAuth}

func checkNoClientAuth(p *LivePair) []sideResult {
	var out []sideResult
	for _, sd := range p.sides() {
		if len(sd.obs.Chain) > 0 && !sd.obs.RequestsClientCert {
			out = append(out, sideResult{sd.name, Result{Status: Info, Details: fmt.Sprintf(
				"%s %s does not request a client certificate on this port: the handshake proves server authentication only", sd.name, sd.obs.Address)}})
		}
	}
	return out
}

var ruleTLS = &liveRule{Rule: Rule{ID: "live-tls", Family: FamilyLive, Severity: SevError, Inferred: true,
	Citation:    "OME 3.6 Security Configuration Guide: TLS 1.2 with four RSA AES-256 suites",
	Description: "Each appliance negotiates TLS 1.2 or later, with one of OME's cipher suites.",
	Fix:         "Set the appliance's TLS protocol to TLS 1.2 or later (OME 4.1: Application Settings > Security > TLS protocol)."},
	Applies: evidence(missingTLS),
	Check:   checkTLS}

func checkTLS(p *LivePair) []sideResult {
	var out []sideResult
	for _, sd := range p.sides() {
		switch sd.obs.TLSVersion {
		case "TLS 1.0", "TLS 1.1", "SSLv3":
			out = append(out, sideResult{sd.name, Result{Status: Error, Details: fmt.Sprintf("%s %s negotiated %s; OME appliances speak TLS 1.2", sd.name, sd.obs.Address, sd.obs.TLSVersion)}})
			continue
		}
		sp := sd.obs.OMESuites
		switch {
		case sd.obs.NotTLS != "":
			out = append(out, sideResult{sd.name, Result{Status: Error, Details: fmt.Sprintf(
				"%s %s: %s; the peer appliance connects with TLS 1.2 and would fail", sd.name, sd.obs.Address, sd.obs.NotTLS),
				Fix: "Probe the appliance's HTTPS port (443 unless the web server port was changed), and check that nothing in front of it (a proxy, a port forward) ends TLS or speaks plain HTTP there."}})
		case goCannot(sd.obs):
			out = append(out, sideResult{sd.name, Result{Status: Warn, Details: fmt.Sprintf(
				"%s %s accepts %s, one of OME's four suites, but no suite Go's TLS can complete: OME's Java client connects to it; this tool read no chain, clock or API from it", sd.name, sd.obs.Address, sp.Chosen),
				Fix: "Nothing to fix on the appliance for OME; to let this tool check it, enable TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 too, or check its chain from the uploaded file (ome-preflight check)."}})
		case sd.obs.TLSVersion == "":
			continue
		case sp != nil && sp.Chosen != "":
			// A client limited to OME's four suites connects: judged, not
			// guessed from the suite Go's own ClientHello got.
		case sp != nil && sp.Alert != "":
			how := fmt.Sprintf("; this tool's own handshake used %s", sd.obs.CipherSuite)
			if sd.obs.TLSVersion == "TLS 1.3" {
				how = fmt.Sprintf("; this tool's own handshake succeeded only over TLS 1.3 (%s), and whether OME's client offers TLS 1.3 is not documented (inferred)", sd.obs.CipherSuite)
			}
			out = append(out, sideResult{sd.name, Result{Status: Error, Details: fmt.Sprintf(
				"%s %s refuses a TLS 1.2 ClientHello that offers only OME's four suites (%s): a client limited to them, as OME's is, would not connect%s", sd.name, sd.obs.Address, sp.Alert, how),
				Fix: "Enable at least one of OME's suites (TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384, TLS_DHE_RSA_WITH_AES_256_GCM_SHA384, TLS_DHE_RSA_WITH_AES_256_CBC_SHA256) with an RSA certificate; check that you probed the appliance itself and not a proxy or load balancer in front of it."}})
		case sd.obs.TLSVersion == "TLS 1.3":
			// OME 4.1 and later allow TLS 1.3; OME's suites were not tried.
		case !omeSuites[sd.obs.CipherSuite]:
			out = append(out, sideResult{sd.name, Result{Status: Warn, Details: fmt.Sprintf("%s %s negotiated %s, which is not one of OME's TLS 1.2 suites, and OME's own suites were not tried", sd.name, sd.obs.Address, sd.obs.CipherSuite),
				Fix: "Check that you probed an OME appliance (a load balancer or proxy in front of it negotiates its own suites)."}})
		}
	}
	return out
}

// missingTLS is checkTLS\'s applies step: why side sd lacks the evidence the check
// judges ("" when it has it).
func missingTLS(p *LivePair, sd liveSide) string {
	if sd.obs.TLSVersion == "" && !goCannot(sd.obs) && sd.obs.NotTLS == "" {
		if why := sideUnreached(sd); why != "" {
			return why
		}
		return "no TLS version was negotiated"
	}
	return ""
}

var ruleHandshake = &liveRule{Rule: Rule{ID: "live-handshake", Family: FamilyLive, Severity: SevError, Inferred: true,
	Citation:    "KB 000221202 (connection validation): mutual authentication; a simulation of the migration's handshake on the probed port, whose real port and path are not publicly documented",
	Description: "A real handshake to each appliance, verifying it with the peer appliance's root at the peer's clock (and presenting --client-cert), succeeds.",
	Fix:         "Make both appliances serve chains under the same root, valid at both clocks; the stand-in client certificate must come from the same CA and template."},
	Applies: evidence(missingHandshake),
	Check:   checkHandshake}

func checkHandshake(p *LivePair) []sideResult {
	var out []sideResult
	for _, sd := range p.sides() {
		for _, hs := range sd.obs.Handshakes {
			if hs.Kind != report.KindMutual || hs.OK {
				continue
			}
			switch hs.Stage {
			case report.StageVerify:
				out = append(out, sideResult{sd.name, Result{Status: Error, Details: fmt.Sprintf(
					"%s %s: its chain does not verify with the %s's root at the %s's clock %s: %s", sd.name, sd.obs.Address, sd.name.Other(), sd.name.Other(), hs.VerifiedAt, hs.Error)}})
			case report.StageWeak:
				out = append(out, sideResult{sd.name, Result{Status: Warn, Details: fmt.Sprintf(
					"%s %s: its chain verifies with the %s's root but for a weak signature, which Go refuses: %s; %s", sd.name, sd.obs.Address, sd.name.Other(), hs.Error, weakNote)}})
			case report.StageFlight:
				out = append(out, sideResult{sd.name, Result{Status: Warn, Details: fmt.Sprintf(
					"%s %s: its chain verifies with the %s's root at the %s's clock %s, but the handshake was not completed: %s", sd.name, sd.obs.Address, sd.name.Other(), sd.name.Other(), hs.VerifiedAt, hs.Error),
					Fix: "Nothing to fix for OME if the rest holds; to let this tool complete the handshake, enable TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 on the appliance as well."}})
			case report.StageDiffers:
				out = append(out, sideResult{sd.name, Result{Status: NA, Reason: fmt.Sprintf(
					"the verifying handshake to the %s %s reached another certificate than the observed one (live-chain-differs)", sd.name, sd.obs.Address)}})
			case report.StageKey:
				out = append(out, sideResult{sd.name, Result{Status: NA, Reason: fmt.Sprintf(
					"the verifying handshake to the %s %s did not reach a server holding the certificate's key (live-key): %s", sd.name, sd.obs.Address, hs.Error)}})
			case report.StageClientCert:
				if hs.ClientCert.DN == "" {
					out = append(out, sideResult{sd.name, Result{Status: NA, Reason: fmt.Sprintf(
						"no --client-cert given: the %s %s requires a client certificate, so the handshake could not finish (give --client-cert/--client-key, a stand-in identity from the same CA)", sd.name, sd.obs.Address)}})
					continue
				}
				out = append(out, sideResult{sd.name, Result{Status: Error, Details: fmt.Sprintf(
					"%s %s refused the client certificate \"%s\": %s", sd.name, sd.obs.Address, hs.ClientCert.Short(), hs.Error)}})
			default:
				out = append(out, sideResult{sd.name, Result{Status: NA, Reason: fmt.Sprintf("the verifying handshake to the %s %s could not run: %s", sd.name, sd.obs.Address, hs.Error)}})
			}
		}
	}
	return out
}

// missingHandshake is checkHandshake\'s applies step: why side sd lacks the evidence the check
// judges ("" when it has it).
func missingHandshake(p *LivePair, sd liveSide) string {
	if why := bothReached(sd); why != "" {
		return why
	}
	for _, hs := range sd.obs.Handshakes {
		if hs.Kind == report.KindMutual && hs.OK {
			return ""
		}
	}
	return fmt.Sprintf("no verifying handshake was made to the %s %s", sd.name, sd.obs.Address)
}

var ruleClock = &liveRule{Rule: Rule{ID: "live-clock", Family: FamilyLive, Severity: SevWarning,
	Citation:    "probe",
	Description: "Each appliance's clock was read (OME API UtcTime, or the HTTP Date header).",
	Fix:         "Give --user (password from OME_PASSWORD) to read UtcTime, or make sure GET / answers with a Date header."},
	Applies: reachedApplies,
	Check:   checkClock}

func checkClock(p *LivePair) []sideResult {
	var out []sideResult
	for _, sd := range p.sides() {
		if sd.obs.ClockSource.Kind == report.ClockLocal && len(sd.obs.Chain) > 0 {
			why := ""
			for _, f := range sd.obs.Failures {
				if f.Clock {
					why = fmt.Sprintf(" (%s failed: %s)", f.Step, f.Error)
				}
			}
			out = append(out, sideResult{sd.name, Result{Status: Warn, Details: fmt.Sprintf(
				"%s %s: its clock could not be read%s; judged at this machine's clock %s", sd.name, sd.obs.Address, why, sd.obs.Clock.Format(time.RFC3339))}})
		}
	}
	return out
}

var ruleAPIAccess = &liveRule{Rule: Rule{ID: "api-access", Family: FamilyLive, Severity: SevWarning,
	Citation:    apiRef,
	Description: "With --user, the API was read: credentials accepted, endpoints answered with JSON.",
	Fix:         "Check the user name and OME_PASSWORD; the account needs at least read access. Credentials are only sent to an appliance whose chain verifies against --source-chain/--target-chain or --ca (or with --insecure)."},
	Applies: evidence(missingAPIAccess),
	Check:   checkAPIAccess}

func checkAPIAccess(p *LivePair) []sideResult {
	var out []sideResult
	for _, sd := range p.sides() {
		api := sd.obs.API
		switch {
		case api == nil:
			continue
		case api.Refused != "":
			fix := "Give " + p.Flags.flag(sd.name, ChainInput) + " with the chain you uploaded (or " + p.Flags.flag(sd.name, FingerprintInput) + " with its leaf's SHA-256) so the appliance can be verified before credentials are sent; --insecure sends them anyway."
			if sd.expected != nil {
				// The chain was given: asking for it again helps no one.
				fix = fmt.Sprintf("Credentials go only to an appliance that serves the chain %s expects; fix what stopped them (an appliance that serves only its leaf needs its full chain uploaded: live-leaf-only; another certificate means another appliance or address), then probe again; --insecure sends them anyway.", sd.expected.File)
			}
			out = append(out, sideResult{sd.name, Result{Status: Warn, Details: fmt.Sprintf("%s %s: %s", sd.name, sd.obs.Address, api.Refused),
				Fix: fix}})
		case api.AuthFailed:
			fix := apiFix(report.APIFailure{Status: 401})
			if flag := p.Flags.flag(sd.name, CredentialInput); flag != "" {
				fix = fmt.Sprintf("Check the user name and password for the %s %s: %s. %s", sd.name, sd.obs.Address, flag, fix)
			}
			out = append(out, sideResult{sd.name, Result{Status: Warn, Details: fmt.Sprintf("the %s %s refused the credentials of \"%s\" (%s)", sd.name, sd.obs.Address, api.User, authError(api)),
				Fix: fix}})
		}
		for _, f := range api.Failures {
			out = append(out, sideResult{sd.name, Result{Status: Warn, Details: fmt.Sprintf("%s %s: %s", sd.name, sd.obs.Address, f.Error), Fix: apiFix(f)}})
		}
		for _, g := range api.GateRefused {
			out = append(out, sideResult{sd.name, Result{Status: Warn, Details: fmt.Sprintf(
				"%s %s: a further connection to it was refused before any credentials were sent: %s", sd.name, sd.obs.Address, g),
				Fix: "Something on the path answers some connections with another certificate (a load balancer, a TLS-inspecting proxy, a second host on the address): probe the appliance itself, from its own network."}})
		}
	}
	return out
}

// missingAPIAccess is checkAPIAccess\'s applies step: why side sd lacks the evidence the check
// judges ("" when it has it).
func missingAPIAccess(p *LivePair, sd liveSide) string {
	if sd.obs.API == nil {
		return apiRead(sd)
	}
	return ""
}

var ruleAPIVersion = &liveRule{Rule: Rule{ID: "api-version", Family: FamilyLive, Severity: SevWarning,
	Citation:    "OME 4.0.x User's Guide, \"Migrate in\": the source runs OME 3.10.x, the target 4.0 or 4.0.1",
	Description: "The source runs OME 3.10.x and the target OME 4.0 or 4.0.1.",
	Fix:         "Update the source to 3.10.x, and deploy the target as 4.0 or 4.0.1, before migrating."},
	Applies: evidence(apiField(report.PathInfo, func(a *report.API) bool { return a.Version != "" }, "its version")),
	Check:   checkAPIVersion}

func checkAPIVersion(p *LivePair) []sideResult {
	var out []sideResult
	fix := ""
	if src, tgt := apiOf(p.Source), apiOf(p.Target); src != nil && tgt != nil && strings.HasPrefix(src.Version, "4.") && strings.HasPrefix(tgt.Version, "3.10.") {
		// Each side is what the other should be: the two were given the
		// other way round.
		sf, tf := p.Flags.flag(report.SideSource, AddressInput), p.Flags.flag(report.SideTarget, AddressInput)
		if sf == "" || tf == "" {
			sf, tf = "the source", "the target"
		}
		fix = fmt.Sprintf("Did you swap %s and %s? %s (OME %s) is the 3.10.x appliance to migrate from, %s (OME %s) the 4.0.x one to migrate to: give %s as %s and %s as %s.",
			sf, tf, p.Target.Address, tgt.Version, p.Source.Address, src.Version, p.Target.Address, sf, p.Source.Address, tf)
	}
	for _, sd := range p.sides() {
		if sd.obs.API == nil || sd.obs.API.Version == "" {
			continue
		}
		v := sd.obs.API.Version
		ok := strings.HasPrefix(v, "3.10.")
		want := "3.10.x"
		if sd.name == report.SideTarget {
			ok, want = v == "4.0" || v == "4.0.0" || v == "4.0.1" || strings.HasPrefix(v, "4.0.1.") || strings.HasPrefix(v, "4.0.0."), "4.0 or 4.0.1"
		}
		if !ok {
			out = append(out, sideResult{sd.name, Result{Status: Warn, Details: fmt.Sprintf("%s %s runs OME %s; migration is documented from a 3.10.x source to a 4.0/4.0.1 target (the %s should be %s)", sd.name, sd.obs.Address, v, sd.name, want),
				Fix: fix}})
		}
	}
	return out
}

var ruleAPINTP = &liveRule{Rule: Rule{ID: "api-ntp", Family: FamilyLive, Severity: SevWarning,
	Citation:    apiRef + ": TimeConfiguration EnableNTP",
	Description: "Each appliance takes its time from NTP.",
	Fix:         "Enable NTP on both appliances (Application Settings > Network > Time Configuration), with the same servers."},
	Applies: evidence(apiField(report.PathTime, func(a *report.API) bool { return a.NTP != nil }, "its NTP setting (TimeConfiguration)")),
	Check:   checkAPINTP}

func checkAPINTP(p *LivePair) []sideResult {
	var out []sideResult
	for _, sd := range p.sides() {
		if sd.obs.API != nil && sd.obs.API.NTP != nil && !*sd.obs.API.NTP {
			out = append(out, sideResult{sd.name, Result{Status: Warn, Details: fmt.Sprintf("%s %s does not use NTP (time source \"%s\")", sd.name, sd.obs.Address, sd.obs.API.TimeSource)}})
		}
	}
	return out
}

var ruleAPICert = &liveRule{Rule: Rule{ID: "api-cert", Family: FamilyLive, Severity: SevWarning,
	Citation:    apiRef + ": ApplicationService/Certificate",
	Description: "The certificate the API reports is the one the appliance presents.",
	Fix:         "The web server may not have restarted after the upload: wait a few minutes, or restart the appliance services, then probe again."},
	Applies: evidence(missingAPICert),
	Check:   checkAPICert}

func checkAPICert(p *LivePair) []sideResult {
	var out []sideResult
	for _, sd := range p.sides() {
		api := sd.obs.API
		if api == nil || api.CertIssuedTo == "" || len(sd.obs.Chain) == 0 {
			continue
		}
		leaf := sd.obs.Chain[0]
		if !sameName(api.CertIssuedTo, leaf.Subject) || !sameName(api.CertIssuedBy, leaf.Issuer) {
			out = append(out, sideResult{sd.name, Result{Status: Warn, CertIndex: intp(0), Details: fmt.Sprintf(
				"%s %s: the API reports a certificate issued to \"%s\" by \"%s\", but the appliance presents \"%s\" issued by \"%s\"",
				sd.name, sd.obs.Address, api.CertIssuedTo, api.CertIssuedBy, chain.Name(leaf), chain.IssuerName(leaf))}})
			continue
		}
		if api.CertSAN != "" && !sameSANs(api.CertSAN, leaf) {
			out = append(out, sideResult{sd.name, Result{Status: Warn, CertIndex: intp(0), Details: fmt.Sprintf(
				"%s %s: the API reports a certificate for \"%s\" with the SANs \"%s\", but the one it presents has %s",
				sd.name, sd.obs.Address, api.CertIssuedTo, api.CertSAN, sanText(leaf))}})
		}
		if bits := chain.KeyBits(leaf); api.CertKeySize > 0 && bits > 0 && api.CertKeySize != bits {
			out = append(out, sideResult{sd.name, Result{Status: Warn, CertIndex: intp(0), Details: fmt.Sprintf(
				"%s %s: the API reports a %d-bit key for \"%s\", but the certificate it presents has a %d-bit key",
				sd.name, sd.obs.Address, api.CertKeySize, api.CertIssuedTo, bits)}})
		}
	}
	return out
}

// missingAPICert is checkAPICert\'s applies step: why side sd lacks the evidence the check
// judges ("" when it has it).
func missingAPICert(p *LivePair, sd liveSide) string {
	if why := apiField(report.PathCert, func(a *report.API) bool { return a.CertIssuedTo != "" }, "its certificate (ApplicationService/Certificate)")(p, sd); why != "" {
		return why
	}
	return sideUnreached(sd)
}

// sameName compares what OME's API reports as a DistinguishedName (the
// common name, plain: "ome.example.com") with a certificate's name: its
// CommonName as decoded (no RFC 2253 escaping to trip over ,+;<>"\), or
// the whole DN when the API gives one.
func sameName(api string, n pkix.Name) bool {
	api = strings.TrimSpace(api)
	return strings.EqualFold(api, n.CommonName) || strings.EqualFold(api, n.String())
}

// sameSANs compares OME's San (comma-separated; spaces tolerated) with
// the leaf's DNS names and IP addresses, as sets, case-insensitively.
func sameSANs(api string, leaf *x509.Certificate) bool {
	var a []string
	for _, f := range strings.FieldsFunc(api, func(r rune) bool { return r == ',' || r == ' ' }) {
		f = strings.ToLower(strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(f), "DNS:"), "IP Address:"))
		if ip := net.ParseIP(f); ip != nil {
			f = ip.String()
		}
		a = append(a, f)
	}
	var b []string
	for _, n := range leaf.DNSNames {
		b = append(b, strings.ToLower(n))
	}
	for _, ip := range leaf.IPAddresses {
		b = append(b, ip.String())
	}
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

func sanText(c *x509.Certificate) string {
	var names []string
	names = append(names, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	if len(names) == 0 {
		return "no SAN"
	}
	return "\"" + strings.Join(names, ",") + "\""
}

var ruleAPIProxy = &liveRule{Rule: Rule{ID: "api-proxy", Family: FamilyLive, Severity: SevWarning, Inferred: true,
	Citation:    apiRef + ": ProxyConfiguration; the OME 4.0.x User's Guide names \"Proxy requirements for Migrate an appliance\" (that the peer must be in the exclusion list is our reading)",
	Description: "When an appliance uses a proxy, the peer appliance is in its exclusion list.",
	Fix:         "Add the peer appliance's address to the proxy exclusion list (Application Settings > Network > Proxy Configuration)."},
	Applies: evidence(apiField(report.PathProxy, func(a *report.API) bool { return a.Proxy != nil }, "its proxy settings (ProxyConfiguration)")),
	Check:   checkAPIProxy}

func checkAPIProxy(p *LivePair) []sideResult {
	var out []sideResult
	for _, sd := range p.sides() {
		api := sd.obs.API
		if api == nil || api.Proxy == nil || !*api.Proxy {
			continue
		}
		if sd.peer == nil {
			out = append(out, sideResult{sd.name, Result{Status: NA, Reason: noPeer(sd) + fmt.Sprintf(": the %s uses the proxy %s, and whether the peer is in its exclusion list \"%s\" needs the peer's address", sd.name, api.ProxyAddress, api.ProxyExcluded)}})
			continue
		}
		peerHost, _, _ := net.SplitHostPort(sd.peer.Address)
		names := []string{peerHost, sd.peer.ServerName, sd.peer.RemoteIP}
		if !proxyExcluded(api.ProxyExcluded, names) {
			out = append(out, sideResult{sd.name, Result{Status: Warn, Details: fmt.Sprintf(
				"%s %s uses the proxy %s and the %s %s is not in its exclusion list \"%s\"", sd.name, sd.obs.Address, api.ProxyAddress, sd.name.Other(), peerHost, api.ProxyExcluded)}})
		}
	}
	return out
}

// proxyExcluded reports whether any entry of OME's ';'-joined exclusion
// list (host names, IPs, CIDR ranges such as 172.1.1.1/24, wildcards such
// as www.*.com) covers one of the peer's names or addresses.
func proxyExcluded(list string, peer []string) bool {
	for _, e := range strings.FieldsFunc(list, func(r rune) bool { return r == ';' || r == ',' || r == ' ' || r == '\n' }) {
		e = strings.TrimSpace(e)
		for _, name := range peer {
			if name == "" {
				continue
			}
			if _, cidr, err := net.ParseCIDR(e); err == nil {
				if ip := net.ParseIP(name); ip != nil && cidr.Contains(ip) {
					return true
				}
				continue
			}
			if globMatch(strings.ToLower(e), strings.ToLower(name)) {
				return true
			}
		}
	}
	return false
}

// globMatch matches a pattern where '*' stands for any run of characters
// (dots included, as OME's www.*.com) and everything else for itself.
func globMatch(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for _, mid := range parts[1 : len(parts)-1] {
		i := strings.Index(s, mid)
		if i < 0 {
			return false
		}
		s = s[i+len(mid):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}

var ruleAPIFIPS = &liveRule{Rule: Rule{ID: "api-fips", Family: FamilyLive, Severity: SevInfo,
	Citation:    apiRef + ": SecurityConfiguration FipsMode",
	Description: "FIPS mode of each appliance, for the record.",
	Fix:         "Nothing to fix."},
	Applies: evidence(apiField(report.PathSecurity, func(a *report.API) bool { return a.FIPSMode != "" }, "a FIPS mode (SecurityConfiguration)")),
	Check:   checkAPIFIPS}

func checkAPIFIPS(p *LivePair) []sideResult {
	var out []sideResult
	for _, sd := range p.sides() {
		if sd.obs.API != nil && sd.obs.API.FIPSMode != "" {
			out = append(out, sideResult{sd.name, Result{Status: Info, Details: fmt.Sprintf("%s %s: FIPS mode %s", sd.name, sd.obs.Address, sd.obs.API.FIPSMode)}})
		}
	}
	return out
}

// evidence is an Applies made of a function that says why a side lacks the
// evidence a rule judges ("" when it has it).
func evidence(missing func(p *LivePair, sd liveSide) string) func(*LivePair, liveSide) (bool, string) {
	return func(p *LivePair, sd liveSide) (bool, string) {
		why := missing(p, sd)
		return why == "", why
	}
}

// reachedApplies: the rule applies to a side that showed its chain.
func reachedApplies(_ *LivePair, sd liveSide) (bool, string) {
	why := sideUnreached(sd)
	return why == "", why
}

var ruleAPIWebServer = &liveRule{Rule: Rule{ID: "api-webserver", Family: FamilyLive, Severity: SevWarning, Inferred: true,
	Citation:    apiRef + ": WebServerConfiguration PortNumber; the migration wizard takes an address without a port",
	Description: "Each appliance's web server listens on the port probed, and on 443: the migration wizard takes only an address, so the peer dials 443.",
	Fix:         "Set the web server port back to 443 (Application Settings > Network > Web Server Configuration) before migrating, and probe the address the peer appliance will dial."},
	Applies: evidence(apiField(report.PathWebServer, func(a *report.API) bool { return a.WebServerPort != 0 }, "its web server port (WebServerConfiguration)")),
	Check:   checkAPIWebServer}

func checkAPIWebServer(p *LivePair) []sideResult {
	var out []sideResult
	for _, sd := range p.sides() {
		api := sd.obs.API
		if api == nil || api.WebServerPort == 0 {
			continue
		}
		_, probed, _ := net.SplitHostPort(sd.obs.Address)
		port := strconv.Itoa(api.WebServerPort)
		switch {
		case api.WebServerEnabled != nil && !*api.WebServerEnabled:
			out = append(out, sideResult{sd.name, Result{Status: Warn, Details: fmt.Sprintf(
				"%s %s: OME reports its web server disabled (EnableWebServer false) on port %s, yet it answered on %s", sd.name, sd.obs.Address, port, probed)}})
		case port == "443" && probed != "443":
			// The appliance listens where the peer will dial; the probe went
			// through a forward to it.
			out = append(out, sideResult{sd.name, Result{Status: Info, Details: fmt.Sprintf(
				"%s %s: OME reports its web server on port 443, where the peer appliance dials it; this probe reached it on port %s (a port forward or NAT): make sure the address the peer is given reaches port 443",
				sd.name, sd.obs.Address, probed)}})
		case port != probed:
			out = append(out, sideResult{sd.name, Result{Status: Warn, Details: fmt.Sprintf(
				"%s %s: OME reports its web server on port %s, not on the probed port %s: something between (a NAT, a proxy, a port forward) answers here, and the peer appliance dials port %s of the address it is given",
				sd.name, sd.obs.Address, port, probed, port)}})
		case port != "443":
			out = append(out, sideResult{sd.name, Result{Status: Warn, Details: fmt.Sprintf(
				"%s %s: its web server listens on port %s, not 443; the migration wizard takes only an address, so the peer appliance dials 443 (inferred)", sd.name, sd.obs.Address, port)}})
		}
	}
	return out
}

// apiOf is an observed side's API reading (nil: no such side, or not read).
func apiOf(o *report.Observation) *report.API {
	if o == nil {
		return nil
	}
	return o.API
}
