package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ome-preflight/ome-preflight/chain"
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
       source: { address: 10.0.0.5, chain: src.pem, csr: src.csr }
       target: { address: 10.0.0.6:443, chain: dst.pem, clock: 2026-11-23T09:00:00Z }

A pair whose two sides have addresses is probed (its chain files are what you
expect them to serve); otherwise the chains are compared, an address side being
observed live. Pairs run concurrently (--parallel). Writes checklist.md and
checklist.html (one file, no external assets, a validity timeline per pair) into
--out, and prints a summary (or the whole report with --format json|markdown).

Examples:
   ome-preflight checklist --out ./change-4711 inventory.yaml
   OME_PASSWORD=... ome-preflight checklist --user admin --ca root.pem --format json inventory.yaml`,
		Flags: []cli.Flag{
			formatFlag(),
			&cli.StringFlag{Name: "out", Value: ".", Usage: "`DIR` for checklist.md and checklist.html"},
			&cli.BoolFlag{Name: "force", Usage: "replace checklist.md and checklist.html when they exist in --out"},
			&cli.IntFlag{Name: "parallel", Value: 8, Usage: "pairs checked at once"},
			&cli.StringFlag{Name: "ca", Usage: "root CA `FILE`: with --user, each served chain must verify to it (not to the chain file's own root); the inventory's chain files then pin the leaf's key and must verify to it too"},
			&cli.StringFlag{Name: "client-cert", Usage: "stand-in client certificate `FILE` for the mutual handshakes"},
			&cli.StringFlag{Name: "client-key", Usage: "its private key `FILE` (never printed)"},
			&cli.StringFlag{Name: "user", Usage: "OME user to read the APIs; password from OME_PASSWORD or a prompt"},
			&cli.BoolFlag{Name: "insecure", Usage: "send credentials even to appliances whose chain does not verify"},
			durationFlag("timeout", probe.DefaultTimeout, "bound on the work for one appliance"),
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
			if c.Int("parallel") < 1 {
				return usagef("e.g. --parallel 8", "--parallel must be at least 1")
			}
			inv, err := LoadInventory(c.Args().First())
			if err != nil {
				return err
			}
			o, ca, err := liveOptions(c, e)
			if err != nil {
				return err
			}
			out := c.String("out")
			if err := os.MkdirAll(out, 0o755); err != nil {
				return usagef("", "--out %s: %v", out, err)
			}
			if !c.Bool("force") {
				// Say so before probing anything, not after.
				for _, f := range []string{"checklist.md", "checklist.html"} {
					if _, err := os.Lstat(filepath.Join(out, f)); err == nil {
						return usagef("give --force to replace it, or --out with a new folder (e.g. --out ./change-4711)", "%s exists", filepath.Join(out, f))
					}
				}
			}
			// The documents render while the pairs are checked.
			stream, err := render.NewChecklistStream(out)
			if err != nil {
				return usagef("", "--out %s: %v", out, err)
			}
			cl := runChecklist(c.Context, e, inv, c.Args().First(), o, ca, durationOf(c, "max-skew"), c.Int("parallel"), stream.Done)
			write := func(path string, fill func(io.Writer) error) error {
				return chain.WriteAtomicFunc(path, c.Bool("force"), 0o644, fill)
			}
			if err := stream.Finish(cl, write, filepath.Join(out, "checklist.md"), filepath.Join(out, "checklist.html")); err != nil {
				return fmt.Errorf("writing the checklist: %w", err)
			}
			e.say("wrote %s and %s", filepath.Join(out, "checklist.md"), filepath.Join(out, "checklist.html"))
			switch format {
			case "json":
				err = render.RenderJSON(e.stdout, cl)
			case "markdown":
				err = render.RenderChecklistMarkdown(e.stdout, cl)
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

// runChecklist checks every pair, up to parallel at once, with a progress
// line on a terminal.
func runChecklist(ctx context.Context, e *env, inv *Inventory, file string, o probe.Options, ca *chain.Input, maxSkew time.Duration, parallel int,
	finished func(int, report.ChecklistPair)) *report.Checklist {
	if ctx == nil {
		ctx = context.Background()
	}
	cl := &report.Checklist{SchemaVersion: report.SchemaVersion, Command: "checklist", Inventory: file, Generated: e.now().UTC().Truncate(time.Second),
		Pairs: make([]report.ChecklistPair, len(inv.Pairs)), Manual: pairing.ManualChecks()}
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	progress := isTerminal(e.stderr)
	for i := range inv.Pairs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			cl.Pairs[i] = checkPair(ctx, e, inv.Pairs[i], o, ca, maxSkew)
			if finished != nil {
				finished(i, cl.Pairs[i])
			}
			mu.Lock()
			done++
			if progress {
				e.progress("[%d/%d] %s: %s", done, len(inv.Pairs), inv.Pairs[i].Name, cl.Pairs[i].Verdict)
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	if progress {
		e.progress("")
	}
	cl.Finish()
	return cl
}

// checkPair probes a pair whose sides both have addresses; otherwise it
// compares chains, observing an address-only side live.
func checkPair(ctx context.Context, e *env, p InventoryPair, o probe.Options, ca *chain.Input, maxSkew time.Duration) report.ChecklistPair {
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
		r, err := probePair(ctx, pairSpec{src.inv.Address, tgt.inv.Address, src.chain, tgt.chain, src.csr, tgt.csr, src.inv.Fingerprint, tgt.inv.Fingerprint, "", ""},
			o, ca, p.window, maxSkew)
		if err != nil {
			return fail(err)
		}
		res.Report, res.Verdict = r, r.Verdict
		return res
	}
	res.Kind = report.KindCompare
	co := pairing.CompareOptions{Window: p.window, MaxSkew: maxSkew, SourceCSR: src.csr, TargetCSR: tgt.csr, Flags: inputFlag, Local: e.now().UTC()}
	var incomplete []string
	for k, s := range sides {
		name := []report.Side{report.SideSource, report.SideTarget}[k]
		in, clock, clockSrc := s.chain, s.inv.clock, report.ClockSource{Kind: report.ClockGiven, Text: "inventory clock"}
		if s.inv.Address != "" {
			so := o
			if err := pin(&so, s.chain, ca, s.inv.Fingerprint, string(name)+" fingerprint"); err != nil {
				return fail(err)
			}
			s.obs = probe.Observe(ctx, s.inv.Address, so)
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
	if src.obs != nil {
		r.Source.Address, r.Source.File, r.Source.Observed = src.obs.Address, "", src.obs
	}
	if tgt.obs != nil {
		r.Target.Address, r.Target.File, r.Target.Observed = tgt.obs.Address, "", tgt.obs
	}
	res.Report, res.Verdict = r, r.Verdict
	return res
}
