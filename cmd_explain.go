package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/pairing"
	"github.com/ome-preflight/ome-preflight/render"
)

func explainCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "explain",
		Usage:     "map each certificate error in OME's application.log (or pasted error JSON) to its rule and fix",
		ArgsUsage: "FILE|-",
		Description: `Reads tomcat/application.log from OME's console log bundle, or an error response
pasted from the UI or the API (use - for standard input). Entries OME wrapped over
several lines are joined. Every error found is listed in file order, known or not.
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
			rep, err := pairing.Explain(name, r)
			if err != nil {
				return err
			}
			if err := renderExplain(e, rep, format); err != nil {
				return err
			}
			if len(rep.Entries) > 0 {
				return verdictCode(pairing.VerdictFail)
			}
			return nil
		},
	}
}

func renderExplain(e *env, rep *pairing.ExplainReport, format string) error {
	if format == "json" {
		return render.RenderJSON(e.stdout, rep)
	}
	rep = render.Safe(rep) // MessageIds and arguments come from the log: escaped
	b := &strings.Builder{}
	md := format == "markdown"
	esc := func(s string) string { return s }
	if md {
		esc = render.MarkdownEscape
		fmt.Fprintf(b, "# OME errors in %s\n\n", esc(rep.File))
	}
	if len(rep.Entries) == 0 {
		fmt.Fprintf(b, "%s: no OME error message found\n", rep.File)
	}
	for _, x := range rep.Entries {
		id := x.OMEMessageID
		if id == "" {
			id = "(migration wizard)"
		}
		args := ""
		if len(x.OMEMessageArgs) > 0 {
			args = fmt.Sprintf(" %q", x.OMEMessageArgs)
		}
		if len(x.RelatedProperties) > 0 {
			args += fmt.Sprintf(" (related %s)", strings.Join(x.RelatedProperties, ", "))
		}
		rule := x.Rule
		if !x.Known {
			rule = "unknown"
		} else if rule == "" {
			rule = "-"
		}
		if md {
			fmt.Fprintf(b, "- **line %d** %s %s%s: rule %s\n  - Cause: %s\n  - Fix: %s\n", x.Line, esc(x.Time), esc(id), esc(args), esc(rule), esc(x.Cause), esc(x.Fix))
			continue
		}
		fmt.Fprintf(b, "line %d %s %s%s\n  rule:  %s\n  cause: %s\n  fix:   %s\n", x.Line, x.Time, id, args, rule, x.Cause, x.Fix)
	}
	_, err := io.WriteString(e.stdout, b.String())
	return err
}
