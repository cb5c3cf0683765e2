package main

import (
	"crypto/x509"
	"errors"
	"fmt"
	"strconv"

	"github.com/urfave/cli/v2"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/i18n"
	"github.com/ome-preflight/ome-preflight/pairing"
	"github.com/ome-preflight/ome-preflight/render"
	"github.com/ome-preflight/ome-preflight/report"
)

func assembleCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "assemble",
		Usage:     "build the Base64 PEM chain OME wants (leaf, intermediates, root) from any mix of files and folders",
		ArgsUsage: "FILES...|DIR",
		Description: `Reads PEM, DER, PKCS#7 (.p7b), PKCS#12 (.pfx; certificates only) and UTF-16 files, and
every certificate file directly inside a folder; finds the path from the leaf (or
--leaf FILE) to a self-signed root; writes it as Base64 PEM with LF line endings and
nothing else, root included, to -o FILE (atomically; an existing file is kept unless
--force) or to standard output. What it changed goes to standard error. When the
path does not reach a root it names the missing issuer and exits 1.

Examples:
   ome-preflight assemble -o chain.pem appliance.cer ./ca-certs
   ome-preflight assemble --leaf appliance.cer -o chain.pem certnew.p7b
   ome-preflight assemble export.pfx > chain.pem`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Value: "text", Usage: "text (the PEM on stdout, changes on stderr) or json (a report on stdout; the PEM goes to -o or into the report)"},
			&cli.StringFlag{Name: "leaf", Usage: "the appliance certificate `FILE` (default: found among the inputs)"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the chain to `FILE` instead of standard output"},
			&cli.BoolFlag{Name: "force", Usage: "replace an existing -o file"},
		},
		Action: func(c *cli.Context) error {
			format := c.String("format")
			if format != "text" && format != "json" {
				return usagef("use text or json", "bad --format %q for assemble", format)
			}
			if c.NArg() == 0 {
				return usagef("usage: ome-preflight assemble [-o FILE] FILES...|DIR", "assemble needs at least one file or folder")
			}
			opts := chain.Options{Password: pfxPassword(e.stdin, e.stderr)}
			ins, skipped, err := chain.ReadAll(c.Args().Slice(), opts)
			if err != nil {
				return err
			}
			var skippedText []string // JSON's, English
			for _, err := range skipped {
				skippedText = append(skippedText, "skipped "+err.Error())
				e.say("%s", i18n.T("assemble.skipped", "skipped "+err.Error(), localError(err)))
			}
			var leaf *x509.Certificate
			if f := c.String("leaf"); f != "" {
				in, err := chain.ReadFile(f, opts)
				if err != nil {
					return err
				}
				leaf = in.Certs[0]
				ins = append([]*chain.Input{in}, ins...)
			}
			a, err := chain.Assemble(ins, leaf)
			rep := assembleReport{SchemaVersion: 1, Command: "assemble", Verdict: "pass", Skipped: skippedText, Changes: []string{}, Chain: []report.Cert{}}
			if a != nil {
				rep.Changes = append(rep.Changes, a.Changes...)
				var certs []*x509.Certificate
				for _, s := range a.Chain {
					certs = append(certs, s.Cert)
				}
				path := chain.BuildPath(certs)
				for i := range certs {
					rep.Chain = append(rep.Chain, pairing.DescribeCert(certs, path, i))
				}
			}
			if errors.Is(err, chain.ErrIncomplete) || errors.Is(err, chain.ErrNoCertificates) {
				rep.Verdict, rep.Error = "fail", err.Error()
				if format == "json" {
					if err := render.RenderJSON(e.stdout, rep); err != nil {
						return err
					}
					return verdictCode(report.VerdictFail)
				}
				if a != nil && len(a.Chain) > 0 {
					e.say("%s", i18n.T("assemble.found", "found "+describeSources(a), describeSources(a)))
				}
				printError(e.stderr, err)
				return verdictCode(report.VerdictFail)
			}
			if err != nil {
				return err
			}
			if format == "text" {
				for _, ch := range a.Changes {
					e.say("%s", i18n.Text("assemble.", ch))
				}
			}
			if out := c.String("output"); out != "" {
				if err := chain.WriteFileAtomic(out, a.PEM, c.Bool("force")); err != nil {
					return usagef("choose another -o file, or give --force", "writing %s: %v", out, err)
				}
				rep.Output = out
				if format == "json" {
					return render.RenderJSON(e.stdout, rep)
				}
				n := strconv.Itoa(len(a.Chain)) // a string: the catalogue's %d would group digits
				e.say("%s", i18n.T("assemble.wrote", fmt.Sprintf("wrote %s: %s (%s certificates); check it with: ome-preflight check %s", out, describeSources(a), n, out), out, describeSources(a), n, out))
				return nil
			}
			if format == "json" {
				rep.PEM = string(a.PEM)
				return render.RenderJSON(e.stdout, rep)
			}
			_, err = e.stdout.Write(a.PEM)
			return err
		},
	}
}

// assembleReport is assemble's --format json report.
type assembleReport struct {
	SchemaVersion int           `json:"schema_version"`
	Command       string        `json:"command"`
	Verdict       string        `json:"verdict"`
	Output        string        `json:"output,omitempty"`
	Chain         []report.Cert `json:"chain"`
	Changes       []string      `json:"changes"`
	Skipped       []string      `json:"skipped,omitempty"`
	Error         string        `json:"error,omitempty"`
	PEM           string        `json:"pem,omitempty"`
}

func describeSources(a *chain.Assembly) string {
	s := ""
	for i, x := range a.Chain {
		if i > 0 {
			s += " -> "
		}
		s += chain.Name(x.Cert)
	}
	return s
}
