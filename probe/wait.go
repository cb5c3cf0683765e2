package probe

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"time"

	"github.com/ome-preflight/ome-preflight/report"
)

// WaitRetry is the pause between two attempts of Wait.
const WaitRetry = time.Second

// defaultAttempt bounds one attempt of Wait when no HandshakeTimeout is
// set.
const defaultAttempt = 5 * time.Second

// Wait retries an appliance that refuses or resets connections (OME's web
// server restarts for a few seconds after a chain upload) until it
// answers a TLS handshake or d has passed: each attempt connects and
// shakes hands within o.HandshakeTimeout (the last may end that much
// after d), then Wait pauses WaitRetry. Any
// answer ends it, a TLS alert included (the appliance is up; Observe
// judges the rest); so does an error that waiting cannot mend (a name
// that does not resolve). progress, when set, is told of each failed
// attempt and of the time left. Wait only connects: it sends no request.
func Wait(ctx context.Context, address string, o Options, d time.Duration, progress func(attempt int, err error, left time.Duration)) *report.Wait {
	w := &report.Wait{For: report.Seconds(d)}
	hostport, host, err := SplitAddress(address)
	if err != nil {
		w.LastError = err.Error()
		return w
	}
	serverName := ""
	if net.ParseIP(host) == nil {
		serverName = host
	}
	start := time.Now()
	end := start.Add(d)
	bound := o.HandshakeTimeout
	if bound <= 0 {
		bound = defaultAttempt
	}
	for {
		w.Attempts++
		// Each attempt has its whole bound, even the last: one cut short by
		// the end of the wait would report a timeout that never was.
		actx, cancel := context.WithTimeout(ctx, bound)
		err := answers(actx, hostport, serverName)
		cancel()
		w.Waited = report.Seconds(time.Since(start))
		if err == nil {
			w.Answered = true
			return w
		}
		w.LastError = describe(err)
		left := time.Until(end)
		if !retryable(err) || left <= 0 || ctx.Err() != nil {
			return w
		}
		if progress != nil {
			progress(w.Attempts, err, left)
		}
		select {
		case <-ctx.Done():
			return w
		case <-time.After(min(WaitRetry, left)):
		}
	}
}

// answers connects to addr and makes a TLS handshake: nil when the
// appliance answered (a handshake, or an alert refusing it).
func answers(ctx context.Context, addr, serverName string) error {
	conn, err := dial(ctx, addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	tc := tls.Client(conn, &tls.Config{ServerName: serverName, InsecureSkipVerify: true, MinVersion: tls.VersionTLS10,
		GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &tls.Certificate{}, nil }})
	err = tc.HandshakeContext(ctx)
	if err == nil || isTLSAlert(err) {
		return nil // it answered
	}
	return err
}

// retryable: the appliance refused, reset or dropped the connection, or
// did not answer in time: what a restarting web server does. A name that
// does not resolve, or an answer that is not TLS, is not mended by
// waiting.
func retryable(err error) bool {
	var dns *net.DNSError
	var op *net.OpError
	var rh tls.RecordHeaderError
	switch {
	case errors.As(err, &dns), errors.As(err, &rh):
		return false
	case errors.As(err, &op), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, context.DeadlineExceeded):
		return true
	}
	return false
}
