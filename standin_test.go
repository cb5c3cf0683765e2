package main

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/ome-preflight/ome-preflight/fixtures"
	"github.com/ome-preflight/ome-preflight/report"
)

// standin writes a 0600 RSA 2048 key that it never prints, a CSR whose
// extension request asks for Server and Client Authentication, and the
// certreq INF for the same template; a second run replaces nothing.
func TestStandinWritesIdentity(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "standin")
	res := runCLI(t, "standin", "--out", dir, "--template", "OMEWebServer", "--cn", "standin.example.com")
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	keyPEM, err := os.ReadFile(filepath.Join(dir, "standin.key"))
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(filepath.Join(dir, "standin.key")); st.Mode().Perm() != 0o600 {
		t.Errorf("key mode %v, want 0600", st.Mode().Perm())
	}
	blk, _ := pem.Decode(keyPEM)
	if blk == nil {
		t.Fatal("standin.key is not PEM")
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok || rk.N.BitLen() != 2048 {
		t.Fatalf("key %T, want RSA 2048", k)
	}
	body := strings.Join(strings.Split(string(keyPEM), "\n")[1:3], "")
	if strings.Contains(res.stdout, body[:40]) || strings.Contains(res.stderr, body[:40]) || strings.Contains(res.stdout, "PRIVATE KEY-----") {
		t.Error("standin printed its key")
	}
	csrPEM, _ := os.ReadFile(filepath.Join(dir, "standin.csr"))
	cb, _ := pem.Decode(csrPEM)
	req, err := x509.ParseCertificateRequest(cb.Bytes)
	if err != nil || req.CheckSignature() != nil {
		t.Fatalf("standin.csr: %v", err)
	}
	if req.Subject.CommonName != "standin.example.com" || !req.PublicKey.(*rsa.PublicKey).Equal(&rk.PublicKey) {
		t.Errorf("CSR subject %s, or its key is not standin.key's", req.Subject)
	}
	var eku []asn1.ObjectIdentifier
	var kuSeen bool
	for _, e := range req.Extensions {
		switch {
		case e.Id.Equal(asn1.ObjectIdentifier{2, 5, 29, 37}):
			if _, err := asn1.Unmarshal(e.Value, &eku); err != nil {
				t.Fatal(err)
			}
		case e.Id.Equal(asn1.ObjectIdentifier{2, 5, 29, 15}):
			var bits asn1.BitString
			asn1.Unmarshal(e.Value, &bits)
			kuSeen = bits.At(0) == 1 && bits.At(2) == 1
		}
	}
	wantEKU := []string{"1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"}
	var gotEKU []string
	for _, o := range eku {
		gotEKU = append(gotEKU, o.String())
	}
	if !slices.Equal(gotEKU, wantEKU) || !kuSeen {
		t.Errorf("requested EKU %v (want %v), key usage digitalSignature+keyEncipherment %v", gotEKU, wantEKU, kuSeen)
	}
	inf, _ := os.ReadFile(filepath.Join(dir, "standin.inf"))
	for _, w := range []string{"[NewRequest]", `Subject = "CN=standin.example.com"`, "KeyLength = 2048", "Exportable = TRUE", "RequestType = PKCS10",
		"[EnhancedKeyUsageExtension]", "OID=1.3.6.1.5.5.7.3.1", "OID=1.3.6.1.5.5.7.3.2", "[RequestAttributes]", "CertificateTemplate = OMEWebServer"} {
		if !strings.Contains(string(inf), w+"\r\n") {
			t.Errorf("standin.inf lacks %q:\n%s", w, inf)
		}
	}
	if !strings.Contains(res.stdout, `certreq -submit -attrib "CertificateTemplate:OMEWebServer"`) {
		t.Errorf("next steps:\n%s", res.stdout)
	}
	// The csr command passes the stand-in's CSR.
	if r := runCLI(t, "csr", filepath.Join(dir, "standin.csr")); r.code != 0 {
		t.Errorf("csr on standin.csr: exit %d\n%s", r.code, r.stdout)
	}
	// Again into the same folder: exit 2, nothing replaced.
	again := runCLI(t, "standin", "--out", dir)
	after, _ := os.ReadFile(filepath.Join(dir, "standin.key"))
	if again.code != 2 || !strings.Contains(again.stderr, "never replaces") || string(after) != string(keyPEM) {
		t.Errorf("second run: exit %d %q; key kept: %v", again.code, again.stderr, string(after) == string(keyPEM))
	}
	// Without a template the INF requests none; JSON lists the files.
	js := runCLI(t, "standin", "--format", "json", "--out", filepath.Join(t.TempDir(), "s2"))
	var s report.Standin
	if err := json.Unmarshal([]byte(js.stdout), &s); err != nil || len(s.Files) != 3 || s.Files[0].Mode != "0600" || s.SchemaVersion != 1 {
		t.Errorf("json: %v %+v", err, s)
	}
	if b, _ := os.ReadFile(s.Files[2].Path); strings.Contains(string(b), "CertificateTemplate") {
		t.Error("an INF without --template names a template")
	}
	if r := runCLI(t, "standin"); r.code != 2 || !strings.Contains(r.stderr, "--out") {
		t.Errorf("standin without --out: %d %q", r.code, r.stderr)
	}
}

// A certificate an openssl CA issues for the stand-in's CSR, in PEM, DER or
// PKCS#7 as a CA hands it back, is accepted by probe --client-cert: both
// mocks, which trust that CA for clients, complete the mutual handshake
// with it.
func TestStandinIssuedCertWorksWithProbe(t *testing.T) {
	requireOpenSSL(t)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	now := labClock(t)
	dir := pairLab(t, "good-pair")
	if r := runCLI(t, "standin", "--out", "st"); r.code != 0 {
		t.Fatalf("standin: %d %s", r.code, r.stderr)
	}
	o := &osslPKI{t: t, dir: dir}
	// An openssl CA (openssl ca, for dates around the lab's clock, which
	// starts at testBase) issues the stand-in's certificate.
	o.write("ca.cnf", "[ca]\ndefault_ca = d\n[d]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial\ndefault_md = sha256\npolicy = p\nunique_subject = no\n"+
		"[p]\ncommonName = supplied\n[v3_ca]\nbasicConstraints = critical,CA:true\nkeyUsage = critical,keyCertSign,cRLSign\n"+
		"[v3_leaf]\nbasicConstraints = CA:FALSE\nkeyUsage = critical,digitalSignature,keyEncipherment\nextendedKeyUsage = serverAuth,clientAuth\n")
	o.write("index.txt", "")
	o.write("serial", "1000\n")
	start, end := testBase.AddDate(0, 0, -1).UTC().Format("20060102150405Z"), testBase.AddDate(2, 0, 0).UTC().Format("20060102150405Z")
	o.run("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-subj", "/CN=Standin Test CA", "-out", "ca.csr")
	o.run("ca", "-batch", "-config", "ca.cnf", "-selfsign", "-keyfile", "ca.key", "-startdate", start, "-enddate", end, "-extensions", "v3_ca", "-notext", "-in", "ca.csr", "-out", "ca.pem")
	o.run("ca", "-batch", "-config", "ca.cnf", "-cert", "ca.pem", "-keyfile", "ca.key", "-startdate", start, "-enddate", end, "-extensions", "v3_leaf", "-notext", "-in", "st/standin.csr", "-out", "issued.pem")
	o.run("x509", "-in", "issued.pem", "-outform", "DER", "-out", "issued.cer")
	o.run("crl2pkcs7", "-nocrl", "-certfile", "issued.pem", "-certfile", "ca.pem", "-out", "issued.p7b")
	o.run("crl2pkcs7", "-nocrl", "-certfile", "ca.pem", "-certfile", "issued.pem", "-outform", "DER", "-out", "issued-der.p7b")
	caBlk, _ := pem.Decode(o.read("ca.pem"))
	ca, err := x509.ParseCertificate(caBlk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	trustCA := func(m *fixtures.MockOptions) { m.ClientCAs = []*x509.Certificate{ca} }
	src := startMock(t, dir, "source", "127.0.0.1:0", now, trustCA)
	defer src.Close()
	tgt := startMock(t, dir, "target", "127.0.0.2:0", now, trustCA)
	defer tgt.Close()
	for _, f := range []string{"issued.pem", "issued.cer", "issued.p7b", "issued-der.p7b"} {
		t.Run(f, func(t *testing.T) {
			t.Setenv("OME_PASSWORD", "pw")
			res := runCLI(t, probeArgs(src.Addr, tgt.Addr, "--client-cert", f, "--client-key", "st/standin.key")...)
			var r report.Report
			if err := json.Unmarshal([]byte(res.stdout), &r); err != nil {
				t.Fatalf("exit %d: %v %s", res.code, err, res.stderr)
			}
			for _, sd := range []*report.Appliance{r.Source, r.Target} {
				hs := sd.Observed.Handshakes[len(sd.Observed.Handshakes)-1]
				if hs.Kind != "mutual" || !hs.OK || !strings.Contains(hs.ClientCert.DN, "ome-preflight-standin") {
					t.Errorf("%s: mutual handshake %+v", sd.Address, hs)
				}
			}
			if r.Scope != "" {
				t.Errorf("scope %q: a stand-in was given", r.Scope)
			}
		})
	}
	// A key that is not the stand-in's: a usage error naming both files.
	res := runCLI(t, probeArgs(src.Addr, tgt.Addr, "--client-cert", "issued.pem", "--client-key", "source.key")...)
	if res.code != 2 || !strings.Contains(res.stderr, "issued.pem") || !strings.Contains(res.stderr, "source.key") || strings.Contains(res.stderr, "PRIVATE KEY") {
		t.Errorf("wrong key: exit %d %s", res.code, res.stderr)
	}
}
