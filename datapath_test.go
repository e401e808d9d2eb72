package ssl

import (
	"bytes"
	"io"
	"testing"
	"time"
)

// TestReadGathersRecords checks that one Read returns the data of every
// record already received (decrypted straight into the caller's buffer
// when it fits, or through the record buffer when it does not), never
// waits for more once it has some, and reports the peer's close_notify
// on the next call, for TLS 1.2 and 1.3.
func TestReadGathersRecords(t *testing.T) {
	for _, v := range []Version{TLSv1_2, TLSv1_3} {
		t.Run(string(v), func(t *testing.T) {
			so, co := modelOpts(t)
			so.Versions, co.Versions = []Version{v}, []Version{v}
			c, s := pair(t, so, co)
			var want []byte
			for i := 0; i < 10; i++ {
				msg := bytes.Repeat([]byte{byte('a' + i)}, 100+i)
				want = append(want, msg...)
				if _, err := c.Write(msg); err != nil {
					t.Fatal(err)
				}
			}
			time.Sleep(50 * time.Millisecond)
			buf := make([]byte, 64<<10)
			n, err := s.Read(buf)
			if err != nil || !bytes.Equal(buf[:n], want) {
				t.Fatalf("Read: %d bytes %v, want the %d bytes of all 10 records", n, err, len(want))
			}
			// Smaller buffers than a record: the rest stays pending.
			c.Write(want)
			got := make([]byte, 0, len(want))
			small := make([]byte, 7)
			for len(got) < len(want) {
				n, err := s.Read(small)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, small[:n]...)
			}
			if !bytes.Equal(got, want) {
				t.Fatal("data differs when read 7 bytes at a time")
			}
			c.Write([]byte("last"))
			c.Close()
			time.Sleep(50 * time.Millisecond)
			n, err = s.Read(buf)
			if err != nil || string(buf[:n]) != "last" {
				t.Fatalf("Read before close_notify: %q %v", buf[:n], err)
			}
			if n, err := s.Read(buf); n != 0 || err != io.EOF {
				t.Fatalf("Read after close_notify: %d %v, want io.EOF", n, err)
			}
		})
	}
}
