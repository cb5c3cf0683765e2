package main

import (
	"crypto/x509"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/pairing"
	"github.com/ome-preflight/ome-preflight/render"
	"github.com/ome-preflight/ome-preflight/report"
)

func checkCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "check",
		Usage:     "will OME accept this certificate file on upload?",
		ArgsUsage: "FILE",
		Description: `Checks every upload rule of Dell KB 000221202 and predicts OME's exact error
(MessageId and MessageArgs), naming the certificate at fault and the fix.
FILE may be Base64 PEM, DER, PKCS#7 (.p7b), PKCS#12 (.pfx; password from
OME_PREFLIGHT_PFX_PASSWORD or a prompt) or UTF-16 text: the format is read from
the content. Flags may come before or after FILE.

Examples:
   ome-preflight check chain.pem
   ome-preflight check --csr appliance.csr chain.pem
   ome-preflight check --mode server --name ome.example.com server.cer
   ome-preflight check --ca root.pem chain.pem
   ome-preflight check --at 2026-12-01T22:00:00Z --format json chain.pem`,
		Flags: []cli.Flag{
			reportFormatFlag(),
			&cli.StringFlag{Name: "mode", Value: "migration", Usage: "migration (full chain, serverAuth+clientAuth) or server (single server certificate)"},
			&cli.StringFlag{Name: "csr", Usage: "the CSR generated on the appliance, to check the key match (`FILE`)"},
			&cli.StringFlag{Name: "at", Usage: "judge validity at this RFC 3339 `TIME` (default now)"},
			&cli.StringFlag{Name: "name", Usage: "check that the leaf covers this `HOST` name or IP"},
			&cli.StringFlag{Name: "ca", Usage: "the root CA `FILE` the peer appliance trusts: the chain must verify to it (default: the file's own self-signed root)"},
		},
		Action: func(c *cli.Context) error {
			format, err := checkFormat(c)
			if err != nil {
				return err
			}
			if c.NArg() != 1 {
				return usagef("usage: ome-preflight check [--csr FILE] [--mode migration|server] FILE",
					"check takes one certificate file, got %d arguments", c.NArg())
			}
			mode, err := modeOf(c)
			if err != nil {
				return err
			}
			at, err := e.parseTime("at", c.String("at"))
			if err != nil {
				return err
			}
			in, err := chain.ReadFile(c.Args().First(), chain.Options{Password: pfxPassword(e.stdin, e.stderr)})
			if chain.NotACertificate(err) && c.String("csr") != "" {
				if swapped := csrSwapped(c.Args().First(), c.String("csr")); swapped != nil {
					return swapped
				}
			}
			if chain.NotACertificate(err) {
				// Readable, but no certificate in it: what OME refuses with
				// CSEC9002. A report (exit 1), not a usage error.
				return e.render(c, pairing.NotCertificate(c.Args().First(), mode, at, err), format)
			}
			if err != nil {
				return err
			}
			var csr *chain.CSR
			if f := c.String("csr"); f != "" {
				if csr, err = chain.ReadCSR(f); err != nil {
					return err
				}
			}
			e.log.Debug().Str("file", in.File).Str("encoding", string(in.Encoding)).Int("certificates", len(in.Certs)).Msg("read")
			var anchors []*x509.Certificate
			if f := c.String("ca"); f != "" {
				ca, err := chain.ReadFile(f, chain.Options{})
				if err != nil {
					return err
				}
				if len(ca.Certs) == 0 {
					return usagef("give the PEM or DER file of the root CA the peer appliance trusts", "--ca %s holds no certificate", f)
				}
				anchors = ca.Certs
			}
			r := pairing.Check(pairing.CheckOptions{Input: in, CSR: csr, Mode: mode, At: at, Name: c.String("name"), Anchors: anchors, Flags: inputFlag})
			return e.render(c, r, format)
		},
	}
}

// csrSwapped is the usage error for "check --csr chain.pem appliance.csr":
// the file to check is a CSR and the --csr file holds certificates. nil
// when they are not so.
func csrSwapped(file, csrFile string) error {
	if _, err := chain.ReadCSR(file); err != nil {
		return nil
	}
	in, err := chain.ReadFile(csrFile, chain.Options{Password: func() (string, error) { return "", chain.ErrPasswordNeeded }})
	if err != nil || len(in.Certs) == 0 {
		return nil
	}
	return usageHints([]string{fmt.Sprintf("run: ome-preflight check --csr %s %s (the CSR goes with --csr, the chain to upload is the file)", file, csrFile)},
		"%s is a certificate signing request and --csr %s holds certificates: the two look swapped", file, csrFile)
}

func rulesCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "rules",
		Usage:     "list every rule, or print one rule's documentation: id, severity, OME message, citation, fix",
		ArgsUsage: "[RULE]",
		Description: `Without RULE, lists every rule. With RULE (an id a report names, e.g.
pair-trust), prints its documentation: id, severity, OME MessageId and
MessageArgs, citation, what it models, description and fix. The documentation
ships in the binary: it needs no web access.

Examples:
   ome-preflight rules
   ome-preflight rules pair-trust
   ome-preflight rules --format json`,
		Flags: []cli.Flag{formatFlag()},
		Action: func(c *cli.Context) error {
			format, err := checkFormat(c)
			if err != nil {
				return err
			}
			rules := pairing.Catalogue()
			switch c.NArg() {
			case 0:
				return render.RenderRules(e.stdout, rules, format)
			case 1:
			default:
				return usagef("usage: ome-preflight rules [RULE]", "rules takes at most one rule id, got %d arguments", c.NArg())
			}
			id := strings.TrimSpace(c.Args().First())
			for _, r := range rules {
				if strings.EqualFold(r.ID, id) {
					return render.RenderRule(e.stdout, r, format)
				}
			}
			return unknownRule(id, rules)
		},
	}
}

// unknownRule is the usage error for a rule id that does not exist,
// suggesting the nearest ones.
func unknownRule(id string, rules []report.RuleInfo) error {
	best, dist := "", 4
	for _, r := range rules {
		if d := editDistance(strings.ToLower(id), r.ID); d < dist {
			best, dist = r.ID, d
		}
	}
	hint := "run 'ome-preflight rules' for the list"
	if best != "" {
		hint = fmt.Sprintf("did you mean %q? (%s)", best, hint)
	}
	return usagef(hint, "unknown rule %q", id)
}
