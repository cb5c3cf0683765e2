package report

import (
	"crypto/x509"
	"encoding/json"
	"time"
)

// The observation types: what probe saw of one appliance, before any
// judgement. probe fills them; the live rules (package pairing) judge them;
// the report carries them as they are (Appliance.Observed).

// Failure is a step of the probe that could not run.
type Failure struct {
	// Step names it: "address", "connect", "tls handshake", "clock (HTTP
	// GET /)".
	Step string `json:"step"`
	// Clock marks the failed reading of the clock: this machine's clock
	// stands in, with a warning, and the report is not incomplete for it.
	Clock bool `json:"-"`
	// Answered marks a clock that could not be read from an answer that
	// came (no usable Date header): the appliance was reached.
	Answered bool   `json:"-"`
	Error    string `json:"error"`
}

// HandshakeKind says which connection a handshake was.
type HandshakeKind string

// Handshake kinds: the observing connection (no client certificate), the
// verifying one (the stand-in client certificate, judged with the peer's
// root at the peer's clock).
const (
	KindObserve HandshakeKind = "observe"
	KindMutual  HandshakeKind = "mutual"
)

// Stage says where a failed verifying handshake failed.
type Stage string

// Stages: connect, verify (the appliance's chain did not verify with the
// peer's root), client-cert (the appliance refused or required the client
// certificate), timeout (the appliance did not answer in time), key (its
// handshake signature did not verify with the certificate it presented),
// differs (another certificate than the observing connection's).
const (
	StageNone       Stage = ""
	StageConnect    Stage = "connect"
	StageVerify     Stage = "verify"
	StageClientCert Stage = "client-cert"
	StageTimeout    Stage = "timeout"
	StageKey        Stage = "key"
	StageDiffers    Stage = "differs"
	// StageWeak: the chain verifies but for a SHA-1 or MD5 signature,
	// which Go refuses and OME's stacks may not (see weak-signature).
	StageWeak Stage = "weak-signature"
	// StageFlight: this tool's TLS cannot complete the suite the
	// appliance chose (DHE, CBC-SHA384); its chain and key signature were
	// read from its TLS 1.2 flight and the chain verifies: the rest of the
	// handshake is inferred, not observed.
	StageFlight Stage = "flight"
)

// Handshake is one TLS handshake, as a transcript: never keys.
type Handshake struct {
	Kind        HandshakeKind `json:"kind"`
	ClientCert  Name          `json:"client_cert,omitzero"`
	OK          bool          `json:"ok"`
	Version     string        `json:"version,omitempty"`
	CipherSuite string        `json:"cipher_suite,omitempty"`
	PeerChain   []Name        `json:"peer_chain,omitempty"`
	VerifiedAt  string        `json:"verified_at,omitempty"`
	Error       string        `json:"error,omitempty"`
	Stage       Stage         `json:"stage,omitempty"`
	HTTPStatus  int           `json:"http_status,omitempty"`
	// HTTPNote says what HTTPStatus means when it is not a refusal of
	// the handshake (a 401 to a request sent without credentials).
	HTTPNote string `json:"http_note,omitempty"`
}

// MutualAttempt is the verifying connection as probe made it, unjudged:
// the live rules verify its chain with the peer's root at the peer's clock
// and record the outcome as a Handshake of KindMutual.
type MutualAttempt struct {
	ClientCert Name
	// Made is true when a handshake got far enough to show a chain whose
	// key was proven; Version, CipherSuite and Peer are then set.
	Made                 bool
	Version, CipherSuite string
	Peer                 []*x509.Certificate
	// Failed is true when the connection failed; Error says how, at Stage.
	Failed bool
	Error  string
	Stage  Stage
	// HTTPStatus is the answer to the request made over it, HTTPBody the
	// start of its body (at most 512 bytes): a server that checks client
	// certificates at the HTTP level (nginx: 400 "The SSL certificate
	// error", 495, 496) completes the handshake and refuses there.
	HTTPStatus int
	HTTPBody   string
	// HTTPError says why the request over a completed handshake got no
	// answer (the connection closed, no answer in time).
	HTTPError string
	// Differs says which other certificate answered it, when it was not the
	// observed leaf.
	Differs string
	// Flight, when set, says that the handshake was not completed (this
	// tool's TLS cannot complete the suite the appliance chose): Peer was
	// read from the appliance's TLS 1.2 flight, whose key signature
	// verified, and the client certificate's fate is inferred.
	Flight string
	// Withheld says why the stand-in was not sent although the server
	// asked for a certificate: none of its chain's issuers is among the
	// CAs the server names, and a TLS client (Java's key manager, Go's
	// default) then sends none.
	Withheld string
}

// API endpoints the probe reads (GET only).
const (
	PathInfo      = "/api/ApplicationService/Info"
	PathTime      = "/api/ApplicationService/Network/TimeConfiguration"
	PathCert      = "/api/ApplicationService/Certificate"
	PathProxy     = "/api/ApplicationService/Network/ProxyConfiguration"
	PathSecurity  = "/api/ApplicationService/Security/SecurityConfiguration"
	PathWebServer = "/api/ApplicationService/Network/WebServerConfiguration"
	PathAddress   = "/api/ApplicationService/Network/AddressConfiguration"
)

// API is what the OME API said (GET only).
type API struct {
	Version       string `json:"version,omitempty"`
	UtcTime       string `json:"utc_time,omitempty"`
	NTP           *bool  `json:"ntp,omitempty"`
	TimeSource    string `json:"time_source,omitempty"`
	CertIssuedTo  string `json:"cert_issued_to,omitempty"`
	CertIssuedBy  string `json:"cert_issued_by,omitempty"`
	CertValidTo   string `json:"cert_valid_to,omitempty"`
	Proxy         *bool  `json:"proxy,omitempty"`
	ProxyAddress  string `json:"proxy_address,omitempty"`
	ProxyExcluded string `json:"proxy_exclusion_list,omitempty"`
	FIPSMode      string `json:"fips_mode,omitempty"`
	// CertSAN and CertKeySize are the Certificate endpoint's IssuedTo.San
	// (as OME gives it: a comma-separated string) and IssuedTo.KeySize
	// (OME may give null: then 0).
	CertSAN     string `json:"cert_san,omitempty"`
	CertKeySize int    `json:"cert_key_size,omitempty"`
	// WebServerPort, WebServerEnabled and WebServerTimeout are
	// WebServerConfiguration's PortNumber, EnableWebServer and TimeOut
	// (minutes).
	WebServerPort    int   `json:"web_server_port,omitempty"`
	WebServerEnabled *bool `json:"web_server_enabled,omitempty"`
	WebServerTimeout int   `json:"web_server_timeout,omitempty"`
	// DNSName (DnsName.DnsDomainName) and Addresses are what
	// AddressConfiguration says the appliance is reached by: the names and
	// addresses its peer may dial.
	DNSName   string   `json:"dns_name,omitempty"`
	Addresses []string `json:"addresses,omitempty"`
	// User is the user name the API was read as (never the password).
	User       string `json:"user,omitempty"`
	AuthFailed bool   `json:"auth_failed,omitempty"`
	// AuthError is the refusal as the appliance worded it: "HTTP 401" and
	// the MessageId and Message of its body when it had one.
	AuthError string `json:"auth_error,omitempty"`
	// Redials counts the GETs re-sent on a new gated connection because
	// the one they were to go over had been closed before anything of
	// them was sent (HTTP/1.0, Connection: close, keep-alive expired).
	Redials int `json:"redials,omitempty"`
	// InTurn counts the GETs made over the verified connection one after
	// another because the connections dialled ahead for them were not
	// answered while it was open: an appliance, or something in front of
	// it, that serves one connection at a time.
	InTurn int `json:"in_turn,omitempty"`
	// GateRefused are further connections (dialled for the API) that
	// failed their own handshake or the credential gate: another
	// certificate answered them (a load balancer, a TLS-inspecting proxy).
	// No credentials went over them.
	GateRefused []string `json:"gate_refused,omitempty"`
	// Refused says why credentials were not sent.
	Refused string   `json:"refused,omitempty"`
	Errors  []string `json:"errors,omitempty"`
	// Failures are the GETs that did not answer 2xx, with their status.
	Failures []APIFailure `json:"failures,omitempty"`
	// Unavailable lists optional endpoints this product does not have (they
	// answered 404 / CGEN1006: FIPS on a standalone OME).
	Unavailable []string `json:"unavailable,omitempty"`
}

// APIFailure is one GET that failed.
type APIFailure struct {
	Path      string `json:"path"`
	Status    int    `json:"status,omitempty"` // 0: no HTTP answer
	MessageID string `json:"message_id,omitempty"`
	Error     string `json:"error"`
	// Required endpoints (Info, TimeConfiguration): when one fails, the API
	// was not read.
	Required bool `json:"required,omitempty"`
}

// Read reports whether the required endpoints answered.
func (a *API) Read() bool {
	if a == nil || a.Refused != "" || a.AuthFailed || a.Version == "" {
		return false
	}
	for _, f := range a.Failures {
		if f.Required {
			return false
		}
	}
	return true
}

// Observation is what one appliance showed.
type Observation struct {
	Address            string              `json:"address"`
	ServerName         string              `json:"server_name,omitempty"`
	RemoteIP           string              `json:"remote_ip,omitempty"`
	Chain              []*x509.Certificate `json:"-"`
	TLSVersion         string              `json:"tls_version,omitempty"`
	CipherSuite        string              `json:"cipher_suite,omitempty"`
	RequestsClientCert bool                `json:"requests_client_cert"`
	AcceptableCAs      []Name              `json:"acceptable_cas"`
	Clock              time.Time           `json:"clock"`
	ClockSource        ClockSource         `json:"clock_source"`
	RTTMillis          float64             `json:"rtt_ms,omitempty"`
	API                *API                `json:"api,omitempty"`
	Handshakes         []Handshake         `json:"handshakes"`
	Failures           []Failure           `json:"failures"`
	// KeyUnproven says why the appliance did not prove, in a handshake,
	// that it holds the key of the certificate it presented (its signature
	// did not verify): a replayed chain. Such a chain is not kept in Chain.
	KeyUnproven string `json:"key_unproven,omitempty"`
	// ConnectionsDiffer says which other certificate the verifying
	// connection was answered with, when it was not the observed leaf:
	// something on the path answers some connections.
	ConnectionsDiffer string `json:"connections_differ,omitempty"`
	// NotTLS says what the appliance answered instead of a TLS handshake
	// (plain HTTP on the port probed, another protocol): it was reached,
	// and no TLS client can connect there.
	NotTLS string `json:"not_tls,omitempty"`
	// Retried names the connections the appliance closed, reset or left
	// unanswered while another of this probe's was answered, each made
	// again alone (an appliance or proxy serving fewer connections at
	// once), with the first attempt's error.
	Retried []string `json:"retried,omitempty"`
	// Mutual is the verifying connection, for the live rules to judge (nil
	// when none was attempted).
	Mutual *MutualAttempt `json:"-"`
	// Wait is probe --wait's retrying before the observation (nil without
	// --wait).
	Wait *Wait `json:"wait,omitempty"`
	// OMESuites is how the appliance answered a TLS 1.2 ClientHello that
	// offered exactly OME's four cipher suites (nil: not tried).
	OMESuites *SuiteProbe `json:"ome_suites,omitempty"`
}

// SuiteProbe is the answer to a ClientHello offering exactly OME's four
// TLS 1.2 suites: the suite the ServerHello chose, or the alert it
// refused with, or why there was neither.
type SuiteProbe struct {
	Offered []string `json:"offered"`
	Chosen  string   `json:"chosen,omitempty"`
	// GoCompletes is false for a chosen suite Go's crypto/tls cannot
	// complete (DHE, CBC-SHA384): the other connections then fail where a
	// Java client would connect.
	GoCompletes bool   `json:"go_completes,omitempty"`
	Alert       string `json:"alert,omitempty"`
	Error       string `json:"error,omitempty"`
	// FlightRead: the chain, the key exchange signature and the client
	// certificate request were read from the server's answer to this
	// ClientHello and used because Go cannot complete the chosen suite;
	// FlightError says why that answer could not be read.
	FlightRead  bool   `json:"flight_read,omitempty"`
	FlightError string `json:"flight_error,omitempty"`
}

// Wait is how probe --wait waited for an appliance that refused or reset
// connections (a web server restarting after a chain upload): attempts
// made, seconds waited of the most allowed, whether it answered, and the
// last refusal.
type Wait struct {
	For       Seconds `json:"for_seconds"`
	Attempts  int     `json:"attempts"`
	Waited    Seconds `json:"waited_seconds"`
	Answered  bool    `json:"answered"`
	LastError string  `json:"last_error,omitempty"`
}

// Seconds is a duration written as seconds in JSON (rounded to the
// millisecond).
type Seconds time.Duration

// MarshalJSON writes the seconds.
func (s Seconds) MarshalJSON() ([]byte, error) {
	return marshal(time.Duration(s).Round(time.Millisecond).Seconds())
}

// UnmarshalJSON reads the seconds back.
func (s *Seconds) UnmarshalJSON(b []byte) error {
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*s = Seconds(f * float64(time.Second))
	return nil
}

// Duration is s as a time.Duration.
func (s Seconds) Duration() time.Duration { return time.Duration(s) }
