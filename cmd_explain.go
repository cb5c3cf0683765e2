package main

import (
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/explain"
	"github.com/ome-preflight/ome-preflight/render"
	"github.com/ome-preflight/ome-preflight/report"
)

func explainCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "explain",
		Usage:     "map each certificate error in OME's application.log (or pasted error JSON) to its rule and fix",
		ArgsUsage: "FILE|-",
		Description: `Reads tomcat/application.log from OME's console log bundle, or an error response
pasted from the UI or the API (use - for standard input). Entries OME wrapped over
several lines are joined. Every error found is listed in file order, known or not; the
same error repeated is listed once with a count and its last line and time. At most
1000 distinct errors and 100 messages of one log entry are listed (the rest are counted),
and a line or entry over 1 MiB is cut with a note.
Exit code 1 when certificate errors were found, 0 when none.

Examples:
   ome-preflight explain application.log
   pbpaste | ome-preflight explain -
   ome-preflight explain --format json application.log`,
		Flags: []cli.Flag{formatFlag()},
		Action: func(c *cli.Context) error {
			format, err := checkFormat(c)
			if err != nil {
				return err
			}
			if c.NArg() != 1 {
				return usagef("usage: ome-preflight explain FILE|-", "explain takes one log file (or - for standard input), got %d arguments", c.NArg())
			}
			name := c.Args().First()
			var r io.Reader = e.stdin
			if name != "-" {
				st, err := os.Stat(name)
				if err != nil {
					return &chain.ParseError{File: name, Err: fmt.Errorf("%w: %w", chain.ErrUnreadable, err)}
				}
				if st.IsDir() {
					return &chain.ParseError{File: name, Err: chain.ErrIsDirectory}
				}
				if !st.Mode().IsRegular() {
					return &chain.ParseError{File: name, Err: fmt.Errorf("%w: not a regular file", chain.ErrUnreadable)}
				}
				f, err := os.Open(name)
				if err != nil {
					return &chain.ParseError{File: name, Err: fmt.Errorf("%w: %w", chain.ErrUnreadable, err)}
				}
				defer f.Close()
				r = f
			}
			rep, err := explain.Explain(name, r)
			if err != nil {
				return err
			}
			if err := renderExplain(e, rep, format); err != nil {
				return err
			}
			if len(rep.Entries) > 0 {
				return verdictCode(report.VerdictFail)
			}
			return nil
		},
	}
}

func renderExplain(e *env, rep *report.ExplainReport, format string) error {
	return render.RenderExplain(e.stdout, rep, format)
}
