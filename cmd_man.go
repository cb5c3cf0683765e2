//go:build !urfave_cli_no_docs

package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

// The man page needs urfave/cli's documentation code (and go-md2man,
// blackfriday), whose package init costs every run. Release binaries are
// built with -tags urfave_cli_no_docs and have no 'man' command; the page
// is generated at release time by a build without the tag (make dist).
func init() { optionalCommands = append(optionalCommands, manCommand) }

func manCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:   "man",
		Usage:  "print the manual page (roff), generated from the command definitions",
		Hidden: true,
		Action: func(c *cli.Context) error {
			page, err := c.App.ToManWithSection(1)
			if err != nil {
				return err
			}
			_, err = fmt.Fprint(e.stdout, page)
			return err
		},
	}
}
