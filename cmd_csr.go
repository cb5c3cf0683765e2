package main

import (
	"errors"

	"github.com/urfave/cli/v2"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/pairing"
)

func csrCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "csr",
		Usage:     "before it is signed: lint the CSR generated on the appliance",
		ArgsUsage: "FILE",
		Description: `Checks the CSR the appliance generated before the CA signs it: a wildcard (*)
in the distinguished name (OME: CGEN6002), a missing common name, more than 4
subject alternative names or a space in one (OME's CSR generation: CGEN1004,
San), a key OME would not have generated (RSA 2048 or 4096), a signature that
does not verify; and prints the names the certificate will have to cover.
FILE is read as check --csr reads it: PEM with or without line breaks (as OME's
API returns it), the JSON {"CertificateData": "..."}, bare Base64 or DER.

Examples:
   ome-preflight csr appliance.csr
   ome-preflight csr --format json appliance.csr`,
		Flags: []cli.Flag{formatFlag()},
		Action: func(c *cli.Context) error {
			format, err := checkFormat(c)
			if err != nil {
				return err
			}
			if c.NArg() != 1 {
				return usagef("usage: ome-preflight csr FILE (the CSR generated on the appliance)",
					"csr takes one CSR file, got %d arguments", c.NArg())
			}
			csr, err := chain.ReadCSR(c.Args().First())
			if errors.Is(err, chain.ErrEmpty) || errors.Is(err, chain.ErrTooLarge) {
				return usageHints([]string{"give the CSR generated on the appliance (Application Settings > Security > Certificates > Generate Certificate Signing Request): -----BEGIN CERTIFICATE REQUEST-----, with or without line breaks"}, "%v", err)
			}
			if err != nil {
				return err
			}
			return e.render(c, pairing.LintCSR(csr), format)
		},
	}
}
