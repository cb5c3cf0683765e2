package report

// Standin is what `standin` wrote: the stand-in client identity's files and
// what to do with them (`standin --format json`).
type Standin struct {
	SchemaVersion int           `json:"schema_version"`
	Command       string        `json:"command"`
	Dir           string        `json:"dir"`
	CommonName    string        `json:"common_name"`
	Template      string        `json:"template,omitempty"`
	Files         []StandinFile `json:"files"`
	// Next are the steps that follow: have the CSR signed, then probe with
	// the certificate.
	Next []string `json:"next"`
}

// StandinFile is one file standin wrote. The key's content is never in a
// report.
type StandinFile struct {
	Path string `json:"path"`
	Mode string `json:"mode"`
	Role string `json:"role"`
}
