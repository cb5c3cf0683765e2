package chain

import (
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"strings"
)

// CSR is a parsed certificate signing request and how it was encoded.
type CSR struct {
	File  string
	Req   *x509.CertificateRequest
	Facts Facts
	Notes []string
	// SignatureOK is false when the CSR's self-signature does not verify.
	SignatureOK bool
}

// ReadCSR reads a CSR file: PEM (with or without line breaks, as OME's
// GenerateCSR returns it), the JSON OME's API returns, bare Base64, DER,
// UTF-16 or UTF-8 with BOM.
func ReadCSR(path string) (*CSR, error) {
	data, err := ReadLimited(path)
	if err != nil {
		return nil, err
	}
	return ParseCSR(path, data)
}

// ParseCSR parses CSR bytes; see ReadCSR.
func ParseCSR(file string, data []byte) (*CSR, error) {
	out := &CSR{File: file}
	if len(strings.TrimSpace(string(data))) == 0 {
		return nil, &ParseError{File: file, Err: ErrEmpty}
	}
	if len(data) > MaxFileSize {
		return nil, &ParseError{File: file, Err: ErrTooLarge}
	}
	var der []byte
	text, isText := decodeText(data, &out.Facts)
	if s, ok := findJSONPEM(text); isText && ok {
		text = s
	}
	switch {
	case isText && strings.Contains(text, "-----BEGIN"):
		blocks := scanPEM(text, &out.Facts)
		var kinds []string
		for i, b := range blocks {
			if b.Err != nil {
				return nil, &ParseError{File: file, Block: i + 1, Err: b.Err}
			}
			if b.Flat {
				out.Facts.NoLineBreaks = true
			}
			if strings.Contains(b.Type, "CERTIFICATE REQUEST") {
				der = b.Bytes
				break
			}
			kinds = append(kinds, b.Type)
		}
		if der == nil {
			return nil, &ParseError{File: file, Err: fmt.Errorf("%w: found %s", ErrNotCSR, strings.Join(kinds, ", "))}
		}
	case isText && looksBase64(text):
		b, err := decodeBase64Loose(text)
		if err != nil {
			return nil, &ParseError{File: file, Err: ErrNotCSR}
		}
		out.Facts.BareBase64 = true
		der = b
	case len(data) > 0 && data[0] == 0x30:
		der = data
	default:
		return nil, &ParseError{File: file, Err: ErrNotCSR}
	}
	var raw asn1.RawValue
	rest, err := asn1.Unmarshal(der, &raw)
	if err != nil {
		return nil, &ParseError{File: file, Err: fmt.Errorf("%w: %v", ErrNotCSR, err)}
	}
	if len(rest) > 0 {
		out.Facts.TrailingData = true
	}
	req, err := x509.ParseCertificateRequest(raw.FullBytes)
	if err != nil {
		if _, cerr := x509.ParseCertificate(raw.FullBytes); cerr == nil {
			return nil, &ParseError{File: file, Err: fmt.Errorf("%w: the file holds a certificate", ErrNotCSR)}
		}
		return nil, &ParseError{File: file, Err: fmt.Errorf("%w: %v", ErrNotCSR, err)}
	}
	out.Req = req
	out.SignatureOK = req.CheckSignature() == nil
	out.Notes = out.Facts.notes()
	return out, nil
}
