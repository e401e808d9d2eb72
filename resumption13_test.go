package ssl

import (
	"crypto/tls"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// resumed connects twice (reading a little so the ticket arrives) and
// reports whether each connection resumed.
func connectTwice(t *testing.T, port int, co *Options) [2]bool {
	t.Helper()
	forgetClientSessions(port)
	var out [2]bool
	for i := range out {
		s, err := Connect("127.0.0.1", port, co, 10*time.Second)
		if err != nil {
			t.Fatalf("connection %d: %v", i+1, err)
		}
		echo(t, s)
		info, _ := s.ConnectionInformation("session_resumption")
		out[i] = info[0].Value.(bool)
		s.Close()
	}
	return out
}

func TestResumption13GosslBothRoles(t *testing.T) {
	p := testpeers.NewPKI(t)
	port := startServingEcho(t, serverOpts(p, "ecdsa"))
	co := clientOpts(p)
	got := connectTwice(t, port, co)
	if got != [2]bool{false, true} {
		t.Fatalf("session_resumption %v, want [false true]", got)
	}
	co.SessionTickets = "disabled"
	if got := connectTwice(t, port, co); got != [2]bool{false, false} {
		t.Fatalf("with tickets disabled: %v", got)
	}
}

func TestResumption13GoTLS(t *testing.T) {
	p := testpeers.NewPKI(t)
	certDER, key := p.Cert("rsa")
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{certDER}, PrivateKey: key}}, MinVersion: tls.VersionTLS13})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go serveEcho(ln)
	if got := connectTwice(t, ln.Addr().(*net.TCPAddr).Port, clientOpts(p)); got != [2]bool{false, true} {
		t.Fatalf("gossl client against crypto/tls: %v", got)
	}

	// crypto/tls client against a gossl server.
	gport := startServingEcho(t, serverOpts(p, "ecdsa"))
	cfg := &tls.Config{RootCAs: p.CertPool(), ServerName: "localhost", ClientSessionCache: tls.NewLRUClientSessionCache(4)}
	var resumed []bool
	for i := 0; i < 2; i++ {
		c, err := tls.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", gport), cfg)
		if err != nil {
			t.Fatal(err)
		}
		echo(t, c)
		resumed = append(resumed, c.ConnectionState().DidResume)
		c.Close()
	}
	if resumed[0] || !resumed[1] {
		t.Fatalf("crypto/tls client against gossl: DidResume %v", resumed)
	}
}

func TestResumption13OpenSSL(t *testing.T) {
	p := testpeers.NewPKI(t)
	// openssl s_client -reconnect against a gossl server.
	ls, err := Listen(0, serverOpts(p, "ecdsa"))
	if err != nil {
		t.Fatal(err)
	}
	defer ls.Close()
	go sayHelloAndClose(ls)
	sess := t.TempDir() + "/sess.pem"
	for i, args := range [][]string{{"-sess_out", sess}, {"-sess_in", sess}} {
		c := testpeers.OpenSSLClient(t, fmt.Sprintf("127.0.0.1:%d", ls.Port()),
			append([]string{"-tls1_3", "-CAfile", p.CAFile, "-servername", "localhost", "-ign_eof"}, args...)...)
		c.Wait(10 * time.Second)
		c.Stdin.Close()
		out := c.Output()
		if i == 1 && !strings.Contains(out, "Reused, TLSv1.3") {
			t.Fatalf("second s_client did not resume:\n%s", out)
		}
	}
	// gossl client against openssl s_server.
	_, addr := testpeers.OpenSSLServer(t, "-cert", p.CertFile("ecdsa"), "-key", p.KeyFile("ecdsa"), "-tls1_3", "-rev")
	co := clientOpts(p)
	var got []bool
	for i := 0; i < 2; i++ {
		s, err := Connect("127.0.0.1", port(addr), co, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		s.Send([]byte("abc\n"))
		if _, err := s.Recv(4, 10*time.Second); err != nil {
			t.Fatal(err)
		}
		info, _ := s.ConnectionInformation("session_resumption")
		got = append(got, info[0].Value.(bool))
		s.Close()
	}
	if got[0] || !got[1] {
		t.Fatalf("gossl client against s_server: %v", got)
	}
}
