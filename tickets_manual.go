package ssl

import (
	"errors"
	"sync"

	"github.com/gossl/ssl/internal/handshake"
	"github.com/gossl/ssl/internal/session"
)

// SessionTicket is a TLS 1.3 session ticket (RFC 8446, 4.6.1) that a
// client with session_tickets manual received: OTP's {ssl,
// session_ticket, {SNI, Ticket}}. Give it back in Options.UseTicket to
// resume. It holds the resumption secret: keep it (MarshalBinary) as
// secret as a private key.
type SessionTicket struct {
	// ServerName is the server_name_indication of the connection that
	// received it ("" for none).
	ServerName string
	t          *session.ClientTicket
}

// MarshalBinary encodes the ticket, secret included, for storage.
func (t SessionTicket) MarshalBinary() ([]byte, error) {
	if t.t == nil {
		return nil, errors.New("ssl: empty SessionTicket")
	}
	body, err := t.t.Marshal()
	if err != nil {
		return nil, err
	}
	if len(t.ServerName) > 255 {
		return nil, errors.New("ssl: SessionTicket server name too long")
	}
	return append(append([]byte{byte(len(t.ServerName))}, t.ServerName...), body...), nil
}

// UnmarshalBinary decodes what MarshalBinary made.
func (t *SessionTicket) UnmarshalBinary(data []byte) error {
	if len(data) < 1 || len(data) < 1+int(data[0]) {
		return errors.New("ssl: malformed SessionTicket")
	}
	var ct session.ClientTicket
	if !ct.Unmarshal(data[1+int(data[0]):]) {
		return errors.New("ssl: malformed SessionTicket")
	}
	t.ServerName, t.t = string(data[1:1+int(data[0])]), &ct
	return nil
}

// manualTicketKey is the ticket-cache key of a client with
// session_tickets manual: its cache is its own (made for each Connect)
// and holds only the UseTicket tickets.
const manualTicketKey = "\x00use_ticket"

// useTickets gives a manual client a cache of its own with the UseTicket
// tickets in it, the first one on top.
func (o *Options) useTickets(cfg *handshake.Config) {
	cfg.TicketCache, cfg.CacheKey = session.NewClientCache(1), manualTicketKey
	for i := len(o.UseTicket) - 1; i >= 0; i-- {
		if t := o.UseTicket[i].t; t != nil {
			// A copy: the cache hands its tickets out to be used.
			c := *t
			cfg.TicketCache.Put(manualTicketKey, &c)
		}
	}
}

// ticketInbox holds the tickets a manual client received, for
// (*Socket).SessionTickets: the newest maxInbox.
type ticketInbox struct {
	mu   sync.Mutex
	list []SessionTicket
}

// maxInbox bounds what a server can make a manual client keep.
const maxInbox = 16

func (b *ticketInbox) add(t SessionTicket) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.list = append(b.list, t)
	if len(b.list) > maxInbox {
		b.list = b.list[len(b.list)-maxInbox:]
	}
}

// SessionTickets returns the TLS 1.3 tickets this client connection has
// received so far with session_tickets manual, oldest first, and forgets
// them: each is returned once, as each of OTP's {ssl, session_ticket, _}
// messages is received once. Tickets come after the handshake, as the
// socket reads; WaitSessionTicket waits for the first. nil for any other
// socket.
func (s *Socket) SessionTickets() []SessionTicket {
	in := s.conf().inbox
	if in == nil {
		return nil
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	out := in.list
	in.list = nil
	return out
}
