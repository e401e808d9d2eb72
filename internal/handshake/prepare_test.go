package handshake

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/alert"
	sess "github.com/gossl/ssl/internal/session"
	"github.com/gossl/ssl/internal/wire"
)

// exchangePrepared runs a handshake as the driver does, each machine
// calling Prepare before it takes the other's flight (where the driver
// would wait for it). tamper, if set, may change a message on its way.
func exchangePrepared(t *testing.T, client *Client, server *Server, tamper func(to Machine, msg []byte) []byte) error {
	t.Helper()
	return exchangeObserved(t, client, server, tamper, nil)
}

// exchangeObserved is exchangePrepared that also shows observe every
// action a machine gives, with the machine it is addressed to.
func exchangeObserved(t *testing.T, client *Client, server *Server, tamper func(to Machine, msg []byte) []byte, observe func(to Machine, a Action)) error {
	t.Helper()
	acts, err := client.Start()
	if err != nil {
		t.Fatal(err)
	}
	var to Machine = server
	for i := 0; i < 8 && !(client.Done() && server.Done()); i++ {
		to.Prepare()
		var out []Action
		for _, a := range acts {
			if observe != nil {
				observe(to, a)
			}
			var more []Action
			switch a.Kind {
			case SendMessage:
				msg := a.Data
				if tamper != nil {
					msg = tamper(to, msg)
				}
				more, err = to.HandleMessage(msg)
			case SendChangeCipherSpec:
				more, err = to.HandleChangeCipherSpec()
			}
			if err != nil {
				return err
			}
			out = append(out, more...)
		}
		acts = out
		if to == Machine(server) {
			to = client
		} else {
			to = server
		}
	}
	if !client.Done() || !server.Done() {
		t.Fatalf("not done: client in %s, server in %s", client.State(), server.State())
	}
	return nil
}

func flipFinished(target Machine) func(Machine, []byte) []byte {
	return func(to Machine, msg []byte) []byte {
		if to != target || msg[0] != wire.TypeFinished {
			return msg
		}
		msg = bytes.Clone(msg)
		msg[len(msg)-1] ^= 1
		return msg
	}
}

func sessions12(t *testing.T) (client, server *Sessions12) {
	now := time.Now
	client = &Sessions12{Cache: sess.NewClientSessions(4), CacheKey: "k", Offer: true, Save: true, Tickets: true}
	server = &Sessions12{Store: sess.NewMemoryStore(16, now), TicketKeys: sess.NewTicketKeys(time.Hour, 2, now)}
	return client, server
}

// Prepare made ahead must give the same verdicts: a handshake completes
// (also when a NewSessionTicket comes between the client's Prepare and
// the server's Finished, changing the transcript), a resumed one too,
// and a wrong Finished is still refused with decrypt_error.
func TestPrepareTLS12(t *testing.T) {
	cs, ss := sessions12(t)
	serverCfg := testConfig(t, true)
	newPair := func() (*Client, *Server) {
		c, s := NewClient(testConfig(t, false)), NewServer(serverCfg)
		c.Sessions, s.Sessions = cs, ss
		return c, s
	}
	c, s := newPair()
	if err := exchangePrepared(t, c, s, nil); err != nil {
		t.Fatalf("full handshake with a ticket: %v", err)
	}
	if c.Info().Resumed {
		t.Fatal("first handshake resumed")
	}
	c, s = newPair()
	if err := exchangePrepared(t, c, s, nil); err != nil {
		t.Fatalf("resumed handshake: %v", err)
	}
	if !c.Info().Resumed {
		t.Fatal("second handshake did not resume")
	}
	for _, side := range []string{"client", "server"} {
		c, s = newPair()
		var target Machine = s
		if side == "client" {
			target = c
		}
		err := exchangePrepared(t, c, s, flipFinished(target))
		var ae *alert.Error
		if !errors.As(err, &ae) || ae.Desc != alert.DecryptError {
			t.Fatalf("resumed, bad Finished to the %s: %v, want decrypt_error", side, err)
		}
	}
}

func TestPrepareTLS13(t *testing.T) {
	c, s := NewClient(testConfig13(t, false)), NewServer(testConfig13(t, true))
	if err := exchangePrepared(t, c, s, nil); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(c.Info().ClientTrafficSecret, s.Info().ClientTrafficSecret) {
		t.Fatal("traffic secrets differ")
	}
	c, s = NewClient(testConfig13(t, false)), NewServer(testConfig13(t, true))
	err := exchangePrepared(t, c, s, flipFinished(s))
	var ae *alert.Error
	if !errors.As(err, &ae) || ae.Desc != alert.DecryptError {
		t.Fatalf("bad client Finished: %v, want decrypt_error", err)
	}
}
