package main

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/render"
	"github.com/ome-preflight/ome-preflight/report"
)

// The stand-in's files, in the folder --out names.
const (
	standinKey = "standin.key"
	standinCSR = "standin.csr"
	standinINF = "standin.inf"
)

// standinKeyBits is the stand-in's RSA key size: what appliances use, and
// what OME's TLS 1.2 RSA suites negotiate.
const standinKeyBits = 2048

func standinCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "standin",
		Usage:     "make the stand-in client identity (key, CSR, certreq INF) that lets probe test the client side",
		ArgsUsage: " ",
		Description: `Writes into --out DIR a stand-in client identity for probe: an RSA 2048 key
(standin.key, mode 0600, never printed), a CSR requesting Server and Client
Authentication (standin.csr), and a certreq INF for the same request
(standin.inf). Have the appliances' CA issue a certificate for standin.csr from
the template the appliances' certificates come from, then give it to probe with
--client-cert (PEM, DER or PKCS#7, as the CA returns it) and --client-key
standin.key. Without a stand-in, a probe PASS covers the server side only: no
appliance was shown a client certificate. Existing files are never replaced.

Examples:
   ome-preflight standin --out standin
   ome-preflight standin --out standin --template OMEWebServer --cn ome-preflight-standin
   certreq -submit -attrib "CertificateTemplate:OMEWebServer" standin\standin.csr standin.cer
   ome-preflight probe --source 10.0.0.5 --target 10.0.0.6 --client-cert standin.cer --client-key standin\standin.key`,
		Flags: []cli.Flag{
			formatFlag(),
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "the `DIR` to write standin.key, standin.csr and standin.inf into (created if missing)"},
			&cli.StringFlag{Name: "template", Usage: "the AD CS certificate template `NAME` to request (the INF's CertificateTemplate and the certreq line)"},
			&cli.StringFlag{Name: "cn", Value: "ome-preflight-standin", Usage: "the stand-in's common `NAME`"},
		},
		Action: func(c *cli.Context) error {
			format, err := checkFormat(c)
			if err != nil {
				return err
			}
			if c.NArg() != 0 {
				return usagef("usage: ome-preflight standin --out DIR [--template NAME]", "standin takes no arguments, got %d", c.NArg())
			}
			dir := c.String("out")
			if dir == "" {
				return usagef("e.g. ome-preflight standin --out standin", "standin needs --out DIR")
			}
			cn := strings.TrimSpace(c.String("cn"))
			if cn == "" || strings.ContainsAny(cn, "\"\r\n") {
				return usagef("e.g. --cn ome-preflight-standin", "bad --cn %q", c.String("cn"))
			}
			tmpl := strings.TrimSpace(c.String("template"))
			if strings.ContainsAny(tmpl, "\"\r\n") {
				return usagef("give the template's name as the Certificate Templates console shows it, e.g. --template OMEWebServer", "bad --template %q", tmpl)
			}
			res, err := writeStandin(dir, cn, tmpl)
			if err != nil {
				return err
			}
			return render.RenderStandin(e.stdout, res, format)
		},
	}
}

// writeStandin makes the key, the CSR and the INF and writes them into
// dir; it never replaces a file.
func writeStandin(dir, cn, tmpl string) (*report.Standin, error) {
	paths := map[string]string{}
	for _, f := range []string{standinKey, standinCSR, standinINF} {
		p := filepath.Join(dir, f)
		if _, err := os.Lstat(p); err == nil {
			return nil, usageHints([]string{"use the stand-in that is there, or give another --out folder"},
				"%s exists: standin never replaces a file (a stand-in key may already have a certificate)", p)
		}
		paths[f] = p
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, usageHints([]string{"give a folder you can write to"}, "--out %s: %v", dir, err)
	}
	key, err := rsa.GenerateKey(rand.Reader, standinKeyBits)
	if err != nil {
		return nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	csrDER, err := standinRequest(cn, key)
	if err != nil {
		return nil, err
	}
	files := []struct {
		name string
		data []byte
		mode os.FileMode
		role string
	}{
		{standinKey, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600, "private key (keep it; never upload it; give it to probe --client-key)"},
		{standinCSR, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: csrDER}), 0o644, "CSR: have the appliances' CA sign it"},
		{standinINF, []byte(standinINFText(cn, tmpl)), 0o644, "certreq INF for the same request (certreq -new makes the key on Windows instead)"},
	}
	out := &report.Standin{SchemaVersion: report.SchemaVersion, Command: "standin", Dir: dir, CommonName: cn, Template: tmpl, Files: []report.StandinFile{}}
	for _, f := range files {
		if err := chain.WriteFileAtomicMode(paths[f.name], f.data, false, f.mode); err != nil {
			if errors.Is(err, chain.ErrExists) {
				return nil, usageHints([]string{"give another --out folder"}, "%s appeared while standin was writing: it was kept, not replaced", paths[f.name])
			}
			return nil, fmt.Errorf("writing %s: %w", paths[f.name], err)
		}
		out.Files = append(out.Files, report.StandinFile{Path: paths[f.name], Mode: fmt.Sprintf("%04o", f.mode), Role: f.role})
	}
	template := tmpl
	if template == "" {
		template = "TEMPLATE"
	}
	csrPath := paths[standinCSR]
	out.Next = []string{
		fmt.Sprintf("certreq -submit -attrib \"CertificateTemplate:%s\" %s standin.cer   (AD CS; or give %s to your CA)", template, csrPath, csrPath),
		fmt.Sprintf("ome-preflight probe --source HOST --target HOST --client-cert standin.cer --client-key %s   (PEM, DER or PKCS#7 as the CA returns it)", paths[standinKey]),
	}
	if tmpl == "" {
		out.Next = append([]string{"no --template given: the INF requests no template; name the one the appliances' certificates come from (the certreq line's TEMPLATE)"}, out.Next...)
	}
	return out, nil
}

// Object identifiers of the stand-in's extension request.
var (
	oidExtKeyUsage = asn1.ObjectIdentifier{2, 5, 29, 37}
	oidKeyUsage    = asn1.ObjectIdentifier{2, 5, 29, 15}
	oidServerAuth  = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 1}
	oidClientAuth  = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 2}
)

// standinRequest is the stand-in's CSR: the CN, and an extension request
// for Server and Client Authentication with Digital Signature and Key
// Encipherment (what OME asks of an appliance's leaf, KB 000221202 #3, #4).
func standinRequest(cn string, key *rsa.PrivateKey) ([]byte, error) {
	eku, err := asn1.Marshal([]asn1.ObjectIdentifier{oidServerAuth, oidClientAuth})
	if err != nil {
		return nil, err
	}
	// KeyUsage BIT STRING: digitalSignature (bit 0) and keyEncipherment
	// (bit 2): 0xa0, five unused bits.
	ku, err := asn1.Marshal(asn1.BitString{Bytes: []byte{0xa0}, BitLength: 3})
	if err != nil {
		return nil, err
	}
	return x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject:         pkix.Name{CommonName: cn},
		DNSNames:        []string{cn},
		ExtraExtensions: []pkix.Extension{{Id: oidKeyUsage, Critical: true, Value: ku}, {Id: oidExtKeyUsage, Value: eku}},
	}, key)
}

// standinINFText is the certreq INF for the same request: certreq -new
// standin.inf makes the key on Windows and a CSR like standin.csr.
func standinINFText(cn, tmpl string) string {
	var b strings.Builder
	b.WriteString("; certreq INF for the ome-preflight stand-in client identity.\r\n")
	b.WriteString("; certreq -new standin.inf standin-windows.csr makes the key in this machine's store instead of standin.key.\r\n")
	b.WriteString("[Version]\r\nSignature=\"$Windows NT$\"\r\n\r\n")
	fmt.Fprintf(&b, "[NewRequest]\r\nSubject = \"CN=%s\"\r\nKeyAlgorithm = RSA\r\nKeyLength = %d\r\nKeySpec = 1\r\nKeyUsage = 0xa0\r\nExportable = TRUE\r\nMachineKeySet = FALSE\r\nRequestType = PKCS10\r\n\r\n", cn, standinKeyBits)
	b.WriteString("[EnhancedKeyUsageExtension]\r\n; Server Authentication, Client Authentication\r\nOID=1.3.6.1.5.5.7.3.1\r\nOID=1.3.6.1.5.5.7.3.2\r\n")
	fmt.Fprintf(&b, "\r\n[Extensions]\r\n2.5.29.17 = \"{text}\"\r\n_continue_ = \"dns=%s\"\r\n", cn)
	if tmpl != "" {
		fmt.Fprintf(&b, "\r\n[RequestAttributes]\r\nCertificateTemplate = %s\r\n", tmpl)
	}
	return b.String()
}

// loadClientIdentity reads probe's --client-cert and --client-key: the
// certificate as the CA returns it (PEM, DER, PKCS#7 in PEM or DER, with or
// without its chain) and the PEM key (standin.key). The certificate whose
// public key is the key's goes first, the rest follow.
func loadClientIdentity(certFile, keyFile string) (*tls.Certificate, error) {
	in, err := chain.ReadFile(certFile, chain.Options{Password: func() (string, error) { return "", chain.ErrPasswordNeeded }})
	if err != nil {
		return nil, err
	}
	if len(in.Certs) == 0 {
		return nil, usagef("give the certificate the CA issued for the stand-in's CSR (PEM, DER or PKCS#7)", "--client-cert %s holds no certificate", certFile)
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, usagef("give the stand-in's key file (standin.key from ome-preflight standin)", "--client-key %s: %v", keyFile, err)
	}
	var lastErr error
	for i := range in.Certs {
		var certPEM []byte
		for _, c := range append([]*x509.Certificate{in.Certs[i]}, append(append([]*x509.Certificate{}, in.Certs[:i]...), in.Certs[i+1:]...)...) {
			certPEM = append(certPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
		}
		kp, err := tls.X509KeyPair(certPEM, keyPEM)
		if err == nil {
			return &kp, nil
		}
		lastErr = err
	}
	return nil, usagef("the key must be PEM and match the certificate: give the key the stand-in's CSR was made with (standin.key)",
		"--client-cert %s / --client-key %s: no certificate in the file matches the key (%v)", certFile, keyFile, lastErr)
}
