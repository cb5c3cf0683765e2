package main

import (
	"github.com/urfave/cli/v2"

	"github.com/ome-preflight/ome-preflight/fixtures"
)

func fixturesCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "fixtures",
		Usage: "lab: write scenario chains to rehearse with",
		Subcommands: []*cli.Command{{
			Name:      "write",
			Usage:     "write every scenario's files, and a README of what each should produce, into DIR",
			ArgsUsage: "DIR",
			Description: `Certificates are valid around --base (default now), with fresh keys.
The folder must be new or empty unless --force.

Examples:
   ome-preflight fixtures write ./lab
   ome-preflight check ./lab/missing-root/chain.pem`,
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "base", Usage: "RFC 3339 `TIME` the lab's validity periods are built around (default now)"},
				&cli.BoolFlag{Name: "force", Usage: "write into a folder that already has files"},
			},
			Action: func(c *cli.Context) error {
				if c.NArg() != 1 {
					return usagef("usage: ome-preflight fixtures write [--base TIME] DIR", "fixtures write takes one folder, got %d arguments", c.NArg())
				}
				base, err := e.parseTime("base", c.String("base"))
				if err != nil {
					return err
				}
				n, err := fixtures.WriteLab(c.Args().First(), base, c.Bool("force"))
				if err != nil {
					return err
				}
				e.log.Info().Int("scenarios", n).Str("dir", c.Args().First()).Msg("lab written")
				return nil
			},
		}},
	}
}
