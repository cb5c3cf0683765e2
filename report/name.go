package report

import (
	"crypto/x509/pkix"
	"encoding/json"
	"strings"
)

// Name is a distinguished name as reports carry it: DN, its RFC 2253
// string (what JSON shows), and CN, its common name as it appears in that
// string ("" when it has none), so that nobody parses DN strings back.
type Name struct {
	DN string
	CN string
}

// NameOf describes n.
func NameOf(n pkix.Name) Name {
	out := Name{DN: n.String()}
	if n.CommonName != "" {
		// The common name escaped as in the DN string (pkix writes it first).
		out.CN = strings.TrimPrefix(pkix.Name{CommonName: n.CommonName}.String(), "CN=")
	}
	return out
}

// Short is the common name when there is one, else the whole DN.
func (n Name) Short() string {
	if n.CN != "" {
		return n.CN
	}
	return n.DN
}

// String is the DN.
func (n Name) String() string { return n.DN }

// MarshalJSON writes the DN string.
func (n Name) MarshalJSON() ([]byte, error) { return jsonString(n.DN) }

// ShortNames are the short forms of names, in order.
func ShortNames(ns []Name) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.Short()
	}
	return out
}

// UnmarshalJSON reads a DN string back. The common name is not recovered
// (reading a DN string back would mean parsing it): Short is then the DN.
func (n *Name) UnmarshalJSON(b []byte) error {
	*n = Name{}
	return json.Unmarshal(b, &n.DN)
}
