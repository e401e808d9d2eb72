package handshake

import "runtime"

// agreement is a key agreement's shared secret being computed, possibly
// on another goroutine.
//
// A TLS 1.3 server's flight needs the (EC)DH shared secret only for the
// keys that protect it, and its CertificateVerify signature only for the
// transcript, which the shared secret is not part of: the two are
// independent, and on a machine with a spare core the agreement (about
// 50 µs for X25519) runs while the signature is made (about 30 µs for
// ECDSA P-256, 1 ms for RSA-2048) instead of before it. The handshake
// stays a function of its inputs: the goroutine computes only the
// secret, touches nothing else, and is always waited for before the
// flight is returned, so no goroutine outlives the message that started
// it.
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

// wait returns the shared secret; the caller owns (and clears) it.
func (a *agreement) wait() ([]byte, error) {
	a.waited = true
	if a.done == nil {
		return a.agree()
	}
	<-a.done
	s := a.secret
	a.secret = nil
	return s, a.err
}

// discard waits for an agreement whose secret is not wanted (the flight
// failed) and erases it.
func (a *agreement) discard() {
	if a.waited {
		return
	}
	if a.done != nil {
		s, _ := a.wait()
		clear(s)
	}
	a.waited = true
}
