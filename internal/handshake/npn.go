package handshake

import (
	"slices"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/wire"
)

// Next Protocol Negotiation (draft-agl-tls-nextprotoneg-04), TLS 1.0–1.2
// only, in a first handshake only (as OpenSSL: a renegotiation neither
// offers nor answers it). The client offers an empty
// next_protocol_negotiation extension; the server answers with the
// protocols it advertises; the client sends its choice in a NextProtocol
// message between its ChangeCipherSpec and Finished, so the choice is
// encrypted and covered by the Finished hashes. ALPN, when it agreed on a
// protocol, takes precedence: the server then does not answer NPN.

// NPNPreference is OTP's client_preferred_next_protocols: {Precedence,
// ClientPrefs} or {Precedence, ClientPrefs, Default}.
type NPNPreference struct {
	// ServerPrecedence picks the first protocol of the server's list
	// that the client lists; otherwise the first of the client's list
	// that the server lists.
	ServerPrecedence bool
	Prefs            []string
	// Default is chosen when there is no protocol in common ("": the
	// first of Prefs).
	Default string
}

// choose picks the protocol to send for the server's advertised list.
func (p *NPNPreference) choose(advertised []string) string {
	first, second := p.Prefs, advertised
	if p.ServerPrecedence {
		first, second = advertised, p.Prefs
	}
	for _, proto := range first {
		if slices.Contains(second, proto) {
			return proto
		}
	}
	if p.Default != "" {
		return p.Default
	}
	return p.Prefs[0]
}

// offerNPN adds the empty extension to a first ClientHello.
func (c *Client) offerNPN(ch *wire.ClientHello) {
	ch.NextProtoNeg = c.cfg.NPN != nil && c.Reneg == nil
}

// acceptNPN takes the server's answer: the protocol is chosen now and
// sent with the Finished (sendNextProtocol).
func (c *Client) acceptNPN(sh *wire.ServerHello) error {
	if !sh.NextProtoNeg {
		return nil
	}
	if !c.hello.NextProtoNeg {
		return alert.New(alert.UnsupportedExtension, "next_protocol_negotiation answered but not offered")
	}
	if sh.ALPNProtocol != "" {
		return alert.New(alert.IllegalParameter, "server answered both ALPN and next_protocol_negotiation")
	}
	c.npn = true
	c.info.NegotiatedProtocol = c.cfg.NPN.choose(sh.NextProtos)
	return nil
}

// sendNextProtocol adds the NextProtocol message to the client's last
// flight, after its ChangeCipherSpec and before its Finished.
func (c *Client) sendNextProtocol(f *flight) error {
	if !c.npn {
		return nil
	}
	if err := f.send(&wire.NextProtocol{Protocol: c.info.NegotiatedProtocol}); err != nil {
		return err
	}
	c.record((*f)[len(*f)-1].Data)
	return nil
}

// answerNPN decides whether the server answers a ClientHello's
// next_protocol_negotiation, and with which list.
func (s *Server) answerNPN(ch *wire.ClientHello, sh *wire.ServerHello) {
	s.npn = ch.NextProtoNeg && s.cfg.NextProtocols != nil && s.Reneg == nil && s.info.NegotiatedProtocol == ""
	sh.NextProtoNeg, sh.NextProtos = s.npn, s.cfg.NextProtocols
}

// handleNextProtocol takes the client's choice; it must come once, after
// the ChangeCipherSpec, before the Finished, and only if NPN was
// answered. An empty protocol is refused: the server's list never holds
// one, and OTP refuses to configure one.
func (s *Server) handleNextProtocol(msg []byte) error {
	if !s.npn || s.gotNPN {
		return unexpected(msg, s.State())
	}
	var np wire.NextProtocol
	if !np.Unmarshal(msg) {
		return alert.New(alert.DecodeError, "malformed NextProtocol")
	}
	if np.Protocol == "" {
		return alert.New(alert.IllegalParameter, "NextProtocol selects an empty protocol")
	}
	s.gotNPN = true
	s.info.NegotiatedProtocol = np.Protocol
	s.record(msg)
	return nil
}
