package probe

import (
	"context"
	"net"
)

// Step is what a probe of one appliance is waiting on, for progress
// displays: it only ever moves forward.
type Step int

// The steps of Observe, in order.
const (
	StepDial Step = iota // connecting (TCP)
	StepTLS              // connected; the TLS handshake runs
	StepAPI              // handshaken; the HTTP GETs run (/, the API with --user)
	StepDone             // Observe returned
)

var stepNames = [...]string{"dial", "TLS", "API", "done"}

func (s Step) String() string {
	if s < 0 || int(s) >= len(stepNames) {
		return "?"
	}
	return stepNames[s]
}

// step reports s to o.Progress, when set.
func (o *Options) step(s Step) {
	if o.Progress != nil {
		o.Progress(s)
	}
}

// handshakeContext bounds connecting and the TLS handshake by
// HandshakeTimeout (when set and shorter than what ctx leaves).
func (o *Options) handshakeContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if o.HandshakeTimeout <= 0 {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, o.HandshakeTimeout)
}

// handshaken lifts the handshake bound from conn once its handshake is
// done: the rest of the work runs under ctx's deadline.
func handshaken(ctx context.Context, conn net.Conn) {
	dl, _ := ctx.Deadline()
	conn.SetDeadline(dl) // zero: no deadline
}
