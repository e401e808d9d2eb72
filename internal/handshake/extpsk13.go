package handshake

import (
	"crypto"
	"crypto/hmac"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/prf"
	sess "github.com/gossl/ssl/internal/session"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

// TLS 1.3 external PSKs (RFC 8446, 2.2 and 4.2.11): a key both sides
// were given out of band, under an identity, with a hash. They travel in
// pre_shared_key like resumption tickets, with the "ext binder" label
// instead of "res binder" (7.1). The key exchange mode (4.2.9) is a
// configuration choice (Config.PSKModes13): psk_dhe_ke by default, where
// the handshake still runs (EC)DHE and the PSK adds authentication
// without giving up forward secrecy, or psk_ke, the PSK alone: no key
// share is computed, and the traffic keys are only as secret as the PSK,
// past and future (RFC 8446, E.6). A server takes the first mode of its
// own list that the client offers; a client checks that the server's
// choice (a key_share in the ServerHello or none) is a mode it offered.
//
// A client with an external PSK offers it instead of a ticket (one PSK
// identity per ClientHello, as for tickets), and key shares as usual, so
// that a server which does not know the PSK can still fall back to a
// certificate. A server tries the first identity as one of its tickets,
// then looks each identity up (maxExternalPSKLookups of them at most); it
// selects the first it knows, and only if one of the suites it shares
// with the client has the PSK's hash, which it then prefers. An unknown
// identity is not an error: the handshake goes on without a PSK, so
// nothing tells a client which identities exist.

// maxExternalPSKLookups bounds the user lookups one ClientHello causes.
const maxExternalPSKLookups = 4

// ExternalPSK13 is one external PSK with its hash (RFC 8446, 4.2.11:
// SHA-256 unless the PSK says otherwise).
type ExternalPSK13 struct {
	Identity []byte
	Key      []byte
	Hash     crypto.Hash
}

// extPSK13 is the external PSK a server found in a ClientHello.
type extPSK13 struct {
	index int
	key   []byte
	hash  crypto.Hash
	plain bool // psk_ke: no (EC)DHE
}

// pskModes13 are the psk_key_exchange_modes of external PSKs.
func (cfg *Config) pskModes13() []uint8 {
	if len(cfg.PSKModes13) == 0 {
		return []uint8{PSKModeDHE}
	}
	return cfg.PSKModes13
}

// choosePSKMode is the first of the server's modes the client offered
// (RFC 8446, 4.2.9: never one it did not).
func (cfg *Config) choosePSKMode(offered []uint8) (mode uint8, ok bool) {
	for _, m := range cfg.pskModes13() {
		if containsU8(offered, m) {
			return m, true
		}
	}
	return 0, false
}

// findExternalPSK looks the ClientHello's PSK identities up (server).
func (h *server13) findExternalPSK(ch *wire.ClientHello) *extPSK13 {
	cfg := h.s.cfg
	if cfg.ServerPSK13 == nil || len(ch.PSKIdentities) == 0 || len(ch.PSKIdentities) != len(ch.PSKBinders) {
		return nil
	}
	mode, ok := cfg.choosePSKMode(ch.PSKModes)
	if !ok {
		return nil
	}
	for i, id := range ch.PSKIdentities {
		if i == maxExternalPSKLookups {
			break
		}
		if len(id.Identity) == 0 {
			continue
		}
		psk, err := cfg.ServerPSK13(id.Identity)
		if err != nil || psk == nil || len(psk.Key) == 0 || !psk.Hash.Available() {
			continue
		}
		return &extPSK13{index: i, key: psk.Key, hash: psk.Hash, plain: mode == PSKModePlain}
	}
	return nil
}

// acceptPSK takes a ticket (tickets13.go) or else the external PSK
// choose found. Without either, the server must have a certificate.
func (h *server13) acceptPSK(ch *wire.ClientHello, msg []byte) error {
	h.pskIndex = 0
	h.pskPlain = false
	if err := h.acceptTicket(ch, msg); err != nil {
		return err
	}
	if err := h.acceptExternalPSK(ch, msg); err != nil {
		return err
	}
	if h.psk == nil && h.cert == nil {
		return alert.New(alert.HandshakeFailure, "no certificate, and no PSK the client offered was accepted")
	}
	return nil
}

// acceptExternalPSK checks the binder of the external PSK choose found,
// once no ticket was accepted (RFC 8446, 4.2.11.2). A wrong binder is
// fatal (decrypt_error); a PSK whose hash is not the suite's is not used.
func (h *server13) acceptExternalPSK(ch *wire.ClientHello, msg []byte) error {
	s := h.s
	e := h.ext
	if h.psk != nil || e == nil || e.hash != h.hash {
		return nil
	}
	if e.index >= len(ch.PSKIdentities) || len(ch.PSKIdentities) != len(ch.PSKBinders) {
		return alert.New(alert.IllegalParameter, "PSK identities and binders differ in number")
	}
	truncated := msg[:len(msg)-ch.PSKBindersLen()]
	binderKey := prf.NewSchedule13(h.hash, e.key).BinderKey(false)
	want := prf.FinishedVerifyData13(h.hash, binderKey, s.transcript.SumWith(h.hash, truncated))
	if !hmac.Equal(want, ch.PSKBinders[e.index]) {
		return alert.New(alert.DecryptError, "PSK binder does not verify")
	}
	h.psk = &sess.State13{PSK: e.key, Suite: s.suite.ID, Credential: sess.Credential{
		Identity: append([]byte(nil), ch.PSKIdentities[e.index].Identity...), Digest: externalPSKDigest(e.key, e.hash)}}
	h.pskIndex = uint16(e.index)
	h.pskPlain = e.plain
	s.info.Resumed = false
	s.info.PeerCertificates = nil
	return nil
}

// offerExternalPSK adds the configured external PSK to a ClientHello,
// as the ticket offer does (a placeholder binder, sealed by sealBinder),
// if one of the offered TLS 1.3 suites has its hash.
func (c *Client) offerExternalPSK(ch *wire.ClientHello) error {
	psk, err := c.cfg.ClientPSK13()
	if err != nil {
		return err
	}
	if psk == nil || len(psk.Identity) == 0 || len(psk.Key) == 0 {
		return nil // no key for TLS 1.3: a ticket-less full handshake
	}
	var suite *suites.Suite
	for _, id := range ch.CipherSuites {
		if su := suites.ByID(id); su != nil && su.TLS13() && su.Hash() == psk.Hash {
			suite = su
			break
		}
	}
	if suite == nil {
		return nil // no TLS 1.3 suite can use it
	}
	ch.PSKIdentities = []wire.PSKIdentity{{Identity: psk.Identity}} // age 0 (RFC 8446, 4.2.11)
	ch.PSKBinders = [][]byte{make([]byte, psk.Hash.Size())}
	c.ticket = &sess.ClientTicket{Ticket: psk.Identity, PSK: psk.Key, Suite: suite.ID}
	c.extPSK = true
	return nil
}
