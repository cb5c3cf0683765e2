package main

import (
	"errors"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ome-preflight/ome-preflight/adcs"
	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/pairing"
	"github.com/ome-preflight/ome-preflight/report"
)

func templateCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "template",
		Usage:     "before the certificate exists: will OME accept a certificate issued from this AD CS template?",
		ArgsUsage: "FILE",
		Description: `Reads what 'certutil -v -dstemplate NAME' prints for an AD CS certificate
template and predicts, with the same rules, OME MessageIds and fixes as check,
what OME will say about the appliance certificate issued from it: the Extended
Key Usage the CA will issue (Server and Client Authentication), the Key Usage
(Key Encipherment, Digital Signature), whether the subject is taken from the
appliance's CSR, the minimal key size, and, with --window-end, whether the
validity period reaches the end of the change window. Fixes are worded as the
Certificate Templates console (certtmpl.msc) words them, with the certreq line
that issues the certificate. FILE may be UTF-8 or UTF-16 (Windows PowerShell
5.1's '>' writes UTF-16LE); flags may come before or after FILE.

On the CA or any domain member with the AD CS tools:
   certutil -v -dstemplate WebServer > webserver.txt

Examples:
   ome-preflight template webserver.txt
   ome-preflight template --window-end 2026-12-01T06:00:00Z webserver-ome.txt
   ome-preflight template --format json webserver-ome.txt`,
		Flags: []cli.Flag{
			reportFormatFlag(),
			&cli.StringFlag{Name: "mode", Value: "migration", Usage: "migration (serverAuth+clientAuth) or server (single server certificate)"},
			&cli.StringFlag{Name: "at", Usage: "when the certificate will be issued, RFC 3339 `TIME` (default now)"},
			&cli.StringFlag{Name: "window-end", Usage: "when the planned change window ends, RFC 3339 `TIME`: the certificate must stay valid until then"},
		},
		Action: func(c *cli.Context) error {
			format, err := checkFormat(c)
			if err != nil {
				return err
			}
			if c.NArg() != 1 {
				return usagef("usage: ome-preflight template [--window-end TIME] FILE (FILE: the output of certutil -v -dstemplate NAME)",
					"template takes one template dump, got %d arguments", c.NArg())
			}
			mode, err := modeOf(c)
			if err != nil {
				return err
			}
			at, err := e.parseTime("at", c.String("at"))
			if err != nil {
				return err
			}
			var windowEnd time.Time
			if v := c.String("window-end"); v != "" {
				if windowEnd, err = e.parseTime("window-end", v); err != nil {
					return err
				}
			}
			file := c.Args().First()
			data, err := chain.ReadLimited(file)
			if err != nil {
				return err
			}
			t, err := adcs.Parse(file, data)
			if err != nil {
				return templateError(err)
			}
			e.log.Debug().Str("file", file).Str("template", t.Name).Int("schema", t.SchemaVersion).Msg("read")
			r := pairing.Template(pairing.TemplateOptions{Template: t, Mode: mode, At: at, WindowEnd: windowEnd})
			run := newRun(e.now())
			run.add("template", file)
			r.Run = (*report.Run)(run)
			return e.render(c, r, format)
		},
	}
}

// templateError words a template dump that cannot be read (exit 2), with
// what to do.
func templateError(err error) error {
	hint := "save the whole output of: certutil -v -dstemplate NAME > template.txt (NAME: the template's name, e.g. WebServer), and give that file"
	switch {
	case errors.Is(err, adcs.ErrSeveral):
		hint = "give one template: certutil -v -dstemplate NAME > template.txt, with the name of the template that issues the appliance's certificate"
	case errors.Is(err, adcs.ErrCertutil):
		hint = "list the templates with 'certutil -template' (or certtmpl.msc) and dump one by its name: certutil -v -dstemplate NAME > template.txt"
	case errors.Is(err, adcs.ErrTruncated):
		hint = "dump it again, whole: certutil -v -dstemplate NAME > template.txt (copying from a console window can cut it short)"
	}
	return usageHints([]string{hint}, "%v", err)
}
