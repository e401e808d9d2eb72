package ssl

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

// Plaintext a Read left unread lives in the record buffer; when an idle
// socket (hibernate_after) or a closed one gives that buffer back to the
// shared pool, the plaintext must not go with it: another connection
// takes the buffer and overwrites it, and the first socket would then
// return that connection's data.
func TestPendingSurvivesBufferRelease(t *testing.T) {
	for _, v := range []Version{TLSv1_2, TLSv1_3} {
		t.Run(string(v), func(t *testing.T) {
			so, co := modelOpts(t)
			so.Versions, co.Versions = []Version{v}, []Version{v}
			so.HibernateAfter = 20 * time.Millisecond
			c1, s1 := pair(t, so, co)
			so2, co2 := modelOpts(t)
			so2.Versions, co2.Versions = []Version{v}, []Version{v}
			c2, s2 := pair(t, so2, co2)

			if _, err := c1.Write(bytes.Repeat([]byte{'A'}, 16000)); err != nil {
				t.Fatal(err)
			}
			first := make([]byte, 10)
			if _, err := s1.Read(first); err != nil {
				t.Fatal(err)
			}
			waitIdleReleased(t, 0, s1)
			// Another connection reads into a pooled buffer meanwhile.
			if _, err := c2.Write(bytes.Repeat([]byte{'B'}, 16000)); err != nil {
				t.Fatal(err)
			}
			if _, err := s2.Read(make([]byte, 10)); err != nil {
				t.Fatal(err)
			}
			rest := make([]byte, 16000)
			n, err := s1.Read(rest)
			if err != nil {
				t.Fatal(err)
			}
			if want := bytes.Repeat([]byte{'A'}, n); n == 0 || !bytes.Equal(rest[:n], want) {
				t.Fatalf("after hibernating, Read returned %d bytes, %d of them not this connection's", n, n-bytes.Count(rest[:n], []byte{'A'}))
			}

			// After Close nothing is read, not even what was pending.
			s2.Close()
			if n, err := s2.Read(rest); n != 0 || !errors.Is(err, ErrClosed) {
				t.Fatalf("Read after Close: %d bytes, %v; want 0 and ErrClosed", n, err)
			}
		})
	}
}
