package handshake

import (
	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/wire"
)

// Record size negotiation: max_fragment_length (RFC 6066, Section 4),
// which a client asks for and a server can only echo, and its
// replacement record_size_limit (RFC 8449), where each side states the
// largest record it will receive. A server that gets both ignores
// max_fragment_length (RFC 8449, Section 5).

// RecordLimits are what the driver applies once the hellos agreed on a
// limit (action SetRecordLimits): the largest content per record to send
// and to accept in a protected record. 0 means the protocol's 2^14.
type RecordLimits struct {
	Send, Recv int
}

// MinRecordSizeLimit is the smallest record_size_limit RFC 8449, Section 4
// allows; less is illegal_parameter.
const MinRecordSizeLimit = 64

// MaxRecordSizeLimit is the largest record_size_limit a TLS version
// allows: 2^14, or 2^14+1 in TLS 1.3, where the limit counts the content
// type byte (RFC 8449, Section 4).
func MaxRecordSizeLimit(v uint16) int {
	if v == wire.VersionTLS13 {
		return wire.MaxPlaintext + 1
	}
	return wire.MaxPlaintext
}

// MaxFragmentCode returns the max_fragment_length code for n bytes, or
// 0 when n is not one of 512, 1024, 2048 and 4096.
func MaxFragmentCode(n int) uint8 {
	for c := wire.MaxFragment512; c <= wire.MaxFragment4096; c++ {
		if wire.MaxFragmentBytes(c) == n {
			return c
		}
	}
	return 0
}

// offerLimits sets a ClientHello's limits from the configuration.
// maxV is the highest version offered: the limit offered is capped at
// its maximum (RFC 8449, Section 4: no higher value may be sent).
func (cfg *Config) offerLimits(ch *wire.ClientHello, maxV uint16) {
	if code := MaxFragmentCode(cfg.MaxFragmentLength); code != 0 {
		ch.Limits.MaxFragmentLength, ch.Limits.HasMaxFragmentLength = code, true
	}
	if cfg.RecordSizeLimit > 0 {
		ch.Limits.RecordSizeLimit = uint16(min(cfg.RecordSizeLimit, MaxRecordSizeLimit(maxV)))
		ch.Limits.HasRecordSizeLimit = true
	}
}

// answerLimits is the server's side: from the client's offer at version
// v, the extensions to answer with (in the ServerHello, or TLS 1.3's
// EncryptedExtensions) and the limits to apply (nil: none). A server
// always answers record_size_limit, with its own limit or the
// protocol's largest, so that the client knows its limit is respected.
func (cfg *Config) answerLimits(offer wire.RecordLimits, v uint16) (wire.RecordLimits, *RecordLimits, error) {
	var reply wire.RecordLimits
	switch {
	case offer.HasRecordSizeLimit:
		if offer.RecordSizeLimit < MinRecordSizeLimit {
			return reply, nil, alert.New(alert.IllegalParameter, "record_size_limit below 64 (RFC 8449, 4)")
		}
		own := MaxRecordSizeLimit(v)
		if cfg.RecordSizeLimit > 0 {
			own = min(own, cfg.RecordSizeLimit)
		}
		reply.RecordSizeLimit, reply.HasRecordSizeLimit = uint16(own), true
		return reply, sizeLimits(int(offer.RecordSizeLimit), own, v), nil
	case offer.HasMaxFragmentLength:
		n := wire.MaxFragmentBytes(offer.MaxFragmentLength)
		if n == 0 {
			return reply, nil, alert.New(alert.IllegalParameter, "max_fragment_length code outside 1..4 (RFC 6066, 4)")
		}
		reply.MaxFragmentLength, reply.HasMaxFragmentLength = offer.MaxFragmentLength, true
		return reply, fragmentLimits(n, v), nil
	}
	return reply, nil, nil
}

// acceptLimits is the client's side: it checks the server's answer to
// what offer asked, and returns the limits to apply (nil: none).
func acceptLimits(offer, answer wire.RecordLimits, v uint16) (*RecordLimits, error) {
	switch {
	case answer.HasRecordSizeLimit:
		if !offer.HasRecordSizeLimit {
			return nil, alert.New(alert.UnsupportedExtension, "record_size_limit answered but not sent")
		}
		if answer.HasMaxFragmentLength {
			return nil, alert.New(alert.IllegalParameter, "server answered both record_size_limit and max_fragment_length (RFC 8449, 5)")
		}
		if answer.RecordSizeLimit < MinRecordSizeLimit {
			return nil, alert.New(alert.IllegalParameter, "record_size_limit below 64 (RFC 8449, 4)")
		}
		return sizeLimits(int(answer.RecordSizeLimit), int(offer.RecordSizeLimit), v), nil
	case answer.HasMaxFragmentLength:
		if !offer.HasMaxFragmentLength {
			return nil, alert.New(alert.UnsupportedExtension, "max_fragment_length answered but not sent")
		}
		// RFC 6066, Section 4: a different length is illegal_parameter.
		if answer.MaxFragmentLength != offer.MaxFragmentLength {
			return nil, alert.New(alert.IllegalParameter, "max_fragment_length answer differs from the request (RFC 6066, 4)")
		}
		return fragmentLimits(wire.MaxFragmentBytes(answer.MaxFragmentLength), v), nil
	}
	return nil, nil
}

// sizeLimits turns negotiated record_size_limits into content limits:
// we send at most the peer's limit and accept at most our own, both
// capped at the version's largest; in TLS 1.3 they count the content
// type byte (RFC 8449, Section 4).
func sizeLimits(peer, own int, v uint16) *RecordLimits {
	top := MaxRecordSizeLimit(v)
	typeByte := 0
	if v == wire.VersionTLS13 {
		typeByte = 1
	}
	return &RecordLimits{Send: min(peer, top) - typeByte, Recv: min(own, top) - typeByte}
}

// fragmentLimits applies a max_fragment_length of n bytes both ways. In
// TLS 1.3 we send content of at most n-1 bytes, so that the inner
// plaintext with its type byte fits whichever way the peer counts, and
// accept content of up to n.
func fragmentLimits(n int, v uint16) *RecordLimits {
	if v == wire.VersionTLS13 {
		return &RecordLimits{Send: n - 1, Recv: n}
	}
	return &RecordLimits{Send: n, Recv: n}
}

// limitsAction is the driver's action for lim, if any.
func limitsAction(f *flight, lim *RecordLimits) {
	if lim != nil {
		f.add(Action{Kind: SetRecordLimits, Limits: lim})
	}
}
