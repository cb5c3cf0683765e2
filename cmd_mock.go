package main

import (
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/ome-preflight/ome-preflight/chain"
	"github.com/ome-preflight/ome-preflight/fixtures"
	"github.com/ome-preflight/ome-preflight/i18n"
)

func mockCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "mock",
		Usage: "lab: serve a fake OME appliance on a loopback address, to rehearse probe",
		Description: `Serves the chain with its key over TLS on a loopback address, with a Date
header and a minimal OME API (Info, TimeConfiguration, Certificate,
WebServerConfiguration, ProxyConfiguration, SecurityConfiguration) behind
Basic auth (--user; password from OME_PASSWORD). Runs until Ctrl-C.

Examples:
   ome-preflight mock --chain lab/good-pair/source.pem --key lab/good-pair/source.key --listen 127.0.0.1:8443
   ome-preflight mock --chain target.pem --key target.key --listen 127.0.0.2:8443 --client-auth require --client-ca target.pem --clock-offset 10m`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "chain", Usage: "PEM chain `FILE` to serve, leaf first"},
			&cli.StringFlag{Name: "key", Usage: "the leaf's PEM private key `FILE`"},
			&cli.StringFlag{Name: "listen", Value: "127.0.0.1:8443", Usage: "loopback `ADDRESS` to listen on"},
			durationFlag("clock-offset", 0, "shift the appliance clock (Date header, UtcTime), e.g. -10m"),
			&cli.StringFlag{Name: "client-auth", Value: "none", Usage: "none, request or require a client certificate"},
			&cli.StringFlag{Name: "client-ca", Usage: "`FILE` of CA certificates whose names are sent and which verify client certificates"},
			&cli.StringFlag{Name: "tls-max-version", Usage: "highest TLS version: 1.0, 1.1, 1.2 or 1.3"},
			&cli.BoolFlag{Name: "leaf-only", Usage: "serve only the leaf, as an appliance whose chain was uploaded as a single certificate"},
			durationFlag("latency", 0, "delay added to each HTTP response"),
			&cli.StringFlag{Name: "user", Usage: "API user (password from OME_PASSWORD)"},
			&cli.StringFlag{Name: "ome-version", Value: "4.0.1", Usage: "the Version the API reports"},
			&cli.BoolFlag{Name: "ntp", Value: true, Usage: "report NTP as enabled"},
			&cli.StringFlag{Name: "product", Value: "ome", Usage: "ome (standalone OME: FIPS endpoint answers 404 CGEN1006) or ome-m (OME-Modular: it answers FipsMode)"},
			&cli.StringFlag{Name: "fault", Usage: "misbehave: stall-http, api-500, api-bad-json, redirect-loop, drip or hangup"},
			&cli.BoolFlag{Name: "http10", Usage: "answer as an HTTP/1.0 server: Connection: close, one request per connection"},
			durationFlag("restarting", 0, "reset every connection for this long after starting, as OME's web server after a chain upload (rehearse probe --wait)"),
		},
		Action: func(c *cli.Context) error {
			o, err := mockOptions(c)
			if err != nil {
				return err
			}
			stop := make(chan os.Signal, 1)
			signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
			defer signal.Stop(stop)
			m, err := fixtures.StartMock(o)
			if errors.Is(err, syscall.EADDRINUSE) {
				return usagef("another process listens there: give a free port, or --listen 127.0.0.1:0 to let the kernel pick one (the address is printed)", "%v", err)
			}
			if err != nil {
				return usagef("give --listen a free loopback address: 127.0.0.1:0 picks a free port, and the line above says which", "%v", err)
			}
			e.say("%s", i18n.T("mock.serving", fmt.Sprintf("mock appliance on https://%s (serving %s; Ctrl-C to stop)", m.Addr, chain.Name(o.Chain[0])), m.Addr, chain.Name(o.Chain[0])))
			<-stop
			return m.Close()
		},
	}
}

func mockOptions(c *cli.Context) (fixtures.MockOptions, error) {
	var o fixtures.MockOptions
	cf, kf := c.String("chain"), c.String("key")
	if cf == "" || kf == "" {
		return o, usagef("e.g. ome-preflight mock --chain source.pem --key source.key", "mock needs --chain and --key")
	}
	pair, err := tls.LoadX509KeyPair(cf, kf)
	if err != nil {
		return o, usagef("both files must be PEM and the key must be the leaf's", "--chain %s / --key %s: %v", cf, kf, err)
	}
	for _, der := range pair.Certificate {
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			return o, fmt.Errorf("%s: %w", cf, err)
		}
		o.Chain = append(o.Chain, cert)
	}
	o.Key = pair.PrivateKey.(crypto.Signer)
	o.Listen, o.ClockOffset, o.ClientAuth = c.String("listen"), durationOf(c, "clock-offset"), c.String("client-auth")
	o.LeafOnly, o.Latency, o.Version, o.NTP = c.Bool("leaf-only"), durationOf(c, "latency"), c.String("ome-version"), c.Bool("ntp")
	o.Fault, o.Product, o.HTTP10, o.Restarting = c.String("fault"), c.String("product"), c.Bool("http10"), durationOf(c, "restarting")
	if f := c.String("client-ca"); f != "" {
		in, err := chain.ReadFile(f, chain.Options{})
		if err != nil {
			return o, err
		}
		o.ClientCAs = in.Certs
	}
	switch v := c.String("tls-max-version"); v {
	case "":
	case "1.0":
		o.TLSMaxVersion, o.TLSMinVersion = tls.VersionTLS10, tls.VersionTLS10
	case "1.1":
		o.TLSMaxVersion, o.TLSMinVersion = tls.VersionTLS11, tls.VersionTLS10
	case "1.2":
		o.TLSMaxVersion = tls.VersionTLS12
	case "1.3":
		o.TLSMaxVersion = tls.VersionTLS13
	default:
		return o, usagef("use 1.0, 1.1, 1.2 or 1.3", "bad --tls-max-version %q", v)
	}
	if u := c.String("user"); u != "" {
		o.User, o.Password = u, os.Getenv("OME_PASSWORD")
		if o.Password == "" {
			return o, usagef("set OME_PASSWORD for the mock's API user", "--user needs OME_PASSWORD")
		}
	}
	return o, nil
}
