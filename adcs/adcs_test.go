package adcs

import (
	"bytes"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"
)

func read(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "template", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// powershell51 is what Windows PowerShell 5.1's '>' writes: UTF-16LE with
// a BOM, CRLF line endings.
func powershell51(text []byte) []byte {
	s := strings.ReplaceAll(string(text), "\n", "\r\n")
	var b bytes.Buffer
	b.Write([]byte{0xFF, 0xFE})
	for _, u := range utf16.Encode([]rune(s)) {
		_ = binary.Write(&b, binary.LittleEndian, u)
	}
	return b.Bytes()
}

type summary struct {
	Name, Display string
	Schema        int
	EKUAttr       string
	EKU           []string
	KU            x509.KeyUsage
	NameFlag      uint32
	MinKey        int
	Validity      string
	ValidityKnown bool
}

func summarize(t *Template) summary {
	oids, attr, _ := t.IssuedEKU()
	var eku []string
	for _, o := range oids {
		eku = append(eku, o.OID+" "+o.Name)
	}
	return summary{t.Name, t.DisplayName, t.SchemaVersion, attr, eku, t.KeyUsage, t.NameFlag, t.MinKeySize, t.Validity.Text, t.Validity.Known}
}

func TestParseDumps(t *testing.T) {
	for _, tc := range []struct {
		file string
		want summary
	}{
		{"webserver-default.txt", summary{"WebServer", "Web Server", 1, AttrEKU, []string{"1.3.6.1.5.5.7.3.1 Server Authentication"},
			x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment, EnrolleeSuppliesSubject, 2048, "2 Years", true}},
		{"webserver-ome-v2.txt", summary{"WebServerOME", "Web Server OME", 2, AttrAppPolicy,
			[]string{"1.3.6.1.5.5.7.3.1 Server Authentication", "1.3.6.1.5.5.7.3.2 Client Authentication"},
			x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment, EnrolleeSuppliesSubject, 2048, "2 Years", true}},
		{"ku-digital-signature-only.txt", summary{"WebServerOMESigOnly", "Web Server OME signature only", 2, AttrAppPolicy,
			[]string{"1.3.6.1.5.5.7.3.1 Server Authentication", "1.3.6.1.5.5.7.3.2 Client Authentication"},
			x509.KeyUsageDigitalSignature, EnrolleeSuppliesSubject, 2048, "2 Years", true}},
		// [MS-CRTD] section 3 as printed: no schema version (read as 1),
		// the EKU list wrapped mid-entry, a negative name flag.
		{"administrator-mscrtd.txt", summary{"Administrator", "Administrator", 1, AttrEKU,
			[]string{"1.3.6.1.4.1.311.10.3.1 Microsoft Trust List Signing", "1.3.6.1.4.1.311.10.3.4 Encrypting File System",
				"1.3.6.1.5.5.7.3.4 Secure Email", "1.3.6.1.5.5.7.3.2 Client Authentication"},
			x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment, 0xa6000000, 0, "1 Years", true}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			tpl, err := Parse(tc.file, read(t, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, summarize(tpl)); d != "" {
				t.Errorf("(-want +got)\n%s", d)
			}
		})
	}
}

// A dump saved by Windows PowerShell 5.1 reads as its UTF-8 twin.
func TestUTF16TwinReadsTheSame(t *testing.T) {
	for _, f := range []string{"webserver-default.txt", "webserver-ome-v2.txt", "administrator-mscrtd.txt"} {
		utf8Dump := read(t, f)
		a, err := Parse(f, utf8Dump)
		if err != nil {
			t.Fatal(err)
		}
		b, err := Parse(f, powershell51(utf8Dump))
		if err != nil {
			t.Fatalf("UTF-16LE twin of %s: %v", f, err)
		}
		if b.Encoding != "utf-16le" || !strings.Contains(strings.Join(b.Notes, ";"), "CRLF") {
			t.Errorf("%s: encoding %q notes %q; want utf-16le with CRLF noted", f, b.Encoding, b.Notes)
		}
		a.Encoding, a.Notes, b.Encoding, b.Notes = "", nil, "", nil
		if d := cmp.Diff(a, b); d != "" {
			t.Errorf("%s: UTF-16 twin differs (-utf8 +utf16)\n%s", f, d)
		}
	}
}

func TestParseErrors(t *testing.T) {
	good := string(read(t, "webserver-default.txt"))
	two := good + strings.Replace(good, "[WebServer]", "[User]", 1)
	for _, tc := range []struct {
		name, data string
		want       error
		mention    []string
	}{
		{"truncated", string(read(t, "truncated.txt")), ErrTruncated, []string{"pKIDefaultCSPs", "cut short"}},
		{"cut before the name flag", good[:strings.Index(good, "  msPKI-Certificate-Name-Flag")], ErrTruncated,
			[]string{"msPKI-Certificate-Name-Flag", "certutil -v -dstemplate WebServer"}},
		{"unrelated text", "Hello,\nthis is the change ticket.\n", ErrNotTemplate, []string{"certutil -v -dstemplate NAME", "[NAME]"}},
		{"a certificate", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", ErrNotTemplate, []string{"ome-preflight check"}},
		{"empty", "", ErrNotTemplate, []string{"empty"}},
		{"an ini file", "[section]\nkey=value\n", ErrNotTemplate, []string{"pKIKeyUsage"}},
		{"an ini file with spaces", "[Version]\nSignature = \"$Windows NT$\"\n", ErrNotTemplate, []string{"pKIKeyUsage"}},
		{"two templates", two, ErrSeveral, []string{"WebServer, User"}},
		{"certutil failed", "CertUtil: -dsTemplate command FAILED: 0x80070002 (WIN32: 2 ERROR_FILE_NOT_FOUND)\n", ErrCertutil, []string{"ERROR_FILE_NOT_FOUND"}},
		{"bad key usage", strings.Replace(good, `"a0 00"`, `"digitalSignature"`, 1), ErrBadValue, []string{"pKIKeyUsage", "a0 00"}},
		{"bad OID", strings.Replace(good, `"1.3.6.1.5.5.7.3.1" Server`, `"Server Authentication"`, 1), ErrBadValue, []string{"pKIExtendedKeyUsage", "OID"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("dump.txt", []byte(tc.data))
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v; want %v", err, tc.want)
			}
			var pe *ParseError
			if !errors.As(err, &pe) || pe.File != "dump.txt" {
				t.Errorf("error %v does not name the file", err)
			}
			for _, m := range tc.mention {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not mention %q", err, m)
				}
			}
		})
	}
}

// For schema 2 and later the CA issues msPKI-Certificate-Application-Policy,
// whatever pKIExtendedKeyUsage says; schema 1 issues pKIExtendedKeyUsage.
func TestIssuedEKU(t *testing.T) {
	v2 := string(read(t, "webserver-ome-v2.txt"))
	serverOnlyEKU := strings.Replace(v2, `  pKIExtendedKeyUsage =
    "1.3.6.1.5.5.7.3.1" Server Authentication,
    "1.3.6.1.5.5.7.3.2" Client Authentication`, `  pKIExtendedKeyUsage = "1.3.6.1.5.5.7.3.1" Server Authentication`, 1)
	tpl, err := Parse("x", []byte(serverOnlyEKU))
	if err != nil {
		t.Fatal(err)
	}
	if oids, attr, _ := tpl.IssuedEKU(); attr != AttrAppPolicy || len(oids) != 2 {
		t.Errorf("schema 2: %v from %s; want both from %s", oids, attr, AttrAppPolicy)
	}
	schema1 := strings.Replace(serverOnlyEKU, `msPKI-Template-Schema-Version = "2"`, `msPKI-Template-Schema-Version = "1"`, 1)
	if tpl, err = Parse("x", []byte(schema1)); err != nil {
		t.Fatal(err)
	}
	if oids, attr, _ := tpl.IssuedEKU(); attr != AttrEKU || len(oids) != 1 {
		t.Errorf("schema 1: %v from %s; want one from %s", oids, attr, AttrEKU)
	}
}

func TestPeriod(t *testing.T) {
	from := time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		text  string
		known bool
		end   time.Time
	}{
		{"2 Years", true, time.Date(2028, 1, 31, 0, 0, 0, 0, time.UTC)},
		{"1 Year", true, time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)},
		{"6 Weeks", true, from.AddDate(0, 0, 42)},
		{"5 Days", true, from.AddDate(0, 0, 5)},
		{"8 Hours", true, from.Add(8 * time.Hour)},
		{"2 Jahre", false, from},
		// [MS-CRTD] 2.11's FILETIME bytes: one year is -365 days in 100 ns.
		{"00 40 39 87 2e e1 fe ff", true, from.Add(365 * 24 * time.Hour)},
	} {
		p := period(tc.text)
		if p.Known != tc.known || p.Known && !p.End(from).Equal(tc.end) {
			t.Errorf("%q: known %v end %v; want %v %v", tc.text, p.Known, p.End(from), tc.known, tc.end)
		}
	}
}

// FuzzParse: no input panics or hangs the template reader; what it accepts
// has a name and the attributes every template has.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"webserver-default.txt", "webserver-ome-v2.txt", "ku-digital-signature-only.txt", "administrator-mscrtd.txt", "truncated.txt"} {
		b := read(f, name)
		f.Add(b)
		f.Add(powershell51(b))
	}
	f.Add([]byte("[x]\n a = \"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tpl, err := Parse("fuzz.txt", data)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.File != "fuzz.txt" {
				t.Fatalf("error %v does not name the file", err)
			}
			return
		}
		if tpl.Name == "" || tpl.SchemaVersion < 1 {
			t.Fatalf("accepted a template without a name or schema: %+v", tpl)
		}
		if _, ok := tpl.Attrs[AttrKeyUsage]; !ok {
			t.Fatalf("accepted a template without %s", AttrKeyUsage)
		}
	})
}
