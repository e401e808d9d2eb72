package handshake

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"sync"
	"testing"
	"testing/cryptotest"
	"time"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/kx"
	"github.com/gossl/ssl/internal/pki"
	sess "github.com/gossl/ssl/internal/session"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

// The server side of the TLS 1.3 fuzzing: a server machine with ticket
// keys takes the client's messages (first ClientHello, second after a
// HelloRetryRequest, Finished). For a captured resumption to replay,
// and so for mutations of it to reach the binder and Finished checks,
// everything the server draws is deterministic: the process's random
// stream (testing/cryptotest) is set to a fixed seed before the ticket
// keys are made and again before each message the server takes, so the
// server's draws are the same in the capture and in every replay,
// whatever the client drew in between.

// Seeds of the random stream.
const (
	fuzzPKISeed13    = 0x5eed13
	fuzzTicketSeed13 = 0x7ec4e7
	fuzzServerSeed13 = 0x5e4e
)

// seedRandom13 sets the process's random stream to seed for the rest of
// t, with gossl's key pools paused (their refills would draw from it at
// moments of their own).
func seedRandom13(t *testing.T, seed uint64) {
	t.Cleanup(kx.PauseKeyPools())
	cryptotest.SetGlobalRandom(t, seed)
}

var (
	fuzzCert13Once sync.Once
	fuzzCert13     CertKey
	fuzzCert13Err  error
)

// fuzzServerCert13 is an ECDSA certificate made from a fixed random
// stream: the same in every process, as a ticket bound to it must be.
// The caller sets the stream again afterwards.
func fuzzServerCert13(t *testing.T) CertKey {
	fuzzCert13Once.Do(func() {
		seedRandom13(t, fuzzPKISeed13)
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			fuzzCert13Err = err
			return
		}
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
			DNSNames: []string{"localhost"}, NotBefore: fuzzNow13.Add(-time.Hour), NotAfter: fuzzNow13.Add(24 * time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, IsCA: true, BasicConstraintsValid: true}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
		if err != nil {
			fuzzCert13Err = err
			return
		}
		leaf, _ := x509.ParseCertificate(der)
		fuzzCert13 = CertKey{Chain: [][]byte{der}, Leaf: leaf, Key: key, Names: ChainNames([][]byte{der})}
		fuzzCert13Err = fuzzCert13.PrepareMessages()
	})
	if fuzzCert13Err != nil {
		t.Fatal(fuzzCert13Err)
	}
	return fuzzCert13
}

// fuzzServer13 is the server machine of variant v (modulo 3): 0 supports
// only secp256r1, so that a client sharing x25519 gets a
// HelloRetryRequest; 1 takes x25519 and accepts 0-RTT data; 2 is 0 that
// also asks for a client certificate.
func fuzzServer13(t *testing.T, v byte) *Server {
	cert := fuzzServerCert13(t)
	seedRandom13(t, fuzzTicketSeed13)
	now := func() time.Time { return fuzzNow13 }
	keys := sess.NewTicketKeys(time.Hour, 2, now)
	if _, err := keys.Seal(nil); err != nil { // its first key, from the stream
		t.Fatal(err)
	}
	cfg := &Config{
		Versions:         []uint16{wire.VersionTLS13},
		Suites:           suites.Defaults([]uint16{wire.VersionTLS13}),
		Groups13:         []uint16{wire.GroupSecp256r1},
		SignatureSchemes: kx.DefaultSignatureSchemes(),
		Certs:            []CertKey{cert},
		TicketKeys:       keys,
		TicketLifetime:   time.Hour,
		MaxHandshakeSize: wire.DefaultMaxHandshakeSize,
		MiddleboxCompat:  true,
		Rand:             constRand(0x53),
		Now:              now,
	}
	switch v % 3 {
	case 1:
		cfg.Groups13 = []uint16{wire.GroupX25519, wire.GroupSecp256r1}
		cfg.AcceptEarlyData, cfg.MaxEarlyData = true, 1024
		cfg.AntiReplay = sess.NewReplayCache(time.Minute, 16)
	case 2:
		cfg.Verify = true
		cfg.VerifyOptions = pki.VerifyOptions{Roots: []*x509.Certificate{cert.Leaf}, Depth: 10}
	}
	return NewServer(cfg)
}

func FuzzServer13HelloRetry(f *testing.F) {
	f.Fuzz(func(t *testing.T, variant byte, msgs []byte) {
		s := fuzzServer13(t, variant)
		feedMessages(t, s, msgs, func() { seedRandom13(t, fuzzServerSeed13) })
	})
}

// serverSeed13 is a seed of FuzzServer13HelloRetry: a server variant
// and the client that talks to it (resuming when it holds a ticket from
// an earlier handshake with the same server).
type serverSeed13 struct {
	name    string
	variant byte
	resume  bool
	early   bool
	hrr     bool // the server must answer with a HelloRetryRequest
}

var serverSeeds13 = []serverSeed13{
	{name: "hrr_full", variant: 0, hrr: true},
	{name: "hrr_resume", variant: 0, resume: true, hrr: true},
	{name: "resume_early_data", variant: 1, resume: true, early: true},
	{name: "hrr_resume_early_data_rejected", variant: 0, resume: true, early: true, hrr: true},
	{name: "hrr_client_auth_none", variant: 2, hrr: true},
}

// seedClient13 is the client of server seeds: it shares x25519, also
// supports secp256r1, offers one suite and keeps tickets in cache
// (received at the fixed clock, so that the age it reports is right).
func seedClient13(cache *sess.ClientCache, early bool) *Client {
	var data []byte
	if early {
		data = []byte("early data")
	}
	cfg := client13Config(data, constRand(0x43), fuzzNow13)
	cfg.Suites = []*suites.Suite{suites.ByID(0x1301)}
	cfg.TicketCache, cfg.CacheKey = cache, "seed"
	return NewClient(cfg)
}

// captureServerSeed runs the seed's client against a fresh server of
// its variant and returns the client's handshake messages, with the
// server's answers after the first (a HelloRetryRequest or not).
func captureServerSeed(t *testing.T, seed serverSeed13, cache *sess.ClientCache) (msgs []byte, first []byte) {
	t.Helper()
	client, server := seedClient13(cache, seed.early), fuzzServer13(t, seed.variant)
	acts, err := client.Start()
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 8 && !(client.Done() && server.Done()); i++ {
		var answer []Action
		for _, a := range acts {
			if a.Kind != SendMessage {
				continue
			}
			msgs = append(msgs, a.Data...)
			seedRandom13(t, fuzzServerSeed13)
			more, err := server.HandleMessage(a.Data)
			if err != nil {
				t.Fatalf("server refused the client: %v", err)
			}
			answer = append(answer, more...)
		}
		acts = nil
		for _, a := range answer {
			if a.Kind != SendMessage {
				continue
			}
			if first == nil {
				first = a.Data
			}
			if client.Done() && a.Data[0] == wire.TypeNewSessionTicket {
				keepBenchTicket(t, client, a.Data)
				continue
			}
			more, err := client.HandleMessage(a.Data)
			if err != nil {
				t.Fatalf("client refused the server: %v", err)
			}
			acts = append(acts, more...)
		}
	}
	if !client.Done() || !server.Done() {
		t.Fatalf("capture did not complete: client in %s, server in %s", client.State(), server.State())
	}
	if server.Info().Resumed != seed.resume {
		t.Fatalf("resumed %v, want %v", server.Info().Resumed, seed.resume)
	}
	return msgs, first
}

func TestFuzz13ServerSeeds(t *testing.T) {
	for _, seed := range serverSeeds13 {
		t.Run(seed.name, func(t *testing.T) {
			cache := sess.NewClientCache(1)
			if seed.resume {
				captureServerSeed(t, serverSeed13{variant: seed.variant, early: seed.early}, cache)
			}
			msgs, first := captureServerSeed(t, seed, cache)
			var sh wire.ServerHello
			if !sh.Unmarshal(first) || sh.IsHelloRetryRequest() != seed.hrr {
				t.Fatalf("first answer %x; HelloRetryRequest wanted: %v", first, seed.hrr)
			}
			// The capture replays alone to a completed handshake, as the
			// fuzz target runs it.
			s := fuzzServer13(t, seed.variant)
			if err := feedMessages(t, s, msgs, func() { seedRandom13(t, fuzzServerSeed13) }); err != nil || !s.Done() {
				t.Fatalf("replay: %v, server in %s", err, s.State())
			}
			if s.Info().Resumed != seed.resume {
				t.Fatalf("replay resumed %v", s.Info().Resumed)
			}
			checkSeedFile(t, "FuzzServer13HelloRetry", seed.name, seedFile(seed.variant, msgs), false)
		})
	}
	// A mutated binder is refused, not a panic: the replay reaches it.
	s := fuzzServer13(t, 0)
	cache := sess.NewClientCache(1)
	captureServerSeed(t, serverSeed13{variant: 0}, cache)
	msgs, _ := captureServerSeed(t, serverSeed13{variant: 0, resume: true, hrr: true}, cache)
	var buf wire.HandshakeBuffer
	buf.Write(msgs)
	ch1, _, _ := buf.Next(wire.DefaultMaxHandshakeSize)
	ch2, _, _ := buf.Next(wire.DefaultMaxHandshakeSize)
	ch2 = bytes.Clone(ch2)
	ch2[len(ch2)-1] ^= 1 // the binder's last byte
	err := feedMessages(t, s, append(bytes.Clone(ch1), ch2...), func() { seedRandom13(t, fuzzServerSeed13) })
	wantAlert(t, err, alert.DecryptError)
}
