package render

import (
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"
)

// Text from certificates, appliances and logs is hostile until shown
// otherwise: a subject, a client-CA name, an API field or a log's MessageId
// can carry ESC, BEL, OSC 8 links, newlines or right-to-left overrides. The
// human renderers (text, Markdown, HTML) show such characters visibly
// escaped, one value at a time, so that no value can clear the screen,
// start a line of its own (a fake PASS) or reorder what is shown. JSON is
// data and keeps the values as they are (its encoder escapes controls).

// TermSafe escapes control characters (C0 including newline and tab, DEL,
// C1), bidirectional controls and invalid UTF-8 as \xNN or \uNNNN.
func TermSafe(s string) string {
	clean := true
	for i, r := range s {
		if r == utf8.RuneError || unsafeRune(r) {
			clean = false
			break
		}
		_ = i
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r < 0x80 && unsafeRune(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// unsafeRune reports control and bidi characters.
func unsafeRune(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x2028, r == 0x2029: // line and paragraph separators
		return true
	}
	return false
}

// mdEsc makes a value inert in Markdown while keeping it readable as plain
// text (ticket tools often show Markdown raw). Values never start a line
// (our own text comes first, and TermSafe leaves no line break), so
// line-start syntax ('>', '#', '-') cannot trigger; every character that
// could open a cell, a link, an image, a code span, emphasis or HTML is
// escaped where it could do so, and GFM's bare autolinks (scheme://, www.,
// user@host) are broken with an entity that renders as the same character.
func mdEsc(s string) string {
	s = TermSafe(s)
	alnum := func(i int) bool {
		if i < 0 || i >= len(s) {
			return false
		}
		c := s[i]
		return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case strings.IndexByte("\\`*[]|~", c) >= 0:
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '_' && !(alnum(i-1) && alnum(i+1)):
			// Inside a word (OME_PASSWORD) '_' is no emphasis: left as is,
			// so plain-text ticket tools show it as written.
			b.WriteString("\\_")
		case c == '<' && i+1 < len(s) && (strings.IndexByte("/!?", s[i+1]) >= 0 || alnum(i+1)):
			// Only where it could open a tag or an autolink: "<=" stays.
			b.WriteString("&lt;")
		case c == '&' && i+1 < len(s) && (s[i+1] == '#' || alnum(i+1)):
			b.WriteString("&amp;")
		case c == '@':
			b.WriteString("&#64;")
		case c == ':' && strings.HasPrefix(s[i:], "://"):
			b.WriteString("&#58;")
		case (c == 'w' || c == 'W') && len(s) >= i+4 && strings.EqualFold(s[i:i+4], "www."):
			b.WriteString(s[i:i+3] + "&#46;")
			i += 3
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// MarkdownEscape is mdEsc for other packages' Markdown renderers.
func MarkdownEscape(s string) string { return mdEsc(s) }

// Safe returns a deep copy of v (a report, an explain report, a checklist)
// in which every string our renderers show has passed TermSafe. Values of
// other packages (certificates, times) are shared, not copied.
func Safe[T any](v T) T {
	rv := reflect.ValueOf(&v).Elem()
	out := reflect.New(rv.Type()).Elem()
	safeCopy(out, rv, 0)
	return out.Interface().(T)
}

const ourPkg = "github.com/ome-preflight/ome-preflight"

func safeCopy(dst, src reflect.Value, depth int) {
	if depth > 32 {
		dst.Set(src)
		return
	}
	switch src.Kind() {
	case reflect.String:
		dst.SetString(TermSafe(src.String()))
	case reflect.Pointer:
		if src.IsNil() || !ours(src.Type().Elem()) {
			dst.Set(src)
			return
		}
		p := reflect.New(src.Type().Elem())
		safeCopy(p.Elem(), src.Elem(), depth+1)
		dst.Set(p)
	case reflect.Struct:
		dst.Set(src) // unexported fields and foreign values as they are
		if !ours(src.Type()) {
			return
		}
		for i := 0; i < src.NumField(); i++ {
			if src.Type().Field(i).IsExported() {
				safeCopy(dst.Field(i), src.Field(i), depth+1)
			}
		}
	case reflect.Slice:
		if src.IsNil() {
			dst.Set(src)
			return
		}
		if !ours(src.Type().Elem()) {
			dst.Set(src)
			return
		}
		s := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		for i := 0; i < src.Len(); i++ {
			safeCopy(s.Index(i), src.Index(i), depth+1)
		}
		dst.Set(s)
	case reflect.Map:
		if src.IsNil() || !ours(src.Type().Elem()) {
			dst.Set(src)
			return
		}
		m := reflect.MakeMapWithSize(src.Type(), src.Len())
		for _, k := range src.MapKeys() {
			v := reflect.New(src.Type().Elem()).Elem()
			safeCopy(v, src.MapIndex(k), depth+1)
			m.SetMapIndex(k, v)
		}
		dst.Set(m)
	default:
		dst.Set(src)
	}
}

// ours reports whether values of t may hold strings we render: our own
// types, strings, and containers of them.
func ours(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.String:
		return true
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		return ours(t.Elem())
	case reflect.Struct:
		return strings.HasPrefix(t.PkgPath(), ourPkg)
	}
	return false
}
