package handshake

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

// Fuzzing the TLS 1.3 machines through HelloRetryRequest and PSK paths,
// with no record layer: the fuzzer's bytes are the plaintext handshake
// messages the peer sends, so mutations reach the machine's checks
// directly rather than dying in record decryption. The property: every
// input ends in completion or an alert error, never a panic, and a
// client that resumes does so with a PSK it offered in its final
// ClientHello.
//
// The seed corpora in testdata/fuzz are written by TestFuzz13Seeds with
// GOSSL_WRITE_FUZZ_SEEDS=1; that test checks they are what the
// generators make now.

// fuzzNow13 is the fixed clock of both fuzzed machines.
var fuzzNow13 = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

// constRand is an endless stream of one byte value: hello randoms and
// session ids that are the same on every run.
type constRand byte

func (c constRand) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(c)
	}
	return len(p), nil
}

// fuzzTicketSuites is the ticket the fuzzed client holds, picked by the
// low bits of the first input byte: none, or one of each hash.
var fuzzTicketSuites = [...]uint16{0, 0x1301, 0x1302, 0x1303}

// fuzzClient13 is the client machine of variant v, its ClientHello sent:
// bits 0-1 pick the ticket, bit 2 makes it offer 0-RTT data with it.
func fuzzClient13(t testing.TB, v byte) *Client {
	var early []byte
	if v&4 != 0 {
		early = []byte("early data")
	}
	return newClient13(t, fuzzTicketSuites[v%4], early, constRand(0x43), fuzzNow13)
}

// feedMessages splits msgs into handshake messages and gives them to m
// until it fails or is done; it returns the machine's error. An error
// that is not an alert is a test failure: every refusal must say which
// alert goes to the peer.
func feedMessages(t *testing.T, m Machine, msgs []byte, before func()) error {
	t.Helper()
	var buf wire.HandshakeBuffer
	buf.Write(msgs)
	for !m.Done() {
		msg, ok, err := buf.Next(wire.DefaultMaxHandshakeSize)
		if err != nil || !ok {
			return nil
		}
		if before != nil {
			before()
		}
		if _, err := m.HandleMessage(msg); err != nil {
			var ae *alert.Error
			if !errors.As(err, &ae) {
				t.Fatalf("refused with an error that is not an alert: %v (%T)", err, err)
			}
			return err
		}
	}
	return nil
}

// checkClientPSK is the client's PSK invariant (RFC 8446, 4.2.11): it
// resumes only with the ticket its final ClientHello offered, of the
// suite's hash.
func checkClientPSK(t *testing.T, c *Client) {
	t.Helper()
	if !c.Info().Resumed {
		return
	}
	if c.ticket == nil || len(c.hello.PSKIdentities) == 0 || c.v13 == nil ||
		suites.ByID(c.ticket.Suite).Hash() != c.v13.hash {
		t.Fatal("client resumed with a PSK its final ClientHello did not offer")
	}
}

func FuzzClient13HelloRetry(f *testing.F) {
	f.Fuzz(func(t *testing.T, variant byte, msgs []byte) {
		c := fuzzClient13(t, variant)
		feedMessages(t, c, msgs, nil)
		checkClientPSK(t, c)
	})
}

// clientSeed13 is a seed of FuzzClient13HelloRetry: a variant, the
// server's messages, and where the client must end on them.
type clientSeed13 struct {
	name    string
	variant byte
	msgs    func(t testing.TB, c *Client) [][]byte
	state   string            // the client's state at the end
	err     alert.Description // the alert it ends with; 0 for none
}

const (
	seedSHA256 = 0x1301
	seedSHA384 = 0x1302
)

// fakeFinished is a Finished of the right length whose verify_data the
// client cannot match: the seeds' key exchange is real, but the server
// side is not played out.
func fakeFinished(t testing.TB, n int) []byte {
	return marshalTest(t, &wire.Finished{VerifyData: make([]byte, n)})
}

var clientSeeds13 = []clientSeed13{
	{
		name: "hrr_resume_sha256", variant: 1, state: "wait_finished", err: alert.DecryptError,
		msgs: func(t testing.TB, c *Client) [][]byte {
			return [][]byte{hostileHRR(t, c, seedSHA256), hostileServerHello(t, c, seedSHA256, wire.GroupSecp256r1, 0),
				marshalTest(t, &wire.EncryptedExtensions{}), fakeFinished(t, 32)}
		},
	},
	{
		name: "resume_sha384", variant: 2, state: "wait_finished", err: alert.DecryptError,
		msgs: func(t testing.TB, c *Client) [][]byte {
			return [][]byte{hostileServerHello(t, c, seedSHA384, wire.GroupX25519, 0),
				marshalTest(t, &wire.EncryptedExtensions{}), fakeFinished(t, 48)}
		},
	},
	{
		name: "resume_early_data_accepted", variant: 5, state: "wait_finished", err: alert.DecryptError,
		msgs: func(t testing.TB, c *Client) [][]byte {
			return [][]byte{hostileServerHello(t, c, seedSHA256, wire.GroupX25519, 0),
				marshalTest(t, &wire.EncryptedExtensions{EarlyData: true}), fakeFinished(t, 32)}
		},
	},
	{
		name: "hrr_early_data_rejected", variant: 5, state: "wait_finished", err: alert.DecryptError,
		msgs: func(t testing.TB, c *Client) [][]byte {
			return [][]byte{hostileHRR(t, c, seedSHA256), hostileServerHello(t, c, seedSHA256, wire.GroupSecp256r1, 0),
				marshalTest(t, &wire.EncryptedExtensions{}), fakeFinished(t, 32)}
		},
	},
	{
		// The ticket is dropped for its hash by the HRR; the server
		// selects it all the same.
		name: "hrr_psk_dropped", variant: 2, state: "hello", err: alert.IllegalParameter,
		msgs: func(t testing.TB, c *Client) [][]byte {
			return [][]byte{hostileHRR(t, c, seedSHA256), hostileServerHello(t, c, seedSHA256, wire.GroupSecp256r1, 0)}
		},
	},
	{
		name: "hrr_psk_not_offered", variant: 0, state: "hello", err: alert.IllegalParameter,
		msgs: func(t testing.TB, c *Client) [][]byte {
			return [][]byte{hostileHRR(t, c, seedSHA256), hostileServerHello(t, c, seedSHA256, wire.GroupSecp256r1, 0)}
		},
	},
	{
		name: "hrr_cookie_full", variant: 0, state: "wait_cert_cr", err: 0,
		msgs: func(t testing.TB, c *Client) [][]byte {
			hrr := marshalTest(t, &wire.ServerHello{
				Version: wire.VersionTLS12, Random: wire.HelloRetryRequestRandom[:], SessionID: c.hello.SessionID,
				CipherSuite: seedSHA256, SupportedVersion: wire.VersionTLS13, TLS13Cookie: []byte("a cookie"),
			})
			return [][]byte{hrr, hostileServerHello(t, c, seedSHA256, wire.GroupX25519, -1),
				marshalTest(t, &wire.EncryptedExtensions{})}
		},
	},
}

// seedFile is a corpus file of the go test fuzz format for a byte and
// a []byte argument.
func seedFile(v byte, data []byte) []byte {
	return fmt.Appendf(nil, "go test fuzz v1\nbyte(%q)\n[]byte(%q)\n", v, data)
}

// checkSeedFile compares (or, with GOSSL_WRITE_FUZZ_SEEDS=1, writes) a
// seed corpus file. A missing file fails; a stale one fails when strict,
// and is only reported otherwise: the server seeds carry tickets, which
// change with the server's ticket format, and a stale seed still fuzzes
// (the fresh capture is what the test checks).
func checkSeedFile(t *testing.T, target, name string, content []byte, strict bool) {
	t.Helper()
	path := filepath.Join("testdata", "fuzz", target, name)
	if os.Getenv("GOSSL_WRITE_FUZZ_SEEDS") == "1" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	const again = "write the seeds again with GOSSL_WRITE_FUZZ_SEEDS=1 go test ./internal/handshake -run TestFuzz13"
	have, err := os.ReadFile(path)
	switch {
	case err != nil:
		t.Fatalf("%s: %v; %s", path, err, again)
	case !bytes.Equal(have, content) && strict:
		t.Fatalf("%s is stale; %s", path, again)
	case !bytes.Equal(have, content):
		t.Logf("%s is stale; %s", path, again)
	}
}

// TestFuzz13Seeds checks that each seed takes the machines where it is
// meant to, and that the corpus files are these seeds.
func TestFuzz13Seeds(t *testing.T) {
	for _, seed := range clientSeeds13 {
		t.Run("client/"+seed.name, func(t *testing.T) {
			c := fuzzClient13(t, seed.variant)
			msgs := bytes.Join(seed.msgs(t, c), nil)
			c = fuzzClient13(t, seed.variant)
			err := feedMessages(t, c, msgs, nil)
			if seed.err == 0 && err != nil {
				t.Fatalf("refused: %v", err)
			}
			if seed.err != 0 {
				wantAlert(t, err, seed.err)
			}
			if c.State() != seed.state {
				t.Fatalf("client in %s, want %s", c.State(), seed.state)
			}
			checkSeedFile(t, "FuzzClient13HelloRetry", seed.name, seedFile(seed.variant, msgs), true)
		})
	}
}
