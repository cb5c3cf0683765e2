package chain

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"time"
)

// Info describes one certificate: the facts reports carry (package
// report's Cert is the JSON-tagged description the rules build from it).
type Info struct {
	Index              int
	Role               string
	Subject            string
	Issuer             string
	CommonName         string
	NotBefore          time.Time
	NotAfter           time.Time
	Serial             string
	SHA256             string
	SPKISHA256         string
	Key                string
	SignatureAlgorithm string
	KeyUsage           []string
	ExtKeyUsage        []string
	IsCA               bool
	SAN                []string
	// PathPosition is the place on the certification path (0 = leaf), or
	// nil for a certificate that is on no path.
	PathPosition *int
}

// DescribeCert returns Info for certificate i of certs, given the path.
func DescribeCert(certs []*x509.Certificate, p Path, i int) Info {
	c := certs[i]
	raw, spki := sha256.Sum256(c.Raw), sha256.Sum256(c.RawSubjectPublicKeyInfo)
	info := Info{
		Index:              i,
		Role:               p.Role(certs, i),
		Subject:            c.Subject.String(),
		Issuer:             c.Issuer.String(),
		CommonName:         c.Subject.CommonName,
		NotBefore:          c.NotBefore.UTC(),
		NotAfter:           c.NotAfter.UTC(),
		Serial:             hex.EncodeToString(c.SerialNumber.Bytes()),
		SHA256:             hex.EncodeToString(raw[:]),
		SPKISHA256:         hex.EncodeToString(spki[:]),
		Key:                KeyDescription(c.PublicKey),
		SignatureAlgorithm: c.SignatureAlgorithm.String(),
		KeyUsage:           KeyUsageNames(c.KeyUsage),
		ExtKeyUsage:        ExtKeyUsageNames(c),
		IsCA:               c.IsCA,
		SAN:                SANs(c),
	}
	for k, j := range p.Order {
		if j == i {
			k := k
			info.PathPosition = &k
		}
	}
	return info
}

// KeyDescription is "RSA 2048", "ECDSA P-256", "Ed25519".
func KeyDescription(pub any) string {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA %d", k.N.BitLen())
	case *ecdsa.PublicKey:
		return "ECDSA " + k.Curve.Params().Name
	case ed25519.PublicKey:
		return "Ed25519"
	default:
		return fmt.Sprintf("%T", pub)
	}
}

var kuNames = []struct {
	ku   x509.KeyUsage
	name string
}{
	{x509.KeyUsageDigitalSignature, "digitalSignature"},
	{x509.KeyUsageContentCommitment, "contentCommitment"},
	{x509.KeyUsageKeyEncipherment, "keyEncipherment"},
	{x509.KeyUsageDataEncipherment, "dataEncipherment"},
	{x509.KeyUsageKeyAgreement, "keyAgreement"},
	{x509.KeyUsageCertSign, "keyCertSign"},
	{x509.KeyUsageCRLSign, "cRLSign"},
	{x509.KeyUsageEncipherOnly, "encipherOnly"},
	{x509.KeyUsageDecipherOnly, "decipherOnly"},
}

// KeyUsageNames lists key usage bits by their RFC 5280 names.
func KeyUsageNames(ku x509.KeyUsage) []string {
	out := []string{}
	for _, n := range kuNames {
		if ku&n.ku != 0 {
			out = append(out, n.name)
		}
	}
	return out
}

var ekuNames = map[x509.ExtKeyUsage]string{
	x509.ExtKeyUsageAny:             "any",
	x509.ExtKeyUsageServerAuth:      "serverAuth",
	x509.ExtKeyUsageClientAuth:      "clientAuth",
	x509.ExtKeyUsageCodeSigning:     "codeSigning",
	x509.ExtKeyUsageEmailProtection: "emailProtection",
	x509.ExtKeyUsageIPSECEndSystem:  "ipsecEndSystem",
	x509.ExtKeyUsageIPSECTunnel:     "ipsecTunnel",
	x509.ExtKeyUsageIPSECUser:       "ipsecUser",
	x509.ExtKeyUsageTimeStamping:    "timeStamping",
	x509.ExtKeyUsageOCSPSigning:     "OCSPSigning",
}

// ExtKeyUsageNames lists extended key usages; unknown ones as dotted OIDs.
func ExtKeyUsageNames(c *x509.Certificate) []string {
	out := []string{}
	for _, e := range c.ExtKeyUsage {
		if n, ok := ekuNames[e]; ok {
			out = append(out, n)
		} else {
			out = append(out, fmt.Sprintf("eku(%d)", e))
		}
	}
	for _, oid := range c.UnknownExtKeyUsage {
		out = append(out, oid.String())
	}
	return out
}

// HasEKU reports whether c lists eku explicitly.
func HasEKU(c *x509.Certificate, eku x509.ExtKeyUsage) bool {
	for _, e := range c.ExtKeyUsage {
		if e == eku {
			return true
		}
	}
	return false
}

// SANs lists DNS names, IP addresses, e-mail addresses and URIs.
func SANs(c *x509.Certificate) []string {
	out := []string{}
	out = append(out, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		out = append(out, ip.String())
	}
	out = append(out, c.EmailAddresses...)
	for _, u := range c.URIs {
		out = append(out, u.String())
	}
	return out
}

// KeyBits is c's public key size in bits: the RSA modulus or the ECDSA
// curve (0 for other keys).
func KeyBits(c *x509.Certificate) int {
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		return k.N.BitLen()
	case *ecdsa.PublicKey:
		return k.Curve.Params().BitSize
	}
	return 0
}
