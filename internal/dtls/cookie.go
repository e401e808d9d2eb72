package dtls

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"sync"
	"time"

	"github.com/gossl/ssl/internal/wire"
	"golang.org/x/crypto/cryptobyte"
)

// DefaultCookieRotation is how often a CookieJar changes its secret. A
// cookie stays valid for one to two periods: long enough for a client's
// second ClientHello, short enough that a captured cookie is soon
// worthless.
const DefaultCookieRotation = 5 * time.Minute

// cookieMACLen is the HMAC-SHA256 truncation a cookie carries; 128 bits
// cannot be guessed, and the cookie plus a one-byte key generation keeps
// the HelloVerifyRequest small.
const cookieMACLen = 16

// CookieLen is the length of the cookies a CookieJar makes.
const CookieLen = 1 + cookieMACLen

// CookieJar makes and checks the stateless HelloVerifyRequest cookies of
// RFC 6347, Section 4.2.1. A cookie is a key generation byte followed by
// HMAC-SHA256(secret, client address ‖ the ClientHello's version, random,
// session_id, cipher_suites and compression_methods) truncated to 16
// bytes: the fields Section 4.2.1 requires the second ClientHello to
// repeat. Nothing is stored per client. The secret rotates every period;
// cookies of the current and the previous secret are accepted.
//
// A CookieJar is safe for concurrent use.
type CookieJar struct {
	mu     sync.Mutex
	every  time.Duration
	gen    uint8
	rotate time.Time // when the next rotation is due; zero before first use
	secret [2][32]byte
}

// NewCookieJar returns a CookieJar whose secret rotates every period (0
// means DefaultCookieRotation).
func NewCookieJar(every time.Duration) *CookieJar {
	if every <= 0 {
		every = DefaultCookieRotation
	}
	j := &CookieJar{every: every}
	rand.Read(j.secret[0][:])
	rand.Read(j.secret[1][:])
	return j
}

// secrets returns the current key generation and both secrets at now,
// rotating first if due.
func (j *CookieJar) secrets(now time.Time) (gen uint8, secret [2][32]byte) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.rotate.IsZero() {
		j.rotate = now.Add(j.every)
	}
	// At most two rotations: after two, both secrets are new anyway, and
	// a long idle spell must not leave an old cookie valid.
	for i := 0; i < 2 && !now.Before(j.rotate); i++ {
		j.gen++
		rand.Read(j.secret[j.gen&1][:])
		j.rotate = j.rotate.Add(j.every)
	}
	if !now.Before(j.rotate) {
		j.rotate = now.Add(j.every)
	}
	return j.gen, j.secret
}

// helloFields splits a DTLS ClientHello body into the spans the cookie
// binds (version, random and session_id; then cipher_suites and
// compression_methods, both with their length prefixes) and the cookie.
func helloFields(body []byte) (head, tail, cookie []byte, ok bool) {
	s := cryptobyte.String(body)
	var v uint16
	var random, sid, ck, suites, comp cryptobyte.String
	if !s.ReadUint16(&v) || !s.ReadBytes((*[]byte)(&random), 32) || !s.ReadUint8LengthPrefixed(&sid) {
		return nil, nil, nil, false
	}
	headEnd := len(body) - len(s)
	if !s.ReadUint8LengthPrefixed(&ck) {
		return nil, nil, nil, false
	}
	tailStart := len(body) - len(s)
	if !s.ReadUint16LengthPrefixed(&suites) || !s.ReadUint8LengthPrefixed(&comp) {
		return nil, nil, nil, false
	}
	return body[:headEnd], body[tailStart : len(body)-len(s)], ck, true
}

// mac computes a cookie into dst (CookieLen bytes).
func mac(dst []byte, secret [32]byte, gen uint8, addr string, head, tail []byte) {
	h := hmac.New(sha256.New, secret[:])
	h.Write([]byte{byte(len(addr))})
	h.Write([]byte(addr))
	h.Write(head)
	h.Write(tail)
	var sum [sha256.Size]byte
	dst[0] = gen
	copy(dst[1:], h.Sum(sum[:0]))
}

// Screening is the verdict on a datagram from an address without an
// association.
type Screening struct {
	// Accept: the datagram is a ClientHello with a valid cookie, the one
	// kind of datagram that may create an association.
	Accept bool
	// MessageSeq is that ClientHello's message_seq: the server's
	// messages continue from it (RFC 6347, Section 4.2.2).
	MessageSeq uint16
	// RecordSeq is the sequence number of the record that carried it.
	// The server's epoch-0 records must continue from there
	// (Sealer.SkipTo): its HelloVerifyRequest reused the sequence number
	// of the first ClientHello (RFC 6347, Section 4.2.1), and a
	// ServerHello numbered below it would look replayed to the client.
	RecordSeq uint64
	// Random is the ClientHello's random (both when accepted and
	// answered): a listener tells a client's retransmission from a new
	// association with it (RFC 6347, Section 4.2.8).
	Random []byte
	// Reply, when not nil, is the HelloVerifyRequest datagram to send
	// back; it is never longer than the datagram it answers.
	Reply []byte
}

// Screen decides, without keeping any state, what to do with datagram
// from addr (any stable encoding of the client's IP address and port)
// when no association exists for addr (RFC 6347, Section 4.2.1). Only a
// datagram that starts with an epoch-0 record holding one whole
// ClientHello is considered; anything else is dropped (zero Screening).
// A ClientHello without a valid cookie gets a HelloVerifyRequest with a
// fresh one.
func (j *CookieJar) Screen(now time.Time, addr string, datagram []byte) Screening {
	rh, ok := ParseHeader(datagram)
	if !ok || rh.Type != wire.TypeHandshake || rh.Epoch != 0 || !IsVersion(rh.Version) ||
		int(rh.Length) > len(datagram)-HeaderLen {
		return Screening{}
	}
	payload := datagram[HeaderLen : HeaderLen+int(rh.Length)]
	hh, ok := wire.ParseDTLSHeader(payload)
	if !ok || hh.Type != wire.TypeClientHello || hh.FragmentOffset != 0 || hh.FragmentLength != hh.Length ||
		len(payload) < wire.DTLSHeaderLen+int(hh.Length) {
		return Screening{}
	}
	head, tail, cookie, ok := helloFields(payload[wire.DTLSHeaderLen : wire.DTLSHeaderLen+int(hh.Length)])
	if !ok {
		return Screening{}
	}
	gen, secret := j.secrets(now)
	var want [CookieLen]byte
	// Cookies of the current and the previous secret are valid.
	if len(cookie) == CookieLen && (cookie[0] == gen || cookie[0] == gen-1) {
		mac(want[:], secret[cookie[0]&1], cookie[0], addr, head, tail)
		if hmac.Equal(want[:], cookie) {
			return Screening{Accept: true, MessageSeq: hh.MessageSeq, RecordSeq: rh.Seq, Random: head[2:34]}
		}
	}
	mac(want[:], secret[gen&1], gen, addr, head, tail)
	reply := helloVerifyRequest(rh.Seq, hh.MessageSeq, want[:])
	if len(reply) > HeaderLen+int(rh.Length) {
		// No amplification: never answer with more than was sent.
		return Screening{}
	}
	return Screening{Reply: reply, Random: head[2:34]}
}

// helloVerifyRequest builds the whole HelloVerifyRequest datagram. RFC
// 6347, Section 4.2.1: its record carries the ClientHello's record
// sequence number, and both versions are DTLS 1.0 whatever will be
// negotiated, so that an older client can read it. Its message_seq is the
// ClientHello's, since the server keeps no count of its own.
func helloVerifyRequest(recordSeq uint64, msgSeq uint16, cookie []byte) []byte {
	hvr := &wire.HelloVerifyRequest{Version: wire.VersionDTLS10, Cookie: cookie}
	msg, _ := hvr.Marshal() // cannot fail: a fixed version and a short cookie
	hs := wire.ToDTLS(msg, msgSeq)
	out := AppendHeader(make([]byte, 0, HeaderLen+len(hs)), Header{
		Type: wire.TypeHandshake, Version: wire.VersionDTLS10, Seq: recordSeq, Length: uint16(len(hs)),
	})
	return append(out, hs...)
}
