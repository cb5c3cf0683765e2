package probe

import (
	"testing"

	"github.com/ome-preflight/ome-preflight/report"
)

// The parsers of the optional endpoints never panic, whatever the body.
func FuzzEndpointBodies(f *testing.F) {
	f.Add([]byte(`{"TimeOut":20,"PortNumber":443,"EnableWebServer":true}`))
	f.Add([]byte(`{"DnsConfiguration":{"DnsName":"ome","DnsDomainName":"example.com"},"Ipv4Configuration":{"Enable":true,"StaticIPAddress":"10.0.0.5"},"CurrentSettings":{"Ipv6Settings":{"CurrentIPAddress":["fd00::5/64"]}}}`))
	f.Add([]byte(`{"value":[{"PrimaryInterface":true,"DnsConfiguration":{"DnsName":"a.b"}}]}`))
	f.Add([]byte(`{"value":[{"IssuedTo":{"DistinguishedName":"x","San":["a","b"],"KeySize":"2048"},"IssuedBy":{}}]}`))
	f.Add([]byte(`{"PortNumber":"99999999999999999999"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, ep := range afterInfo {
			api := &apiReader{API: &report.API{}}
			ep.fill(api, body, 0)
			if api.WebServerPort < 0 || api.WebServerPort > 65535 {
				t.Fatalf("port %d", api.WebServerPort)
			}
		}
	})
}
