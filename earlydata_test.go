package ssl

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
	"github.com/gossl/ssl/internal/wire"
)

// earlyServer runs a gossl server that answers each connection with what
// it read first (0-RTT data included) and its early_data status.
func startEarlyServer(t *testing.T, so *Options) int {
	t.Helper()
	return serveEach(t, so, func(s *Socket) {
		if s.Handshake(5*time.Second) != nil {
			return
		}
		b, err := s.Recv(0, 5*time.Second)
		if err != nil {
			return
		}
		info, _ := s.ConnectionInformation("early_data")
		status := "none"
		if len(info) > 0 {
			status = info[0].Value.(string)
		}
		s.Send([]byte(fmt.Sprintf("%s|%s", status, b)))
	})
}

// serveEach runs a gossl listener until the test ends, giving each
// accepted socket (before its handshake) to serve on a goroutine of
// its own, and closing it after; it returns the port.
func serveEach(t testing.TB, so *Options, serve func(*Socket)) int {
	t.Helper()
	ls, err := Listen(0, so)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ls.Close() })
	forgetNewPort(ls)
	go func() {
		for {
			s, err := ls.TransportAccept(0)
			if err != nil {
				return
			}
			go func() {
				defer s.Close()
				serve(s)
			}()
		}
	}()
	return ls.Port()
}

func TestEarlyData13Gossl(t *testing.T) {
	p := testpeers.NewPKI(t)
	// accept: the server takes 0-RTT; disabled: its tickets allow none,
	// so none is sent; skewed: allowed, but the second ClientHello's
	// ticket age is a minute off the server's clock, so the data is
	// refused and skipped (RFC 8446, 4.2.10, 8.3) and sent again.
	for _, mode := range []string{"accept", "disabled", "skewed"} {
		so := serverOpts(p, "ecdsa")
		so.AcceptEarlyData = mode != "disabled"
		var skew atomic.Int64
		so.Time = func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
		port := startEarlyServer(t, so)
		forgetClientSessions(port)
		co := clientOpts(p)
		co.EarlyData = []byte("GET /0rtt")
		var statuses []string
		for i := 0; i < 2; i++ {
			s, err := Connect("127.0.0.1", port, co, 10*time.Second)
			if err != nil {
				t.Fatalf("%s: connection %d: %v", mode, i+1, err)
			}
			info, _ := s.ConnectionInformation("early_data", "session_resumption")
			status := "none"
			for _, it := range info {
				if it.Key == "early_data" {
					status = it.Value.(string)
				}
			}
			if status != "accepted" {
				// Not taken (or not sent): the application sends it.
				s.Send(co.EarlyData)
			}
			reply, err := s.Recv(0, 10*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			statuses = append(statuses, status+"/"+string(reply))
			s.Close()
			if mode == "skewed" {
				skew.Store(int64(time.Minute))
			}
		}
		want := map[string][]string{
			"accept":   {"none/none|GET /0rtt", "accepted/accepted|GET /0rtt"},
			"disabled": {"none/none|GET /0rtt", "none/none|GET /0rtt"},
			"skewed":   {"none/none|GET /0rtt", "rejected/rejected|GET /0rtt"},
		}[mode]
		if strings.Join(statuses, " ") != strings.Join(want, " ") {
			t.Errorf("%s: %v, want %v", mode, statuses, want)
		}
	}
}

func TestEarlyData13OpenSSL(t *testing.T) {
	p := testpeers.NewPKI(t)
	// openssl s_client -early_data against a gossl server that accepts it.
	so := serverOpts(p, "ecdsa")
	so.AcceptEarlyData = true
	gport := startEarlyServer(t, so)
	dir := t.TempDir()
	early := dir + "/early.txt"
	writeFile(t, early, "early hello")
	sess := dir + "/sess.pem"
	first := testpeers.OpenSSLClient(t, fmt.Sprintf("127.0.0.1:%d", gport), "-tls1_3", "-CAfile", p.CAFile,
		"-servername", "localhost", "-sess_out", sess, "-ign_eof")
	io.WriteString(first.Stdin, "plain hello")
	first.Wait(10 * time.Second)
	first.Stdin.Close()
	second := testpeers.OpenSSLClient(t, fmt.Sprintf("127.0.0.1:%d", gport), "-tls1_3", "-CAfile", p.CAFile,
		"-servername", "localhost", "-sess_in", sess, "-early_data", early, "-ign_eof")
	second.Wait(10 * time.Second)
	second.Stdin.Close()
	if out := second.Output(); !strings.Contains(out, "accepted|early hello") {
		t.Fatalf("s_client's 0-RTT data was not taken:\n%s", out)
	}

	// gossl client against openssl s_server -early_data: its
	// EncryptedExtensions says whether it took the data.
	srv, addr := testpeers.OpenSSLServer(t, "-cert", p.CertFile("ecdsa"), "-key", p.KeyFile("ecdsa"), "-tls1_3", "-early_data")
	co := clientOpts(p)
	co.EarlyData = []byte("0rtt line\n")
	var got []string
	for i := 0; i < 2; i++ {
		s, err := Connect("127.0.0.1", port(addr), co, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		info, _ := s.ConnectionInformation("early_data")
		status := "none"
		if len(info) > 0 {
			status = info[0].Value.(string)
		}
		got = append(got, status)
		s.CloseTimeout(2 * time.Second)
	}
	if got[0] != "none" || got[1] != "accepted" {
		t.Fatalf("gossl client against s_server -early_data: %q\n%s", got, srv.Output())
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestServerBoundsSkippedEarlyData: a server that refuses 0-RTT data
// skips the records it cannot open "up to the configured
// max_early_data_size" (RFC 8446, 4.2.10), then aborts with
// unexpected_message. A record counts with its protected length, less
// the 256 bytes a record may add to its content (5.2) when our tickets
// allow 0-RTT data; with none allowed, 16 KiB as they come (BoringSSL's
// SkipEarlyData-TooMuchData-TLS13).
func TestServerBoundsSkippedEarlyData(t *testing.T) {
	p := testpeers.NewPKI(t)
	h := newTLS13Hello(t)
	hello := tlsRecord(wire.TypeHandshake, wire.VersionTLS10, h.marshal(t, func(ch *wire.ClientHello) { ch.EarlyData = true }))
	for _, tc := range []struct {
		name    string
		accept  bool  // the server's tickets allow 0-RTT data (16 KiB)
		records []int // protected lengths of the skipped records
		refused bool
	}{
		{"none offered, 16 KiB", false, []int{16384}, false},
		{"none offered, 16 KiB + 1", false, []int{16385}, true},
		{"none offered, in pieces", false, []int{8192, 8192, 1}, true},
		{"offered, 16 KiB of data in one record", true, []int{16384 + 17}, false},
		{"offered, at the bound", true, []int{4096 + 256, 4096 + 256, 4096 + 256, 4096 + 256}, false},
		{"offered, past the bound", true, []int{4096 + 256, 4096 + 256, 4096 + 256, 4096 + 257}, true},
		{"offered, many small records", true, slices.Repeat([]int{20}, 16384/16+17), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			so := serverOpts(p, "ecdsa")
			so.AcceptEarlyData = tc.accept
			so.LogAlert = Bool(false)
			srv := startHandshakeServer(t, so)
			data := bytes.Clone(hello)
			for _, n := range tc.records {
				data = append(data, tlsRecord(wire.TypeApplicationData, wire.VersionTLS12, make([]byte, n))...)
			}
			_, local := sendRaw(t, srv.port, data, true)
			err := srv.result(t, local).err
			var a *Alert
			refused := errors.As(err, &a) && !a.Received && a.Description == "unexpected_message"
			if refused != tc.refused {
				t.Fatalf("server ended with %v; want unexpected_message: %v", err, tc.refused)
			}
		})
	}
}
