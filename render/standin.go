package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/ome-preflight/ome-preflight/i18n"
	"github.com/ome-preflight/ome-preflight/report"
)

// RenderStandin writes what standin wrote and the steps that follow.
func RenderStandin(w io.Writer, s *report.Standin, format string) error {
	if format == "json" {
		return RenderJSON(w, s)
	}
	s = Safe(s)
	b := &strings.Builder{}
	md := format == "markdown" || format == "md"
	if md {
		fmt.Fprintf(b, "# %s\n\n", tr("standin.md.title", "Stand-in client identity \"%s\"", mdEsc(s.CommonName)))
	} else {
		fmt.Fprintf(b, "%s\n", tr("standin.written", "stand-in client identity \"%s\" written to %s:", s.CommonName, s.Dir))
	}
	for _, f := range s.Files {
		if md {
			fmt.Fprintf(b, "- `%s` (%s): %s\n", f.Path, tr("standin.mode", "mode %s", f.Mode), mdEsc(standinText(f.Role)))
			continue
		}
		fmt.Fprintf(b, "  %s (%s): %s\n", f.Path, tr("standin.mode", "mode %s", f.Mode), standinText(f.Role))
	}
	if md {
		b.WriteString("\n" + tr("standin.md.next", "Next:") + "\n\n")
	} else {
		b.WriteString("\n" + tr("standin.next", "next:") + "\n")
	}
	for _, n := range s.Next {
		if md {
			fmt.Fprintf(b, "1. %s\n", mdEsc(standinText(n)))
			continue
		}
		fmt.Fprintf(b, "  %s\n", standinText(n))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// standinText is a file's role or a next step in the run's language (the
// catalogue's standin.* entries; commands inside stay as they are).
func standinText(s string) string { return i18n.Text("standin.", s) }
