package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ome-preflight/ome-preflight/adcs"
	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/i18n"
	"github.com/ome-preflight/ome-preflight/pairing"
	"github.com/ome-preflight/ome-preflight/probe"
	"github.com/ome-preflight/ome-preflight/render"
	"github.com/ome-preflight/ome-preflight/report"
)

func checklistCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "checklist",
		Usage:     "change-window checklist for every pair of an inventory: Markdown and self-contained HTML",
		ArgsUsage: "INVENTORY",
		Description: `Reads a YAML inventory of appliance pairs (relative paths resolve against its folder):

   pairs:
     - name: dc1-migration
       window: 4h
       source: { address: 10.0.0.5, chain: src.pem, csr: src.csr, name: ome310.example.com }
       target: { address: 10.0.0.6:443, chain: dst.pem, user: admin, password_env: OME_DC1_TARGET_PASSWORD }
     - name: dc2-files
       source: { chain: dc2-src.pem, clock: 2026-11-23T09:00:00Z }
       target: { chain: dc2-dst.pem, clock: 2026-11-23T09:00:00Z }

A pair whose two sides have addresses is probed (its chain files are what you
expect them to serve); otherwise the chains are compared, an address side being
observed live. Per side: csr is the CSR generated on that appliance (csr-key,
csr-wildcard), name the host name its peer dials (leaf-name), user the OME user
that reads its API (default --user) and password_env the environment variable
holding that user's password (default OME_SOURCE_PASSWORD or
OME_TARGET_PASSWORD, then OME_PASSWORD; a prompt on a terminal). An inventory
never holds a password: a password key is refused.

Every pair runs at once by default (--parallel 0: as many as the open-file
limit allows, about 16 descriptors per live pair), so the fleet takes the time
of its slowest pair: an appliance that accepts the connection and never answers
fails after --handshake-timeout, and delays no other pair. On a terminal a
progress line counts the pairs waiting on each step (dial, TLS, API).
Writes checklist.md and checklist.html (one file, no external assets, a
validity timeline per pair) into --out, and prints a summary (or the whole
report with --format json|markdown).

Examples:
   ome-preflight checklist --out ./change-4711 inventory.yaml
   OME_PASSWORD=... ome-preflight checklist --user admin --ca root.pem --format json inventory.yaml
   OME_SOURCE_PASSWORD=... OME_TARGET_PASSWORD=... ome-preflight checklist --user admin inventory.yaml`,
		Flags: []cli.Flag{
			reportFormatFlag(),
			&cli.StringFlag{Name: "out", Value: ".", Usage: "`DIR` for checklist.md and checklist.html"},
			&cli.BoolFlag{Name: "force", Usage: "replace checklist.md and checklist.html when they exist in --out"},
			&cli.IntFlag{Name: "parallel", Value: 0, Usage: "pairs checked at once; 0: every pair, up to what the open-file limit allows"},
			&cli.StringFlag{Name: "ca", Usage: "root CA `FILE`: with --user, each served chain must verify to it (not to the chain file's own root); the inventory's chain files then pin the leaf's key and must verify to it too"},
			&cli.StringFlag{Name: "client-cert", Usage: "stand-in client certificate `FILE` for the mutual handshakes"},
			&cli.StringFlag{Name: "client-key", Usage: "its private key `FILE` (never printed)"},
			&cli.StringFlag{Name: "user", Usage: "OME user to read the APIs (an inventory side's user overrides it); password from the side's password_env, else OME_SOURCE_PASSWORD/OME_TARGET_PASSWORD, else OME_PASSWORD, else a prompt"},
			&cli.BoolFlag{Name: "insecure", Usage: "send credentials even to appliances whose chain does not verify"},
			durationFlag("timeout", probe.DefaultTimeout, "bound on the work for one appliance"),
			durationFlag("handshake-timeout", defaultHandshakeTimeout, "bound on connecting to an appliance and its TLS handshake, within --timeout: one that accepts the connection and never answers fails after it"),
			durationFlag("max-skew", pairing.DefaultMaxSkew, "warn when two clocks differ by more than this"),
		},
		Action: func(c *cli.Context) error {
			format, err := checkFormat(c)
			if err != nil {
				return err
			}
			if c.NArg() != 1 {
				return usagef("usage: ome-preflight checklist [--out DIR] INVENTORY", "checklist takes one inventory file, got %d arguments", c.NArg())
			}
			if c.Int("parallel") < 0 {
				return usagef("e.g. --parallel 8, or 0 for every pair at once", "--parallel must be 0 or more")
			}
			inv, err := LoadInventory(c.Args().First())
			if err != nil {
				return err
			}
			o, ca, err := liveConnOptions(c, e)
			if err != nil {
				return err
			}
			if o.HandshakeTimeout = durationOf(c, "handshake-timeout"); o.HandshakeTimeout <= 0 {
				return usagef("e.g. --handshake-timeout 3s", "--handshake-timeout must be positive")
			}
			out := c.String("out")
			if err := os.MkdirAll(out, 0o755); err != nil {
				return usagef("give --out a folder you can write to (e.g. --out ./change-4711)", "--out %s: %v", out, err)
			}
			if !c.Bool("force") {
				// Say so before probing anything, not after.
				for _, f := range []string{"checklist.md", "checklist.html"} {
					if _, err := os.Lstat(filepath.Join(out, f)); err == nil {
						return usagef("give --force to replace it, or --out with a new folder (e.g. --out ./change-4711)", "%s exists", filepath.Join(out, f))
					}
				}
			}
			// Credentials per appliance, all before anything is probed.
			creds := make([][2]login, len(inv.Pairs))
			l := newLogins(e, c.String("user"))
			for i, p := range inv.Pairs {
				for k, s := range []*InventorySide{p.Source, p.Target} {
					if creds[i][k], err = l.forSide(p.Name, []report.Side{report.SideSource, report.SideTarget}[k], s); err != nil {
						return err
					}
				}
			}
			// The documents render while the pairs are checked.
			stream, err := render.NewChecklistStream(out)
			if err != nil {
				return usagef("give --out a folder you can write to (e.g. --out ./change-4711)", "--out %s: %v", out, err)
			}
			cl := runChecklist(c.Context, e, inv, c.Args().First(), fleetRun{o: o, creds: creds, ca: ca, maxSkew: durationOf(c, "max-skew"), parallel: c.Int("parallel")}, stream.Done)
			cl.Run = checklistRun(e.runInfo(c), cl)
			write := func(path string, fill func(io.Writer) error) error {
				return chain.WriteAtomicFunc(path, c.Bool("force"), 0o644, fill)
			}
			if err := stream.Finish(cl, write, filepath.Join(out, "checklist.md"), filepath.Join(out, "checklist.html")); err != nil {
				return fmt.Errorf("writing the checklist: %w", err)
			}
			md, html := filepath.Join(out, "checklist.md"), filepath.Join(out, "checklist.html")
			e.say("%s", i18n.T("checklist.wrote", "wrote "+md+" and "+html, md, html))
			switch format {
			case "json":
				err = render.RenderJSON(e.stdout, cl)
			case "markdown":
				err = render.RenderChecklistMarkdown(e.stdout, cl)
			case "summary":
				err = render.RenderChecklistTicket(e.stdout, cl)
			default:
				err = render.RenderChecklistSummary(e.stdout, cl)
			}
			if err != nil {
				return err
			}
			return verdictCode(cl.Verdict)
		},
	}
}

// defaultHandshakeTimeout bounds connecting and the TLS handshake in a
// checklist: long enough for a 300 ms round trip and a lost SYN, short
// enough that a stalled appliance does not hold the fleet.
const defaultHandshakeTimeout = 3 * time.Second

// fleetRun is how a checklist checks its pairs: the shared live options
// (no credentials), each pair's logins, and how many pairs at once (0:
// autoParallel).
type fleetRun struct {
	o        probe.Options
	creds    [][2]login
	ca       *chain.Input
	maxSkew  time.Duration
	parallel int
	// progress, when set, receives the fleet's progress (tests); a
	// terminal gets it as a progress line.
	progress *fleetProgress
}

// runChecklist checks every pair, up to parallel at once, with a progress
// line on a terminal.
func runChecklist(ctx context.Context, e *env, inv *Inventory, file string, run fleetRun, finished func(int, report.ChecklistPair)) *report.Checklist {
	if ctx == nil {
		ctx = context.Background()
	}
	cl := &report.Checklist{SchemaVersion: report.SchemaVersion, Command: "checklist", Inventory: file, Generated: e.now().UTC().Truncate(time.Second),
		Pairs: make([]report.ChecklistPair, len(inv.Pairs)), Manual: pairing.ManualChecks()}
	parallel := run.parallel
	if parallel <= 0 {
		parallel = autoParallel(len(inv.Pairs), openFileLimit())
	}
	e.log.Debug().Int("pairs", len(inv.Pairs)).Int("parallel", parallel).Msg("checklist")
	fp := run.progress
	if fp == nil {
		fp = newFleetProgress(len(inv.Pairs))
	}
	stopDraw := func() {}
	if isTerminal(e.stderr) {
		stopDraw = fp.draw(e, 250*time.Millisecond)
	}
	checkOne := func(i int) {
		fp.start(i)
		var opts [2]probe.Options
		var creds [2]login
		if run.creds != nil {
			creds = run.creds[i]
		}
		for k := range opts {
			opts[k] = run.o
			opts[k].User, opts[k].Password = creds[k].user, creds[k].password
			opts[k].Progress = func(s probe.Step) { fp.step(i, k, s) }
		}
		cl.Pairs[i] = checkPair(ctx, e, inv.Pairs[i], opts, creds, run.ca, run.maxSkew)
		if r := cl.Pairs[i].Report; r != nil && r.Run == nil {
			r.Run = pairRun(e, inv.Pairs[i])
		}
		if finished != nil {
			finished(i, cl.Pairs[i])
		}
		fp.finish(i, inv.Pairs[i].Name, cl.Pairs[i].Verdict)
	}
	// parallel workers take the pairs in the inventory's order.
	next := make(chan int)
	go func() {
		defer close(next)
		for i := range inv.Pairs {
			next <- i
		}
	}()
	var wg sync.WaitGroup
	for range min(parallel, len(inv.Pairs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				checkOne(i)
			}
		}()
	}
	wg.Wait()
	stopDraw()
	cl.Finish()
	return cl
}

// templateReport judges an AD CS template dump (certutil -v -dstemplate
// NAME) as the template command does: what OME will say about a leaf
// issued from it, at at (migration mode); a leaf issued now must outlive
// the pair's change window (windowEnd; zero: no window given).
func templateReport(path string, at, windowEnd time.Time) (*report.Report, error) {
	data, err := chain.ReadLimited(path)
	if err != nil {
		return nil, err
	}
	t, err := adcs.Parse(path, data)
	if err != nil {
		return nil, err
	}
	return pairing.Template(pairing.TemplateOptions{Template: t, Mode: report.ModeMigration, At: at, WindowEnd: windowEnd}), nil
}

// beforeIssuing is the pair's first section: each side's CSR (csr's
// rules) and the pair's template, judged before any certificate exists.
func beforeIssuing(p InventoryPair, at time.Time) []report.BeforeIssuing {
	var out []report.BeforeIssuing
	if p.Template != "" {
		item := report.BeforeIssuing{What: "template", File: p.Template}
		var windowEnd time.Time
		if p.window > 0 {
			windowEnd = at.Add(p.window)
		}
		switch r, err := templateReport(p.Template, at, windowEnd); {
		case err != nil:
			item.Status, item.Reason = report.NA, "template not checked: "+err.Error()
		default:
			item.Status, item.Report = worstCheck(r), r
		}
		out = append(out, item)
	}
	for _, sd := range []struct {
		name string
		inv  *InventorySide
	}{{"source", p.Source}, {"target", p.Target}} {
		if sd.inv.CSR == "" {
			continue
		}
		item := report.BeforeIssuing{What: sd.name + " csr", File: sd.inv.CSR}
		if c, err := chain.ReadCSR(sd.inv.CSR); err != nil {
			item.Status, item.Reason = report.NA, "csr not checked: "+err.Error()
		} else {
			r := pairing.LintCSR(c)
			item.Status, item.Report = worstCheck(r), r
		}
		out = append(out, item)
	}
	return out
}

// worstCheck is the worst status of r's checks.
func worstCheck(r *report.Report) report.Status {
	worst := report.NA
	for _, c := range r.Checks {
		if c.Status > worst {
			worst = c.Status
		}
	}
	return worst
}

// checkPair probes a pair whose sides both have addresses; otherwise it
// compares chains, observing an address-only side live.
// o holds each side's options, creds where its password came from.
func checkPair(ctx context.Context, e *env, p InventoryPair, o [2]probe.Options, creds [2]login, ca *chain.Input, maxSkew time.Duration) report.ChecklistPair {
	res := checkPairAfter(ctx, e, p, o, creds, ca, maxSkew)
	res.BeforeIssuing = beforeIssuing(p, e.now())
	for _, b := range res.BeforeIssuing {
		// A CSR or a template that fails fails the pair: the certificate
		// it leads to would be refused.
		if b.Report != nil && b.Report.Verdict == report.VerdictFail {
			res.Verdict = report.VerdictFail
		}
	}
	return res
}

// checkPairAfter checks the pair's chains and appliances: compare, or probe
// when both sides have an address.
func checkPairAfter(ctx context.Context, e *env, p InventoryPair, o [2]probe.Options, creds [2]login, ca *chain.Input, maxSkew time.Duration) report.ChecklistPair {
	res := report.ChecklistPair{Name: p.Name, Window: p.window}
	fail := func(err error) report.ChecklistPair {
		res.Verdict, res.Error = report.VerdictIncomplete, err.Error()
		return res
	}
	// Pairs run concurrently: no prompt, the environment only.
	readOpt := chain.Options{Password: pfxPassword(nil, e.stderr)}
	type side struct {
		inv   *InventorySide
		chain *chain.Input
		csr   *chain.CSR
		obs   *report.Observation
	}
	sides := []*side{{inv: p.Source}, {inv: p.Target}}
	for _, s := range sides {
		var err error
		if s.inv.Chain != "" {
			if s.chain, err = chain.ReadFile(s.inv.Chain, readOpt); err != nil {
				return fail(err)
			}
		}
		if s.inv.CSR != "" {
			if s.csr, err = chain.ReadCSR(s.inv.CSR); err != nil {
				return fail(err)
			}
		}
	}
	src, tgt := sides[0], sides[1]
	if src.inv.Address != "" && tgt.inv.Address != "" {
		res.Kind = report.KindProbe
		spec := pairSpec{source: src.inv.Address, target: tgt.inv.Address, sourceExp: src.chain, targetExp: tgt.chain, sourceCSR: src.csr, targetCSR: tgt.csr,
			sourceFP: src.inv.Fingerprint, targetFP: tgt.inv.Fingerprint, sourceName: src.inv.Name, targetName: tgt.inv.Name, flags: inventoryInputFlag}
		r, err := probePair(ctx, spec, o[0], o[1], ca, p.window, maxSkew)
		if err != nil {
			return fail(err)
		}
		noteRefusedLogins(p.Name, r, creds)
		res.Report, res.Verdict = r, r.Verdict
		return res
	}
	res.Kind = report.KindCompare
	co := pairing.CompareOptions{Window: p.window, MaxSkew: maxSkew, SourceCSR: src.csr, TargetCSR: tgt.csr, SourceName: src.inv.Name, TargetName: tgt.inv.Name,
		Flags: inventoryInputFlag, Local: e.now().UTC()}
	var incomplete []string
	var notReached [2]string
	for k, s := range sides {
		name := []report.Side{report.SideSource, report.SideTarget}[k]
		in, clock, clockSrc := s.chain, s.inv.clock, report.ClockSource{Kind: report.ClockGiven, Text: "inventory clock"}
		if s.inv.Address != "" {
			so := o[k]
			if err := pin(&so, s.chain, ca, s.inv.Fingerprint, string(name)+" fingerprint"); err != nil {
				return fail(err)
			}
			s.obs = probe.Observe(ctx, s.inv.Address, so)
			if why := pairing.NotReached(s.obs); why != "" && s.chain != nil {
				// Not reached: the chain the inventory expects it to serve is
				// checked in its place, offline; the report says so.
				notReached[k] = why
				if clock.IsZero() {
					clock, clockSrc = e.now().UTC(), report.ClockSourceThisMachine
				}
				if k == 0 {
					co.Source, co.SourceTime, co.SourceClockSource = in, clock, clockSrc
				} else {
					co.Target, co.TargetTime, co.TargetClockSource = in, clock, clockSrc
				}
				continue
			}
			if len(s.obs.Chain) == 0 {
				if s.obs.KeyUnproven != "" {
					incomplete = append(incomplete, s.obs.KeyUnproven)
				}
				for _, f := range s.obs.Failures {
					incomplete = append(incomplete, fmt.Sprintf("%s %s: %s: %s", name, s.obs.Address, f.Step, f.Error))
				}
				return fail(fmt.Errorf("%s %s: no chain observed (%s)", name, s.obs.Address, strings.Join(incomplete, "; ")))
			}
			in = &chain.Input{File: s.obs.Address, Encoding: chain.EncTLS, Certs: s.obs.Chain, Notes: []string{}}
			clock, clockSrc = s.obs.Clock, s.obs.ClockSource
		}
		if clock.IsZero() {
			clock, clockSrc = e.now().UTC(), report.ClockSourceThisMachine
		}
		if k == 0 {
			co.Source, co.SourceTime, co.SourceClockSource = in, clock, clockSrc
		} else {
			co.Target, co.TargetTime, co.TargetClockSource = in, clock, clockSrc
		}
	}
	r := pairing.Compare(co)
	for k, a := range []*report.Appliance{r.Source, r.Target} {
		s := sides[k]
		if s.obs == nil {
			continue
		}
		a.Address, a.Observed = s.obs.Address, s.obs
		if notReached[k] == "" {
			a.File = ""
			continue
		}
		a.NotReached = notReached[k]
		r.Incomplete = append(r.Incomplete, fmt.Sprintf("the %s %s was not reached (%s); its chain from the inventory, %s, was checked offline in its place",
			[]report.Side{report.SideSource, report.SideTarget}[k], s.obs.Address, notReached[k], s.inv.Chain))
		if r.Verdict == report.VerdictPass {
			r.Verdict = report.VerdictIncomplete
		}
	}
	noteRefusedLogins(p.Name, r, creds)
	res.Report, res.Verdict = r, r.Verdict
	return res
}

// noteRefusedLogins adds to r, as checks that could not run, each login an
// appliance refused, naming the pair, the side, the address, the user and
// the password's variable.
func noteRefusedLogins(pair string, r *report.Report, creds [2]login) {
	refused := refusedLogins(pair, r, creds)
	if len(refused) == 0 {
		return
	}
	r.Incomplete = append(r.Incomplete, refused...)
	if r.Verdict == report.VerdictPass {
		r.Verdict = report.VerdictIncomplete
	}
}

// inventoryInputFlag words where an inventory gives an input the rules
// asked for, a key of a pair's side: "source.csr (inventory)".
func inventoryInputFlag(side report.Side, kind pairing.InputKind) string {
	key := map[pairing.InputKind]string{pairing.CSRInput: "csr", pairing.NameInput: "name", pairing.ChainInput: "chain", pairing.FingerprintInput: "fingerprint", pairing.AddressInput: "address"}[kind]
	if key == "" || (side != report.SideSource && side != report.SideTarget) {
		return ""
	}
	return fmt.Sprintf("%s.%s (inventory)", side, key)
}

// pairRun is a checklist pair's run: the files its inventory entry names.
func pairRun(e *env, p InventoryPair) *report.Run {
	run := newRun(e.now())
	for _, sd := range []struct {
		name string
		s    *InventorySide
	}{{"source", p.Source}, {"target", p.Target}} {
		if sd.s != nil {
			run.add(sd.name+" chain", sd.s.Chain)
			run.add(sd.name+" csr", sd.s.CSR)
		}
	}
	return (*report.Run)(run)
}

// checklistRun is the checklist's run: the inventory and the command's
// files (runInfo), then every file a pair names, each once.
func checklistRun(run *report.Run, cl *report.Checklist) *report.Run {
	b := (*runBuilder)(run)
	for _, p := range cl.Pairs {
		if p.Report == nil || p.Report.Run == nil {
			continue
		}
		for _, in := range p.Report.Run.Inputs {
			if !slices.ContainsFunc(b.Inputs, func(x report.InputHash) bool { return x.File == in.File }) {
				b.Inputs = append(b.Inputs, in)
			}
		}
	}
	return run
}
