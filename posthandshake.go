package ssl

import (
	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/wire"
)

// handlePostHandshake answers handshake messages after the handshake.
// Renegotiation is not implemented yet: a HelloRequest (to a client) or a
// ClientHello (to a server) gets a no_renegotiation warning, which RFC
// 5246, 7.2.2 allows; anything else is unexpected.
func (s *Socket) handlePostHandshake(data []byte) error {
	s.in.hbuf.Write(data)
	for {
		msg, ok, err := s.in.hbuf.Next(s.res.hs.MaxHandshakeSize)
		if err != nil {
			return s.sendFatal(alert.New(alert.HandshakeFailure, "handshake message larger than max_handshake_size"))
		}
		if !ok {
			return nil
		}
		switch {
		case s.role == roleClient && msg[0] == wire.TypeHelloRequest && len(msg) == 4,
			s.role == roleServer && msg[0] == wire.TypeClientHello:
			s.sendWarning(alert.NoRenegotiation)
		default:
			return s.sendFatal(alert.New(alert.UnexpectedMessage, "unexpected handshake message after the handshake"))
		}
	}
}
