package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ome-preflight/ome-preflight/fixtures"
	"github.com/ome-preflight/ome-preflight/report"
)

// startNginx runs nginx on a loopback port with ssl_verify_client on: it
// completes the TLS handshake whatever the client presents and refuses at
// the HTTP level (400 "The SSL certificate error" or "No required SSL
// certificate was sent"). The test ends it by its PID.
func startNginx(t *testing.T, dir string) string {
	t.Helper()
	bin, err := exec.LookPath("nginx")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("nginx is not installed; .ci/run installs nginx-light")
		}
		t.Skip("nginx not installed (CI installs nginx-light)")
	}
	certs, _ := loadPair(t, dir, "target")
	os.WriteFile(filepath.Join(dir, "ngx-chain.pem"), fixtures.PEM(certs...), 0o600)
	os.WriteFile(filepath.Join(dir, "ngx-cas.pem"), fixtures.PEM(certs[1:]...), 0o600)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	conf := fmt.Sprintf(`daemon off;
master_process off;
worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path %[1]s/tmp; proxy_temp_path %[1]s/tmp; fastcgi_temp_path %[1]s/tmp; uwsgi_temp_path %[1]s/tmp; scgi_temp_path %[1]s/tmp;
  server {
    listen %[2]s ssl;
    ssl_certificate %[1]s/ngx-chain.pem;
    ssl_certificate_key %[1]s/target.key;
    ssl_client_certificate %[1]s/ngx-cas.pem;
    ssl_verify_client on;
    ssl_protocols TLSv1.2 TLSv1.3;
    location / { return 200 "ok\n"; }
  }
}
`, dir, addr)
	os.MkdirAll(filepath.Join(dir, "tmp"), 0o755)
	cf := filepath.Join(dir, "nginx.conf")
	os.WriteFile(cf, []byte(conf), 0o600)
	startListening(t, exec.Command(bin, "-c", cf, "-p", dir, "-e", filepath.Join(dir, "error.log")), addr)
	return addr
}

// A client certificate refused at the HTTP level (nginx answers 400 after a
// completed handshake) is a refused handshake with a stand-in identity from
// another CA, and not a pass without one; the lab's stand-in from the same
// CA gets 200.
func TestProbeHTTPLevelClientCertRefusal(t *testing.T) {
	now := labClock(t)
	dir := pairLab(t, "good-pair")
	src := startMock(t, dir, "source", "127.0.0.1:0", now, nil)
	defer src.Close()
	addr := startNginx(t, dir)

	// Another CA's identity.
	other := fixtures.MustBuild(testBase, fixtures.Spec{ID: "oroot", CN: "Other-Root", CA: true},
		fixtures.Spec{ID: "ostandin", CN: "ome-preflight-standin", Issuer: "oroot"})
	os.WriteFile(filepath.Join(dir, "other.pem"), fixtures.PEM(other.Chain("ostandin", "oroot")...), 0o600)
	os.WriteFile(filepath.Join(dir, "other.key"), fixtures.KeyPEM(other.Certs["ostandin"].Key), 0o600)

	cases := []struct {
		name   string
		args   []string
		status report.Status
		text   string
	}{
		{"the lab's stand-in from the same CA", []string{"--client-cert", "standin.pem", "--client-key", "standin.key"}, report.Pass, ""},
		{"an identity from another CA", []string{"--client-cert", "other.pem", "--client-key", "other.key"}, report.Error, "refused at the HTTP level after the handshake (HTTP 400"},
		{"no stand-in identity", nil, report.NA, "requires a client certificate"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := runCLI(t, probeArgs(src.Addr, addr, tc.args...)...)
			r, status := reportChecks(t, res)
			c := status["live-handshake/target"]
			if c.Status != tc.status {
				t.Errorf("live-handshake target %s (%s), want %s", c.Status, c.Reason, tc.status)
			}
			text := c.Reason
			for _, f := range r.Findings {
				if f.Rule == "live-handshake" && f.Side == report.SideTarget {
					text += f.Message
				}
			}
			if !strings.Contains(text, tc.text) {
				t.Errorf("live-handshake target says %q, want %q", text, tc.text)
			}
		})
	}
}
