package ssl

import (
	"bytes"
	"crypto/tls"
	"net"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// TestConnectionStateMatchesGoTLS: a gossl client's ConnectionState
// against a crypto/tls server agrees with the server's own on every field
// both fill, TLSUnique included (TLS 1.2, RFC 5929), and a TLS 1.3
// connection has no TLSUnique.
func TestConnectionStateMatchesGoTLS(t *testing.T) {
	p := testpeers.NewPKI(t)
	for _, v := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		sc, _ := testpeers.TLSConfigs(p)
		sc.MaxVersion = v
		sc.NextProtos = []string{"h2"}
		ln, err := tls.Listen("tcp", "127.0.0.1:0", sc)
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		got := make(chan tls.ConnectionState, 1)
		go func() {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
			tc := c.(*tls.Conn)
			tc.SetDeadline(time.Now().Add(10 * time.Second))
			if tc.Handshake() == nil {
				got <- tc.ConnectionState()
				tc.Read(make([]byte, 1))
			}
			close(got)
		}()
		co := clientOpts(p)
		co.ALPNAdvertisedProtocols = []string{"h2"}
		s, err := Connect("localhost", ln.Addr().(*net.TCPAddr).Port, co, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		cs := s.ConnectionState()
		ss, ok := <-got
		s.Close()
		if !ok {
			t.Fatal("crypto/tls server handshake failed")
		}
		if !cs.HandshakeComplete || cs.Version != ss.Version || cs.CipherSuite != ss.CipherSuite ||
			cs.CurveID != ss.CurveID || cs.NegotiatedProtocol != "h2" || cs.ServerName != "localhost" ||
			cs.DidResume || len(cs.PeerCertificates) != 1 || !bytes.Equal(cs.PeerCertificates[0].Raw, sc.Certificates[0].Certificate[0]) {
			t.Errorf("version %x: gossl %+v\ncrypto/tls server %+v", v, cs, ss)
		}
		if v == tls.VersionTLS12 && (len(cs.TLSUnique) == 0 || !bytes.Equal(cs.TLSUnique, ss.TLSUnique)) {
			t.Errorf("TLS 1.2 TLSUnique: gossl %x, crypto/tls %x", cs.TLSUnique, ss.TLSUnique)
		}
		if v == tls.VersionTLS13 && cs.TLSUnique != nil {
			t.Errorf("TLS 1.3 TLSUnique %x, want none", cs.TLSUnique)
		}
	}
}
