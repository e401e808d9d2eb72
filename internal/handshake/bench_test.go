package handshake

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/kx"
	"github.com/gossl/ssl/internal/pki"
	"github.com/gossl/ssl/internal/prf"
	sess "github.com/gossl/ssl/internal/session"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

// The handshake benchmarks run a client and a server machine against each
// other with no record layer and no socket, so they show the CPU cost of
// the handshake itself (both sides together), cryptography included. The
// client verifies the server's chain (a CA and a leaf) and host name, as
// gossl bench's clients do.

type benchPKI struct {
	roots []*x509.Certificate
	chain [][]byte
	key   crypto.Signer
}

func newBenchPKI(b testing.TB, keyType string) *benchPKI {
	b.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "bench CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, caKey.Public(), caKey)
	if err != nil {
		b.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	var key crypto.Signer
	if keyType == "rsa" {
		key, err = rsa.GenerateKey(rand.Reader, 2048)
	} else {
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	}
	if err != nil {
		b.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "localhost"},
		DNSNames: []string{"localhost"}, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, key.Public(), caKey)
	if err != nil {
		b.Fatal(err)
	}
	return &benchPKI{roots: []*x509.Certificate{ca}, chain: [][]byte{der}, key: key}
}

func benchConfigs(b *testing.B, p *benchPKI, v13 bool, group uint16, suite string) (client, server *Config) {
	mk := func() *Config {
		c := &Config{
			Suites:            []*suites.Suite{suites.ByName(suite)},
			Groups:            []uint16{group},
			Groups13:          []uint16{group},
			KeyShareGroups:    []uint16{group},
			SignatureSchemes:  kx.DefaultSignatureSchemes(),
			SecureRenegotiate: true,
			MiddleboxCompat:   true,
			MaxHandshakeSize:  wire.DefaultMaxHandshakeSize,
			Rand:              rand.Reader,
			Now:               time.Now,
		}
		if v13 {
			c.Versions = []uint16{wire.VersionTLS13}
		} else {
			c.Versions = []uint16{wire.VersionTLS12}
		}
		return c
	}
	client, server = mk(), mk()
	client.Verify = true
	client.VerifyOptions = pki.VerifyOptions{Roots: p.roots, Depth: 10}
	client.ServerName, client.VerifyHostname = "localhost", "localhost"
	leaf, err := x509.ParseCertificate(p.chain[0])
	if err != nil {
		b.Fatal(err)
	}
	server.Certs = []CertKey{{Chain: p.chain, Leaf: leaf, Key: p.key, Names: ChainNames(p.chain)}}
	if err := server.Certs[0].PrepareMessages(); err != nil {
		b.Fatal(err)
	}
	return client, server
}

// deliverOrFail gives one side's actions to the other machine and returns
// the machine's refusal. A NewSessionTicket that reaches a finished client
// is kept in its configuration's cache, as the ssl package's driver does.
func deliverOrFail(b testing.TB, acts []Action, to Machine) ([]Action, error) {
	var out []Action
	for _, a := range acts {
		var more []Action
		var err error
		switch a.Kind {
		case SendMessage:
			if c, ok := to.(*Client); ok && c.Done() && a.Data[0] == wire.TypeNewSessionTicket {
				keepBenchTicket(b, c, a.Data)
				continue
			}
			more, err = to.HandleMessage(a.Data)
		case SendChangeCipherSpec:
			more, err = to.HandleChangeCipherSpec()
		}
		if err != nil {
			return nil, fmt.Errorf("machine refused %v: %w", a.Kind, err)
		}
		out = append(out, more...)
	}
	return out, nil
}

// pairOrFail is benchPair that returns the first refusal.
func pairOrFail(b testing.TB, cc, sc *Config) (*Client, *Server, error) {
	client, server := NewClient(cc), NewServer(sc)
	acts, err := client.Start()
	if err != nil {
		return nil, nil, err
	}
	for i := 0; i < 6 && !(client.Done() && server.Done() && len(acts) == 0); i++ {
		if acts, err = deliverOrFail(b, acts, server); err != nil {
			return client, server, err
		}
		if acts, err = deliverOrFail(b, acts, client); err != nil {
			return client, server, err
		}
	}
	if !client.Done() || !server.Done() {
		return client, server, fmt.Errorf("not done: client in %s, server in %s", client.State(), server.State())
	}
	return client, server, nil
}

func keepBenchTicket(b testing.TB, c *Client, msg []byte) {
	nst := wire.NewSessionTicket{TLS13: true}
	if !nst.Unmarshal(msg) {
		b.Fatal("malformed NewSessionTicket")
	}
	info := c.Info()
	c.cfg.TicketCache.Put(c.cfg.CacheKey, &sess.ClientTicket{
		Ticket: nst.Ticket, Suite: info.Suite.ID, PSK: prf.ResumptionPSK(info.Hash, info.ResumptionMaster, nst.Nonce),
		Received: c.cfg.Now(), Lifetime: time.Hour, AgeAdd: nst.AgeAdd, MaxEarlyData: nst.MaxEarlyData,
	})
}

func benchOne(b testing.TB, cc, sc *Config) *Client {
	c, _ := benchPair(b, cc, sc)
	return c
}

// benchPair runs one handshake between new machines and returns them.
func benchPair(b testing.TB, cc, sc *Config) (*Client, *Server) {
	client, server, err := pairOrFail(b, cc, sc)
	if err != nil {
		b.Fatal(err)
	}
	return client, server
}

// BenchmarkHandshake is one full handshake per op, client and server
// together; allocs/op is their allocations and ns/op their time on this
// goroutine plus what it waits for: with more than one CPU, key
// generation (the key pool) and the key agreements that overlap a
// signature (agreement.go) run on other goroutines, so GOMAXPROCS=1
// gives the CPU time of the whole handshake.
func BenchmarkHandshake(b *testing.B) {
	ecdsaPKI, rsaPKI := newBenchPKI(b, "ecdsa"), newBenchPKI(b, "rsa")
	for _, tc := range []struct {
		name  string
		p     *benchPKI
		v13   bool
		group uint16
		suite string
	}{
		{"tls13-ecdsa-p256-x25519", ecdsaPKI, true, wire.GroupX25519, "TLS_AES_128_GCM_SHA256"},
		{"tls13-rsa2048-x25519", rsaPKI, true, wire.GroupX25519, "TLS_AES_128_GCM_SHA256"},
		{"tls13-ecdsa-p256-x25519mlkem768", ecdsaPKI, true, wire.GroupX25519MLKEM768, "TLS_AES_128_GCM_SHA256"},
		{"tls12-ecdhe-ecdsa-p256-x25519", ecdsaPKI, false, wire.GroupX25519, "ECDHE-ECDSA-AES128-GCM-SHA256"},
		{"tls12-rsa-kx-rsa2048", rsaPKI, false, wire.GroupX25519, "AES128-GCM-SHA256"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			cc, sc := benchConfigs(b, tc.p, tc.v13, tc.group, tc.suite)
			b.ReportAllocs()
			for b.Loop() {
				benchOne(b, cc, sc)
			}
		})
	}
}

// BenchmarkResumedHandshake is one TLS 1.3 handshake resumed with a
// ticket (psk_dhe_ke) per op; each gives the client the next ticket.
func BenchmarkResumedHandshake(b *testing.B) {
	cc, sc := benchConfigs(b, newBenchPKI(b, "ecdsa"), true, wire.GroupX25519, "TLS_AES_128_GCM_SHA256")
	cc.TicketCache, cc.CacheKey = sess.NewClientCache(4), "bench"
	sc.TicketKeys, sc.TicketLifetime = sess.NewTicketKeys(time.Hour, 2, time.Now), time.Hour
	benchOne(b, cc, sc)
	b.ReportAllocs()
	for b.Loop() {
		if c := benchOne(b, cc, sc); !c.Info().Resumed {
			b.Fatal("not resumed")
		}
	}
}
