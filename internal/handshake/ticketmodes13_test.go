package handshake

import "testing"

// TestTicket13WithoutPSKModes: a client whose first ClientHello has no
// psk_key_exchange_modes (OTP 25's client sends the extension only with
// a ticket) still gets a ticket, and resumes with it when it offers
// psk_dhe_ke (RFC 8446, 4.2.9).
func TestTicket13WithoutPSKModes(t *testing.T) {
	cc, sc := ticketPair(t)
	cache := cc.TicketCache
	cc.TicketCache = nil // no psk_key_exchange_modes in this ClientHello
	client, server := NewClient(cc), NewServer(sc)
	acts, err := client.Start()
	if err != nil {
		t.Fatal(err)
	}
	if client.hello.PSKModes != nil {
		t.Fatal("the first ClientHello has psk_key_exchange_modes")
	}
	cc.TicketCache = cache // where the driver keeps the ticket
	for i := 0; i < 6 && !(client.Done() && server.Done() && len(acts) == 0); i++ {
		if acts, err = deliverOrFail(t, acts, server); err != nil {
			t.Fatal(err)
		}
		if acts, err = deliverOrFail(t, acts, client); err != nil {
			t.Fatal(err)
		}
	}
	if !client.Done() || !server.Done() {
		t.Fatal("the first handshake did not finish")
	}
	// The second handshake offers the ticket with psk_dhe_ke: resumed
	// only if the first one got a ticket.
	c, s := benchPair(t, cc, sc)
	if !c.Info().Resumed || !s.Info().Resumed {
		t.Fatal("no ticket for a client that sent no psk_key_exchange_modes")
	}
}
