package main

import (
	"encoding/pem"
	"errors"
	"fmt"
	"os"

	ssl "github.com/gossl/ssl"
)

// TLS 1.3 tickets of a client with --session-tickets manual (OTP's
// {session_tickets, manual} and {use_ticket, [Ticket]}) travel between
// runs in a file of PEM blocks, one per ticket, each holding
// SessionTicket.MarshalBinary: the ticket, the server name it was made
// for and its resumption secret. The file is as secret as a private key
// (it is written with mode 0600).

// ticketPEMType is the PEM block type of a stored ticket.
const ticketPEMType = "GOSSL SESSION TICKET"

// setUseTicket is --use-ticket FILE: use_ticket with every ticket the
// file holds, in the file's order (the first is offered first). A
// repeated flag adds the next file's.
func setUseTicket(o *ssl.Options, name, v string) error {
	tickets, err := readTicketFile(v)
	if err != nil {
		return &ssl.OptionError{Name: name, Value: v, Reason: err.Error()}
	}
	o.UseTicket = append(o.UseTicket, tickets...)
	return nil
}

// readTicketFile decodes the tickets of a file writeTicketFile wrote.
// Blocks of other types are an error, not skipped: such a file is not
// one of ours.
func readTicketFile(path string) ([]ssl.SessionTicket, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []ssl.SessionTicket
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		if b.Type != ticketPEMType {
			return nil, fmt.Errorf("a %q block where %q blocks are expected", b.Type, ticketPEMType)
		}
		var t ssl.SessionTicket
		if err := t.UnmarshalBinary(b.Bytes); err != nil {
			return nil, fmt.Errorf("ticket %d: %w", len(out)+1, err)
		}
		out = append(out, t)
	}
	if len(out) == 0 {
		return nil, errors.New("no " + ticketPEMType + " block")
	}
	return out, nil
}

// writeTicketFile replaces path with tickets, readable by its owner only.
func writeTicketFile(path string, tickets []ssl.SessionTicket) error {
	var data []byte
	for _, t := range tickets {
		b, err := t.MarshalBinary()
		if err != nil {
			return err
		}
		data = append(data, pem.EncodeToMemory(&pem.Block{Type: ticketPEMType, Bytes: b})...)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// manualTickets makes --ticket-out and --use-ticket imply
// --session-tickets manual, the only mode they work in, and refuses them
// with another mode.
func manualTickets(o *ssl.Options, ticketOut string) error {
	if ticketOut == "" && len(o.UseTicket) == 0 {
		return nil
	}
	switch o.SessionTickets {
	case "":
		o.SessionTickets = "manual"
	case "manual":
	default:
		return &ssl.OptionError{Name: "session_tickets", Value: o.SessionTickets,
			Reason: "--ticket-out and --use-ticket need manual"}
	}
	return nil
}

// saveTickets writes the tickets s received to path and says how many on
// stderr; none is an error, so that a script does not go on with an old
// file.
func saveTickets(e *env, s *ssl.Socket, path string) error {
	tickets := s.SessionTickets()
	if len(tickets) == 0 {
		return errors.New("ticket-out: the server sent no TLS 1.3 ticket")
	}
	if err := writeTicketFile(path, tickets); err != nil {
		return fmt.Errorf("ticket-out: %w", err)
	}
	fmt.Fprintf(e.stderr, "ticket_out: %d saved to %s\n", len(tickets), path)
	return nil
}
