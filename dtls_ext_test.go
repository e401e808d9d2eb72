package ssl

import (
	"fmt"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// TestDTLSInteropEncryptThenMAC: encrypt-then-MAC (RFC 7366) is
// negotiated over DTLS for a CBC suite with OpenSSL in both roles, at
// DTLS 1.2 and 1.0: gossl reports it, OpenSSL's -trace shows the
// extension in the ServerHello, and data flows both ways. With -no_etm on
// the OpenSSL side the records fall back to MAC-then-encrypt.
func TestDTLSInteropEncryptThenMAC(t *testing.T) {
	p := testpeers.NewPKI(t)
	for _, v := range []struct {
		v    Version
		flag string
	}{{DTLSv1_2, "-dtls1_2"}, {DTLSv1, "-dtls1"}} {
		for _, etm := range []bool{true, false} {
			extra := []string{"-cipher", "ECDHE-ECDSA-AES128-SHA:@SECLEVEL=0", "-trace"}
			if !etm {
				extra = append(extra, "-no_etm")
			}
			name := fmt.Sprintf("%s/etm=%v", v.v, etm)
			t.Run("gossl-client/"+name, func(t *testing.T) {
				srv, addr := testpeers.OpenSSLServer(t, append([]string{v.flag, "-cert", p.CertFile("ecdsa"), "-key", p.KeyFile("ecdsa")}, extra...)...)
				_, port, _ := net.SplitHostPort(addr)
				n, _ := strconv.Atoi(port)
				co := dtlsClientOpts(p, 0)
				co.Versions = []Version{v.v}
				co.Ciphers = []string{"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"}
				s, err := Connect("127.0.0.1", n, co, 20*time.Second)
				if err != nil {
					t.Fatalf("Connect: %v\n%s", err, srv.Output())
				}
				defer s.Close()
				if got := s.connInfo().EncryptThenMAC; got != etm {
					t.Fatalf("gossl client: encrypt-then-MAC %v, want %v", got, etm)
				}
				if err := s.Send([]byte("hello from gossl\n")); err != nil {
					t.Fatal(err)
				}
				if err := srv.WaitFor("hello from gossl", 10*time.Second); err != nil {
					t.Fatalf("s_server did not print the data: %v\n%s", err, srv.Output())
				}
				srv.Stdin.Write([]byte("hello from openssl\n"))
				if b, err := s.Recv(0, 10*time.Second); err != nil || string(b) != "hello from openssl\n" {
					t.Fatalf("Recv: %q %v", b, err)
				}
				if got := serverHelloExtension(srv.Output(), "encrypt_then_mac(22)"); got != etm {
					t.Fatalf("openssl's ServerHello has encrypt_then_mac: %v, want %v\n%s", got, etm, srv.Output())
				}
			})
			t.Run("gossl-server/"+name, func(t *testing.T) {
				so := dtlsServerOpts(p, "ecdsa", 0)
				so.Versions = []Version{DTLSv1_2, DTLSv1}
				so.Ciphers = []string{"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"}
				ls, err := Listen(0, so)
				if err != nil {
					t.Fatal(err)
				}
				defer ls.Close()
				cl := testpeers.OpenSSLClient(t, "127.0.0.1:"+strconv.Itoa(ls.Port()), append([]string{v.flag}, extra...)...)
				serveOneLineCheck(t, ls, cl, func(s *Socket) {
					if got := s.connInfo().EncryptThenMAC; got != etm {
						t.Errorf("gossl server: encrypt-then-MAC %v, want %v", got, etm)
					}
				})
				if got := serverHelloExtension(cl.Output(), "encrypt_then_mac(22)"); got != etm {
					t.Fatalf("gossl's ServerHello has encrypt_then_mac: %v, want %v\n%s", got, etm, cl.Output())
				}
			})
		}
	}
}
