package handshake

import (
	"bytes"
	"testing"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/wire"
)

// runMutated runs a handshake between client and server, passing every
// message through mutate (fromClient says who sent it), and returns the
// first refusal and whether the server made it.
func runMutated(t *testing.T, client *Client, server *Server, mutate func(fromClient bool, msg []byte) []byte) (err error, byServer bool) {
	t.Helper()
	acts, err := client.Start()
	if err != nil {
		t.Fatal(err)
	}
	to, fromClient := Machine(server), true
	for i := 0; i < 16 && len(acts) > 0; i++ {
		var next []Action
		for _, a := range acts {
			var more []Action
			switch a.Kind {
			case SendMessage:
				if to == Machine(client) && client.Done() {
					continue // a NewSessionTicket
				}
				more, err = to.HandleMessage(mutate(fromClient, a.Data))
			case SendChangeCipherSpec:
				more, err = to.HandleChangeCipherSpec()
			}
			if err != nil {
				return err, to == Machine(server)
			}
			next = append(next, more...)
		}
		acts = next
		if fromClient {
			to = client
		} else {
			to = server
		}
		fromClient = !fromClient
	}
	if !client.Done() || !server.Done() {
		t.Fatalf("not done: client in %s, server in %s", client.State(), server.State())
	}
	return nil, false
}

// A Finished whose verify_data has another length than the version and
// suite fix (Hash.length in TLS 1.3, RFC 8446, 4.4.4; 12 bytes in TLS
// 1.2, RFC 5246, 7.4.9) is malformed: decode_error, from either role.
// Only a value of the right length that does not match is decrypt_error.
// The TLS 1.3 machines used to answer every such Finished decrypt_error.
func TestFinishedWrongLength(t *testing.T) {
	for _, v := range []struct {
		name string
		cfg  func(*testing.T, bool) *Config
	}{{"tls13", testConfig13}, {"tls12", testConfig}} {
		for _, tc := range []struct {
			name   string
			change func([]byte) []byte
			desc   alert.Description
		}{
			{"one_byte_more", func(vd []byte) []byte { return append(vd, 0) }, alert.DecodeError},
			{"one_byte_less", func(vd []byte) []byte { return vd[:len(vd)-1] }, alert.DecodeError},
			{"twice_as_long", func(vd []byte) []byte { return append(vd, vd...) }, alert.DecodeError},
			{"right_length_wrong_value", func(vd []byte) []byte { vd[0] ^= 1; return vd }, alert.DecryptError},
		} {
			for _, fromClient := range []bool{true, false} {
				who := "server_refuses"
				if !fromClient {
					who = "client_refuses"
				}
				t.Run(v.name+"/"+who+"/"+tc.name, func(t *testing.T) {
					client, server := NewClient(v.cfg(t, false)), NewServer(v.cfg(t, true))
					err, byServer := runMutated(t, client, server, func(fc bool, msg []byte) []byte {
						if fc != fromClient || msg[0] != wire.TypeFinished {
							return msg
						}
						return wire.Frame(wire.TypeFinished, tc.change(bytes.Clone(msg[4:])))
					})
					if byServer != fromClient {
						t.Fatalf("refused by the server: %v; want the other side (%v)", byServer, err)
					}
					wantAlert(t, err, tc.desc)
				})
			}
		}
	}
}
