package probe

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"

	"github.com/ome-preflight/ome-preflight/report"
)

// rdnString renders a DER distinguished name from a CertificateRequest's
// acceptable CA list.
func rdnString(der []byte) report.Name {
	var seq pkix.RDNSequence
	if rest, err := asn1.Unmarshal(der, &seq); err != nil || len(rest) > 0 {
		return report.Name{DN: "unparsable name " + hex.EncodeToString(der)}
	}
	var n pkix.Name
	n.FillFromRDNSequence(&seq)
	return report.NameOf(n)
}
