package main

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/i18n"
	"github.com/ome-preflight/ome-preflight/pairing"
	"github.com/ome-preflight/ome-preflight/probe"
	"github.com/ome-preflight/ome-preflight/report"
)

func probeCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "probe",
		Usage: "will these two live appliances pair? Observe both, then real mutual-TLS handshakes",
		Description: `Connects to both appliances at the same time (GET only, nothing is changed),
reads the chain each presents, its TLS version and cipher, the client-CA names it
requests and its clock (OME API UtcTime with --user, else the HTTP Date header),
runs every compare rule on what it saw, then makes a real handshake to each,
verifying it with the other appliance's root at that appliance's clock.
Addresses are HOST[:PORT] (443 by default; IPv6 in brackets), or the https:// address
from the browser (its path is ignored). Give only --source or only --target to check
one appliance alone (every pair rule is then not checked). --save-chains DIR keeps
each served chain as a file; --wait rides out a web server restarting after a chain
upload; --baseline before.json says what changed since.

Examples:
   ome-preflight probe --source 10.0.0.5 --target 10.0.0.6
   ome-preflight probe --source ome310.example.com --target [fd00::6]:443 --source-chain src.pem --target-chain dst.pem
   ome-preflight probe --source 10.0.0.5 --target 10.0.0.6 --source-csr src.csr --target-csr dst.csr --source-name ome310.example.com --target-name ome400.example.com
   OME_PASSWORD=... ome-preflight probe --user admin --ca root.pem --source-chain src.pem --target-chain dst.pem --client-cert standin.pem --client-key standin.key --source 10.0.0.5 --target 10.0.0.6
   OME_SOURCE_PASSWORD=... OME_TARGET_PASSWORD=... ome-preflight probe --user admin --ca root.pem --source-fingerprint SRC_SHA256 --target-fingerprint DST_SHA256 --source 10.0.0.5 --target 10.0.0.6
   ome-preflight probe --target 10.0.0.6 --target-chain dst.pem
   ome-preflight probe --source 10.0.0.5 --target 10.0.0.6 --save-chains before --format json > before.json
   ome-preflight probe --source 10.0.0.5 --target 10.0.0.6 --wait 5m --baseline before.json

Credentials (--user) are sent only to an appliance pinned by its chain file
(--source-chain/--target-chain) or its leaf's SHA-256 (--source-fingerprint/
--target-fingerprint); --ca alone pins nothing, it only adds the root the
served chain must verify to.

Exit codes: 0 pass, 1 an error finding, 2 usage, 3 a check could not run
(unreachable, timed out, credentials refused) and no error finding.`,
		Flags: []cli.Flag{
			reportFormatFlag(),
			&cli.StringFlag{Name: "source", Usage: "source appliance `HOST[:PORT]`"},
			&cli.StringFlag{Name: "target", Usage: "target appliance `HOST[:PORT]`"},
			&cli.StringFlag{Name: "source-chain", Usage: "the chain `FILE` you expect the source to serve (also trust for credentials)"},
			&cli.StringFlag{Name: "target-chain", Usage: "the chain `FILE` you expect the target to serve (also trust for credentials)"},
			&cli.StringFlag{Name: "source-fingerprint", Usage: "SHA-256 `HEX` of the source's leaf certificate (or of its public key): pins it for credentials when you have no --source-chain"},
			&cli.StringFlag{Name: "target-fingerprint", Usage: "SHA-256 `HEX` of the target's leaf certificate (or of its public key)"},
			&cli.StringFlag{Name: "ca", Usage: "root CA `FILE`: with --user, the served chain must verify to it (not to the chain file's own root); credentials still need a pin, --source-chain/--target-chain (which must verify to it too) or --source-fingerprint/--target-fingerprint"},
			&cli.StringFlag{Name: "client-cert", Usage: "stand-in client certificate `FILE` (PEM, DER or PKCS#7, from the appliances' CA; see ome-preflight standin) for the mutual handshake"},
			&cli.StringFlag{Name: "client-key", Usage: "its private key `FILE` (PEM, e.g. standin.key; never printed)"},
			&cli.StringFlag{Name: "source-csr", Usage: "the CSR generated on the source appliance (`FILE`): csr-key and csr-wildcard for the source"},
			&cli.StringFlag{Name: "target-csr", Usage: "the CSR generated on the target appliance (`FILE`)"},
			&cli.StringFlag{Name: "source-name", Usage: "the `HOST` name or IP the target uses to reach the source (leaf-name)"},
			&cli.StringFlag{Name: "target-name", Usage: "the `HOST` name or IP the source uses to reach the target"},
			&cli.StringFlag{Name: "user", Usage: "OME user to read the API (GET only); the password comes from OME_PASSWORD or a prompt"},
			&cli.StringFlag{Name: "source-user", Usage: "OME user for the source's API (default --user); password from OME_SOURCE_PASSWORD, else OME_PASSWORD, else a prompt"},
			&cli.StringFlag{Name: "target-user", Usage: "OME user for the target's API (default --user); password from OME_TARGET_PASSWORD, else OME_PASSWORD, else a prompt"},
			&cli.BoolFlag{Name: "insecure", Usage: "send credentials without checking that the appliance is the expected one (TLS 1.2 or later is still required)"},
			&cli.StringFlag{Name: "save-chains", Usage: "write each appliance's served chain into `DIR` as an OME-ready PEM (leaf first), named by side and address (source-10.0.0.5_443.pem); an existing file is never replaced"},
			&cli.StringFlag{Name: "baseline", Usage: "an earlier JSON report of the same appliances (`REPORT.json` from probe, or compare, check or checklist): the report adds what changed since (leaf, CA, chain, clocks, versions, verdict)"},
			durationFlag("wait", 0, "retry an appliance that refuses or resets connections (OME's web server restarts for a few seconds after a chain upload) until it answers, for at most this long, e.g. 2m"),
			durationFlag("timeout", probe.DefaultTimeout, "bound on all the work for one appliance"),
			durationFlag("handshake-timeout", defaultHandshakeTimeout, "bound on connecting to an appliance and its TLS handshake, within --timeout: one that accepts the connection and never answers fails after it"),
			durationFlag("window", 0, "certificates must stay valid this long after each clock (the change window)"),
			durationFlag("max-skew", pairing.DefaultMaxSkew, "warn when the clocks differ by more than this"),
		},
		Action: func(c *cli.Context) error {
			format, err := checkFormat(c)
			if err != nil {
				return err
			}
			if c.NArg() > 0 {
				return usagef("give the appliances with --source and --target", "probe takes no file arguments, got %q", c.Args().First())
			}
			src, tgt := c.String("source"), c.String("target")
			if src == "" && tgt == "" {
				return usagef("usage: ome-preflight probe --source HOST[:PORT] --target HOST[:PORT] (or one of them alone)", "probe needs --source and --target, or one of them")
			}
			for _, side := range []report.Side{report.SideSource, report.SideTarget} {
				if c.String(string(side)) != "" {
					continue
				}
				for _, f := range []string{"chain", "fingerprint", "csr", "name", "user"} {
					if flag := string(side) + "-" + f; c.IsSet(flag) {
						return usagef(fmt.Sprintf("give --%s HOST[:PORT] too, or leave --%s out", side, flag), "--%s is for the %s, and no --%s was given", flag, side, side)
					}
				}
			}
			for _, a := range []*string{&src, &tgt} {
				if *a == "" {
					continue
				}
				if *a, err = applianceAddress(*a); err != nil {
					return err
				}
			}
			o, ca, err := liveConnOptions(c, e)
			if err != nil {
				return err
			}
			if o.HandshakeTimeout = durationOf(c, "handshake-timeout"); o.HandshakeTimeout <= 0 {
				return usagef("e.g. --handshake-timeout 3s", "--handshake-timeout must be positive")
			}
			// Each appliance's login, as the checklist reads a pair's:
			// --source-user/--target-user (else --user), the side's
			// variable, OME_PASSWORD, a prompt naming the appliance.
			so, to := o, o
			l := newLogins(e, c.String("user"))
			for _, sd := range []struct {
				o       *probe.Options
				side    report.Side
				address string
			}{{&so, report.SideSource, src}, {&to, report.SideTarget, tgt}} {
				in, err := l.forSide("", sd.side, &InventorySide{Address: sd.address, User: c.String(string(sd.side) + "-user")})
				if err != nil {
					return err
				}
				sd.o.User, sd.o.Password = in.user, in.password
			}
			var expSrc, expTgt *chain.Input
			readOpt := chain.Options{Password: pfxPassword(e.stdin, e.stderr)}
			if f := c.String("source-chain"); f != "" {
				if expSrc, err = chain.ReadFile(f, readOpt); err != nil {
					return err
				}
			}
			if f := c.String("target-chain"); f != "" {
				if expTgt, err = chain.ReadFile(f, readOpt); err != nil {
					return err
				}
			}
			spec := pairSpec{source: src, target: tgt, sourceExp: expSrc, targetExp: expTgt,
				sourceFP: c.String("source-fingerprint"), targetFP: c.String("target-fingerprint"),
				sourceName: c.String("source-name"), targetName: c.String("target-name")}
			if f := c.String("source-csr"); f != "" {
				if spec.sourceCSR, err = chain.ReadCSR(f); err != nil {
					return err
				}
			}
			if f := c.String("target-csr"); f != "" {
				if spec.targetCSR, err = chain.ReadCSR(f); err != nil {
					return err
				}
			}
			if spec.wait = durationOf(c, "wait"); spec.wait < 0 {
				return usagef("e.g. --wait 2m", "--wait cannot be negative")
			}
			if f := c.String("baseline"); f != "" {
				if spec.baseline, err = readBaseline(f, src, tgt); err != nil {
					return err
				}
			}
			saves, err := chainFiles(c.String("save-chains"), src, tgt)
			if err != nil {
				return err
			}
			ctx := c.Context
			if ctx == nil {
				ctx = context.Background()
			}
			e.log.Debug().Str("source", src).Str("target", tgt).Msg("probing")
			// On a terminal, say what is going on: a stalled appliance is
			// otherwise --timeout of silence.
			progress := isTerminal(e.stderr)
			if progress && spec.wait > 0 {
				spec.waiting = waitProgress(e)
			}
			if progress {
				who := strings.Join(slices.DeleteFunc([]string{src, tgt}, func(s string) bool { return s == "" }), " and ")
				e.progress("%s", i18n.T("probe.probing", fmt.Sprintf("probing %s (up to %s)...", who, o.Timeout), who, o.Timeout.String()))
			}
			r, err := probePair(ctx, spec, so, to, ca, durationOf(c, "window"), durationOf(c, "max-skew"))
			if progress {
				e.progress("")
			}
			if err != nil {
				return err
			}
			saveErr := saveChains(e, r, saves)
			if err := e.render(c, r, format); err != nil || saveErr == nil {
				return err
			}
			return saveErr
		},
	}
}

// waitProgress draws, on a terminal, the appliances --wait is waiting
// for: "waiting for the target 10.0.0.6:443 (attempt 4: connection
// refused; 52s left)", both sides on one line.
func waitProgress(e *env) func(report.Side, string, int, error, time.Duration) {
	var mu sync.Mutex
	state := map[report.Side]string{}
	return func(side report.Side, address string, n int, err error, left time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		why := err.Error()
		var op *net.OpError
		if errors.As(err, &op) && op.Err != nil {
			why = op.Err.Error()
		}
		state[side] = i18n.T("probe.wait.state", fmt.Sprintf("the %s %s (attempt %d: %s; %s left)", side, address, n, why, left.Round(time.Second)),
			string(side), address, strconv.Itoa(n), why, left.Round(time.Second).String())
		var parts []string
		for _, sd := range []report.Side{report.SideSource, report.SideTarget} {
			if s, ok := state[sd]; ok {
				parts = append(parts, s)
			}
		}
		e.progress("%s", i18n.T("probe.wait", "waiting for "+strings.Join(parts, ", ")+"...", strings.Join(parts, ", ")))
	}
}

// chainFiles are the files --save-chains DIR writes, by side ("" when not
// asked): DIR/<side>-<host>_<port>.pem. The folder is made when missing; a
// file that already exists stops the probe before it starts (exit 2): it
// is never replaced.
func chainFiles(dir, source, target string) (map[report.Side]string, error) {
	if dir == "" {
		return nil, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, usagef("give a folder this user can write to", "--save-chains %s: %v", dir, err)
	}
	out := map[report.Side]string{}
	for _, sd := range []struct {
		side    report.Side
		address string
	}{{report.SideSource, source}, {report.SideTarget, target}} {
		if sd.address == "" {
			continue
		}
		f := filepath.Join(dir, chainFileName(sd.side, sd.address))
		if _, err := os.Lstat(f); err == nil {
			return nil, usagef("give --save-chains another folder, or move the file away: a saved chain is evidence, never overwritten",
				"--save-chains: %s already exists", f)
		}
		out[sd.side] = f
	}
	return out, nil
}

// chainFileName names a saved chain by side and address, safe on every
// file system: source-10.0.0.5_443.pem, target-fd00--6_443.pem for
// [fd00::6]:443 (a character other than a letter, digit, '.' or '-'
// becomes '-').
func chainFileName(side report.Side, address string) string {
	hostport, _, err := probe.SplitAddress(address)
	if err != nil {
		hostport = address
	}
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		host, port = hostport, probe.DefaultPort
	}
	safe := strings.Map(func(r rune) rune {
		if r == '.' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return '-'
	}, host)
	return fmt.Sprintf("%s-%s_%s.pem", side, safe, port)
}

// saveChains writes each appliance's served chain to its file (files: by
// side, from chainFiles), leaf first, as chain.Served orders it, and says
// on stderr where, what was changed, and the leaf's SHA-256 fingerprint
// (what --source-fingerprint/--target-fingerprint pin). An appliance that
// showed no chain gets no file, and a line saying so.
func saveChains(e *env, r *report.Report, files map[report.Side]string) error {
	var errs []error
	for _, sd := range []struct {
		side report.Side
		a    *report.Appliance
	}{{report.SideSource, r.Source}, {report.SideTarget, r.Target}} {
		file, ok := files[sd.side]
		if !ok || sd.a == nil {
			continue
		}
		var served []*x509.Certificate
		if sd.a.Observed != nil {
			served = sd.a.Observed.Chain
		}
		if len(served) == 0 {
			e.say("%s", i18n.T("probe.saved.none", fmt.Sprintf("no chain saved for the %s %s: it showed no chain", sd.side, sd.a.Address), string(sd.side), sd.a.Address))
			continue
		}
		a, incomplete := chain.Served(served)
		if err := chain.WriteFileAtomic(file, a.PEM, false); err != nil {
			errs = append(errs, fmt.Errorf("--save-chains: the %s's chain: %w", sd.side, err))
			continue
		}
		sd.a.SavedChain = file
		leaf := sha256.Sum256(a.Chain[0].Cert.Raw)
		var names []string
		for _, s := range a.Chain {
			names = append(names, chain.Name(s.Cert))
		}
		path, sha := strings.Join(names, " -> "), fmt.Sprintf("%x", leaf)
		e.say("%s", i18n.T("probe.saved", fmt.Sprintf("saved the %s %s's chain to %s: %s (leaf first)\n  leaf SHA-256 %s", sd.side, sd.a.Address, file, path, sha),
			string(sd.side), sd.a.Address, file, path, sha))
		for _, ch := range a.Changes {
			e.say("  %s", i18n.Text("assemble.", ch))
		}
		if incomplete != nil {
			e.say("  %s", i18n.T("probe.saved.not-ready", fmt.Sprintf("not OME-ready: %v; add the CA certificates with: ome-preflight assemble -o chain.pem %s ROOT-AND-INTERMEDIATES", incomplete, file),
				incomplete.Error(), file))
		}
	}
	return errors.Join(errs...)
}

// pairSpec is one pair to probe: addresses, the chains expected (nil when
// not given), CSRs, fingerprints and the names each peer uses (leaf-name;
// "" when not given).
type pairSpec struct {
	source, target         string
	sourceExp, targetExp   *chain.Input
	sourceCSR, targetCSR   *chain.CSR
	sourceFP, targetFP     string
	sourceName, targetName string
	flags                  pairing.Flags // how the user gives a missing input (nil: probe's flags)
	// wait is --wait: how long to retry an appliance that refuses or
	// resets connections before observing it (0: no retry); waiting, when
	// set, is told of each attempt that failed.
	wait    time.Duration
	waiting func(side report.Side, address string, attempt int, err error, left time.Duration)
	// baseline is probe --baseline's earlier report (nil: none).
	baseline *pairing.Baseline
}

// probePair is the one probe-a-pair sequence (probe and checklist): pin each
// appliance for credentials, observe both at once, then the rules (which
// judge the verifying handshakes first). so and to are each appliance's
// options (credentials may differ).
func probePair(ctx context.Context, p pairSpec, so, to probe.Options, ca *chain.Input, window, maxSkew time.Duration) (*report.Report, error) {
	o := so
	if err := pin(&so, p.sourceExp, ca, p.sourceFP, "source fingerprint"); err != nil {
		return nil, err
	}
	if err := pin(&to, p.targetExp, ca, p.targetFP, "target fingerprint"); err != nil {
		return nil, err
	}
	a, b := observe(ctx, p, so, to)
	flags := p.flags
	if flags == nil {
		flags = probeInputFlag
	}
	var local time.Time
	if o.Now != nil {
		local = o.Now().UTC()
	}
	return pairing.Probe(pairing.ProbeOptions{Source: a, Target: b, SourceExpected: p.sourceExp, TargetExpected: p.targetExp,
		SourceCSR: p.sourceCSR, TargetCSR: p.targetCSR, SourceName: p.sourceName, TargetName: p.targetName, Window: window, MaxSkew: maxSkew, ClientCertGiven: o.ClientCert != nil,
		Flags: flags, Local: local, Baseline: p.baseline}), nil
}

// readBaseline reads --baseline: an earlier JSON report of the appliances
// probed now (source, target: the flags as given; "" when not given). A
// file that cannot be read, is not such a report, or is one of other
// appliances is a usage error naming the file (exit 2).
func readBaseline(file, source, target string) (*pairing.Baseline, error) {
	hint := "give --baseline the JSON report an earlier probe of the same appliances wrote: ome-preflight probe --format json ... > before.json"
	data, err := chain.ReadLimited(file)
	if err != nil {
		return nil, usagef(hint, "--baseline %v", err) // the error names the file
	}
	var head struct {
		SchemaVersion *int   `json:"schema_version"`
		Command       string `json:"command"`
	}
	if err := json.Unmarshal(data, &head); err != nil || head.SchemaVersion == nil {
		why := "no schema_version"
		if err != nil {
			why = err.Error()
		}
		return nil, usagef(hint, "--baseline %s is not an ome-preflight JSON report (%s)", file, why)
	}
	if *head.SchemaVersion != report.SchemaVersion {
		return nil, usagef(hint, "--baseline %s has schema_version %d; this ome-preflight reads %d", file, *head.SchemaVersion, report.SchemaVersion)
	}
	norm := func(a string) string {
		if a == "" {
			return ""
		}
		hp, _, err := probe.SplitAddress(a)
		if err != nil {
			return a
		}
		return hp
	}
	var b *pairing.Baseline
	if head.Command == "checklist" {
		var cl report.Checklist
		if err = json.Unmarshal(data, &cl); err == nil {
			b, err = pairing.BaselineOfChecklist(file, &cl, norm(source), norm(target))
		}
	} else {
		var r report.Report
		if err = json.Unmarshal(data, &r); err == nil {
			b, err = pairing.BaselineOf(file, &r, norm(source), norm(target))
		}
	}
	if err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		if errors.As(err, &se) || errors.As(err, &te) {
			return nil, usagef(hint, "--baseline %s is not an ome-preflight JSON report (%v)", file, err)
		}
		if errors.Is(err, pairing.ErrOtherAppliances) {
			hint = "give the report of an earlier probe of these appliances, or probe the appliances that report names"
		}
		return nil, usagef(hint, "--baseline %v", err)
	}
	return b, nil
}

// observe observes the appliances given at the same time: both, or one
// alone (the other's observation is then nil). With p.wait, each is first
// waited for while it refuses or resets connections (probe.Wait).
func observe(ctx context.Context, p pairSpec, so, to probe.Options) (*report.Observation, *report.Observation) {
	one := func(side report.Side, address string, o probe.Options) *report.Observation {
		if address == "" {
			return nil
		}
		var w *report.Wait
		if p.wait > 0 {
			var progress func(int, error, time.Duration)
			if p.waiting != nil {
				progress = func(n int, err error, left time.Duration) { p.waiting(side, address, n, err, left) }
			}
			w = probe.Wait(ctx, address, o, p.wait, progress)
		}
		obs := probe.Observe(ctx, address, o)
		obs.Wait = w
		return obs
	}
	var a, b *report.Observation
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); a = one(report.SideSource, p.source, so) }()
	go func() { defer wg.Done(); b = one(report.SideTarget, p.target, to) }()
	wg.Wait()
	return a, b
}

// pin sets what credentials are tied to for one appliance: the leaf of its
// expected chain and/or a fingerprint, and the anchors its chain must
// verify to. With --ca, --ca alone is the trust: the expected chain only
// pins the leaf's key, and an expected chain that does not itself verify to
// --ca (at this machine's clock, for serverAuth) refuses credentials for
// that appliance, naming both files. Without --ca, the expected chain's own
// roots are the trust.
func pin(o *probe.Options, exp *chain.Input, ca *chain.Input, fingerprint, flag string) error {
	o.Trust, o.Refuse = nil, nil
	if exp != nil {
		o.Trust = chain.Anchors(exp.Certs, nil)
	}
	o.ExpectedLeaf, o.Fingerprints = nil, nil
	if exp != nil && len(exp.Certs) > 0 {
		o.ExpectedLeaf = chain.BuildPath(exp.Certs).Leaf(exp.Certs)
	}
	if ca != nil {
		o.Trust = ca.Certs
		now := time.Now()
		if o.Now != nil {
			now = o.Now()
		}
		if o.ExpectedLeaf != nil {
			if err := chain.Verify(o.ExpectedLeaf, exp.Certs, ca.Certs, now, x509.ExtKeyUsageServerAuth); err != nil {
				o.Refuse = fmt.Errorf("the chain you expect it to serve, %s, does not verify to --ca %s (%v): fix the chain file or --ca, so that both name the same CA", exp.File, ca.File, err)
			}
		}
	}
	if fingerprint != "" {
		h := strings.NewReplacer(":", "", " ", "", "-", "").Replace(strings.TrimSpace(fingerprint))
		b, err := hex.DecodeString(h)
		if err != nil || len(b) != sha256.Size {
			return usagef("the SHA-256 is 64 hex digits, colons allowed: see sha256 or spki_sha256 in `ome-preflight check --format json chain.pem`",
				"%s %q is not a SHA-256 fingerprint", flag, fingerprint)
		}
		o.Fingerprints = [][]byte{b}
	}
	return nil
}

// liveConnOptions reads the flags probe and checklist share: --timeout,
// --insecure, the stand-in identity and --ca. Credentials are read per
// appliance (credentials.go).
func liveConnOptions(c *cli.Context, e *env) (probe.Options, *chain.Input, error) {
	o := probe.Options{Timeout: durationOf(c, "timeout"), Insecure: c.Bool("insecure"), Now: e.now, Log: e.log}
	if o.Timeout <= 0 {
		return o, nil, usagef("e.g. --timeout 10s", "--timeout must be positive")
	}
	if cf, kf := c.String("client-cert"), c.String("client-key"); cf != "" || kf != "" {
		if cf == "" || kf == "" {
			return o, nil, usagef("give both --client-cert and --client-key", "a stand-in client identity needs a certificate and its key")
		}
		cert, err := loadClientIdentity(cf, kf)
		if err != nil {
			return o, nil, err
		}
		o.ClientCert = cert
	}
	var ca *chain.Input
	if f := c.String("ca"); f != "" {
		in, err := chain.ReadFile(f, chain.Options{})
		if err != nil {
			return o, nil, err
		}
		if len(in.Certs) == 0 {
			return o, nil, usagef("give the PEM or DER file of the root CA that issued the appliances' chains", "--ca %s holds no certificate", f)
		}
		ca = in
	}
	return o, ca, nil
}

// passwordEnv is the variable that holds side's password:
// OME_SOURCE_PASSWORD or OME_TARGET_PASSWORD (OME_PASSWORD is the fallback
// for both).
func passwordEnv(side report.Side) string {
	return "OME_" + strings.ToUpper(string(side)) + "_PASSWORD"
}
