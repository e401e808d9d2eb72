package ssl

import (
	"crypto/tls"

	"github.com/gossl/ssl/internal/handshake"

	"github.com/gossl/ssl/internal/pki"
)

// ConnectionState describes the connection in crypto/tls's terms, for
// code written against *tls.Conn: net/http reads it to set Request.TLS
// on HTTP/1 connections, and golang.org/x/net/http2 reads it on both
// sides (the server to set Request.TLS, the client Response.TLS).
//
// A socket from the net.Listener adapter runs its pending handshake
// first, as a Read would, so that the state is the negotiated one. Before
// a handshake completes, or after it failed, the zero value is returned
// (HandshakeComplete false).
//
// Filled: Version, HandshakeComplete, DidResume, CipherSuite, CurveID
// (the key-exchange group, 0 for RSA key transport),
// NegotiatedProtocol (ALPN), NegotiatedProtocolIsMutual, ServerName (the
// SNI sent by a client, received by a server), PeerCertificates (as the
// peer sent them, leaf first) and, in TLS 1.0–1.2, TLSUnique (RFC 5929,
// Section 3). Left empty, because gossl does not keep or support them:
// VerifiedChains (gossl verifies the chain but does not keep it past the
// handshake), SignedCertificateTimestamps, OCSPResponse, HelloRetryRequest
// and ECHAccepted (no ECH). ExportKeyingMaterial on the returned value
// cannot be called (crypto/tls keeps its exporter unexported): use
// ExportKeyMaterials instead.
func (s *Socket) ConnectionState() tls.ConnectionState {
	if s.lazyHS && !s.hsDone.Load() {
		// The error, if any, is the next Read's or Write's too.
		_ = s.ensureHandshake()
	}
	if !s.hsDone.Load() || s.hsErr != nil || !s.hasInfo() {
		return tls.ConnectionState{}
	}
	info := s.connInfo()
	st := tls.ConnectionState{
		Version:            info.Version,
		HandshakeComplete:  true,
		DidResume:          info.Resumed,
		CurveID:            tls.CurveID(info.Group),
		NegotiatedProtocol: info.NegotiatedProtocol,
		//lint:ignore SA1019 crypto/tls still sets it (always true); net/http2 code may read it
		NegotiatedProtocolIsMutual: true,
		ServerName:                 info.ServerName,
	}
	if info.Suite != nil {
		st.CipherSuite = info.Suite.ID
	}
	for _, der := range s.peerCertDER() {
		c, err := pki.ParseCertificateUncached(der)
		if err != nil {
			// The handshake parsed this chain; a failure here would
			// be a bug, and a partial chain would mislead.
			st.PeerCertificates = nil
			break
		}
		st.PeerCertificates = append(st.PeerCertificates, c)
	}
	if !s.tls.tls13 && info.Version != 0x0304 {
		st.TLSUnique = tlsUnique(info)
	}
	return st
}

// tlsUnique returns the tls-unique channel binding of a TLS 1.0–1.2
// connection: the verify_data of the first Finished message of the latest
// handshake, the client's in a full handshake and the server's in an
// abbreviated one (RFC 5929, Section 3.1). Like crypto/tls it returns nil
// for a resumption without extended master secret, where the triple
// handshake attack (RFC 7627, Section 1) makes the binding unsafe.
func tlsUnique(info *handshake.Info) []byte {
	if info.Resumed && !info.ExtendedMasterSecret {
		return nil
	}
	first := info.ClientVerifyData
	if info.Resumed {
		first = info.ServerVerifyData
	}
	return append([]byte(nil), first...)
}
