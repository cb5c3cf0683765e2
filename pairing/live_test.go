package pairing

import (
	"crypto/x509/pkix"
	"testing"
)

// api-cert compares OME's plain common name with the certificate's decoded
// CommonName: names with RFC 2253 specials are not false warnings.
func TestSameNameSpecials(t *testing.T) {
	for _, cn := range []string{"ome.example.com", `Dell, Inc. + OME; "lab" <1> \ root`, "Inter-CA1"} {
		n := pkix.Name{CommonName: cn, Organization: []string{"Example, Corp"}}
		if !sameName(cn, n) {
			t.Errorf("%q does not match its own certificate (DN %s)", cn, n.String())
		}
		if !sameName(n.String(), n) {
			t.Errorf("the whole DN %s does not match", n.String())
		}
		if sameName(cn+"x", n) {
			t.Errorf("%q matches %q", cn+"x", cn)
		}
	}
}
