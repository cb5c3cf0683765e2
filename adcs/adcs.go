// Package adcs reads an Active Directory Certificate Services certificate
// template as `certutil -v -dstemplate NAME` prints it: the attributes of
// [MS-CRTD] ("Certificate Templates Structure") section 2, in the text shape
// of its section 3 "Structure Example". It is mechanics only, like package
// chain: it knows nothing about OME. The file is read as the admin saved it:
// UTF-8 (with or without a BOM) or UTF-16 with a BOM (Windows PowerShell
// 5.1's `>` and Out-File), with LF or CRLF line endings.
//
// The text shape, from [MS-CRTD] section 3: a "[Name]" line, then one
// "attribute = value" line per attribute, a value being one or more quoted
// strings, each optionally followed by a friendly name or a hexadecimal
// rendering; a long value continues on the following lines, and flag
// attributes are followed by one line per flag ("CT_FLAG_... -- 1", in
// parentheses when not set). certutil may end with a "CertUtil: -dsTemplate
// command completed successfully." line.
package adcs

import (
	"bytes"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"
)

// Sentinel errors; Parse wraps them in *ParseError.
var (
	// ErrNotTemplate: the file is not certutil -dstemplate output at all.
	ErrNotTemplate = errors.New("not certutil -v -dstemplate output")
	// ErrTruncated: a template starts but attributes every template has
	// are missing, or a quoted value never ends.
	ErrTruncated = errors.New("template dump is incomplete")
	// ErrSeveral: the dump holds more than one template.
	ErrSeveral = errors.New("the dump holds more than one template")
	// ErrCertutil: the file holds certutil's own error instead of a
	// template.
	ErrCertutil = errors.New("certutil reported an error instead of a template")
	// ErrBadValue: an attribute's value is not of its type.
	ErrBadValue = errors.New("bad attribute value")
)

// ParseError names the file and, when there is one, the attribute.
type ParseError struct {
	File      string
	Attribute string
	Err       error
	// Detail says what was expected or found.
	Detail string
}

func (e *ParseError) Error() string {
	s := e.File + ": "
	if e.Attribute != "" {
		s += e.Attribute + ": "
	}
	s += e.Err.Error()
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

func (e *ParseError) Unwrap() error { return e.Err }

// Attribute names, as [MS-CRTD] section 2 spells them.
const (
	AttrEKU           = "pKIExtendedKeyUsage"                  // 2.12
	AttrAppPolicy     = "msPKI-Certificate-Application-Policy" // 2.25
	AttrKeyUsage      = "pKIKeyUsage"                          // 2.13
	AttrNameFlag      = "msPKI-Certificate-Name-Flag"          // 2.28
	AttrMinKeySize    = "msPKI-Minimal-Key-Size"               // 2.19
	AttrSchemaVersion = "msPKI-Template-Schema-Version"        // 2.16
	AttrExpiration    = "pKIExpirationPeriod"                  // 2.11
	AttrFlags         = "flags"                                // 2.4
)

// required are the attributes every template has: a dump without them
// ended early.
var required = []string{AttrKeyUsage, AttrNameFlag}

// Name flags ([MS-CRTD] 2.28).
const (
	EnrolleeSuppliesSubject        uint32 = 0x00000001
	EnrolleeSuppliesSubjectAltName uint32 = 0x00010000
	SubjectRequireDNSAsCN          uint32 = 0x10000000
	SubjectRequireEmail            uint32 = 0x20000000
	SubjectRequireCommonName       uint32 = 0x40000000
	SubjectRequireDirectoryPath    uint32 = 0x80000000
)

// OID is one object identifier of an EKU or application policy list, with
// the friendly name certutil printed after it.
type OID struct {
	OID  string `json:"oid"`
	Name string `json:"name,omitempty"`
}

// Period is a validity period as certutil prints it ("2 Years", "6 Weeks")
// or as the FILETIME bytes of [MS-CRTD] 2.11.
type Period struct {
	Text string // as printed
	// Known is false when the text could not be read (a localised unit):
	// End cannot be computed.
	Known               bool
	Years, Months, Days int
	Dur                 time.Duration
}

// End is when a certificate issued at from expires at the latest.
func (p Period) End(from time.Time) time.Time {
	return from.AddDate(p.Years, p.Months, p.Days).Add(p.Dur)
}

// Template is one certificate template.
type Template struct {
	File string
	// Encoding is "utf-8" or "utf-16le"/"utf-16be"; Notes say how the file
	// was saved (BOM, CRLF).
	Encoding string
	Notes    []string

	// Name is the template's cn (what certreq's CertificateTemplate:
	// attribute takes); DisplayName what the console shows.
	Name, DisplayName string
	// SchemaVersion is msPKI-Template-Schema-Version; 1 when absent (a
	// Windows 2000 template: [MS-CRTD] 2.16, note 17), SchemaGiven false.
	SchemaVersion int
	SchemaGiven   bool

	EKU            []OID // pKIExtendedKeyUsage
	EKUGiven       bool
	AppPolicy      []OID // msPKI-Certificate-Application-Policy
	AppPolicyGiven bool

	KeyUsage    x509.KeyUsage // pKIKeyUsage, as crypto/x509 names the bits
	KeyUsageRaw string        // as printed ("a0 00")

	NameFlag uint32 // msPKI-Certificate-Name-Flag
	Flags    uint32 // flags
	// MinKeySize is msPKI-Minimal-Key-Size (0 when absent).
	MinKeySize int

	Validity      Period // pKIExpirationPeriod
	ValidityGiven bool

	// Attrs holds every attribute's quoted values, by name, for the rest.
	Attrs map[string][]string
}

// IssuedEKU is the Extended Key Usage a leaf issued from the template
// carries, and the attribute it comes from: for schema 2 and later,
// msPKI-Certificate-Application-Policy when present (what the Certificate
// Templates console edits as Extensions > Application Policies), else
// pKIExtendedKeyUsage; for schema 1, pKIExtendedKeyUsage. given is false
// when neither attribute is present: the leaf has no EKU extension.
func (t *Template) IssuedEKU() (oids []OID, attr string, given bool) {
	if t.SchemaVersion >= 2 && t.AppPolicyGiven {
		return t.AppPolicy, AttrAppPolicy, true
	}
	if t.EKUGiven {
		return t.EKU, AttrEKU, true
	}
	if t.SchemaVersion >= 2 {
		return nil, AttrAppPolicy, false
	}
	return nil, AttrEKU, false
}

// MaxBytes bounds the text Parse reads (a template dump is a few KiB).
const MaxBytes = 10 << 20

var (
	sectionRe = regexp.MustCompile(`^\s*\[([^\[\]]+)\]\s*$`)
	attrRe    = regexp.MustCompile(`^\s*\*?([A-Za-z][A-Za-z0-9-]*)\s+=(?:\s|$)(.*)$`)
	oidRe     = regexp.MustCompile(`^[0-2](\.[0-9]+)+$`)
)

// Parse reads one template from data, naming file in errors.
func Parse(file string, data []byte) (*Template, error) {
	if len(data) > MaxBytes {
		return nil, &ParseError{File: file, Err: ErrNotTemplate, Detail: "larger than 10 MiB"}
	}
	text, enc, notes := decode(data)
	t := &Template{File: file, Encoding: enc, Notes: notes, Attrs: map[string][]string{}}
	if strings.Contains(text, "\r\n") {
		t.Notes = append(t.Notes, "CRLF line endings")
		text = strings.ReplaceAll(text, "\r\n", "\n")
	}
	text = strings.ReplaceAll(text, "\r", "\n")

	var (
		sections []string
		attrs    []*attr
		cur      *attr
	)
	for line := range strings.SplitSeq(text, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "CertUtil:") {
			if strings.Contains(strings.ToLower(trimmed), "failed") {
				return nil, &ParseError{File: file, Err: ErrCertutil, Detail: clip(trimmed, 200)}
			}
			cur = nil
			continue
		}
		if m := sectionRe.FindStringSubmatch(line); m != nil && !strings.Contains(m[1], "=") && !inQuote(cur) {
			sections = append(sections, strings.TrimSpace(m[1]))
			cur = nil
			continue
		}
		if len(sections) == 0 {
			continue // text before the template (a prompt, a note)
		}
		if m := attrRe.FindStringSubmatch(line); m != nil && !inQuote(cur) {
			cur = &attr{name: m[1]}
			cur.add(m[2])
			attrs = append(attrs, cur)
			continue
		}
		if cur != nil {
			cur.add("\n" + line)
		}
	}
	if len(sections) == 0 || len(attrs) == 0 {
		return nil, &ParseError{File: file, Err: ErrNotTemplate, Detail: notTemplateDetail(text)}
	}
	if len(sections) > 1 {
		return nil, &ParseError{File: file, Err: ErrSeveral, Detail: fmt.Sprintf("%d templates (%s)", len(sections), summarise(sections, 5))}
	}
	if !slices.ContainsFunc(attrs, func(a *attr) bool {
		n := strings.ToLower(a.name)
		return strings.HasPrefix(n, "pki") || strings.HasPrefix(n, "mspki-")
	}) {
		return nil, &ParseError{File: file, Err: ErrNotTemplate, Detail: "no pKI... or msPKI-... attribute in it; " + notTemplateDetail("x")}
	}
	t.Name = sections[0]
	seen := map[string]bool{}
	for _, a := range attrs {
		vals, rest, err := quoted(a.raw.String())
		if err != nil {
			return nil, &ParseError{File: file, Attribute: a.name, Err: ErrTruncated, Detail: err.Error() + " (the file ends inside a quoted value: was it cut short?)"}
		}
		seen[a.name] = true
		t.Attrs[a.name] = vals
		if err := t.set(a.name, vals, rest); err != nil {
			return nil, &ParseError{File: file, Attribute: a.name, Err: ErrBadValue, Detail: err.Error()}
		}
	}
	var missing []string
	for _, r := range required {
		if !seen[r] {
			missing = append(missing, r)
		}
	}
	if len(missing) > 0 {
		return nil, &ParseError{File: file, Err: ErrTruncated, Detail: fmt.Sprintf(
			"template [%s] has no %s, which every template has: the dump ends early or was edited (expected the whole output of certutil -v -dstemplate %s)",
			t.Name, strings.Join(missing, " or "), t.Name)}
	}
	if !t.SchemaGiven {
		t.SchemaVersion = 1
		t.Notes = append(t.Notes, "no "+AttrSchemaVersion+": read as schema version 1")
	}
	return t, nil
}

// set reads attribute name's values into t; rest is the text after each
// quoted value (the friendly names).
func (t *Template) set(name string, vals, rest []string) error {
	first := ""
	if len(vals) > 0 {
		first = vals[0]
	}
	switch strings.ToLower(name) {
	case "cn":
		if first != "" {
			t.Name = first
		}
	case "displayname":
		t.DisplayName = first
	case strings.ToLower(AttrSchemaVersion):
		n, err := strconv.Atoi(strings.TrimSpace(first))
		if err != nil || n < 1 || n > 100 {
			return fmt.Errorf("%q is not a schema version (1 to 4)", clip(first, 40))
		}
		t.SchemaVersion, t.SchemaGiven = n, true
	case strings.ToLower(AttrEKU), strings.ToLower(AttrAppPolicy):
		var oids []OID
		for i, v := range vals {
			v = strings.TrimSpace(v)
			if !oidRe.MatchString(v) || len(v) > 200 {
				return fmt.Errorf("%q is not a dotted OID (expected values like \"1.3.6.1.5.5.7.3.1\" Server Authentication)", clip(v, 60))
			}
			oids = append(oids, OID{OID: v, Name: friendly(rest[i])})
		}
		if strings.EqualFold(name, AttrEKU) {
			t.EKU, t.EKUGiven = oids, true
		} else {
			t.AppPolicy, t.AppPolicyGiven = oids, true
		}
	case strings.ToLower(AttrKeyUsage):
		ku, err := keyUsage(first)
		if err != nil {
			return err
		}
		t.KeyUsage, t.KeyUsageRaw = ku, strings.TrimSpace(first)
	case strings.ToLower(AttrNameFlag):
		v, err := dword(first)
		if err != nil {
			return err
		}
		t.NameFlag = v
	case strings.ToLower(AttrFlags):
		v, err := dword(first)
		if err != nil {
			return err
		}
		t.Flags = v
	case strings.ToLower(AttrMinKeySize):
		n, err := strconv.Atoi(strings.TrimSpace(first))
		if err != nil || n < 0 || n > 1<<20 {
			return fmt.Errorf("%q is not a key size in bits", clip(first, 40))
		}
		t.MinKeySize = n
	case strings.ToLower(AttrExpiration):
		t.Validity, t.ValidityGiven = period(first), true
	}
	return nil
}

// quoted splits an attribute's raw text into its quoted values and the
// text after each; a quote that never closes is an error.
func quoted(raw string) (vals, rest []string, err error) {
	for {
		i := strings.IndexByte(raw, '"')
		if i < 0 {
			if len(vals) > 0 {
				rest[len(rest)-1] += raw
			}
			return vals, rest, nil
		}
		if len(vals) > 0 {
			rest[len(rest)-1] += raw[:i]
		}
		raw = raw[i+1:]
		j := strings.IndexByte(raw, '"')
		if j < 0 {
			return nil, nil, fmt.Errorf("a quoted value does not end")
		}
		// A value wrapped over lines (a long DN) is one value.
		v := strings.Join(strings.Fields(raw[:j]), " ")
		vals = append(vals, v)
		rest = append(rest, "")
		raw = raw[j+1:]
	}
}

// attr is one attribute's name and raw text, its continuation lines
// included.
type attr struct {
	name   string
	raw    strings.Builder
	quotes int // quotes in raw so far
}

func (a *attr) add(s string) {
	a.raw.WriteString(s)
	a.quotes += strings.Count(s, `"`)
}

// inQuote: the attribute's text so far has an odd number of quotes (a value
// wrapped over lines continues).
func inQuote(a *attr) bool {
	return a != nil && a.quotes%2 == 1
}

// friendly is the name certutil printed after an OID: its line's text up
// to the next comma, spaces folded.
func friendly(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	s = strings.TrimSuffix(s, ",")
	if i := strings.IndexByte(s, ','); i >= 0 {
		s = s[:i]
	}
	return clip(strings.TrimSpace(s), 100)
}

// keyUsage reads pKIKeyUsage as certutil prints it: the Key Usage
// extension's bit string as hexadecimal bytes ("a0 00"), first byte
// digitalSignature (0x80) to encipherOnly (0x01), then decipherOnly (0x80
// of the second byte): RFC 5280 4.2.1.3.
func keyUsage(s string) (x509.KeyUsage, error) {
	fields := strings.Fields(s)
	if len(fields) == 0 || len(fields) > 2 {
		return 0, fmt.Errorf("%q is not a key usage (expected one or two hexadecimal bytes, e.g. \"a0 00\")", clip(s, 40))
	}
	var b [2]byte
	for i, f := range fields {
		v, err := strconv.ParseUint(f, 16, 8)
		if err != nil || len(f) > 2 {
			return 0, fmt.Errorf("%q is not a key usage (expected one or two hexadecimal bytes, e.g. \"a0 00\")", clip(s, 40))
		}
		b[i] = byte(v)
	}
	var ku x509.KeyUsage
	bits := []x509.KeyUsage{x509.KeyUsageDigitalSignature, x509.KeyUsageContentCommitment, x509.KeyUsageKeyEncipherment,
		x509.KeyUsageDataEncipherment, x509.KeyUsageKeyAgreement, x509.KeyUsageCertSign, x509.KeyUsageCRLSign, x509.KeyUsageEncipherOnly}
	for i, bit := range bits {
		if b[0]&(0x80>>i) != 0 {
			ku |= bit
		}
	}
	if b[1]&0x80 != 0 {
		ku |= x509.KeyUsageDecipherOnly
	}
	return ku, nil
}

// dword reads a flags attribute: decimal, as LDAP stores it (a negative
// number for the high bit: "-1509949440").
func dword(s string) (uint32, error) {
	s = strings.TrimSpace(s)
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < -(1<<31) || n > 1<<32-1 {
		return 0, fmt.Errorf("%q is not a 32-bit flags value (expected a decimal number, e.g. \"1\")", clip(s, 40))
	}
	return uint32(n), nil
}

var unitRe = regexp.MustCompile(`^(\d{1,4})\s+([A-Za-z]+)$`)

// period reads pKIExpirationPeriod: "2 Years", "6 Weeks", "5 Days", "8
// Hours" as certutil prints it, or the 8 FILETIME bytes ([MS-CRTD] 2.11: a
// negative interval in 100 ns units, little-endian).
func period(s string) Period {
	s = strings.Join(strings.Fields(s), " ")
	p := Period{Text: s}
	if m := unitRe.FindStringSubmatch(s); m != nil {
		n, _ := strconv.Atoi(m[1])
		p.Known = true
		switch strings.TrimSuffix(strings.ToLower(m[2]), "s") {
		case "year":
			p.Years = n
		case "month":
			p.Months = n
		case "week":
			p.Days = 7 * n
		case "day":
			p.Days = n
		case "hour":
			p.Dur = time.Duration(n) * time.Hour
		default:
			p.Known = false
		}
		return p
	}
	if f := strings.Fields(s); len(f) == 8 {
		var b [8]byte
		for i, x := range f {
			v, err := strconv.ParseUint(x, 16, 8)
			if err != nil {
				return p
			}
			b[i] = byte(v)
		}
		v := int64(binary.LittleEndian.Uint64(b[:]))
		if v < 0 && v > -int64(100*365*24*time.Hour/100) {
			p.Known, p.Dur = true, time.Duration(-v)*100
		}
	}
	return p
}

// decode turns the file's bytes into text: UTF-16 with a BOM (PowerShell
// 5.1), UTF-16 without one when every other byte is NUL, else UTF-8 (a BOM
// dropped).
func decode(data []byte) (text, enc string, notes []string) {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return fromUTF16(data, unicode.LittleEndian), "utf-16le", []string{"UTF-16LE with BOM (Windows PowerShell 5.1 '>' or Out-File)"}
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return fromUTF16(data, unicode.BigEndian), "utf-16be", []string{"UTF-16BE with BOM"}
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return valid(data[3:]), "utf-8", []string{"UTF-8 with BOM"}
	case nulShape(data, 1):
		return fromUTF16(data, unicode.LittleEndian), "utf-16le", []string{"UTF-16LE without BOM"}
	case nulShape(data, 0):
		return fromUTF16(data, unicode.BigEndian), "utf-16be", []string{"UTF-16BE without BOM"}
	}
	return valid(data), "utf-8", nil
}

func fromUTF16(data []byte, e unicode.Endianness) string {
	out, err := unicode.UTF16(e, unicode.UseBOM).NewDecoder().Bytes(data)
	if err != nil {
		return ""
	}
	return valid(out)
}

func valid(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// nulShape: the first bytes look like ASCII in UTF-16, NUL at every odd
// (at=1: little-endian) or even (at=0) position.
func nulShape(data []byte, at int) bool {
	n := min(len(data)&^1, 64)
	if n < 4 {
		return false
	}
	for i := 0; i < n; i += 2 {
		if data[i+at] != 0 || data[i+1-at] == 0 {
			return false
		}
	}
	return true
}

// notTemplateDetail says what was expected, and what the file looks like
// when it is something else the admin may have picked by mistake.
func notTemplateDetail(text string) string {
	const want = "expected the output of certutil -v -dstemplate NAME: a [NAME] line, then attribute = value lines such as pKIKeyUsage = \"a0 00\""
	switch {
	case strings.TrimSpace(text) == "":
		return "the file is empty; " + want
	case strings.Contains(text, "-----BEGIN CERTIFICATE REQUEST-----"):
		return "it holds a certificate signing request; " + want
	case strings.Contains(text, "-----BEGIN CERTIFICATE-----"):
		return "it holds a certificate (use ome-preflight check for that); " + want
	case strings.Contains(text, "\x00"):
		return "it is binary; " + want
	}
	return want
}

func summarise(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:n], ", ") + fmt.Sprintf(" and %d more", len(items)-n)
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}
