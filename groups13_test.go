package ssl

import (
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// TestHelloRetryRequestForATLS12Group: a client's supported_groups also
// lists its TLS 1.2 groups (eccs); a server that prefers one of them
// asks for its key share with a HelloRetryRequest (RFC 8446, 4.2.8), and
// the client complies although the group is not in its supported_groups
// option.
func TestHelloRetryRequestForATLS12Group(t *testing.T) {
	p := testpeers.NewPKI(t)
	so := serverOpts(p, "ecdsa")
	so.SupportedGroups, so.HonorECCOrder = []string{"secp384r1", "x25519"}, true
	port, done := startEcho(t, so)
	co := clientOpts(p)
	co.SupportedGroups = []string{"x25519"} // the eccs default has secp384r1
	s, err := Connect("127.0.0.1", port, co, 10*time.Second)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	if v, g := infoString(t, s, "protocol"), infoString(t, s, "selected_group"); v != "tlsv1.3" || g != "secp384r1" {
		t.Errorf("%s with %s; want tlsv1.3 with secp384r1 (after a HelloRetryRequest)", v, g)
	}
	if err := s.Send([]byte("hrr")); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Recv(3, 5*time.Second); err != nil || string(got) != "hrr" {
		t.Fatalf("echo: %q, %v", got, err)
	}
	s.Close()
	if err := <-done; err != nil {
		t.Fatalf("server: %v", err)
	}
}
