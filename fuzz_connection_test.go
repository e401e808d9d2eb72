package ssl

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// Whole-connection fuzzing: where FuzzServerHandshake and
// FuzzClientHandshake mutate the peer's whole stream, ClientHello or
// ServerHello included (so most inputs die in the hello), these targets
// keep the first message valid and fixed, outside the input, and feed
// the fuzzer's bytes after it: the rest of the handshake, and once it
// completes, the connection itself (application data, alerts, KeyUpdate,
// NewSessionTicket, renegotiation, close_notify), which the replayed
// side reads and echoes until the input ends.
//
// The fixed first message and the seeds come from captures of whole
// connections (captureConnection) made with the deterministic setup of
// fuzz_handshake_test.go, so a seed replays to a completed handshake
// and its application data decrypts. The first input byte picks the
// capture: an index into fuzzSeeds (server) or clientConnSeeds
// (client). GOSSL_WRITE_FUZZ_SEEDS=1 writes the seed corpora again.

// connCaptureData is one capture for the whole-connection targets.
type connCaptureData struct {
	first []byte // the replayed side's peer's first message, as a record
	rest  []byte // everything that peer sent after it
}

var connCaptures sync.Map // connCaptureKey -> *connCaptureData

type connCaptureKey struct {
	seed   string
	server bool // the server is the replayed side
}

// clientConnSeeds are the captures a client can replay (see
// fuzzSeed.serverOnly).
func clientConnSeeds() []fuzzSeed {
	var out []fuzzSeed
	for _, s := range fuzzSeeds {
		if !s.serverOnly {
			out = append(out, s)
		}
	}
	return out
}

// connCapture returns the capture of seed for the replayed side (the
// server if server), made once per process.
func connCapture(t *testing.T, d *fuzzPKIData, seed fuzzSeed, server bool) *connCaptureData {
	key := connCaptureKey{seed.name, server}
	if c, ok := connCaptures.Load(key); ok {
		return c.(*connCaptureData)
	}
	restrict := func(o *Options) *Options {
		if seed.restrict != nil {
			seed.restrict(o)
		}
		return o
	}
	var c connCaptureData
	if server {
		fromClient, _ := captureConnection(t, fuzzServerOptions(d, seed.variant), restrict(fuzzClientOptions(d, seed.variant)))
		c.first, c.rest = splitFirstMessage(fromClient)
	} else {
		_, fromServer := captureConnection(t, restrict(fuzzServerOptions(d, seed.variant)), fuzzClientOptions(d, seed.variant))
		c.first, c.rest = splitFirstMessage(fromServer)
	}
	connCaptures.Store(key, &c)
	return &c
}

// splitFirstMessage splits a record stream after its first handshake
// message: first is that message alone in a record (with the first
// record's header), rest the stream after it, the first record's other
// messages in a record of their own. A handshake message may span
// records and records may hold several (RFC 5246, 6.2.1; RFC 8446,
// 5.1), so the stream means the same to its reader.
func splitFirstMessage(b []byte) (first, rest []byte) {
	if len(b) < 9 {
		return b, nil
	}
	recLen := int(b[3])<<8 | int(b[4])
	if 5+recLen > len(b) {
		return b, nil
	}
	frag := b[5 : 5+recLen]
	msgLen := 4 + (int(frag[1])<<16 | int(frag[2])<<8 | int(frag[3]))
	if msgLen >= len(frag) {
		return b[:5+recLen], b[5+recLen:]
	}
	record := func(body []byte) []byte {
		return append([]byte{b[0], b[1], b[2], byte(len(body) >> 8), byte(len(body))}, body...)
	}
	first = record(frag[:msgLen])
	rest = append(record(frag[msgLen:]), b[5+recLen:]...)
	return first, rest
}

// captureConnection is captureHandshake carried past the handshake: the
// client sends application data and reads its echo, then (TLS 1.3)
// updates its keys and asks the server to, or (TLS 1.2 and older)
// renegotiates, sends more data, and closes with close_notify; the
// server echoes what it reads until then. A renegotiation's second key
// exchange does not replay (each side's random stream starts again at
// each of its reads in the capture, not in a replay), so the seeds of
// TLS 1.2 and older reach the renegotiation's Finished at most.
func captureConnection(t *testing.T, serverOpts, clientOpts *Options) (fromClient, fromServer []byte) {
	t.Helper()
	cli, srv, rc := capturePair(t, serverOpts, clientOpts)
	srvDone := make(chan error, 1)
	go func() {
		defer srv.Close()
		if err := srv.Handshake(10 * time.Second); err != nil {
			srvDone <- err
			return
		}
		_, err := io.Copy(srv, srv) // echo until close_notify
		srvDone <- err
	}()
	if err := cli.Handshake(10 * time.Second); err != nil {
		t.Fatalf("capture: client: %v", err)
	}
	// The pipe has no buffer: write while reading, as the server may be
	// writing (its KeyUpdate, a HelloRequest) when the data arrives.
	exchange := func(msg string) {
		t.Helper()
		werr := make(chan error, 1)
		go func() { _, err := cli.Write([]byte(msg)); werr <- err }()
		got := make([]byte, len(msg))
		if _, err := io.ReadFull(cli, got); err != nil || string(got) != msg {
			t.Fatalf("capture: echo %q, %v", got, err)
		}
		if err := <-werr; err != nil {
			t.Fatalf("capture: write: %v", err)
		}
	}
	exchange("ping")
	if cli.tls.tls13 {
		if err := cli.UpdateKeys(true); err != nil {
			t.Fatalf("capture: update keys: %v", err)
		}
	} else if err := cli.Renegotiate(); err != nil {
		t.Fatalf("capture: renegotiate: %v", err)
	}
	exchange("pong")
	cli.Close()
	if err := <-srvDone; err != nil {
		t.Fatalf("capture: server: %v", err)
	}
	forgetReplayTickets()
	return bytes.Clone(rc.written.Bytes()), bytes.Clone(rc.read.Bytes())
}

// forgetReplayTickets drops the TLS 1.3 tickets that clients made with
// newSocket (captures and replays) kept under the empty cache key: the
// next replay would offer one, and its ClientHello would no longer be
// the captured one.
func forgetReplayTickets() {
	for defaultTicketCache.Take("", fuzzNow) != nil {
	}
}

// replayConnection runs one side over input: the handshake, then reads
// and echoes what arrives until an error or the end of the input (at
// most 64 reads). It returns the application bytes read and the error
// that ended the connection (nil after close_notify), and fails the test
// if the run does not end within ten seconds: the transport never
// blocks, so only a loop of our own could keep it going.
func replayConnection(t *testing.T, r role, opts *Options, input []byte) (int, error) {
	t.Helper()
	res, err := opts.compile(r, "")
	if err != nil {
		t.Fatalf("options: %v", err)
	}
	s := newSocket(&replayConn{in: bytes.NewReader(input)}, r, opts, res)
	type result struct {
		n   int
		err error
	}
	// The socket is closed before the result is sent: a Close still
	// running when the test ends would race with the cleanup that
	// restores crypto/rand (deterministicRandom).
	run := func() (int, error) {
		if err := s.Handshake(2 * time.Second); err != nil {
			return 0, err
		}
		total := 0
		buf := make([]byte, 2048)
		for i := 0; i < 64; i++ {
			n, err := s.Read(buf)
			total += n
			if n > 0 {
				if _, werr := s.Write(buf[:n]); werr != nil {
					return total, werr
				}
			}
			if err != nil {
				if errors.Is(err, io.EOF) {
					err = nil
				}
				return total, err
			}
		}
		return total, nil
	}
	done := make(chan result, 1)
	go func() {
		n, err := run()
		s.Close()
		forgetReplayTickets()
		done <- result{n, err}
	}()
	select {
	case res := <-done:
		return res.n, res.err
	case <-time.After(10 * time.Second):
		t.Fatalf("%s connection did not end on %d bytes of input", r, len(input))
		return 0, nil
	}
}

func FuzzServerAfterHello(f *testing.F)       { fuzzAfterFirstMessage(f, true) }
func FuzzClientAfterServerHello(f *testing.F) { fuzzAfterFirstMessage(f, false) }

// connSeeds are the captures the replayed side (the server if server)
// picks from with the first input byte.
func connSeeds(server bool) []fuzzSeed {
	if server {
		return fuzzSeeds
	}
	return clientConnSeeds()
}

// replaySide is the role, options and random stream of the replayed
// side of seed.
func replaySide(d *fuzzPKIData, seed fuzzSeed, server bool) (role, *Options, uint64) {
	if server {
		return roleServer, fuzzServerOptions(d, seed.variant), fuzzServerSeed
	}
	return roleClient, fuzzClientOptions(d, seed.variant), fuzzClientSeed
}

// fuzzAfterFirstMessage replays one side of a capture, the peer's first
// message fixed and the input after it.
func fuzzAfterFirstMessage(f *testing.F, server bool) {
	seeds := connSeeds(server)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		d := fuzzPKI(t)
		seed := seeds[int(data[0])%len(seeds)]
		c := connCapture(t, d, seed, server)
		r, opts, rs := replaySide(d, seed, server)
		deterministicRandom(t, rs)
		_, err := replayConnection(t, r, opts, append(bytes.Clone(c.first), data[1:]...))
		checkFailure(t, err)
	})
}

// TestFuzzConnectionSeeds captures whole connections, checks that each
// replays past the handshake into the application data (the echoed
// "ping", and for TLS 1.3 "pong" after the KeyUpdate), and with GOSSL_WRITE_FUZZ_SEEDS=1 writes them as the
// seeds of FuzzServerAfterHello and FuzzClientAfterServerHello.
func TestFuzzConnectionSeeds(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	d := fuzzPKI(t)
	write := os.Getenv("GOSSL_WRITE_FUZZ_SEEDS") == "1"
	check := func(t *testing.T, target string, idx int, seed fuzzSeed, server bool) {
		c := connCapture(t, d, seed, server)
		r, opts, rs := replaySide(d, seed, server)
		deterministicRandom(t, rs)
		n, err := replayConnection(t, r, opts, append(bytes.Clone(c.first), c.rest...))
		checkFailure(t, err)
		tls13 := seed.variant%fuzzVariants >= 2 && seed.name[:5] == "tls13"
		switch {
		case tls13 && (n != 8 || (err != nil && !errors.Is(err, ErrClosed))):
			// The server's stream ends without its close_notify (the
			// capture's client closed first): a client replay ends in
			// ErrClosed, a server replay at the client's close_notify.
			t.Errorf("%s replay: %d application bytes, %v; want ping and pong, then the end", r, n, err)
		case n < 4:
			t.Errorf("%s replay: %d application bytes (%v); want at least ping", r, n, err)
		}
		file := append([]byte{byte(idx)}, c.rest...)
		if write {
			writeFuzzSeed(t, target, seed.name, file)
			return
		}
		old, err := os.ReadFile(filepath.Join("testdata", "fuzz", target, seed.name))
		if err != nil || !bytes.Equal(old, fuzzSeedFile(file)) {
			t.Logf("%s/%s differs from a fresh capture (%v): consider GOSSL_WRITE_FUZZ_SEEDS=1", target, seed.name, err)
		}
	}
	for _, server := range []bool{true, false} {
		target, side := "FuzzServerAfterHello", "server/"
		if !server {
			target, side = "FuzzClientAfterServerHello", "client/"
		}
		for i, seed := range connSeeds(server) {
			t.Run(side+seed.name, func(t *testing.T) { check(t, target, i, seed, server) })
		}
	}
}
