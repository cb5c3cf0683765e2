package chain

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf16"

	"github.com/smallstep/pkcs7"
	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

// Encoding is the container format of an input file, sniffed from content.
type Encoding string

// The encodings the JSON contract names (README "JSON report").
const (
	EncPEM      Encoding = "pem"
	EncDER      Encoding = "der"
	EncPKCS7PEM Encoding = "pkcs7-pem"
	EncPKCS7DER Encoding = "pkcs7-der"
	EncPKCS12   Encoding = "pkcs12"
	EncUTF16PEM Encoding = "utf16-pem"
	EncUnknown  Encoding = "unknown"
	// EncTLS is a chain observed in a TLS handshake.
	EncTLS Encoding = "tls"
)

// TrustedCertBlock is how Facts.OtherBlocks names an OpenSSL "TRUSTED
// CERTIFICATE" block: its certificate is read (and in Certs), the trust
// settings after it are not.
const TrustedCertBlock = "TRUSTED CERTIFICATE (OpenSSL trust format)"

// Facts are the encoding details of an input, as data, so that rules can
// judge them. Notes carries the same facts worded for people.
type Facts struct {
	UTF8BOM        bool     `json:"utf8_bom,omitempty"`
	UTF16          string   `json:"utf16,omitempty"` // "LE" or "BE"
	UTF16BOM       bool     `json:"utf16_bom,omitempty"`
	CRLF           bool     `json:"crlf,omitempty"`
	TextBefore     bool     `json:"text_before,omitempty"`
	TextBetween    bool     `json:"text_between,omitempty"`
	TextAfter      bool     `json:"text_after,omitempty"`
	NoLineBreaks   bool     `json:"no_line_breaks,omitempty"`
	Indented       bool     `json:"indented,omitempty"` // spaces or tabs before BEGIN, END or the Base64 lines
	Unpadded       bool     `json:"unpadded,omitempty"` // a PEM block's Base64 lacks its "=" padding
	BareBase64     bool     `json:"bare_base64,omitempty"`
	PKCS7InCert    bool     `json:"pkcs7_in_certificate_block,omitempty"`
	OtherBlocks    []string `json:"other_blocks,omitempty"` // PEM types that are not certificates
	PrivateKey     bool     `json:"private_key,omitempty"`
	BadBlocks      []string `json:"bad_blocks,omitempty"` // "block 2: reason"
	TrailingData   bool     `json:"trailing_data,omitempty"`
	PKCS12Password bool     `json:"pkcs12_password,omitempty"` // a password was needed
}

// Input is what was read from one file.
type Input struct {
	File     string
	Encoding Encoding
	Notes    []string
	Facts    Facts
	Certs    []*x509.Certificate
	// Unparsed are the certificates crypto/x509 refused that OpenSSL and
	// Java read (well-formed X.509 whose extension values Go finds
	// malformed), in file order; they are not in Certs.
	Unparsed []Unparsed
}

// Options tune reading. Password is asked only for a PKCS#12 file that does
// not open with an empty password; it may be nil.
type Options struct {
	Password func() (string, error)
}

// maxCerts bounds a bundle; a chain has at most 10, a CA bundle a few hundred.
const maxCerts = 5000

// ReadFile reads and parses path. Errors are *ParseError naming the file.
func ReadFile(path string, opts Options) (*Input, error) {
	data, err := ReadLimited(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data, opts)
}

// ReadLimited reads a whole file, refusing directories and files over
// MaxFileSize. "-" reads standard input.
func ReadLimited(path string) ([]byte, error) {
	var r io.Reader
	size := int64(0) // what stat says, to read in one go
	if path == "-" {
		r = os.Stdin
	} else {
		st, err := os.Stat(path)
		if err != nil {
			return nil, &ParseError{File: path, Err: fmt.Errorf("%w: %w", ErrUnreadable, err)}
		}
		if st.IsDir() {
			return nil, &ParseError{File: path, Err: ErrIsDirectory}
		}
		if !st.Mode().IsRegular() {
			// A FIFO or a device would block or never end.
			return nil, &ParseError{File: path, Err: fmt.Errorf("%w: not a regular file (%s)", ErrUnreadable, st.Mode().Type())}
		}
		if st.Size() > MaxFileSize {
			return nil, &ParseError{File: path, Err: ErrTooLarge}
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, &ParseError{File: path, Err: fmt.Errorf("%w: %w", ErrUnreadable, err)}
		}
		defer f.Close()
		r = f
		size = st.Size()
	}
	data, err := readAll(io.LimitReader(r, MaxFileSize+1), size)
	if err != nil {
		return nil, &ParseError{File: path, Err: fmt.Errorf("%w: %w", ErrUnreadable, err)}
	}
	if len(data) > MaxFileSize {
		return nil, &ParseError{File: path, Err: ErrTooLarge}
	}
	return data, nil
}

// readAll is io.ReadAll starting from a buffer of the size the file
// claims (one byte more, to see the end in the same read): io.ReadAll
// starts at 512 bytes and grows, six reads and copies for a 3 KB chain.
func readAll(r io.Reader, size int64) ([]byte, error) {
	b := make([]byte, 0, max(size+1, 512))
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

// Parse sniffs the format of data from its content (never its name) and
// returns the certificates in file order with the encoding facts.
func Parse(file string, data []byte, opts Options) (*Input, error) {
	in := &Input{File: file, Encoding: EncUnknown}
	if len(data) > MaxFileSize {
		return nil, &ParseError{File: file, Err: ErrTooLarge}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &ParseError{File: file, Err: ErrEmpty}
	}
	text, isText := decodeText(data, &in.Facts)
	switch {
	case isText && strings.Contains(text, "-----BEGIN"):
		if err := in.parsePEM(text); err != nil {
			return nil, err
		}
		if in.Facts.UTF16 != "" {
			in.Encoding = EncUTF16PEM
		}
	case isText && looksBase64(text):
		der, err := decodeBase64Loose(text)
		if err != nil {
			return nil, &ParseError{File: file, Err: ErrUnknownFormat}
		}
		in.Facts.BareBase64 = true
		if err := in.parseBinary(der, opts); err != nil {
			return nil, err
		}
		in.Encoding = EncUnknown
	case len(data) > 0 && data[0] == 0x30:
		if err := in.parseBinary(data, opts); err != nil {
			return nil, err
		}
	default:
		return nil, &ParseError{File: file, Err: ErrUnknownFormat}
	}
	if len(in.Certs) == 0 && len(in.Unparsed) == 0 {
		err := ErrNoCertificates
		if len(in.Facts.BadBlocks) > 0 {
			return nil, &ParseError{File: file, Err: fmt.Errorf("%w (%s)", err, Summarise(in.Facts.BadBlocks, 3))}
		}
		if len(in.Facts.OtherBlocks) > 0 {
			return nil, &ParseError{File: file, Err: fmt.Errorf("%w: the file holds only %s", err, Summarise(in.Facts.OtherBlocks, 3))}
		}
		return nil, &ParseError{File: file, Err: err}
	}
	if len(in.Certs) > maxCerts {
		return nil, &ParseError{File: file, Err: ErrTooManyCerts}
	}
	in.Notes = in.Facts.notes()
	for _, u := range in.Unparsed {
		in.Notes = append(in.Notes, fmt.Sprintf("block %d: \"%s\" is an X.509 certificate crypto/x509 cannot parse (%v); OpenSSL and Java read such certificates (inferred); it was not judged", u.Block, u.Name(), u.Err))
	}
	return in, nil
}

func (f Facts) notes() []string {
	var n []string
	if f.UTF16 != "" {
		bom := "without BOM"
		if f.UTF16BOM {
			bom = "with BOM"
		}
		n = append(n, fmt.Sprintf("UTF-16%s %s", f.UTF16, bom))
	}
	if f.UTF8BOM {
		n = append(n, "UTF-8 BOM")
	}
	if f.CRLF {
		n = append(n, "CRLF line endings")
	}
	if f.BareBase64 {
		n = append(n, "Base64 without -----BEGIN/END----- lines")
	}
	if f.TextBefore {
		n = append(n, "text before the first PEM block")
	}
	if f.TextBetween {
		n = append(n, "text between PEM blocks")
	}
	if f.TextAfter {
		n = append(n, "text after the last PEM block")
	}
	if f.NoLineBreaks {
		n = append(n, "PEM Base64 without line breaks")
	}
	if f.Indented {
		n = append(n, "indented PEM lines")
	}
	if f.Unpadded {
		n = append(n, `PEM Base64 without its "=" padding`)
	}
	if f.PKCS7InCert {
		n = append(n, "PKCS#7 bundle inside a CERTIFICATE block")
	}
	if f.PrivateKey {
		n = append(n, "a private key is in the file (not shown)")
	}
	for _, t := range f.OtherBlocks {
		switch {
		case t == TrustedCertBlock:
			n = append(n, "a TRUSTED CERTIFICATE block (OpenSSL trust format), read as its certificate; its trust settings are ignored")
		case !strings.Contains(t, "PRIVATE KEY"):
			n = append(n, "ignored PEM block of type "+t)
		}
	}
	if len(f.BadBlocks) > 0 {
		n = append(n, Summarise(f.BadBlocks, 3))
	}
	if f.TrailingData {
		n = append(n, "trailing bytes after the DER data")
	}
	if f.PKCS12Password {
		n = append(n, "PKCS#12 opened with a password")
	}
	return n
}

// decodeText turns data into text when it is text: UTF-8 (a BOM is noted
// and removed) or UTF-16 with or without BOM. CRLF is noted.
func decodeText(data []byte, f *Facts) (string, bool) {
	switch {
	case len(data) >= 2 && data[0] == 0xFF && data[1] == 0xFE:
		f.UTF16, f.UTF16BOM = "LE", true
		data = utf16Decode(data[2:], false)
	case len(data) >= 2 && data[0] == 0xFE && data[1] == 0xFF:
		f.UTF16, f.UTF16BOM = "BE", true
		data = utf16Decode(data[2:], true)
	case len(data) >= 4 && data[0] != 0 && data[1] == 0 && data[2] != 0 && data[3] == 0:
		f.UTF16 = "LE"
		data = utf16Decode(data, false)
	case len(data) >= 4 && data[0] == 0 && data[1] != 0 && data[2] == 0 && data[3] != 0:
		f.UTF16 = "BE"
		data = utf16Decode(data, true)
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		f.UTF8BOM = true
		data = data[3:]
	}
	if f.UTF16 != "" && bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}) {
		data = data[3:]
	}
	// Text: no control bytes other than whitespace in the first KiB.
	head := data
	if len(head) > 1024 {
		head = head[:1024]
	}
	if f.UTF16 == "" && !bytes.Contains(data, []byte("-----BEGIN")) {
		for _, b := range head {
			if b < 0x09 || (b > 0x0d && b < 0x20) {
				return "", false
			}
		}
	}
	if bytes.Contains(data, []byte("\r\n")) {
		f.CRLF = true
	}
	return string(data), true
}

func utf16Decode(b []byte, bigEndian bool) []byte {
	u := make([]uint16, len(b)/2)
	for i := range u {
		if bigEndian {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
		}
	}
	return []byte(string(utf16.Decode(u)))
}

// pemBlock is one -----BEGIN X----- ... -----END X----- block.
type pemBlock struct {
	Type  string
	Bytes []byte
	Err   error
	Flat  bool // the Base64 had no line breaks
}

// scanPEM finds PEM blocks leniently: text around blocks, CRLF, missing line
// breaks, literal "\n" escapes (as JSON-escaped API output has) and RFC 1421
// headers are accepted. Facts record what was tolerated.
func scanPEM(text string, f *Facts) []pemBlock {
	var blocks []pemBlock
	rest := text
	for len(blocks) <= maxCerts {
		i := strings.Index(rest, "-----BEGIN ")
		if i < 0 {
			if hasText(rest) {
				if len(blocks) == 0 {
					f.TextBefore = true
				} else {
					f.TextAfter = true
				}
			}
			break
		}
		if hasText(rest[:i]) {
			if len(blocks) == 0 {
				f.TextBefore = true
			} else {
				f.TextBetween = true
			}
		}
		hdr := rest[i+len("-----BEGIN "):]
		j := strings.Index(hdr, "-----")
		if j < 0 || j > 64 || strings.ContainsAny(hdr[:j], "\r\n") {
			blocks = append(blocks, pemBlock{Err: fmt.Errorf("malformed BEGIN line")})
			rest = hdr
			continue
		}
		typ := hdr[:j]
		body := hdr[j+5:]
		endMarker := "-----END " + typ + "-----"
		k := strings.Index(body, endMarker)
		if k < 0 {
			blocks = append(blocks, pemBlock{Type: typ, Err: ErrTruncatedPEM})
			break
		}
		if indentedBefore(rest[:i]) || indentedBody(body[:k]) {
			f.Indented = true
		}
		rest = body[k+len(endMarker):]
		body = body[:k]
		b := pemBlock{Type: typ}
		// Flat: one long line (a literal "\n" escape makes it not flat).
		b.Flat = !strings.Contains(body, `\n`) && !strings.ContainsAny(strings.TrimSpace(body), "\r\n") && len(body) > 80
		body = stripPEMHeaders(body)
		b.Bytes, b.Err = decodeBase64Loose(body)
		if b.Err == nil && unpadded(body) {
			f.Unpadded = true
		}
		blocks = append(blocks, b)
	}
	return blocks
}

// indentedBefore: the line a BEGIN or END marker stands on starts with
// spaces or tabs (s is the text before the marker).
func indentedBefore(s string) bool {
	line := s[strings.LastIndexByte(s, '\n')+1:]
	return line != "" && strings.Trim(line, " \t") == ""
}

// indentedBody: a Base64 line, or the END marker, is indented. OpenSSL reads
// no certificate from such a block.
func indentedBody(body string) bool {
	for line := range strings.SplitSeq(body, "\n") {
		if (strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")) && strings.TrimSpace(line) != "" {
			return true
		}
	}
	return indentedBefore(body)
}

// unpadded: the Base64 in s (whitespace and JSON escapes aside) is not a
// whole number of 4-character groups: its "=" padding is missing. OpenSSL
// refuses such a block.
func unpadded(s string) bool {
	n := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			if i+1 < len(s) && s[i+1] == '/' {
				n++ // an escaped "/"
			}
			i++
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
		default:
			n++
		}
	}
	return n%4 != 0
}

func hasText(s string) bool { return strings.TrimSpace(strings.ReplaceAll(s, `\n`, "")) != "" }

func stripPEMHeaders(body string) string {
	if !strings.Contains(body, ":") {
		return body
	}
	var sb strings.Builder
	for _, line := range strings.Split(body, "\n") {
		if strings.Contains(line, ":") {
			continue
		}
		sb.WriteString(line)
	}
	return sb.String()
}

// decodeBase64Loose removes whitespace and literal \n, \r escapes, then
// decodes standard Base64 (padding optional).
func decodeBase64Loose(s string) ([]byte, error) {
	// The usual PEM body (lines of Base64, padded) decodes as it is:
	// encoding/base64 skips CR and LF itself. Anything else, or a failure,
	// takes the loose path (FuzzBase64Loose: both answer alike).
	if !strings.ContainsAny(s, " \t\\") {
		if out, err := base64.StdEncoding.DecodeString(s); err == nil {
			return out, nil
		}
	}
	return decodeBase64Slow(s)
}

var base64Escapes = strings.NewReplacer(`\r`, "", `\n`, "", `\/`, "/")

func decodeBase64Slow(s string) ([]byte, error) {
	s = base64Escapes.Replace(s)
	clean := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			continue
		}
		clean = append(clean, c)
	}
	out, err := base64.StdEncoding.DecodeString(string(clean))
	if err != nil {
		out, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(string(clean), "="))
	}
	if err != nil {
		return nil, ErrBadBase64
	}
	return out, nil
}

func looksBase64(s string) bool {
	s = strings.TrimSpace(s)
	if len(s) < 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '+', c == '/', c == '=', c == '\r', c == '\n', c == ' ', c == '\t':
		default:
			return false
		}
	}
	return true
}

// unparsed records der, which crypto/x509 refused with err, as Unparsed
// when it has an X.509 certificate's structure and crypto/x509 refused
// only extensions OpenSSL and Java read without effect (inertExtension);
// false otherwise (then it is a bad block, as before: both stacks refuse
// the other certificates crypto/x509 cannot parse, or cannot read them).
func (in *Input) unparsed(block int, der []byte, err error) bool {
	sub, iss, ok := certificateShape(der)
	if ok {
		var stripped []byte
		if stripped, ok = withoutInertExtensions(der); ok {
			_, perr := x509.ParseCertificate(stripped)
			ok = perr == nil
		}
	}
	if ok {
		in.Unparsed = append(in.Unparsed, Unparsed{Block: block, Index: len(in.Certs) + len(in.Unparsed), RawSubject: sub, RawIssuer: iss, Err: err})
	}
	return ok
}

func (in *Input) badBlock(n int, err error) {
	in.Facts.BadBlocks = append(in.Facts.BadBlocks, fmt.Sprintf("block %d: %v", n, err))
}

func (in *Input) parsePEM(text string) error {
	blocks := scanPEM(text, &in.Facts)
	enc := EncPEM
	for i, b := range blocks {
		n := i + 1
		if b.Err != nil {
			in.badBlock(n, fmt.Errorf("%s: %w", orUnknown(b.Type), b.Err))
			continue
		}
		if b.Flat {
			in.Facts.NoLineBreaks = true
		}
		switch b.Type {
		case "CERTIFICATE", "X509 CERTIFICATE", "X.509 CERTIFICATE":
			c, err := x509.ParseCertificate(b.Bytes)
			if err == nil {
				in.Certs = append(in.Certs, c)
				continue
			}
			if cs, perr := parsePKCS7(b.Bytes); perr == nil {
				in.Facts.PKCS7InCert = true
				enc = EncPKCS7PEM
				in.Certs = append(in.Certs, cs...)
				continue
			}
			if in.unparsed(n, b.Bytes, err) {
				continue
			}
			in.badBlock(n, fmt.Errorf("CERTIFICATE is not a valid X.509 certificate: %w", err))
		case "TRUSTED CERTIFICATE":
			var raw asn1.RawValue
			if _, err := asn1.Unmarshal(b.Bytes, &raw); err != nil {
				in.badBlock(n, fmt.Errorf("TRUSTED CERTIFICATE: %w", err))
				continue
			}
			c, err := x509.ParseCertificate(raw.FullBytes)
			if err != nil {
				in.badBlock(n, fmt.Errorf("TRUSTED CERTIFICATE: %w", err))
				continue
			}
			in.Facts.OtherBlocks = append(in.Facts.OtherBlocks, TrustedCertBlock)
			in.Certs = append(in.Certs, c)
		case "PKCS7", "PKCS #7 SIGNED DATA", "CMS":
			cs, err := parsePKCS7(b.Bytes)
			if err != nil {
				in.badBlock(n, fmt.Errorf("%s: %w", b.Type, err))
				continue
			}
			enc = EncPKCS7PEM
			in.Certs = append(in.Certs, cs...)
		default:
			if strings.Contains(b.Type, "PRIVATE KEY") {
				in.Facts.PrivateKey = true
			}
			in.Facts.OtherBlocks = append(in.Facts.OtherBlocks, b.Type)
		}
		if len(in.Certs) > maxCerts {
			return &ParseError{File: in.File, Err: ErrTooManyCerts}
		}
	}
	in.Encoding = enc
	return nil
}

func orUnknown(s string) string {
	if s == "" {
		return "block"
	}
	return s
}

func parsePKCS7(der []byte) ([]*x509.Certificate, error) {
	var ci struct {
		Type    asn1.ObjectIdentifier
		Content asn1.RawValue `asn1:"explicit,optional,tag:0"`
	}
	if _, err := asn1.Unmarshal(der, &ci); err != nil || !ci.Type.Equal(asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}) {
		return nil, errNotPKCS7
	}
	p7, err := safePKCS7(der)
	if err != nil {
		return nil, fmt.Errorf("PKCS#7: %w", err)
	}
	if len(p7.Certificates) == 0 {
		return nil, ErrEmptyPKCS7
	}
	return p7.Certificates, nil
}

// safePKCS7 guards the third-party parser: a panic on hostile input becomes
// an error.
func safePKCS7(der []byte) (p *pkcs7.PKCS7, err error) {
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, fmt.Errorf("malformed PKCS#7 (%v)", r)
		}
	}()
	if err := berNestingOK(der, maxBERDepth); err != nil {
		return nil, err
	}
	return pkcs7.Parse(der)
}

func isPKCS12(der []byte) bool {
	var pfx struct {
		Version  int
		AuthSafe asn1.RawValue
		MacData  asn1.RawValue `asn1:"optional"`
	}
	_, err := asn1.Unmarshal(der, &pfx)
	return err == nil && pfx.Version == 3
}

func (in *Input) parseBinary(der []byte, opts Options) error {
	// One or more concatenated DER certificates.
	rest := der
	var certs []*x509.Certificate
	for len(rest) > 0 && len(certs) <= maxCerts {
		var raw asn1.RawValue
		r, err := asn1.Unmarshal(rest, &raw)
		if err != nil {
			break
		}
		c, err := x509.ParseCertificate(raw.FullBytes)
		if err != nil {
			in.Certs = certs // unparsed's Index counts the certificates before it
			if in.unparsed(len(certs)+len(in.Unparsed)+1, raw.FullBytes, err) {
				rest = r
				continue
			}
			break
		}
		certs = append(certs, c)
		rest = r
	}
	if len(certs) > 0 || len(in.Unparsed) > 0 {
		in.Encoding = EncDER
		in.Certs = certs
		if len(rest) > 0 {
			in.Facts.TrailingData = true
		}
		return nil
	}
	if cs, err := parsePKCS7(der); err == nil {
		in.Encoding = EncPKCS7DER
		in.Certs = cs
		return nil
	} else if !errors.Is(err, errNotPKCS7) {
		return &ParseError{File: in.File, Err: err}
	}
	if isPKCS12(der) {
		in.Encoding = EncPKCS12
		return in.parsePKCS12(der, opts)
	}
	if _, err := x509.ParseCertificate(der); err != nil {
		var raw asn1.RawValue
		if _, aerr := asn1.Unmarshal(der, &raw); aerr == nil && raw.Tag == asn1.TagSequence {
			if _, cerr := x509.ParseCertificateRequest(raw.FullBytes); cerr == nil {
				return &ParseError{File: in.File, Err: fmt.Errorf("%w: the file holds a certificate signing request (DER), not a certificate", ErrNoCertificates)}
			}
			return &ParseError{File: in.File, Err: fmt.Errorf("DER data is not an X.509 certificate: %w", err)}
		}
	}
	return &ParseError{File: in.File, Err: ErrUnknownFormat}
}

func (in *Input) parsePKCS12(der []byte, opts Options) error {
	if err := pbeIterationsOK(der); err != nil {
		return &ParseError{File: in.File, Err: err}
	}
	blocks, err := safePKCS12(der, "")
	if errors.Is(err, pkcs12.ErrIncorrectPassword) {
		if opts.Password == nil {
			return &ParseError{File: in.File, Err: ErrPasswordNeeded}
		}
		pw, perr := opts.Password()
		if perr != nil {
			return &ParseError{File: in.File, Err: fmt.Errorf("%w: %w", ErrPasswordNeeded, perr)}
		}
		in.Facts.PKCS12Password = true
		blocks, err = safePKCS12(der, pw)
		if errors.Is(err, pkcs12.ErrIncorrectPassword) || errors.Is(err, pkcs12.ErrDecryption) {
			return &ParseError{File: in.File, Err: ErrBadPassword}
		}
	}
	if err != nil {
		var ni pkcs12.NotImplementedError
		if errors.Is(err, ErrUnsupportedPFX) {
			return &ParseError{File: in.File, Err: err}
		}
		if errors.As(err, &ni) {
			return &ParseError{File: in.File, Err: fmt.Errorf("%w: %v", ErrUnsupportedPFX, err)}
		}
		return &ParseError{File: in.File, Err: fmt.Errorf("PKCS#12: %w", err)}
	}
	for i, b := range blocks {
		if b.Type != "CERTIFICATE" {
			if strings.Contains(b.Type, "PRIVATE KEY") {
				in.Facts.PrivateKey = true
			}
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			in.badBlock(i+1, err)
			continue
		}
		in.Certs = append(in.Certs, c)
	}
	// Key material is dropped here and never kept.
	for i := range blocks {
		blocks[i] = nil
	}
	return nil
}

// safePKCS12 returns the PFX's certificates (and a bare marker when it holds
// a key); a panic in the third-party decoder on hostile input becomes an
// error. DecodeChain reads the usual leaf+key+CAs file; ToPEM, deprecated
// only for the way it encodes keys (which are dropped here), is the one
// reader of certificate-only files that are not Java trust stores.
func safePKCS12(der []byte, pw string) (blocks []*pemBlockRef, err error) {
	defer func() {
		if r := recover(); r != nil {
			blocks, err = nil, fmt.Errorf("malformed PKCS#12 (%v)", r)
		}
	}()
	key, leaf, cas, err := pkcs12.DecodeChain(der, pw)
	if err == nil {
		out := []*pemBlockRef{{Type: "CERTIFICATE", Bytes: leaf.Raw}}
		for _, c := range cas {
			out = append(out, &pemBlockRef{Type: "CERTIFICATE", Bytes: c.Raw})
		}
		if key != nil {
			out = append(out, &pemBlockRef{Type: "PRIVATE KEY"})
		}
		return out, nil
	}
	//lint:ignore SA1019 see above: only certificates are kept.
	pbs, err2 := pkcs12.ToPEM(der, pw)
	if err2 != nil {
		if strings.Contains(err.Error(), "private key missing") {
			// A certificates-only PFX in a single safe: neither reader of
			// go-pkcs12 takes it.
			return nil, fmt.Errorf("%w: a PKCS#12 file holding certificates without a private key", ErrUnsupportedPFX)
		}
		return nil, err
	}
	out := make([]*pemBlockRef, len(pbs))
	for i, b := range pbs {
		out[i] = &pemBlockRef{Type: b.Type}
		if b.Type == "CERTIFICATE" {
			out[i].Bytes = b.Bytes
		}
	}
	return out, nil
}

type pemBlockRef struct {
	Type  string
	Bytes []byte
}

// findJSONPEM extracts a PEM string from JSON such as OME's GenerateCSR
// response {"CertificateData":"-----BEGIN CERTIFICATE REQUEST-----..."}.
func findJSONPEM(text string) (string, bool) {
	t := strings.TrimSpace(text)
	if !strings.HasPrefix(t, "{") {
		return "", false
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(t), &m); err != nil {
		return "", false
	}
	for _, v := range m {
		if s, ok := v.(string); ok && strings.Contains(s, "-----BEGIN") {
			return s, true
		}
	}
	return "", false
}

// Summarise joins the first max items and counts the rest, so that a file
// of 100,000 bad blocks gives one readable line, not 450 KB.
func Summarise(items []string, max int) string {
	if len(items) <= max {
		return strings.Join(items, "; ")
	}
	return fmt.Sprintf("%s; and %d more like them", strings.Join(items[:max], "; "), len(items)-max)
}
