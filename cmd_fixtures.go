package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/ome-preflight/ome-preflight/fixtures"
	"github.com/ome-preflight/ome-preflight/render"
)

func fixturesCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "fixtures",
		Usage: "lab: write scenario chains to rehearse with",
		Description: `Commands:
   write DIR   write every scenario's files, and a README of what each should produce

Examples:
   ome-preflight fixtures write ./lab`,
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
				formatFlag(),
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
				format, err := checkFormat(c)
				if err != nil {
					return err
				}
				dir := c.Args().First()
				n, err := fixtures.WriteLab(dir, base, c.Bool("force"))
				if err != nil {
					return err
				}
				e.log.Info().Int("scenarios", n).Str("dir", dir).Msg("lab written")
				type entry struct {
					Name        string   `json:"name"`
					Dir         string   `json:"dir"`
					Description string   `json:"description"`
					Command     string   `json:"command"`
					Verdict     string   `json:"verdict"`
					Errors      []string `json:"errors"`
					Warnings    []string `json:"warnings"`
				}
				var list []entry
				for _, s := range fixtures.Scenarios() {
					w := s.WantWarnings
					if w == nil {
						w = []string{}
					}
					list = append(list, entry{s.Name, filepath.Join(dir, s.Name), s.Description, s.CommandLineAt(base), s.Want, s.WantErrors, w})
				}
				switch format {
				case "json":
					return render.RenderJSON(e.stdout, map[string]any{"schema_version": 1, "command": "fixtures write", "dir": dir, "scenarios": list})
				case "markdown":
					readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
					if err != nil {
						return err
					}
					_, err = e.stdout.Write(readme)
					return err
				}
				fmt.Fprintf(e.stdout, "wrote %d scenarios to %s (what each should report: %s)\n", n, dir, filepath.Join(dir, "README.md"))
				return nil
			},
		}},
	}
}
