package ssl

import (
	"crypto"

	"github.com/gossl/ssl/internal/handshake"
	"github.com/gossl/ssl/internal/suites"
)

// info13 is what a TLS 1.3 socket keeps of its handshake's Info once the
// handshake is done: the same fields, without certificates (they are in
// s.tls.peerCerts), in about a quarter of the memory (handshake.Info is
// 384 bytes, mostly slice headers): the byte fields share one allocation
// and lengths are bytes. connInfo expands it for the rare calls that read
// the description. TLS 1.0–1.2 sockets keep a *handshake.Info, which a
// renegotiation replaces.
type info13 struct {
	suite     *suites.Suite
	hash      crypto.Hash
	strs      [3]string // ServerName, NegotiatedProtocol, EarlyData
	blob      []byte    // the byte fields of infoBytes, one after the other
	version   uint16
	group     uint16
	sigScheme uint16
	nonNil    uint16 // bit i: byte field i was not nil
	lens      [nInfoBytes]uint8
	flags     uint8 // infoResumed, infoEMS, infoSecureReneg, infoEtM
}

const (
	infoResumed = 1 << iota
	infoEMS
	infoSecureReneg
	infoEtM
	// Bits 4 and 5 hold OCSPStatus: its index in ocspStatuses.
	infoOCSPShift = 4
)

// ocspStatuses are the values of handshake.Info.OCSPStatus.
var ocspStatuses = [4]string{"", "good", "revoked", "unknown"}

const nInfoBytes = 10

// infoBytes returns the byte fields of in, in a fixed order.
func infoBytes(in *handshake.Info) [nInfoBytes]*[]byte {
	return [nInfoBytes]*[]byte{&in.SessionID, &in.ClientRandom, &in.ServerRandom, &in.MasterSecret,
		&in.ClientVerifyData, &in.ServerVerifyData, &in.ClientTrafficSecret, &in.ServerTrafficSecret,
		&in.ExporterMasterSecret, &in.ResumptionMaster}
}

// compactInfo returns in (certificates aside) as an info13, or nil if a
// byte field is too long for it (none is, in TLS 1.3), it has an SRP
// user (TLS 1.3 has no SRP: info13 has no room for one) or a DTLS
// extension's outcome (use_srtp, connection_id: DTLS 1.2 only).
func compactInfo(in *handshake.Info) *info13 {
	if in.SRPUsername != "" || dtlsOnlyInfo(in) {
		return nil
	}
	fields := infoBytes(in)
	n := 0
	for _, f := range fields {
		if len(*f) > 255 {
			return nil
		}
		n += len(*f)
	}
	c := &info13{suite: in.Suite, hash: in.Hash, strs: [3]string{in.ServerName, in.NegotiatedProtocol, in.EarlyData},
		version: in.Version, group: in.Group, sigScheme: in.SignatureScheme}
	if in.Resumed {
		c.flags |= infoResumed
	}
	if in.ExtendedMasterSecret {
		c.flags |= infoEMS
	}
	if in.SecureRenegotiation {
		c.flags |= infoSecureReneg
	}
	if in.EncryptThenMAC {
		c.flags |= infoEtM
	}
	for i, st := range ocspStatuses {
		if st == in.OCSPStatus {
			c.flags |= uint8(i) << infoOCSPShift
		}
	}
	c.blob = make([]byte, 0, n)
	for i, f := range fields {
		if *f != nil {
			c.nonNil |= 1 << i
		}
		c.lens[i] = uint8(len(*f))
		c.blob = append(c.blob, *f...)
	}
	return c
}

// expand returns the description as a handshake.Info (without
// certificates); its byte fields share c's memory and must not be
// written.
func (c *info13) expand() *handshake.Info {
	out := &handshake.Info{Version: c.version, Suite: c.suite, Group: c.group, SignatureScheme: c.sigScheme,
		ServerName: c.strs[0], NegotiatedProtocol: c.strs[1], EarlyData: c.strs[2], Hash: c.hash,
		Resumed: c.flags&infoResumed != 0, ExtendedMasterSecret: c.flags&infoEMS != 0,
		SecureRenegotiation: c.flags&infoSecureReneg != 0, EncryptThenMAC: c.flags&infoEtM != 0,
		OCSPStatus: ocspStatuses[c.flags>>infoOCSPShift&3]}
	off := 0
	for i, f := range infoBytes(out) {
		l := int(c.lens[i])
		if c.nonNil&(1<<i) != 0 {
			*f = c.blob[off : off+l : off+l]
		}
		off += l
	}
	return out
}

// hasInfo reports whether the handshake left a description.
//
// A renegotiation replaces s.info while other goroutines ask, so the TLS
// 1.2 description is read under the renegotiation lock (connInfo); s.info13
// is set once, before hsDone.
func (s *Socket) hasInfo() bool { return s.info13 != nil || s.connInfo() != nil }
