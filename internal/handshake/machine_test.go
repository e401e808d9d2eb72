package handshake

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/kx"
	sess "github.com/gossl/ssl/internal/session"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

func testConfig(t *testing.T, withCert bool) *Config {
	t.Helper()
	cfg := &Config{
		Versions:          []uint16{wire.VersionTLS12, wire.VersionTLS11, wire.VersionTLS10},
		Suites:            suites.Defaults([]uint16{wire.VersionTLS12}),
		Groups:            kx.SupportedGroups(),
		SignatureSchemes:  kx.DefaultSignatureSchemes(),
		SecureRenegotiate: true,
		MaxHandshakeSize:  wire.DefaultMaxHandshakeSize,
		Rand:              rand.Reader,
		Now:               time.Now,
	}
	if withCert {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Certs = []CertKey{selfSigned(t, key, "machine")}
	}
	return cfg
}

// selfSigned is a self-signed certificate for key, valid for an hour.
func selfSigned(t *testing.T, key crypto.Signer, name string) CertKey {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	return CertKey{Chain: [][]byte{der}, Leaf: leaf, Key: key}
}

// deliver hands one side's actions to the other machine, with no record
// layer and no socket: the machines are sans-I/O. It returns the
// receiver's answer and the keys each side installed.
func deliver(t *testing.T, acts []Action, to Machine, written, read *[]*Keys) []Action {
	t.Helper()
	var out []Action
	for _, a := range acts {
		var more []Action
		var err error
		switch a.Kind {
		case SendMessage:
			more, err = to.HandleMessage(a.Data)
		case SendChangeCipherSpec:
			more, err = to.HandleChangeCipherSpec()
		case SetWriteKeys:
			*written = append(*written, a.Keys)
		}
		if err != nil {
			t.Fatalf("machine refused %v: %v", a.Kind, err)
		}
		for _, m := range more {
			if m.Kind == SetReadKeys {
				*read = append(*read, m.Keys)
			}
		}
		out = append(out, more...)
	}
	return out
}

func TestMachinesWithoutSockets(t *testing.T) {
	client, server := NewClient(testConfig(t, false)), NewServer(testConfig(t, true))
	acts, err := client.Start()
	if err != nil {
		t.Fatal(err)
	}
	var clientWrote, serverRead, serverWrote, clientRead []*Keys
	for i := 0; i < 4 && !(client.Done() && server.Done()); i++ {
		acts = deliver(t, acts, server, &clientWrote, &serverRead)
		acts = deliver(t, acts, client, &serverWrote, &clientRead)
	}
	if !client.Done() || !server.Done() {
		t.Fatalf("not done: client in %s, server in %s", client.State(), server.State())
	}
	ci, si := client.Info(), server.Info()
	if !bytes.Equal(ci.MasterSecret, si.MasterSecret) || ci.Suite != si.Suite || !ci.ExtendedMasterSecret || !ci.SecureRenegotiation {
		t.Fatalf("sides disagree: %+v / %+v", ci, si)
	}
	if len(clientWrote) != 1 || len(serverRead) != 1 || !bytes.Equal(clientWrote[0].Key, serverRead[0].Key) ||
		len(serverWrote) != 1 || len(clientRead) != 1 || !bytes.Equal(serverWrote[0].Key, clientRead[0].Key) {
		t.Fatal("installed keys do not pair up")
	}
	if bytes.Equal(clientWrote[0].Key, serverWrote[0].Key) {
		t.Fatal("both directions use the same key")
	}
}

func TestMachineRefusesOutOfOrder(t *testing.T) {
	server := NewServer(testConfig(t, true))
	fin, _ := (&wire.Finished{VerifyData: make([]byte, 12)}).Marshal()
	if _, err := server.HandleMessage(fin); err == nil {
		t.Fatal("a Finished before ClientHello was accepted")
	}
	if _, err := NewClient(testConfig(t, false)).HandleChangeCipherSpec(); err == nil {
		t.Fatal("a ChangeCipherSpec before ServerHello was accepted")
	}
}

func testConfig13(t *testing.T, withCert bool) *Config {
	cfg := testConfig(t, withCert)
	cfg.Versions = []uint16{wire.VersionTLS13, wire.VersionTLS12}
	cfg.Suites = suites.Defaults(cfg.Versions)
	cfg.Groups13 = kx.TLS13Groups()
	cfg.KeyShareGroups = cfg.Groups13[:2]
	cfg.MiddleboxCompat = true
	return cfg
}

func runMachines(t *testing.T, client *Client, server *Server) {
	t.Helper()
	acts, err := client.Start()
	if err != nil {
		t.Fatal(err)
	}
	var cw, sr, sw, cr []*Keys
	for i := 0; i < 6 && !(client.Done() && server.Done()); i++ {
		acts = deliver(t, acts, server, &cw, &sr)
		acts = deliver(t, acts, client, &sw, &cr)
	}
	if !client.Done() || !server.Done() {
		t.Fatalf("not done: client in %s, server in %s", client.State(), server.State())
	}
	// Each side's last write keys are the other's last read keys.
	if !bytes.Equal(cw[len(cw)-1].Key, sr[len(sr)-1].Key) || !bytes.Equal(sw[len(sw)-1].Key, cr[len(cr)-1].Key) {
		t.Fatal("application keys do not pair up")
	}
}

func TestMachinesTLS13(t *testing.T) {
	client, server := NewClient(testConfig13(t, false)), NewServer(testConfig13(t, true))
	runMachines(t, client, server)
	if v := client.Info().Version; v != wire.VersionTLS13 || client.Info().Group != wire.GroupX25519MLKEM768 {
		t.Fatalf("negotiated %#x group %#x", v, client.Info().Group)
	}
	if !bytes.Equal(client.Info().ClientTrafficSecret, server.Info().ClientTrafficSecret) {
		t.Fatal("traffic secrets differ")
	}
}

func TestMachinesTLS13HelloRetryRequest(t *testing.T) {
	cc, sc := testConfig13(t, false), testConfig13(t, true)
	sc.Groups13 = []uint16{wire.GroupSecp384r1}
	client, server := NewClient(cc), NewServer(sc)
	runMachines(t, client, server)
	if g := client.Info().Group; g != wire.GroupSecp384r1 {
		t.Fatalf("group %#x after HRR", g)
	}
}

func TestMachinesTLS13ServerOnlyTLS12(t *testing.T) {
	sc := testConfig(t, true)
	client, server := NewClient(testConfig13(t, false)), NewServer(sc)
	runMachines(t, client, server)
	if v := client.Info().Version; v != wire.VersionTLS12 {
		t.Fatalf("negotiated %#x", v)
	}
}

// A resumed handshake whose first ClientHello gets a HelloRetryRequest:
// the second ClientHello carries a binder computed afresh over the new
// transcript (RFC 8446, 4.2.11.2), written over its placeholder.
func TestMachinesTLS13ResumptionAfterHelloRetryRequest(t *testing.T) {
	cc, sc := testConfig13(t, false), testConfig13(t, true)
	cc.TicketCache, cc.CacheKey = sess.NewClientCache(4), "hrr"
	sc.TicketKeys, sc.TicketLifetime = sess.NewTicketKeys(time.Hour, 2, time.Now), time.Hour
	cc.Groups13 = []uint16{wire.GroupX25519, wire.GroupSecp384r1}
	cc.KeyShareGroups = cc.Groups13[:1]
	sc.Groups13 = []uint16{wire.GroupX25519}
	benchPair(t, cc, sc) // the ticket
	// The server now wants secp384r1: a HelloRetryRequest, then resumption.
	sc.Groups13 = []uint16{wire.GroupSecp384r1}
	client, server := benchPair(t, cc, sc)
	if !client.Info().Resumed || !server.Info().Resumed || client.Info().Group != wire.GroupSecp384r1 {
		t.Fatalf("resumed %v/%v, group %#x", client.Info().Resumed, server.Info().Resumed, client.Info().Group)
	}
	// And without the HelloRetryRequest.
	client, server = benchPair(t, cc, sc)
	if !client.Info().Resumed || !server.Info().Resumed {
		t.Fatal("not resumed")
	}
}
