package record

import (
	"crypto/hmac"
	"crypto/rc4"
	"crypto/subtle"
	"hash"
)

// streamProtector is GenericStreamCipher protection (RFC 5246, Section
// 6.2.3.1): HMAC over the record, then the RC4 keystream over content and
// MAC. RC4 is broken (RFC 7465 forbids it in TLS); gossl offers it only
// for legacy peers, when a suite is named in ciphers, never by default.
//
// The keystream runs on from record to record, so a record that fails
// to open has consumed it and the connection cannot go on; the error
// ends it. There is no padding, so no padding oracle: the MAC is
// compared in constant time and every failure is ErrBadRecordMAC. Like
// the other protectors it works in place and allocates nothing per
// record, and it keeps no buffer of its own between records.
type streamProtector struct {
	c       *rc4.Cipher
	mac     hash.Hash
	macSize int
	ssl3    bool // SSL 3.0's MAC and MAC header (ssl3mac.go)
	ad      [13]byte
	sum     [64]byte
}

func newStream(key []byte, newHash func() hash.Hash, macKey []byte) (*streamProtector, error) {
	c, err := rc4.NewCipher(key)
	if err != nil {
		return nil, err
	}
	p := &streamProtector{c: c, mac: hmac.New(newHash, macKey)}
	p.macSize = p.mac.Size()
	return p, nil
}

func (p *streamProtector) ExplicitNonceLen() int { return 0 }

func (p *streamProtector) Overhead() int { return p.macSize }

func (p *streamProtector) Seal(frag []byte, seq uint64, typ uint8, vers uint16) ([]byte, error) {
	n := len(frag)
	if cap(frag) < n+p.macSize {
		return nil, errShortBuffer
	}
	p.mac.Reset()
	p.mac.Write(macHeader(&p.ad, p.ssl3, seq, typ, vers, n))
	p.mac.Write(frag)
	frag = p.mac.Sum(frag)
	p.c.XORKeyStream(frag, frag)
	return frag, nil
}

func (p *streamProtector) Open(frag []byte, seq uint64, typ uint8, vers uint16) ([]byte, error) {
	if len(frag) < p.macSize {
		return nil, ErrBadRecordMAC
	}
	p.c.XORKeyStream(frag, frag)
	n := len(frag) - p.macSize
	p.mac.Reset()
	p.mac.Write(macHeader(&p.ad, p.ssl3, seq, typ, vers, n))
	p.mac.Write(frag[:n])
	if subtle.ConstantTimeCompare(p.mac.Sum(p.sum[:0]), frag[n:]) != 1 {
		return nil, ErrBadRecordMAC
	}
	return frag[:n], nil
}
