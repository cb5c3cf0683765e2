package render

import (
	"fmt"
	"io"
	"strings"

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
		fmt.Fprintf(b, "# Stand-in client identity \"%s\"\n\n", mdEsc(s.CommonName))
	} else {
		fmt.Fprintf(b, "stand-in client identity \"%s\" written to %s:\n", s.CommonName, s.Dir)
	}
	for _, f := range s.Files {
		if md {
			fmt.Fprintf(b, "- `%s` (mode %s): %s\n", f.Path, f.Mode, mdEsc(f.Role))
			continue
		}
		fmt.Fprintf(b, "  %s (mode %s): %s\n", f.Path, f.Mode, f.Role)
	}
	if md {
		b.WriteString("\nNext:\n\n")
	} else {
		b.WriteString("\nnext:\n")
	}
	for _, n := range s.Next {
		if md {
			fmt.Fprintf(b, "1. %s\n", mdEsc(n))
			continue
		}
		fmt.Fprintf(b, "  %s\n", n)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
