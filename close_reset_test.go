package ssl

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// TestCloseAfterSendDeliversAll: a client that sends and closes at once,
// without ever reading, must not lose the tail of its data. A TLS 1.3
// server sends NewSessionTicket right after the handshake; left unread,
// those bytes made the kernel answer the client's close with a reset,
// which can destroy data still on its way to the server and the
// close_notify.
func TestCloseAfterSendDeliversAll(t *testing.T) {
	p := testpeers.NewPKI(t)
	for _, v := range []Version{TLSv1_3, TLSv1_2} {
		t.Run(string(v), func(t *testing.T) {
			for i := 0; i < 10; i++ {
				so := serverOpts(p, "ecdsa")
				so.Versions = []Version{v}
				ls, err := Listen(0, so)
				if err != nil {
					t.Fatal(err)
				}
				got := make(chan int, 1)
				done := make(chan error, 1)
				go func() {
					s, err := ls.TransportAccept(5 * time.Second)
					if err != nil {
						done <- err
						return
					}
					defer s.Close()
					if err := s.Handshake(5 * time.Second); err != nil {
						done <- err
						return
					}
					s.SetReadDeadline(time.Now().Add(10 * time.Second))
					n, err := io.Copy(io.Discard, s)
					got <- int(n)
					done <- err
				}()
				s, err := Connect("127.0.0.1", ls.Port(), clientOpts(p), 5*time.Second)
				if err != nil {
					t.Fatal(err)
				}
				chunk := bytes.Repeat([]byte("0123456789abcdef"), 1024)
				const total = 16 << 20
				for sent := 0; sent < total; sent += len(chunk) {
					if err := s.Send(chunk); err != nil {
						t.Fatalf("round %d: Send: %v", i, err)
					}
				}
				s.Close()
				if err := <-done; err != nil && !errors.Is(err, io.EOF) {
					t.Fatalf("round %d: the server's read ended with %v after %d of %d bytes", i, err, <-got, total)
				}
				if n := <-got; n != total {
					t.Fatalf("round %d: the server read %d of %d bytes", i, n, total)
				}
				ls.Close()
			}
		})
	}
}
