package ssl_test

import (
	"fmt"
	"io"
	"log"
	"time"

	ssl "github.com/gossl/ssl"
)

// A client that sends many small messages turns delay_send on: each Send
// returns once its record is queued, and the socket writes what is
// queued in one system call. Close waits until everything is written and
// reports any write error the Sends could no longer return.
func ExampleOptions_delaySend() {
	pki, err := newTestPKI()
	if err != nil {
		log.Fatal(err)
	}
	ls, err := ssl.Listen(0, pki.serverOptions())
	if err != nil {
		log.Fatal(ssl.FormatError(err))
	}
	defer ls.Close()
	got := make(chan int64, 1)
	go func() {
		s, err := ls.TransportAccept(10 * time.Second)
		if err != nil || s.Handshake(10*time.Second) != nil {
			got <- -1
			return
		}
		defer s.Close()
		n, _ := io.Copy(io.Discard, s) // until the client's close_notify
		got <- n
	}()

	opts := pki.clientOptions()
	opts.DelaySend = true // {delay_send, true}
	s, err := ssl.Connect("127.0.0.1", ls.Port(), opts, 10*time.Second)
	if err != nil {
		log.Fatal(ssl.FormatError(err))
	}
	msg := []byte("a small message\n")
	for i := 0; i < 10000; i++ {
		if err := s.Send(msg); err != nil {
			log.Fatal(ssl.FormatError(err))
		}
	}
	if err := s.Close(); err != nil {
		log.Fatal(ssl.FormatError(err))
	}
	fmt.Println("the server read", <-got, "bytes")
	// Output:
	// the server read 160000 bytes
}
