package ssl

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// serverHelloExtension reports whether the ServerHello that an openssl
// -trace output shows carries the named extension (e.g.
// "encrypt_then_mac(22)"): the text between "ServerHello, Length" and
// the next record.
func serverHelloExtension(trace, ext string) bool {
	i := strings.Index(trace, "ServerHello, Length")
	if i < 0 {
		return false
	}
	sh := trace[i:]
	if j := strings.Index(sh, " Record"); j >= 0 {
		sh = sh[:j]
	}
	return strings.Contains(sh, "extension_type="+ext)
}

// TestInteropEncryptThenMACOpenSSL: encrypt-then-MAC (RFC 7366) is
// negotiated by default with OpenSSL in both roles for a CBC suite, at
// TLS 1.2 and at TLS 1.0 (whose IV chains from record to record); the
// ServerHello in OpenSSL's -trace carries the extension; data flows both
// ways. With -no_etm on the OpenSSL side the records fall back to
// MAC-then-encrypt.
func TestInteropEncryptThenMACOpenSSL(t *testing.T) {
	p := testpeers.NewPKI(t)
	const suite = "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"
	for _, v := range []Version{TLSv1_2, TLSv1} {
		for _, etm := range []bool{true, false} {
			extra := []string{}
			if !etm {
				extra = append(extra, "-no_etm")
			}
			name := fmt.Sprintf("%s/etm=%v", v, etm)
			t.Run("gossl-client/"+name, func(t *testing.T) {
				args := append([]string{"-cert", p.CertFile("rsa"), "-key", p.KeyFile("rsa"),
					opensslVersionFlag[v], "-cipher", "ECDHE-RSA-AES128-SHA:@SECLEVEL=0", "-www", "-trace"}, extra...)
				srv, addr := testpeers.OpenSSLServer(t, args...)
				co := clientOpts(p)
				co.Ciphers = []string{suite}
				co.Versions = []Version{v}
				co.ReuseSessions = Bool(false)
				s, err := Connect("127.0.0.1", portOf(t, addr), co, 10*time.Second)
				if err != nil {
					t.Fatalf("Connect: %v", err)
				}
				defer s.Close()
				if got := s.connInfo().EncryptThenMAC; got != etm {
					t.Fatalf("gossl client: encrypt-then-MAC %v, want %v", got, etm)
				}
				s.Send([]byte("GET / HTTP/1.0\r\n\r\n"))
				s.SetReadDeadline(time.Now().Add(10 * time.Second))
				page, err := io.ReadAll(s)
				if err != nil || !strings.Contains(string(page), "Cipher is ECDHE-RSA-AES128-SHA") {
					t.Fatalf("page: %v\n%s", err, page)
				}
				if got := serverHelloExtension(srv.Output(), "encrypt_then_mac(22)"); got != etm {
					t.Fatalf("openssl's ServerHello has encrypt_then_mac: %v, want %v\n%s", got, etm, srv.Output())
				}
			})
			t.Run("gossl-server/"+name, func(t *testing.T) {
				so := serverOpts(p, "rsa")
				so.Ciphers = []string{suite}
				so.Versions = []Version{v}
				used := make(chan bool, 1)
				port, done := acceptOne(t, so, func(s *Socket) error {
					used <- s.connInfo().EncryptThenMAC
					s.SetReadDeadline(time.Now().Add(10 * time.Second))
					line, err := bufio.NewReader(s).ReadString('\n')
					if err != nil {
						return err
					}
					return s.Send([]byte("gossl echoes " + line))
				})
				args := append([]string{opensslVersionFlag[v], "-cipher", "ECDHE-RSA-AES128-SHA:@SECLEVEL=0",
					"-CAfile", p.CAFile, "-verify_return_error", "-servername", "localhost", "-ign_eof", "-trace"}, extra...)
				out := sClientAgainst(t, port, done, "hello over etm\n", args...)
				if got := <-used; got != etm {
					t.Fatalf("gossl server: encrypt-then-MAC %v, want %v", got, etm)
				}
				if !strings.Contains(out, "gossl echoes hello over etm") {
					t.Fatalf("s_client did not get the echo:\n%s", out)
				}
				if got := serverHelloExtension(out, "encrypt_then_mac(22)"); got != etm {
					t.Fatalf("gossl's ServerHello has encrypt_then_mac: %v, want %v\n%s", got, etm, out)
				}
			})
		}
	}
}

// sClientAgainst runs openssl s_client against a gossl server on port
// (started with acceptOne, whose result is done), sends input and closes
// its stdin, and returns s_client's output once both sides are done.
func sClientAgainst(t *testing.T, port int, done <-chan error, input string, args ...string) string {
	t.Helper()
	c := testpeers.OpenSSLClient(t, fmt.Sprintf("127.0.0.1:%d", port), args...)
	io.WriteString(c.Stdin, input)
	c.Stdin.Close()
	if err := c.Wait(15 * time.Second); err != nil {
		t.Fatalf("s_client: %v\n%s", err, c.Output())
	}
	if err := <-done; err != nil {
		t.Fatalf("gossl server: %v", err)
	}
	return c.Output()
}
