// Package explain reads OME's logs (tomcat/application.log from the console
// log bundle) or pasted error JSON, streamed and bounded, and maps every
// MessageId to the rule of pairing's catalogue that predicts it, with the
// cause and the fix.
package explain

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/ome-preflight/ome-preflight/pairing"
	"hash/maphash"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/ome-preflight/ome-preflight/report"
)

// explain's bounds: the work and the report stay the same size however
// long or repetitive the log is.
// The report's bounds are report's (report.MaxExplainEntries and the others);
// these bound the reading.
const (
	// maxLineBytes bounds one line: the rest of a longer line is skipped
	// (still followed for JSON nesting) and a note says so.
	maxLineBytes = 1 << 20
	// maxEntryBytes bounds one joined log entry.
	maxEntryBytes = 1 << 20
)

var (
	// OME's layout: "[ERROR] 2024-01-25 11:10:34.735 [thread] Class - method(): ...".
	logStart = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^\[\s*(ERROR|WARN|WARNING|INFO|DEBUG|TRACE|FATAL)\s*\]\s+(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?)`)
	})
	// The time-first layout of other log4j/logback patterns:
	// "2024-01-25 11:10:34,735 ERROR [thread] Class - method(): ...".
	logStartTimeFirst = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?)\s+\[?\s*(ERROR|WARN|WARNING|INFO|DEBUG|TRACE|FATAL)\b`)
	})
	ctxRe      = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\]\s+(\w+\s+-\s+\w+\(\))`) })
	idRe       = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`"MessageId"\s*:\s*"([A-Za-z]+\d+)"`) })
	argsRe     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`"MessageArgs"\s*:\s*\[([^\]]*)\]`) })
	bareIDRe   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\b(CGEN\d{4}|CSEC\d{4}|CAPP\d{4}|CTEM\d{4})\b`) })
	wizardText = "Unable to mutually authenticate and connect to the remote appliance"
)

type logEntry struct {
	line   int
	time   string
	header bool // started by a log header line
	cut    bool // text past maxEntryBytes was dropped (noted once)
	depth  braces
	text   strings.Builder
}

// entryStart recognises a log header line in either layout and returns its
// time (a copy: the report may keep it, and the line may be long).
func entryStart(line string) (string, bool) {
	if m := logStart().FindStringSubmatch(line); m != nil {
		return strings.Clone(m[2]), true
	}
	if m := logStartTimeFirst().FindStringSubmatch(line); m != nil {
		return strings.Clone(m[1]), true
	}
	return "", false
}

// braces follows JSON nesting across lines, outside strings.
type braces struct {
	depth         int
	inString, esc bool
	opened        bool
}

func (b *braces) feed(line []byte) {
	for _, c := range line {
		switch {
		case b.esc:
			b.esc = false
		case b.inString && c == '\\':
			b.esc = true
		case c == '"':
			b.inString = !b.inString
		case b.inString:
		case c == '{' || c == '[':
			b.depth++
			b.opened = true
		case (c == '}' || c == ']') && b.depth > 0:
			b.depth--
		}
	}
}

// closed: the line ended outside any JSON document.
func (b *braces) closed() bool { return b.depth == 0 && !b.inString }

// lineReader reads lines of any length in bounded memory: a line keeps
// its first maxLineBytes (cut at a rune boundary); skip reads the rest.
type lineReader struct {
	br  *bufio.Reader
	buf []byte
	// After a long line: the part of the last chunk past the cut, whether
	// the line ended in it, and the line's length so far.
	rest      []byte
	restEnded bool
	restErr   error
	long      int64
}

// next returns the next line without its newline (and carriage return),
// whether it was longer than maxLineBytes (then skip must read its rest
// before next is called again), and io.EOF after the last line.
func (lr *lineReader) next() (line []byte, long bool, err error) {
	lr.buf = lr.buf[:0]
	for {
		chunk, err := lr.br.ReadSlice('\n')
		body := chunk
		switch err {
		case nil:
			body = bytes.TrimSuffix(chunk[:len(chunk)-1], []byte("\r"))
		case io.EOF:
			body = bytes.TrimSuffix(chunk, []byte("\r"))
		}
		if room := maxLineBytes - len(lr.buf); len(body) > room {
			lr.buf = append(lr.buf, body[:room]...)
			lr.rest, lr.restEnded, lr.restErr = body[room:], err != bufio.ErrBufferFull, nil
			if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
				lr.restErr = err
			}
			lr.long = int64(len(lr.buf)) + int64(len(lr.rest))
			lr.buf = lr.buf[:runeCut(lr.buf)]
			return lr.buf, true, nil
		}
		lr.buf = append(lr.buf, body...)
		switch {
		case err == bufio.ErrBufferFull:
		case err == nil, err == io.EOF && len(lr.buf) > 0:
			return bytes.TrimSuffix(lr.buf, []byte("\r")), false, nil
		default:
			return nil, false, err
		}
	}
}

// skip reads the rest of a long line (up to its newline), passes it to f
// a chunk at a time and returns the line's whole length.
func (lr *lineReader) skip(f func([]byte)) (int64, error) {
	f(lr.rest)
	ended := lr.restEnded
	lr.rest = nil
	if lr.restErr != nil {
		return lr.long, lr.restErr
	}
	for !ended {
		chunk, err := lr.br.ReadSlice('\n')
		switch {
		case err == nil:
			chunk, ended = bytes.TrimSuffix(chunk[:len(chunk)-1], []byte("\r")), true
		case err == io.EOF:
			chunk, ended = bytes.TrimSuffix(chunk, []byte("\r")), true
		case err != bufio.ErrBufferFull:
			return lr.long, err
		}
		f(chunk)
		lr.long += int64(len(chunk))
	}
	return lr.long, nil
}

// runeCut is the length of b without a trailing incomplete UTF-8 sequence.
func runeCut[T string | []byte](b T) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		c := b[i]
		if !utf8.RuneStart(c) {
			continue
		}
		need := 1
		switch {
		case c >= 0xF0:
			need = 4
		case c >= 0xE0:
			need = 3
		case c >= 0xC0:
			need = 2
		}
		if len(b)-i < need {
			return i
		}
		break
	}
	return len(b)
}

// explainer groups a log's errors into a bounded report.
type explainer struct {
	rep     *report.ExplainReport
	index   map[entryKey]int
	omitted map[uint64]struct{}
	seed    maphash.Seed
	// moreNotes counts the notes past report.MaxExplainNotes.
	moreNotes int
}

// entryKey is what makes two errors the same entry: everything the report
// shows of them but where they were found.
type entryKey struct {
	id, args, related, rule, cause, fix string
	known                               bool
}

// joinKey joins strings unambiguously (length-prefixed).
func joinKey(ss []string) string {
	var b []byte
	for _, s := range ss {
		b = strconv.AppendInt(b, int64(len(s)), 10)
		b = append(b, ':')
		b = append(b, s...)
	}
	return string(b)
}

func (x *explainer) add(e report.ExplainEntry) {
	k := entryKey{e.OMEMessageID, joinKey(e.OMEMessageArgs), joinKey(e.RelatedProperties), e.Rule, e.Cause, e.Fix, e.Known}
	if i, ok := x.index[k]; ok {
		g := &x.rep.Entries[i]
		g.Count++
		g.LastLine, g.LastTime = e.Line, e.Time
		return
	}
	if len(x.rep.Entries) < report.MaxExplainEntries {
		e.Count, e.LastLine, e.LastTime = 1, e.Line, e.Time
		x.index[k] = len(x.rep.Entries)
		x.rep.Entries = append(x.rep.Entries, e)
		return
	}
	x.rep.OmittedOccurrences++
	var h maphash.Hash
	h.SetSeed(x.seed)
	for _, s := range []string{k.id, k.args, k.related, k.rule, k.cause, k.fix} {
		h.WriteString(strconv.Itoa(len(s)))
		h.WriteString(s)
	}
	sum := h.Sum64()
	if _, ok := x.omitted[sum]; !ok && len(x.omitted) < report.MaxExplainOmittedDistinct {
		x.omitted[sum] = struct{}{}
		x.rep.OmittedEntries++
	}
}

func (x *explainer) note(format string, args ...any) {
	if len(x.rep.Notes) < report.MaxExplainNotes {
		x.rep.Notes = append(x.rep.Notes, fmt.Sprintf(format, args...))
		return
	}
	x.moreNotes++
}

// finish closes the notes: past report.MaxExplainNotes, a last one says how many
// more there were.
func (x *explainer) finish() {
	if x.moreNotes > 0 {
		x.rep.Notes = append(x.rep.Notes, fmt.Sprintf("%d more notes not listed", x.moreNotes))
	}
}

// Explain reads OME's tomcat/application.log (or pasted error JSON) and
// explains every error, in file order of first occurrence. Entries OME
// wrapped over several lines are joined; unknown message IDs are listed,
// never dropped. The same error repeated is one entry with a count. The
// work is bounded: lines past maxLineBytes and entries past maxEntryBytes
// are cut (with a note), at most report.MaxExplainMessagesPerEntry messages of a
// log entry and report.MaxExplainEntries distinct errors are listed, and the
// report counts the rest.
func Explain(file string, r io.Reader) (*report.ExplainReport, error) { return explain(file, r, nil) }

// explain is Explain; scanned, when set, is told how many bytes each JSON
// decoding attempt may scan (tests hold the total to a bound).
func explain(file string, r io.Reader, scanned func(int)) (*report.ExplainReport, error) {
	rep := &report.ExplainReport{SchemaVersion: report.SchemaVersion, Command: "explain", File: file, Entries: []report.ExplainEntry{}}
	x := &explainer{rep: rep, index: map[entryKey]int{}, omitted: map[uint64]struct{}{}, seed: maphash.MakeSeed()}
	r, rep.Encoding = decodeLog(r)
	lr := &lineReader{br: bufio.NewReaderSize(r, 64<<10)}
	var cur *logEntry
	flush := func() {
		if cur != nil {
			entries, more := explainEntry(cur, scanned)
			for _, e := range entries {
				x.add(e)
			}
			if more > 0 {
				rep.OmittedOccurrences += more
				x.note("line %d: %d OME messages in one log entry; the first %d are explained", cur.line, len(entries)+more, len(entries))
			}
		}
		cur = nil
	}
	n := 0
	for {
		raw, long, err := lr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: line %d: %w", file, n+1, err)
		}
		n++
		line := string(raw)
		if n == 1 {
			line = strings.TrimPrefix(line, "\uFEFF")
		}
		if when, ok := entryStart(line); ok {
			flush()
			cur = &logEntry{line: n, time: when, header: true}
		} else if cur == nil {
			if !long && strings.TrimSpace(line) == "" {
				continue
			}
			cur = &logEntry{line: n}
		}
		if room := maxEntryBytes - cur.text.Len(); len(line) > room {
			cur.text.WriteString(line[:runeCut(line[:room])])
			if !cur.cut {
				cur.cut = true
				x.note("line %d: the log entry from line %d is over %d bytes; the rest of it is not read", n, cur.line, maxEntryBytes)
			}
		} else {
			cur.text.WriteString(line)
		}
		if !cur.header {
			cur.depth.feed(raw)
		}
		if long {
			// The rest of the line: not kept, but followed for the JSON
			// nesting that tells where a pasted document ends.
			e := cur
			total, err := lr.skip(func(chunk []byte) {
				if !e.header {
					e.depth.feed(chunk)
				}
			})
			if err != nil {
				return nil, fmt.Errorf("%s: line %d: %w", file, n, err)
			}
			x.note("line %d: %d bytes long; cut to its first %d bytes", n, total, len(raw))
		}
		if !cur.header && cur.depth.closed() {
			// No header layout matched: an entry is a line, or a JSON
			// document pasted over several lines (until its braces close).
			flush()
		}
	}
	flush()
	x.finish()
	return rep, nil
}

// decodeLog reads a log saved as UTF-16 (PowerShell 5.1's '>' and
// Out-File, Notepad's "Unicode") as UTF-8 text, streaming; UTF-8 passes
// through. The encoding is told by a byte order mark, or by NUL bytes in
// every other position of the first bytes.
func decodeLog(r io.Reader) (io.Reader, string) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(64)
	le := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM)
	be := unicode.UTF16(unicode.BigEndian, unicode.UseBOM)
	switch {
	case len(head) >= 2 && head[0] == 0xFF && head[1] == 0xFE:
		return transform.NewReader(br, le.NewDecoder()), "utf-16le"
	case len(head) >= 2 && head[0] == 0xFE && head[1] == 0xFF:
		return transform.NewReader(br, be.NewDecoder()), "utf-16be"
	case utf16Shape(head, 1):
		return transform.NewReader(br, le.NewDecoder()), "utf-16le"
	case utf16Shape(head, 0):
		return transform.NewReader(br, be.NewDecoder()), "utf-16be"
	}
	return br, ""
}

// utf16Shape reports whether head looks like ASCII text in UTF-16: a NUL
// at every position of parity zero, and none at the other.
func utf16Shape(head []byte, zero int) bool {
	if len(head) < 8 {
		return false
	}
	for i := 0; i+1 < len(head); i += 2 {
		if (head[i+zero] != 0) || head[i+1-zero] == 0 {
			return false
		}
	}
	return true
}

// explainEntry explains one log entry's messages: at most
// report.MaxExplainMessagesPerEntry of them; more counts the others.
func explainEntry(e *logEntry, scanned func(int)) (out []report.ExplainEntry, more int) {
	text := e.text.String()
	var ctx string
	// Copies: a substring would keep the whole entry (up to
	// maxEntryBytes) alive for as long as the report holds the error.
	if m := ctxRe().FindStringSubmatch(text); m != nil {
		ctx = strings.Clone(m[1])
	}
	add := func(id string, args, related []string) {
		x := report.ExplainEntry{Line: e.line, Time: e.time, OMEMessageID: id, OMEMessageArgs: args, RelatedProperties: related, Context: ctx}
		if x.OMEMessageArgs == nil {
			x.OMEMessageArgs = []string{}
		}
		x.Rule, x.Known, x.Cause, x.Fix = lookup(id, args, related, text)
		out = append(out, x)
	}
	infos, more := extendedInfo(text, scanned)
	for _, info := range infos {
		add(info.id, info.args, info.related)
	}
	if len(out) == 0 {
		// Truncated JSON or plain text: fall back to patterns.
		ids := idRe().FindAllStringSubmatchIndex(text, -1)
		args := argsRe().FindAllStringSubmatch(text, report.MaxExplainMessagesPerEntry)
		for i, m := range ids {
			if i == report.MaxExplainMessagesPerEntry {
				more += len(ids) - i
				break
			}
			var a []string
			if i < len(args) {
				json.Unmarshal([]byte("["+args[i][1]+"]"), &a)
			}
			add(strings.Clone(text[m[2]:m[3]]), a, nil)
		}
	}
	if len(out) == 0 {
		seen := map[string]bool{}
		for _, m := range bareIDRe().FindAllStringIndex(text, -1) {
			id := text[m[0]:m[1]]
			switch {
			case seen[id]:
			case len(out) >= report.MaxExplainMessagesPerEntry:
				more++
			default:
				add(strings.Clone(id), nil, nil)
			}
			seen[id] = true
		}
	}
	if len(out) == 0 && strings.Contains(text, wizardText) {
		add("", nil, nil)
		out[len(out)-1].Rule, out[len(out)-1].Known = "pair-ca-names", true
		out[len(out)-1].Cause = "the migration wizard's connection validation failed: the two chains do not name the same CAs row by row, do not trust each other, or a certificate is outside its validity at one appliance's clock"
		out[len(out)-1].Fix = "run 'ome-preflight compare source.pem target.pem' (or 'probe' on the live appliances) to see which row, direction or clock fails"
	}
	return out, more
}

type infoItem struct {
	id      string
	args    []string
	related []string
}

// extendedInfo decodes every JSON object in text and collects the
// MessageId/MessageArgs pairs anywhere inside: the first
// report.MaxExplainMessagesPerEntry of them; more counts the others.
func extendedInfo(text string, scanned func(int)) (out []infoItem, more int) {
	// A failed decode can read to the end of the entry: bound the attempts
	// and the bytes they may scan, so that hostile input stays linear (at
	// most about four passes over each entry).
	attempts, budget := 0, 4*len(text)+4096
	for i := strings.IndexByte(text, '{'); i >= 0 && i < len(text) && attempts < 64 && budget > 0; attempts++ {
		budget -= len(text) - i
		if scanned != nil {
			scanned(len(text) - i)
		}
		dec := json.NewDecoder(strings.NewReader(text[i:]))
		var v any
		if err := dec.Decode(&v); err != nil {
			next := strings.IndexByte(text[i+1:], '{')
			if next < 0 {
				break
			}
			i += 1 + next
			continue
		}
		walkInfo(v, &out, &more, 0)
		i += int(dec.InputOffset())
		next := strings.IndexByte(text[i:], '{')
		if next < 0 {
			break
		}
		i += next
	}
	return out, more
}

func walkInfo(v any, out *[]infoItem, more *int, depth int) {
	if depth > 32 {
		return
	}
	switch t := v.(type) {
	case map[string]any:
		if id, ok := t["MessageId"].(string); ok && id != "" {
			if len(*out) == report.MaxExplainMessagesPerEntry {
				*more++
				return
			}
			var args, related []string
			if a, ok := t["MessageArgs"].([]any); ok {
				for _, x := range a {
					args = append(args, fmt.Sprint(x))
				}
			}
			if a, ok := t["RelatedProperties"].([]any); ok {
				for _, x := range a {
					related = append(related, fmt.Sprint(x))
				}
			}
			*out = append(*out, infoItem{id, args, related})
			return
		}
		for _, k := range sortedKeys(t) {
			walkInfo(t[k], out, more, depth+1)
		}
	case []any:
		for _, x := range t {
			walkInfo(x, out, more, depth+1)
		}
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys) // stable output; "@Message.ExtendedInfo" sorts first
	return keys
}

// ruleForMessage finds, in catalogue order, the rule that predicts an OME
// message: same MessageId and same first MessageArg.
func ruleForMessage(id, arg string) *pairing.Rule {
	if rs := rulesForMessage(id, arg); len(rs) > 0 {
		return rs[0]
	}
	return nil
}

// rulesForMessage lists every rule that predicts the message.
func rulesForMessage(id, arg string) []*pairing.Rule {
	var out []*pairing.Rule
	for _, r := range pairing.Rules() {
		// A rule that names no MessageArgs matches only a message without
		// them (CGEN1008 is OME's general error: its args say which).
		if r.OMEMessageID == id && (len(r.OMEMessageArgs) == 0 && arg == "" || len(r.OMEMessageArgs) > 0 && r.OMEMessageArgs[0] == arg) {
			out = append(out, r)
		}
	}
	return out
}

// controllerRe finds the logging class and method of an OME log entry:
// "[ERROR] 2024-01-25 11:10:34.735 [thread] SSLController - upload(): ...".
var controllerRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\]\s+([A-Za-z_]\w*)\s+-\s+(?:(\w+)\(\))?`)
})

// controllerOf names the class (and method) that logged the entry, or "".
func controllerOf(text string) string {
	if len(text) > 4096 {
		text = text[:runeCut(text[:4096])]
	}
	m := controllerRe().FindStringSubmatch(text)
	if m == nil {
		return ""
	}
	if m[2] != "" {
		return m[1] + " - " + m[2] + "()"
	}
	return m[1]
}

// fromCertController: the entry was logged by OME's certificate
// controller (SSLController in Dell KB 000221202's log lines), or by a
// method about certificates or CSRs.
func fromCertController(text string) bool {
	c := strings.ToLower(controllerOf(text))
	return c != "" && (strings.Contains(c, "ssl") || strings.Contains(c, "cert") || strings.Contains(c, "csr"))
}

// namesSAN: a property list names the CSR's subject alternative names
// ("San", "#/San").
func namesSAN(props []string) bool {
	for _, p := range props {
		if strings.EqualFold(strings.TrimLeft(strings.TrimSpace(p), "#/"), "San") {
			return true
		}
	}
	return false
}

func causeOf(r *pairing.Rule) string {
	if r.Cause != "" {
		return r.Cause
	}
	return r.Description
}

// beforeHint names, for an error decided before the certificate exists
// (the CSR, the CA template), the command that would have caught it then.
func beforeHint(rule string) string {
	switch rule {
	case "csr-key", "csr-wildcard", "csr-common-name":
		return " Before the CA signs the next CSR, check it: ome-preflight csr appliance.csr."
	case "leaf-eku", "leaf-key-usage":
		return " Before the next certificate is issued, check the CA template: certutil -v -dstemplate NAME > template.txt, then ome-preflight template template.txt (and ome-preflight standin --out standin makes a client identity from that CA for probe --client-cert)."
	}
	return ""
}

// lookup maps an OME message to the rule that predicts it.
func lookup(id string, args, related []string, context string) (rule string, known bool, cause, fix string) {
	arg := ""
	if len(args) > 0 {
		arg = args[0]
	}
	// The catalogue says which rule answers which message: the first rule
	// with this MessageId and, when it has them, these MessageArgs.
	if rs := rulesForMessage(id, arg); len(rs) > 1 && arg == "" && id != "CGEN6002" {
		var ids []string
		for _, r := range rs {
			ids = append(ids, r.ID)
		}
		if id == "CGEN1008" && !fromCertController(context) {
			// CGEN1008 without MessageArgs is also OME's general error of
			// controllers that have nothing to do with certificates (Dell's
			// Terraform provider mocks it for TemplateService/Baselines).
			where := "the log entry does not show that it came from the certificate controller (SSLController)"
			if c := controllerOf(context); c != "" {
				where = "it came from " + c + ", not from the certificate controller (SSLController)"
			}
			return "", true, "CGEN1008 without MessageArgs is OME's general error (\"Unable to process the request because an error occurred.\"): " + where + ", so it is not a certificate error",
				fmt.Sprintf("look at the request or the page that sent it (Dell's resolution: retry; if it persists, contact your system administrator); if it did come from a certificate upload, it is one of rules %s: run 'ome-preflight check' on the file that was uploaded", strings.Join(ids, ", "))
		}
		return "", true, fmt.Sprintf("%s without MessageArgs is what OME answers for several requirements (rules %s)", id, strings.Join(ids, ", ")),
			"run 'ome-preflight check' on the file that was uploaded to see which"
	}
	if r := ruleForMessage(id, arg); r != nil && id != "CGEN6002" {
		fix := r.Fix
		if r.ID == "chain-complete" {
			fix = "run 'ome-preflight check chain.pem' to see which; 'ome-preflight assemble' builds the chain in OME's order"
		}
		return r.ID, true, causeOf(r), fix + beforeHint(r.ID)
	}
	switch id {
	case "CGEN1008":
		return "", false, "CGEN1008 is OME's general error; these MessageArgs are not in Dell KB 000221202", "run 'ome-preflight check' on the file that was uploaded"
	case "CGEN6002":
		// Generic: "input value for {0} is missing or invalid". A CSR
		// wildcard only when the value is the DistinguishedName or the
		// entry is about a CSR.
		what := strings.Join(args, ", ")
		lc := strings.ToLower(context)
		if strings.Contains(strings.ToLower(what), "distinguishedname") || strings.Contains(lc, "for distinguishedname") || strings.Contains(lc, "csr") || strings.Contains(lc, "wildcard") {
			r, _ := pairing.RuleByID("csr-wildcard")
			return r.ID, true, causeOf(r), r.Fix + beforeHint(r.ID)
		}
		if what == "" {
			what = "a request field (OME named none)"
		}
		return "", true, "OME's generic error: the input value for " + what + " is missing or invalid; not a certificate rule",
			"check the value of " + what + " in the request or the UI form that sent it"
	case "CGEN1001":
		return "api-access", true, "authentication failed: invalid user name or password", "check the account and password; migration needs the peer appliance's local administrator credentials"
	case "CGEN1004":
		if namesSAN(related) || namesSAN(args) {
			r, _ := pairing.RuleByID("csr-san")
			return r.ID, true, causeOf(r), r.Fix + " Dell's Ansible module ome_application_certificate documents 'up to 4 comma separated values' for subject_alternative_names and removes the spaces itself since its fix for issue 537."
		}
		what := strings.Join(append(append([]string{}, related...), args...), ", ")
		if what == "" {
			what = "a request field (OME named none)"
		}
		return "", true, "OME's generic error (\"Unable to complete the request because {0} does not exist or is not applicable for the resource URI.\"): the value for " + what + " is invalid or not applicable here; not a certificate rule",
			"check " + what + " in the request or the UI form that sent it"
	case "CGEN1006":
		return "", true, "OME's answer (HTTP 404) to a URI it does not have: \"Unable to complete the request because the resource URI does not exist or is not implemented.\" Not a certificate error; a standalone OME answers it for endpoints documented for OME-Modular only (Security/SecurityConfiguration)",
			"check the request's resource URI against the API guide of the appliance's OME version (Dell's resolution: \"Check the request resource URI.\")"
	case "CGEN1002":
		return "", true, "OME refused the request's URI: \"Unable to complete the operation because the requested URI is invalid.\" Not a certificate error",
			"check the request's URI and the ids in it (Dell's resolution: \"Enter a valid URI and retry the operation.\")"
	}
	return "", false, "unknown message ID: not one ome-preflight predicts", "look it up in the OME Message Reference (Event and Error Message Reference Guide) for your version"
}
