package main

import (
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/pairing"
	"github.com/ome-preflight/ome-preflight/report"
)

func compareCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "compare",
		Usage:     "will these two appliances pair? (source and target chain files)",
		ArgsUsage: "SRC DST",
		Description: `Runs every upload rule on each chain, draws the KB's issued-to/issued-by table
row by row, checks that the CA rows carry the same keys, verifies each chain with
the other appliance's root for serverAuth and clientAuth at that appliance's
clock, and checks every certificate at both clocks through the change window.
Flags may come before or after the files.

Examples:
   ome-preflight compare source.pem target.pem
   ome-preflight compare --window 4h --source-time 2026-11-28T22:00:00Z --target-time 2026-11-28T22:03:00Z source.pem target.pem
   ome-preflight compare --format markdown source.pem target.pem > pair.md`,
		Flags: []cli.Flag{
			reportFormatFlag(),
			&cli.StringFlag{Name: "source-time", Usage: "the source appliance's clock, RFC 3339 `TIME` (default now)"},
			&cli.StringFlag{Name: "target-time", Usage: "the target appliance's clock, RFC 3339 `TIME` (default now)"},
			durationFlag("window", 0, "certificates must stay valid this long after each clock (the change window), e.g. 4h"),
			durationFlag("max-skew", pairing.DefaultMaxSkew, "warn when the clocks differ by more than this"),
			&cli.StringFlag{Name: "source-csr", Usage: "the CSR generated on the source appliance (`FILE`)"},
			&cli.StringFlag{Name: "target-csr", Usage: "the CSR generated on the target appliance (`FILE`)"},
			&cli.StringFlag{Name: "source-name", Usage: "the `HOST` name or IP the target uses to reach the source"},
			&cli.StringFlag{Name: "target-name", Usage: "the `HOST` name or IP the source uses to reach the target"},
		},
		Action: func(c *cli.Context) error {
			format, err := checkFormat(c)
			if err != nil {
				return err
			}
			if c.NArg() != 2 {
				return usagef("usage: ome-preflight compare [flags] SRC DST",
					"compare takes two chain files, source then target, got %d arguments", c.NArg())
			}
			if durationOf(c, "window") < 0 || durationOf(c, "max-skew") < 0 {
				return usagef("durations are like 30m or 4h", "--window and --max-skew cannot be negative")
			}
			o := pairing.CompareOptions{Window: durationOf(c, "window"), MaxSkew: durationOf(c, "max-skew"),
				SourceName: c.String("source-name"), TargetName: c.String("target-name"), Flags: inputFlag, Local: e.now().UTC()}
			if o.SourceTime, o.SourceClockSource, err = e.clock(c, "source-time"); err != nil {
				return err
			}
			if o.TargetTime, o.TargetClockSource, err = e.clock(c, "target-time"); err != nil {
				return err
			}
			opts := chain.Options{Password: pfxPassword(e.stdin, e.stderr)}
			if o.Source, err = chain.ReadFile(c.Args().Get(0), opts); err != nil {
				return err
			}
			if o.Target, err = chain.ReadFile(c.Args().Get(1), opts); err != nil {
				return err
			}
			if f := c.String("source-csr"); f != "" {
				if o.SourceCSR, err = chain.ReadCSR(f); err != nil {
					return err
				}
			}
			if f := c.String("target-csr"); f != "" {
				if o.TargetCSR, err = chain.ReadCSR(f); err != nil {
					return err
				}
			}
			return e.render(c, pairing.Compare(o), format)
		},
	}
}

// clock reads a --*-time flag and says where the instant came from: the
// flag, or this machine's clock.
func (e *env) clock(c *cli.Context, flag string) (time.Time, report.ClockSource, error) {
	v := c.String(flag)
	t, err := e.parseTime(flag, v)
	if v == "" || v == "now" {
		return t, report.ClockSourceThisMachine, err
	}
	return t, report.ClockSource{Kind: report.ClockGiven, Text: "--" + flag}, err
}
