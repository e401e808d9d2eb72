package handshake

import (
	"runtime"

	"github.com/gossl/ssl/internal/alert"
)

// agreement is a key agreement's shared secret being computed, possibly
// on another goroutine.
//
// Two places in a handshake have a signature to make or check that does
// not depend on the (EC)DH shared secret, and an agreement (about 50 µs
// for X25519 on the reference machine) that does not depend on the
// signature:
//
//   - a TLS 1.3 server signs its CertificateVerify over the transcript,
//     which the shared secret is not part of, and needs the secret only
//     for the keys that protect its flight (about 30 µs for ECDSA P-256,
//     1 ms for RSA-2048);
//   - a TLS 1.2 (EC)DHE client checks the ServerKeyExchange signature
//     (about 70 µs for ECDSA P-256) and can compute its premaster secret
//     meanwhile, sending nothing until the check has passed.
//
// On a machine with a spare core the agreement then runs beside the
// signature instead of before or after it. The goroutine computes only
// the secret and touches nothing else, so the handshake stays a function
// of its messages; it is waited for when the secret is needed or, on a
// failure, discarded (waited for, or run if it never started, and
// erased), so no agreement outlives the handshake message that failed.
type agreement struct {
	agree  func() ([]byte, error)
	done   chan struct{} // nil: computed on the spot by wait
	secret []byte
	err    error
	waited bool
}

// startAgreement starts agree on its own goroutine when overlap says there
// is work to overlap it with and there is more than one processor to run
// it on; otherwise wait computes it.
func startAgreement(agree func() ([]byte, error), overlap bool) *agreement {
	a := &agreement{agree: agree}
	if overlap && runtime.GOMAXPROCS(0) > 1 {
		a.done = make(chan struct{})
		go func() {
			a.secret, a.err = agree()
			close(a.done)
		}()
	}
	return a
}

// wait returns the shared secret, once; the caller owns (and clears) it.
func (a *agreement) wait() ([]byte, error) {
	if a.waited {
		// agree may have erased what it needs (the hybrid's ML-KEM key):
		// a second result would be wrong, not just late.
		return nil, alert.New(alert.InternalError, "key agreement used twice")
	}
	a.waited = true
	if a.done == nil {
		return a.agree()
	}
	<-a.done
	s := a.secret
	a.secret = nil
	return s, a.err
}

// discard ends an agreement whose secret is not wanted (the handshake
// failed): it waits for it, or runs it if it did not start, so that what
// the agreement holds (the hybrid's ML-KEM key) is erased with the secret.
func (a *agreement) discard() {
	if a.waited {
		return
	}
	s, _ := a.wait()
	clear(s)
}
