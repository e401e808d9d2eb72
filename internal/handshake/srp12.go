package handshake

import (
	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/kx"
	sess "github.com/gossl/ssl/internal/session"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

// SRP in the handshake (RFC 5054). The client names its user in the srp
// extension of the ClientHello (2.8.1); the server looks the user up and
// sends N, g, the salt and B in a ServerKeyExchange, signed under
// SRP_SHA_RSA and bare under SRP_SHA, where it also sends no Certificate
// and asks for none (2.7, and RFC 5246, 7.4.4 for anonymous servers).

// offerSRP puts the username in the ClientHello when it offers an SRP
// suite. RFC 5054, 2.5.1.1: it goes in every ClientHello that offers
// one, a resumption's included, in case the server wants a full
// handshake.
func (c *Client) offerSRP(ch *wire.ClientHello) {
	for _, id := range ch.CipherSuites {
		if s := suites.ByID(id); s != nil && s.KX.SRP() {
			ch.SRPIdentity = []byte(c.cfg.SRPUser)
			return
		}
	}
}

// startSRP makes the client's SRP exchange once the ServerHello chose
// suite; it reports whether suite is SRP.
func (c *Client) startSRP(suite *suites.Suite) bool {
	if !suite.KX.SRP() {
		return false
	}
	c.kx = kx.NewSRPClient(c.cfg.SRPUser, c.cfg.SRPPassword, c.cfg.Rand)
	c.srpUser = c.cfg.SRPUser
	return true
}

// acceptUnsignedParams finishes a ServerKeyExchange that carries no
// signature (SRP_SHA): nothing may follow the params.
func (c *Client) acceptUnsignedParams(msg []byte, n, total int) error {
	if n != total {
		return alert.New(alert.DecodeError, "trailing bytes in an unsigned ServerKeyExchange")
	}
	c.record(msg)
	c.state = clientWaitDone
	return nil
}

// srpUsable reports whether the server can choose an SRP suite: it needs
// user_lookup_fun and the client's username. RFC 5054, 2.5.1.2: a client
// that offers SRP suites without the srp extension gets
// unknown_psk_identity if the server would have chosen one; missing
// records that, and the server answers so when it finds no other suite.
func (s *Server) srpUsable(suite *suites.Suite, ch *wire.ClientHello, missing *bool) bool {
	if !suite.KX.SRP() {
		return true
	}
	if s.cfg.ServerSRP == nil {
		return false
	}
	if len(ch.SRPIdentity) == 0 {
		*missing = true
		return false
	}
	return true
}

// startSRP looks the client's user up and adds the ServerKeyExchange to
// f: signed with cert's key under SRP_SHA_RSA, bare under SRP_SHA. An
// unknown user is not an error here: ServerSRP answers with a simulated
// record (kx.SimulatedSRPUser), and the handshake fails at the client's
// Finished as it does for a wrong password.
func (s *Server) startSRP(f *flight, cert *CertKey, scheme uint16) error {
	user, err := s.cfg.ServerSRP(s.hello.SRPIdentity)
	if err != nil {
		return err
	}
	x, err := kx.NewSRPServer(user, s.cfg.Rand)
	if err != nil {
		return err
	}
	s.kx = x
	s.credential = sess.Credential{Identity: append([]byte(nil), s.hello.SRPIdentity...), Digest: kx.SRPDigest(user)}
	s.srpUser = string(s.hello.SRPIdentity)
	params, err := x.ServerParams()
	if err != nil {
		return alert.New(alert.InternalError, err.Error())
	}
	if s.suite.KX == suites.KXSRPAnon {
		return s.sendRecorded(f, &wire.ServerKeyExchange{Key: params})
	}
	return s.sendSignedParams(f, params, cert, scheme)
}
