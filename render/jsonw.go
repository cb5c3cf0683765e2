package render

import (
	"io"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/pairing"
)

// The JSON of check and compare, written field by field.
//
// encoding/json spends most of a short run's JSON time building its
// encoders by reflection on first use (typeFields and its sort, once per
// type, in every process) and then re-indenting its compact output. check
// and compare run once per process, so that first use is paid every time:
// about a third of compare's own work (scripts/bench.sh, perf). The writer
// below appends the same bytes as json.Encoder with SetIndent("", "  ") and
// SetEscapeHTML(false), and nothing else: TestJSONWriterMatchesEncodingJSON
// fills every field of every view type by reflection (strings with control
// characters, invalid UTF-8, U+2028, HTML characters; times in other zones;
// nil and empty slices) and compares the two byte for byte, so a field added
// to a view and forgotten here fails it. Every other report goes through
// encoding/json.

// jw appends indented JSON to buf. Each container remembers whether it has
// an element yet, so that an empty one closes as "{}" or "[]" like
// json.Indent writes it.
type jw struct {
	buf   []byte
	err   error
	first []bool // per open container: no element written yet
}

func (w *jw) indent() {
	w.buf = append(w.buf, '\n')
	for range len(w.first) {
		w.buf = append(w.buf, ' ', ' ')
	}
}

// elem starts an element of the innermost container.
func (w *jw) elem() {
	n := len(w.first)
	if n == 0 {
		return
	}
	if !w.first[n-1] {
		w.buf = append(w.buf, ',')
	}
	w.first[n-1] = false
	w.indent()
}

func (w *jw) open(c byte) {
	w.buf = append(w.buf, c)
	w.first = append(w.first, true)
}

func (w *jw) close(c byte) {
	n := len(w.first)
	empty := w.first[n-1]
	w.first = w.first[:n-1]
	if !empty {
		w.indent()
	}
	w.buf = append(w.buf, c)
}

// obj and arr write an object or an array in place of a value.
func (w *jw) obj(fields func()) { w.open('{'); fields(); w.close('}') }

// key starts a member of the innermost object.
func (w *jw) key(k string) {
	w.elem()
	w.buf = appendJSONString(w.buf, k)
	w.buf = append(w.buf, ':', ' ')
}

func (w *jw) str(k, v string) { w.key(k); w.buf = appendJSONString(w.buf, v) }

func (w *jw) strOmit(k, v string) {
	if v != "" {
		w.str(k, v)
	}
}

func (w *jw) int(k string, v int) { w.key(k); w.buf = strconv.AppendInt(w.buf, int64(v), 10) }

func (w *jw) intPtr(k string, v *int) {
	if v == nil {
		w.key(k)
		w.buf = append(w.buf, "null"...)
		return
	}
	w.int(k, *v)
}

func (w *jw) bool(k string, v bool) { w.key(k); w.buf = strconv.AppendBool(w.buf, v) }

func (w *jw) float(k string, f float64) {
	w.key(k)
	if math.IsInf(f, 0) || math.IsNaN(f) {
		w.fail(&unsupportedFloat{f})
		w.buf = append(w.buf, '0')
		return
	}
	// As encoding/json: ES6 number formatting, exponent from 1e21 and
	// below 1e-6, "e-09" cleaned to "e-9".
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	w.buf = strconv.AppendFloat(w.buf, f, format, -1, 64)
	if format == 'e' {
		if n := len(w.buf); n >= 4 && w.buf[n-4] == 'e' && w.buf[n-3] == '-' && w.buf[n-2] == '0' {
			w.buf[n-2] = w.buf[n-1]
			w.buf = w.buf[:n-1]
		}
	}
}

func (w *jw) time(k string, t time.Time) {
	w.key(k)
	b, err := t.MarshalJSON()
	if err != nil {
		w.fail(err)
	}
	w.buf = append(w.buf, b...)
}

func (w *jw) fail(err error) {
	if w.err == nil {
		w.err = err
	}
}

// strs writes a []string: null when nil, [] when empty.
func (w *jw) strs(k string, v []string) {
	w.key(k)
	if v == nil {
		w.buf = append(w.buf, "null"...)
		return
	}
	w.open('[')
	for _, s := range v {
		w.elem()
		w.buf = appendJSONString(w.buf, s)
	}
	w.close(']')
}

func (w *jw) strsOmit(k string, v []string) {
	if len(v) > 0 {
		w.strs(k, v)
	}
}

// list writes a slice of n elements, each an object written by each.
func (w *jw) list(k string, isNil bool, n int, each func(i int)) {
	w.key(k)
	if isNil {
		w.buf = append(w.buf, "null"...)
		return
	}
	w.open('[')
	for i := range n {
		w.elem()
		each(i)
	}
	w.close(']')
}

type unsupportedFloat struct{ f float64 }

func (e *unsupportedFloat) Error() string {
	return "json: unsupported value: " + strconv.FormatFloat(e.f, 'g', -1, 64)
}

const hexDigits = "0123456789abcdef"

// appendJSONString quotes s as encoding/json does without HTML escaping:
// \" \\ \b \f \n \r \t, other controls as \u00XX, invalid UTF-8 as
// \ufffd, U+2028 and U+2029 escaped.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// writeJSON writes v, a checkView or a compareView, and a newline.
func writeJSON(out io.Writer, v any) error {
	w := &jw{buf: make([]byte, 0, 16<<10)}
	switch v := v.(type) {
	case checkView:
		w.obj(func() { w.head(&v.viewHead); w.tail(&v.viewTail) })
	case compareView:
		w.obj(func() {
			w.head(&v.viewHead)
			w.side("source", v.Source)
			w.side("target", v.Target)
			w.rows(v.Rows)
			w.trust(v.Trust)
			w.clocks(v.Clocks)
			w.tail(&v.viewTail)
		})
	default:
		return RenderJSON(out, v)
	}
	if w.err != nil {
		return w.err
	}
	w.buf = append(w.buf, '\n')
	_, err := out.Write(w.buf)
	return err
}

func (w *jw) head(h *viewHead) {
	w.int("schema_version", h.SchemaVersion)
	w.str("command", h.Command)
	w.str("verdict", h.Verdict)
	w.strOmit("mode", string(h.Mode))
	if h.EvaluatedAt != nil {
		w.time("evaluated_at", *h.EvaluatedAt)
	}
	if len(h.Chain) > 0 {
		w.chain("chain", h.Chain)
	}
	w.strOmit("path", h.Path)
	w.input(h.Input)
	w.csr(h.CSR)
}

func (w *jw) tail(t *viewTail) {
	w.strOmit("wizard_message", t.WizardMessage)
	w.list("findings", t.Findings == nil, len(t.Findings), func(i int) { w.finding(&t.Findings[i]) })
	w.list("checks", t.Checks == nil, len(t.Checks), func(i int) {
		c := &t.Checks[i]
		w.obj(func() {
			w.str("rule", c.Rule)
			w.str("side", c.Side)
			w.str("status", c.Status.String())
			w.str("description", c.Description)
			if c.Inferred {
				w.bool("inferred", true)
			}
			w.strOmit("reason", c.Reason)
		})
	})
	w.strsOmit("incomplete", t.Incomplete)
	if t.FixFirst != nil {
		w.key("fix_first")
		w.finding(t.FixFirst)
	}
	w.strOmit("scope", t.Scope)
}

func (w *jw) finding(f *pairing.Finding) {
	w.obj(func() {
		w.str("rule", f.Rule)
		w.str("severity", string(f.Severity))
		w.str("side", f.Side)
		w.intPtr("cert_index", f.CertIndex)
		w.str("ome_message_id", f.OMEMessageID)
		w.strs("ome_message_args", f.OMEMessageArgs)
		w.str("message", f.Message)
		w.str("fix", f.Fix)
		w.str("reference", f.Reference)
		w.strOmit("consequence_of", f.ConsequenceOf)
		w.str("doc", f.Doc)
	})
}

func (w *jw) chain(k string, infos []chain.Info) {
	w.list(k, infos == nil, len(infos), func(i int) {
		c := &infos[i]
		w.obj(func() {
			w.int("index", c.Index)
			w.str("role", c.Role)
			w.str("subject", c.Subject)
			w.str("issuer", c.Issuer)
			w.str("common_name", c.CommonName)
			w.time("not_before", c.NotBefore)
			w.time("not_after", c.NotAfter)
			w.str("serial", c.Serial)
			w.str("sha256", c.SHA256)
			w.str("spki_sha256", c.SPKISHA256)
			w.str("key", c.Key)
			w.str("signature_algorithm", c.SignatureAlgorithm)
			w.strs("key_usage", c.KeyUsage)
			w.strs("ext_key_usage", c.ExtKeyUsage)
			w.bool("is_ca", c.IsCA)
			w.strs("san", c.SAN)
			w.intPtr("path_position", c.PathPosition)
		})
	})
}

func (w *jw) input(in *pairing.InputInfo) {
	if in == nil {
		return
	}
	w.key("input")
	w.obj(func() {
		w.str("file", in.File)
		w.str("encoding", string(in.Encoding))
		w.strs("notes", in.Notes)
	})
}

func (w *jw) csr(c *pairing.CSRInfo) {
	if c == nil {
		return
	}
	w.key("csr")
	w.obj(func() {
		w.str("file", c.File)
		w.str("subject", c.Subject)
		w.str("key", c.Key)
		w.str("spki_sha256", c.SPKISHA256)
		w.strs("notes", c.Notes)
	})
}

func (w *jw) side(k string, s *sideView) {
	if s == nil {
		return
	}
	w.key(k)
	w.obj(func() {
		w.strOmit("file", s.File)
		w.strOmit("address", s.Address)
		w.time("clock", s.Clock)
		w.str("clock_source", s.ClockSource)
		w.chain("chain", s.Chain)
		w.input(s.Input)
		w.csr(s.CSR)
		w.str("path", s.Path)
	})
}

func (w *jw) rowCert(k string, c *pairing.RowCert) {
	w.key(k)
	if c == nil {
		w.buf = append(w.buf, "null"...)
		return
	}
	w.obj(func() {
		w.str("subject", c.Subject)
		w.str("issuer", c.Issuer)
		w.int("cert_index", c.CertIndex)
		w.str("spki_sha256", c.SPKISHA256)
	})
}

func (w *jw) rows(rows []pairing.Row) {
	if len(rows) == 0 {
		return
	}
	w.list("rows", false, len(rows), func(i int) {
		r := &rows[i]
		w.obj(func() {
			w.rowCert("source", r.Source)
			w.rowCert("target", r.Target)
			w.bool("match", r.Match)
			w.bool("same_key", r.SameKey)
		})
	})
}

func (w *jw) trust(ts []pairing.TrustCheck) {
	if len(ts) == 0 {
		return
	}
	w.list("trust", false, len(ts), func(i int) {
		t := &ts[i]
		w.obj(func() {
			w.str("presenter", t.Presenter)
			w.str("verifier", t.Verifier)
			w.str("usage", t.Usage)
			w.time("at", t.At)
			w.bool("ok", t.OK)
			w.strOmit("error", t.Error)
		})
	})
}

func (w *jw) clocks(c *pairing.ClockInfo) {
	if c == nil {
		return
	}
	w.key("clocks")
	w.obj(func() {
		w.time("source", c.Source)
		w.time("target", c.Target)
		w.float("skew_seconds", c.SkewSeconds)
		w.str("max_skew", c.MaxSkew)
		w.str("window", c.Window)
		w.float("window_seconds", c.WindowSeconds)
	})
}
