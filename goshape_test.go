package ssl

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// TestListenAddr: ListenAddr takes Go's "host:port", binds that address,
// and refuses a malformed address or an IP option naming another one.
func TestListenAddr(t *testing.T) {
	p := testpeers.NewPKI(t)
	so := serverOpts(p, "ecdsa")
	so.IP = nil
	for _, addr := range []string{"127.0.0.1:0", "localhost:0"} {
		ls, err := ListenAddr(addr, so)
		if err != nil {
			t.Fatalf("ListenAddr(%q): %v", addr, err)
		}
		host, _, _ := net.SplitHostPort(ls.Addr().String())
		if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() || ls.Port() == 0 {
			t.Errorf("ListenAddr(%q) listens on %v", addr, ls.Addr())
		}
		ls.Close()
	}
	var oe *OptionError
	if _, err := ListenAddr("127.0.0.1", so); !errors.As(err, &oe) || !strings.Contains(err.Error(), "host:port") {
		t.Errorf("ListenAddr without a port: %v", err)
	}
	so.IP = net.IPv4(127, 0, 0, 2)
	if _, err := ListenAddr("127.0.0.1:0", so); !errors.As(err, &oe) || oe.Name != "ip" {
		t.Errorf("ListenAddr with another IP option: %v", err)
	}
}

// TestTypedActivePacket: the typed values work where Erlang's do, and a
// value of the wrong Go type (int64(4)) is refused with the valid values
// and the type it got.
func TestTypedActivePacket(t *testing.T) {
	so, co := modelOpts(t)
	so.Active, so.Packet = ActiveN(2), Packet4
	co.Packet = PacketType("4")
	c, s := pair(t, so, co)
	if err := c.Send([]byte("typed")); err != nil {
		t.Fatal(err)
	}
	if m := recvMsg(t, s.Messages()); m == nil {
		t.Fatal("no message")
	}
	if err := s.Setopts(SockOpt{"active", ActiveOnce}, SockOpt{"packet", PacketLine}); err != nil {
		t.Errorf("Setopts with typed values: %v", err)
	}
	if opts, _ := s.Getopts("active"); len(opts) != 1 || opts[0].Value != ActiveOnce {
		t.Errorf("Getopts active = %v", opts)
	}
	for i, tc := range []struct {
		opt  Options
		want []string
	}{
		{Options{Packet: int64(4)}, []string{"ssl.Packet4", "not a int64"}},
		{Options{Packet: "lines"}, []string{"ssl.PacketLine"}},
		{Options{Active: int64(1)}, []string{"ssl.ActiveN(n)", "not a int64"}},
		{Options{Active: ActiveMode("twice")}, []string{"ssl.ActiveOnce"}},
	} {
		_, err := tc.opt.initialSockState()
		var oe *OptionError
		if !errors.As(err, &oe) {
			t.Errorf("case %d: %v, want an OptionError", i, err)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("case %d: %q lacks %q", i, err, w)
			}
		}
	}
}

// TestUnknownVersionSpellings: an unknown version lists the spellings,
// and names the one meant for a near miss.
func TestUnknownVersionSpellings(t *testing.T) {
	for in, want := range map[Version]string{"TLSv1.2": "tlsv1.2", "tls1.3": "tlsv1.3", "1.2": "tlsv1.2",
		"0x0303": "tlsv1.2", "TLS1.0": "tlsv1", "bogus": ""} {
		_, err := (&Options{Versions: []Version{in}}).compile(roleClient, "localhost")
		if err == nil || !strings.Contains(err.Error(), "tlsv1.3, tlsv1.2, tlsv1.1, tlsv1, sslv3") {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if got := strings.Contains(err.Error(), "did you mean "+want+"?"); got != (want != "") {
			t.Errorf("%q: %v, want a hint for %q", in, err, want)
		}
	}
}

// peerRecord records VerifyPeerCertificate's calls.
type peerRecord struct {
	mu     sync.Mutex
	raw    [][]byte
	chains [][]*x509.Certificate
	calls  int
}

func (r *peerRecord) verify(raw [][]byte, chains [][]*x509.Certificate) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.raw, r.chains, r.calls = raw, chains, r.calls+1
	return nil
}

// TestOptionsFromTLSConfig: the fields both have map (certificates,
// versions, suites, groups, ALPN, ServerName, KeyLogWriter,
// VerifyPeerCertificate, ClientAuth), and a field without counterpart is
// an error naming it.
func TestOptionsFromTLSConfig(t *testing.T) {
	p := testpeers.NewPKI(t)
	der, key := p.Cert("ecdsa")
	var srvRec, cliRec peerRecord
	so, err := OptionsFromTLSConfig(&tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}},
		NextProtos:   []string{"h2", "http/1.1"}, MinVersion: tls.VersionTLS12, MaxVersion: tls.VersionTLS12,
		CipherSuites:     []uint16{tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256},
		CurvePreferences: []tls.CurveID{tls.CurveP384},
		ClientAuth:       tls.RequireAnyClientCert, VerifyPeerCertificate: srvRec.verify,
	})
	if err != nil {
		t.Fatal(err)
	}
	so.IP = net.IPv4(127, 0, 0, 1)
	// A gossl server with verify_peer needs trust anchors, as an Erlang
	// one does (an x509.CertPool cannot be read back): the intermediate,
	// which did not issue the client's certificate, so that the accepted
	// certificate is one that would not verify.
	so.CACerts = [][]byte{p.Intermediate.Raw}
	var keylog bytes.Buffer
	cder, ckey := p.Cert("client-ecdsa")
	co, err := OptionsFromTLSConfig(&tls.Config{ServerName: "localhost", NextProtos: []string{"h2"},
		KeyLogWriter: &keylog, VerifyPeerCertificate: cliRec.verify,
		Certificates: []tls.Certificate{{Certificate: [][]byte{cder}, PrivateKey: ckey}}})
	if err != nil {
		t.Fatal(err)
	}
	co.CACertFile = p.CAFile
	co.ReuseSessions = Bool(false)
	c, _ := pair(t, so, co)
	st := c.ConnectionState()
	if st.Version != tls.VersionTLS12 || st.CipherSuite != tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 ||
		st.CurveID != tls.CurveP384 || st.NegotiatedProtocol != "h2" {
		t.Errorf("state %x %x %v %q", st.Version, st.CipherSuite, st.CurveID, st.NegotiatedProtocol)
	}
	if !strings.Contains(keylog.String(), "CLIENT_RANDOM ") {
		t.Error("KeyLogWriter got nothing")
	}
	if cliRec.calls != 1 || !bytes.Equal(cliRec.raw[0], der) || len(cliRec.chains) != 1 || !bytes.Equal(cliRec.chains[0][0].Raw, der) {
		t.Errorf("client VerifyPeerCertificate: %d calls, %d certs, %d chains", cliRec.calls, len(cliRec.raw), len(cliRec.chains))
	}
	// RequireAnyClientCert: asked for and not verified (the server
	// trusts no CA here), so no verified chains.
	if srvRec.calls != 1 || !bytes.Equal(srvRec.raw[0], cder) || srvRec.chains != nil {
		t.Errorf("server VerifyPeerCertificate: %d calls, %d certs, chains %v", srvRec.calls, len(srvRec.raw), srvRec.chains)
	}

	// InsecureSkipVerify is verify_none.
	if o, err := OptionsFromTLSConfig(&tls.Config{InsecureSkipVerify: true}); err != nil || o.Verify != VerifyNone {
		t.Errorf("InsecureSkipVerify: %+v, %v", o, err)
	}

	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM([]byte{})
	for name, c := range map[string]*tls.Config{
		"RootCAs":            {RootCAs: x509.NewCertPool()},
		"GetCertificate":     {GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) { return nil, nil }},
		"VerifyConnection":   {VerifyConnection: func(tls.ConnectionState) error { return nil }},
		"Renegotiation":      {Renegotiation: tls.RenegotiateOnceAsClient},
		"CipherSuites":       {CipherSuites: []uint16{0x1301, 0xc0ff}},
		"ClientSessionCache": {ClientSessionCache: tls.NewLRUClientSessionCache(1)},
		"InsecureSkipVerify": {InsecureSkipVerify: true, ClientAuth: tls.RequireAnyClientCert},
	} {
		_, err := OptionsFromTLSConfig(c)
		var oe *OptionError
		if !errors.As(err, &oe) || !strings.Contains(oe.Name, name) {
			t.Errorf("%s: %v, want an error naming it", name, err)
		}
	}
}

// TestListenAddrServes: a socket from ListenAddr handshakes like one from
// Listen.
func TestListenAddrServes(t *testing.T) {
	p := testpeers.NewPKI(t)
	ls, err := ListenAddr("127.0.0.1:0", serverOpts(p, "ecdsa"))
	if err != nil {
		t.Fatal(err)
	}
	defer ls.Close()
	go func() {
		if s, err := ls.Accept(); err == nil {
			s.(*Socket).Handshake(5 * time.Second)
			s.Close()
		}
	}()
	co := clientOpts(p)
	co.ReuseSessions = Bool(false)
	c, err := Connect("127.0.0.1", ls.Port(), co, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
}
