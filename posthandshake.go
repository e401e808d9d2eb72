package ssl

import (
	"errors"
	"time"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/handshake"
	"github.com/gossl/ssl/internal/prf"
	"github.com/gossl/ssl/internal/session"
	"github.com/gossl/ssl/internal/wire"
)

// handlePostHandshake answers handshake messages after the handshake.
// TLS 1.3: NewSessionTicket and KeyUpdate (RFC 8446, 4.6). TLS 1.0–1.2:
// a HelloRequest (to a client) or a ClientHello (to a server) starts a
// renegotiation, or gets a no_renegotiation warning when it is refused,
// and the messages of a running renegotiation go to its machine
// (renegotiate.go); anything else is unexpected.
func (s *Socket) handlePostHandshake(data []byte) error {
	if s.dtls() != nil {
		return s.dtlsPostHandshake(data)
	}
	s.in.hbuf.Write(data)
	for {
		msg, ok, err := s.in.hbuf.Next(s.conf().maxHandshakeSize)
		if err != nil {
			return s.sendFatal(alert.New(alert.HandshakeFailure, "handshake message larger than max_handshake_size"))
		}
		if !ok {
			if s.in.hbuf.Len() == 0 {
				// Let the reassembly chunk go between messages.
				s.in.hbuf = wire.HandshakeBuffer{}
			}
			return nil
		}
		// Each message counts as a record without data: one record
		// can carry thousands of small messages (HelloRequests a
		// renegotiating client ignores or answers with a warning each,
		// NewSessionTickets), and one message can come in many records
		// (countRecord does not count those).
		if err := s.countIdle(); err != nil {
			return err
		}
		if s.tls.tls13 {
			if err := s.handlePostHandshake13(msg); err != nil {
				return err
			}
			continue
		}
		if err := s.handleRenegMessage(msg); err != nil {
			return err
		}
	}
}

// refuseInterleaved13 refuses, in TLS 1.3, a record of another type while
// a handshake message is partly received: RFC 8446, 5.1 "if a handshake
// message is split over two or more records, there MUST NOT be any other
// records between them". TLS 1.2 allows application data between the
// fragments of a renegotiation's messages (RFC 5246, 6.2.1), and peers
// send it. Called under in, for every record after the handshake.
func (s *Socket) refuseInterleaved13(typ uint8) error {
	if s.tls.tls13 && typ != wire.TypeHandshake && s.in.hbuf.Len() > 0 {
		return s.sendFatal(alert.New(alert.UnexpectedMessage, "a record of another type inside a fragmented handshake message (RFC 8446, 5.1)"))
	}
	return nil
}

func (s *Socket) handlePostHandshake13(msg []byte) error {
	switch {
	case msg[0] == wire.TypeNewSessionTicket && s.role == roleClient:
		nst := wire.NewSessionTicket{TLS13: true}
		if !nst.Unmarshal(msg) {
			return s.sendFatal(alert.New(alert.DecodeError, "malformed NewSessionTicket"))
		}
		s.tls.gotTicket.Store(true)
		s.keepTicket(&nst)
		return nil
	case msg[0] == wire.TypeKeyUpdate:
		var ku wire.KeyUpdate
		if !ku.Unmarshal(msg) {
			if wire.KeyUpdateValueIllegal(msg) {
				return s.sendFatal(alert.New(alert.IllegalParameter, "KeyUpdate request_update neither 0 nor 1"))
			}
			return s.sendFatal(alert.New(alert.DecodeError, "malformed KeyUpdate"))
		}
		// A KeyUpdate flood is bounded (maxKeyUpdates).
		if err := s.countKeyUpdate(); err != nil {
			return err
		}
		// RFC 8446, 5.1: the key changes at a record boundary.
		if s.in.hbuf.Len() != 0 {
			return s.sendFatal(alert.New(alert.UnexpectedMessage, "handshake data after a KeyUpdate in the same record"))
		}
		s.tls.readSecret = prf.NextTrafficSecret(s.tls.hash, s.tls.readSecret)
		p, err := newProtector(s.keys13(s.tls.readSecret))
		if err != nil {
			return s.sendFatal(err.(*alert.Error))
		}
		s.rd.SetProtector(p)
		if ku.UpdateRequested {
			// A write failure shows on the next Send.
			s.answerKeyUpdate()
		}
		return nil
	}
	return s.sendFatal(alert.New(alert.UnexpectedMessage, "unexpected handshake message after the handshake"))
}

// keepTicket stores a server's ticket for the next connection to the
// same server (RFC 8446, 4.6.1), when the client resumes sessions.
func (s *Socket) keepTicket(nst *wire.NewSessionTicket) {
	cfg := s.conf()
	if cfg.ticketCache == nil || nst.LifetimeHint == 0 || len(nst.Ticket) == 0 {
		return
	}
	info := s.connInfo()
	t := &session.ClientTicket{
		Ticket:       append([]byte(nil), nst.Ticket...),
		Suite:        info.Suite.ID,
		PSK:          prf.ResumptionPSK(info.Hash, info.ResumptionMaster, nst.Nonce),
		Received:     cfg.now(),
		Lifetime:     min(time.Duration(nst.LifetimeHint)*time.Second, 7*24*time.Hour),
		AgeAdd:       nst.AgeAdd,
		MaxEarlyData: nst.MaxEarlyData,
		ALPN:         info.NegotiatedProtocol,
	}
	t.ServerCerts = s.peerCertDER()
	if cfg.inbox != nil {
		cfg.inbox.add(SessionTicket{ServerName: info.ServerName, t: t})
		return
	}
	cfg.ticketCache.Put(cfg.cacheKey, t)
}

func (s *Socket) keys13(secret []byte) *handshake.Keys {
	key, iv := prf.TrafficKeys(s.tls.hash, secret, s.tls.suite.Cipher.Info().KeyLen, 12)
	return &handshake.Keys{Suite: s.tls.suite, Version: wire.VersionTLS13, Key: key, IV: iv}
}

// aeadRecordLimit is when a TLS 1.3 writer changes keys whatever
// key_update_at says: RFC 8446, 5.5 allows 2^24.5 full records under one
// AES-GCM key; we stay below with 2^24.
const aeadRecordLimit = 1 << 24

// maybeUpdateKeysLocked applies key_update_at (and the AEAD limit) after
// n more bytes were sent. The caller holds the out lock.
func (s *Socket) maybeUpdateKeysLocked(n int) error {
	s.tls.sentSinceUpdate += int64(n)
	at := int64(s.tls.keyUpdateAt)
	if (at > 0 && s.tls.sentSinceUpdate >= at) || s.wr.Seq() >= aeadRecordLimit {
		return s.updateWriteKeysLocked(false)
	}
	return nil
}

// updateWriteKeys sends a KeyUpdate and switches to the next write key.
func (s *Socket) updateWriteKeys(requestPeer bool) error {
	s.out.Lock()
	defer s.out.Unlock()
	return s.updateWriteKeysLocked(requestPeer)
}

func (s *Socket) updateWriteKeysLocked(requestPeer bool) error {
	if s.out.err != nil {
		return s.out.err
	}
	s.tls.sentSinceUpdate = 0
	s.tls.keyUpdated = true
	msg, _ := (&wire.KeyUpdate{UpdateRequested: requestPeer}).Marshal()
	if err := s.wr.WriteRecord(wire.TypeHandshake, msg); err != nil {
		return s.failWrite(err)
	}
	if err := s.wr.Flush(); err != nil {
		return s.failWrite(err)
	}
	s.tls.writeSecret = prf.NextTrafficSecret(s.tls.hash, s.tls.writeSecret)
	p, err := newProtector(s.keys13(s.tls.writeSecret))
	if err != nil {
		return err
	}
	s.wr.SetProtector(p)
	return nil
}

// answerKeyUpdate answers a peer's update_requested with our own
// KeyUpdate (RFC 8446, 4.6.3), unless we have sent nothing since our
// last one: requests that come while we are silent get a single answer,
// as the RFC says.
func (s *Socket) answerKeyUpdate() {
	s.out.Lock()
	defer s.out.Unlock()
	if s.tls.keyUpdated && s.tls.sentSinceUpdate == 0 {
		return
	}
	s.updateWriteKeysLocked(false)
}

// UpdateKeys sends a TLS 1.3 KeyUpdate: ssl:update_keys/2. With
// readWrite false ("write") only our sending keys change; with true
// ("read_write") the peer is asked to change its too. On TLS 1.2 and
// older it returns an error (Erlang's notsup).
func (s *Socket) UpdateKeys(readWrite bool) error {
	if err := s.ensureHandshake(); err != nil {
		return err
	}
	if !s.tls.tls13 {
		return errors.New("notsup: update_keys needs TLS 1.3")
	}
	return s.updateWriteKeys(readWrite)
}
