package handshake

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/kx"
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
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "machine"},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
		if err != nil {
			t.Fatal(err)
		}
		leaf, _ := x509.ParseCertificate(der)
		cfg.Certs = []CertKey{{Chain: [][]byte{der}, Leaf: leaf, Key: key}}
	}
	return cfg
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
