package main

import (
	"crypto/sha256"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	ssl "github.com/gossl/ssl"
)

// gossl stress: a load and leak harness. One gossl server runs in this
// process and every phase attacks it with clients of this process; the
// attacks live in stress_attacks.go, the idle-heap phase in
// stress_idle.go.

func init() {
	register(&command{
		name:     "stress",
		synopsis: "stress [--only PHASES] [--conns N] [--abrupt M] [--slowloris K] [--flood F] [--idle I] ...",
		summary:  "load and leak harness: concurrent data, abrupt ends, slowloris, hello floods, idle heap",
		help: `
Runs one gossl server in this process (TLS 1.0 to 1.3, an ECDSA and an
RSA certificate, the suites below, no session cache or tickets) and
attacks it with clients of this process, phase by phase:

  data       --conns connections open at once, mixed versions and suites
             (TLS 1.3 AES-GCM, ChaCha20, CCM; TLS 1.2 ECDHE-ECDSA/RSA
             GCM and CBC, DHE-RSA, RSA; TLS 1.1 and 1.0 CBC), each moving
             --bytes of random data to the server, which echoes it and
             sends the SHA-256 of what it received: the client checks
             both. Any byte lost or corrupted, or any failed connection,
             fails the phase.
  abrupt     --abrupt handshakes that end abruptly at a random point:
             the client resets the connection (SO_LINGER 0) or closes
             it after a random number of bytes, in the middle of a
             record; the server does the same to a quarter of its
             connections; or the client writes without reading and
             resets the connection once the server's writes block.
  slowloris  --slowloris clients that send a ClientHello one byte per
             --slow-interval: the server must cut each within
             --handshake-timeout (plus a second of slack), while normal
             clients keep connecting; their latency is reported and any
             failure fails the phase.
  flood      --flood ClientHellos from --flood-workers clients at once,
             each reset as soon as the server answers (half of them send
             the hello three times in a row): the heap is sampled during
             the flood and its peak over the second half must stay
             within twice the first half's plus 16 MB.
  idle       --idle idle TLS 1.3 connections, both ends in this process,
             of gossl and then of crypto/tls (as gossl bench's memory
             rows: each has carried a request and its echo): heap per
             side, per connection and in total, and goroutines per
             connection. The soft limit on open files is raised (up to
             the hard limit, or beyond when allowed) to fit 2 per
             connection; where the hard limit is lower, as many
             connections as fit are measured and the output says so.

After each of data, abrupt, slowloris and flood, the goroutines, open
file descriptors (/proc/self/fd) and heap (after a GC) are counted once
the server has settled (at most --settle) and compared with the counts
before the phase: growth past --max-goroutines, --max-fds or --max-heap
MB is a leak and fails the phase. The counts are printed either way.

Exit status 1 if any phase failed. The defaults are the sizes of the
full run (several minutes on two cores); CI runs it small.`,
		flags: func(fs *flag.FlagSet) { new(stressConfig).define(fs) },
		run:   runStress,
	})
}

// stressPhases are the phases in the order they run.
var stressPhases = []string{"data", "abrupt", "slowloris", "flood", "idle"}

type stressConfig struct {
	only          string
	seed          uint64
	conns, bytes  int
	abrupt        int
	workers       int
	slowloris     int
	slowInterval  time.Duration
	hsTimeout     time.Duration
	sendTimeout   time.Duration
	flood         int
	floodWorkers  int
	idle          int
	settle        time.Duration
	maxGoroutines int
	maxFDs        int
	maxHeapMB     float64
}

func (c *stressConfig) define(fs *flag.FlagSet) {
	fs.StringVar(&c.only, "only", "", "run only these `PHASES` (comma-separated: "+strings.Join(stressPhases, ",")+")")
	fs.Uint64Var(&c.seed, "seed", 1, "`SEED` of the random choices (cut points, mixes, data)")
	fs.IntVar(&c.conns, "conns", 1000, "`N` concurrent connections in the data phase")
	fs.IntVar(&c.bytes, "bytes", 64<<10, "`BYTES` each data connection sends (and gets back)")
	fs.IntVar(&c.abrupt, "abrupt", 10000, "`M` handshakes that end abruptly")
	fs.IntVar(&c.workers, "workers", 32, "`W` clients at once in the abrupt phase")
	fs.IntVar(&c.slowloris, "slowloris", 1000, "`K` slowloris clients")
	durationVar(fs, &c.slowInterval, "slow-interval", time.Second, "slowloris clients send a byte every `DURATION`")
	durationVar(fs, &c.hsTimeout, "handshake-timeout", 10*time.Second, "the server's handshake timeout (`DURATION`)")
	durationVar(fs, &c.sendTimeout, "send-timeout", 10*time.Second, "the server's send_timeout (`DURATION`)")
	fs.IntVar(&c.flood, "flood", 10000, "`F` ClientHellos in the flood phase")
	fs.IntVar(&c.floodWorkers, "flood-workers", 64, "`W` flooding clients at once")
	fs.IntVar(&c.idle, "idle", 20000, "`I` idle TLS 1.3 connections per implementation")
	durationVar(fs, &c.settle, "settle", 15*time.Second, "wait at most `DURATION` for the counts to settle after a phase")
	fs.IntVar(&c.maxGoroutines, "max-goroutines", 16, "goroutine growth (`N`) over a phase that counts as a leak")
	fs.IntVar(&c.maxFDs, "max-fds", 16, "file descriptor growth (`N`) over a phase that counts as a leak")
	fs.Float64Var(&c.maxHeapMB, "max-heap", 16, "heap growth (`MB`) over a phase that counts as a leak")
}

func runStress(e *env, args []string) int {
	c := commands["stress"]
	cfg := new(stressConfig)
	fs := newFlagSet(c.name)
	cfg.define(fs)
	pos, err := parseArgs(e, c, fs, args)
	if err != nil {
		return usageExit(err)
	}
	if len(pos) > 0 {
		fmt.Fprintf(e.stderr, "gossl stress: unexpected argument %q\nRun \"gossl help stress\" for usage.\n", pos[0])
		return 2
	}
	phases := stressPhases
	if cfg.only != "" {
		phases = nil
		for _, p := range strings.Split(cfg.only, ",") {
			if !contains(stressPhases, p) {
				fmt.Fprintf(e.stderr, "gossl stress: unknown phase %q (phases: %s)\n", p, strings.Join(stressPhases, ", "))
				return 2
			}
			phases = append(phases, p)
		}
	}
	st, err := newStress(cfg, e.stdout)
	if err != nil {
		return fail(e, c.name, err)
	}
	defer st.close()
	failed := false
	for _, p := range stressPhases {
		if !contains(phases, p) {
			continue
		}
		if e.ctx.Err() != nil {
			return fail(e, c.name, e.ctx.Err())
		}
		start := time.Now()
		if err := st.phase(p); err != nil {
			failed = true
			fmt.Fprintf(e.stdout, "%s: FAILED: %v\n", p, err)
		}
		fmt.Fprintf(e.stdout, "%s: %.1f s\n", p, time.Since(start).Seconds())
	}
	if failed {
		return 1
	}
	return 0
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// stress is a run: the certificates, the server and the output.
type stress struct {
	cfg *stressConfig
	out io.Writer
	b   *bench // certificates (and the idle phase's measurement)
	srv *stressServer
	mu  sync.Mutex
	rng *rand.Rand
}

func newStress(cfg *stressConfig, out io.Writer) (*stress, error) {
	b, err := newBench(&benchConfig{idleConns: cfg.idle})
	if err != nil {
		return nil, err
	}
	st := &stress{cfg: cfg, out: out, b: b, rng: rand.New(rand.NewPCG(cfg.seed, 0x57e55))}
	if st.srv, err = st.startServer(); err != nil {
		return nil, err
	}
	return st, nil
}

func (st *stress) close() { st.srv.close() }

// intn is a random number in [0, n) from the run's stream.
func (st *stress) intn(n int) int {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.rng.IntN(n)
}

// phase runs one phase, with the leak check around it.
func (st *stress) phase(name string) error {
	if name == "idle" {
		return st.idlePhase()
	}
	base := st.settled(usage{}, 0)
	var err error
	switch name {
	case "data":
		err = st.dataPhase()
	case "abrupt":
		err = st.abruptPhase()
	case "slowloris":
		err = st.slowlorisPhase()
	case "flood":
		err = st.floodPhase()
	}
	return errors.Join(err, st.leakCheck(name, base))
}

// stressKind is one version and suite the data phase's clients use.
type stressKind struct {
	name    string
	version ssl.Version
	suite   string // IANA name
}

// stressMix is the data phase's versions and suites, used in turn.
var stressMix = []stressKind{
	{"tls13-aes128gcm", ssl.TLSv1_3, "TLS_AES_128_GCM_SHA256"},
	{"tls13-aes256gcm", ssl.TLSv1_3, "TLS_AES_256_GCM_SHA384"},
	{"tls13-chacha20", ssl.TLSv1_3, "TLS_CHACHA20_POLY1305_SHA256"},
	{"tls13-aes128ccm", ssl.TLSv1_3, "TLS_AES_128_CCM_SHA256"},
	{"tls12-ecdhe-ecdsa-aes128gcm", ssl.TLSv1_2, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"},
	{"tls12-ecdhe-rsa-aes256gcm", ssl.TLSv1_2, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"},
	{"tls12-ecdhe-rsa-chacha20", ssl.TLSv1_2, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"},
	{"tls12-ecdhe-ecdsa-aes256cbc-sha384", ssl.TLSv1_2, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"},
	{"tls12-dhe-rsa-aes128gcm", ssl.TLSv1_2, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"},
	{"tls12-rsa-aes128cbc-sha256", ssl.TLSv1_2, "TLS_RSA_WITH_AES_128_CBC_SHA256"},
	{"tls11-ecdhe-rsa-aes128cbc", ssl.TLSv1_1, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"},
	{"tls11-rsa-aes256cbc", ssl.TLSv1_1, "TLS_RSA_WITH_AES_256_CBC_SHA"},
	{"tls10-ecdhe-ecdsa-aes256cbc", ssl.TLSv1, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"},
	{"tls10-rsa-aes128cbc", ssl.TLSv1, "TLS_RSA_WITH_AES_128_CBC_SHA"},
}

// tlsVersionIDs maps gossl's versions to their wire values, to check
// what a connection negotiated.
var tlsVersionIDs = map[ssl.Version]uint16{
	ssl.TLSv1: tls.VersionTLS10, ssl.TLSv1_1: tls.VersionTLS11, ssl.TLSv1_2: tls.VersionTLS12, ssl.TLSv1_3: tls.VersionTLS13,
}

// suiteID is the IANA number of a suite gossl implements.
func suiteID(name string) (uint16, bool) {
	for _, v := range []ssl.Version{ssl.TLSv1_3, ssl.TLSv1_2, ssl.TLSv1} {
		for _, cs := range ssl.CipherSuites(ssl.SuitesAll, v) {
			if cs.Name == name {
				return cs.ID, true
			}
		}
	}
	return 0, false
}

// clientOptions is a client of kind that verifies the server and keeps
// no session (every handshake is full).
func (st *stress) clientOptions(k stressKind) *ssl.Options {
	return &ssl.Options{
		LogAlert: ssl.Bool(false), Versions: []ssl.Version{k.version}, Ciphers: []string{k.suite},
		Verify: ssl.VerifyPeer, CACerts: st.b.ca, ServerNameIndication: "localhost",
		ReuseSessions: ssl.Bool(false), SessionTickets: "disabled",
	}
}

// connect dials the server and runs a gossl client's handshake.
func (st *stress) connect(opts *ssl.Options, timeout time.Duration) (*ssl.Socket, error) {
	raw, err := net.Dial("tcp", st.srv.addr)
	if err != nil {
		return nil, err
	}
	s, err := ssl.ConnectConn(raw, opts, timeout)
	if err != nil {
		raw.Close()
		return nil, err
	}
	return s, nil
}

// stressServer is the server every phase attacks: an accept loop and a
// goroutine per connection that runs the echo protocol (echoConn).
type stressServer struct {
	ln   *ssl.ListenSocket
	raw  *cutListener
	addr string
	wg   sync.WaitGroup
	// handshakes and hsFailed count the server's handshakes.
	handshakes, hsFailed atomic.Int64
}

func (st *stress) startServer() (*stressServer, error) {
	ecdsa, rsa := st.b.certs["ecdsa"], st.b.certs["rsa"]
	var ciphers []string
	for _, k := range stressMix {
		ciphers = append(ciphers, k.suite)
	}
	opts := &ssl.Options{
		LogAlert: ssl.Bool(false),
		Versions: []ssl.Version{ssl.TLSv1_3, ssl.TLSv1_2, ssl.TLSv1_1, ssl.TLSv1},
		Ciphers:  ciphers,
		Cert:     ecdsa.chain, Key: ecdsa.key,
		CertsKeys:      []ssl.CertKeyPair{{Cert: rsa.chain, Key: rsa.key}},
		ReuseSessions:  ssl.Bool(false),
		SessionTickets: "disabled",
		SendTimeout:    st.cfg.sendTimeout,
	}
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	raw := &cutListener{Listener: tcp, st: st}
	ln, err := ssl.NewListener(raw, opts)
	if err != nil {
		tcp.Close()
		return nil, err
	}
	s := &stressServer{ln: ln, raw: raw, addr: tcp.Addr().String()}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			sock, err := ln.TransportAccept(0)
			if err != nil {
				var ne net.Error
				if errors.As(err, &ne) && ne.Timeout() {
					continue
				}
				return // the listener is closed
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				s.serve(sock, st.cfg.hsTimeout)
			}()
		}
	}()
	return s, nil
}

func (s *stressServer) close() {
	s.ln.Close()
	s.wg.Wait()
}

// serve runs the server's side of the echo protocol on one connection:
// the client sends an 8-byte length and that many bytes; the server
// echoes them as they come, then sends the SHA-256 of what it received,
// and waits for the client to close.
func (s *stressServer) serve(sock *ssl.Socket, hsTimeout time.Duration) {
	defer sock.Close()
	s.handshakes.Add(1)
	if err := sock.Handshake(hsTimeout); err != nil {
		s.hsFailed.Add(1)
		return
	}
	var hdr [8]byte
	if _, err := io.ReadFull(sock, hdr[:]); err != nil {
		return
	}
	left := binary.BigEndian.Uint64(hdr[:])
	h := sha256.New()
	buf := make([]byte, 16<<10)
	for left > 0 {
		n, err := sock.Read(buf[:min(left, uint64(len(buf)))])
		h.Write(buf[:n])
		if n > 0 {
			if _, werr := sock.Write(buf[:n]); werr != nil {
				return
			}
		}
		left -= uint64(n)
		if err != nil {
			return
		}
	}
	if _, err := sock.Write(h.Sum(nil)); err != nil {
		return
	}
	io.Copy(io.Discard, sock)
}

// echoResult is what a client of the echo protocol saw.
type echoResult struct {
	lost      int  // bytes sent that did not come back
	corrupted bool // the echo or the server's digest differ from what was sent
}

// echo runs the client's side of the echo protocol with size bytes of
// data drawn from seed: it writes while it reads the echo, then checks
// the echo and the server's digest against what it sent.
func echo(c net.Conn, size int, seed uint64) (echoResult, error) {
	data := make([]byte, size)
	r := rand.New(rand.NewPCG(seed, 0xda7a))
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	want := sha256.Sum256(data)
	werr := make(chan error, 1)
	go func() {
		var hdr [8]byte
		binary.BigEndian.PutUint64(hdr[:], uint64(size))
		_, err := c.Write(hdr[:])
		// Several writes of uneven sizes: records of many lengths.
		for off := 0; err == nil && off < size; {
			n := min(size-off, 1+r.IntN(20000))
			_, err = c.Write(data[off : off+n])
			off += n
		}
		werr <- err
	}()
	got := sha256.New()
	n, err := io.CopyN(got, c, int64(size))
	res := echoResult{lost: size - int(n)}
	if err != nil {
		<-werr
		return res, fmt.Errorf("echo: %d of %d bytes back: %w", n, size, err)
	}
	var digest [32]byte
	if _, err := io.ReadFull(c, digest[:]); err != nil {
		<-werr
		return res, fmt.Errorf("server digest: %w", err)
	}
	if err := <-werr; err != nil {
		return res, err
	}
	res.corrupted = !bytesEqual(got.Sum(nil), want[:]) || digest != want
	return res, nil
}

func bytesEqual(a, b []byte) bool { return string(a) == string(b) }

// dataPhase opens cfg.conns connections of the mix at once (at most 16
// handshakes at a time), and once all are open moves data on every one.
func (st *stress) dataPhase() error {
	n := st.cfg.conns
	var (
		wg                  sync.WaitGroup
		start               = make(chan struct{})
		hsSem               = make(chan struct{}, 16)
		open                atomic.Int64
		failed, corrupt     atomic.Int64
		lost                atomic.Int64
		mu                  sync.Mutex
		perKind             = map[string]int{}
		firstErr            error
		verErrs, suiteErrs  atomic.Int64
		handshakeDur, total time.Duration
	)
	note := func(err error) {
		failed.Add(1)
		mu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
	}
	t0 := time.Now()
	for i := 0; i < n; i++ {
		k := stressMix[i%len(stressMix)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			hsSem <- struct{}{}
			s, err := st.connect(st.clientOptions(k), 60*time.Second)
			<-hsSem
			if err != nil {
				note(fmt.Errorf("%s: handshake: %w", k.name, err))
				open.Add(1)
				return
			}
			defer s.Close()
			cs := s.ConnectionState()
			if cs.Version != tlsVersionIDs[k.version] {
				verErrs.Add(1)
			}
			if id, _ := suiteID(k.suite); cs.CipherSuite != id {
				suiteErrs.Add(1)
			}
			mu.Lock()
			perKind[k.name]++
			mu.Unlock()
			open.Add(1)
			<-start
			res, err := echo(s, st.cfg.bytes, st.cfg.seed<<32|uint64(i))
			lost.Add(int64(res.lost))
			if res.corrupted {
				corrupt.Add(1)
			}
			if err != nil {
				note(fmt.Errorf("%s: %w", k.name, err))
			}
		}()
	}
	for open.Load() < int64(n) {
		time.Sleep(10 * time.Millisecond)
	}
	handshakeDur = time.Since(t0)
	t1 := time.Now()
	close(start)
	wg.Wait()
	total = time.Since(t1)
	kinds := make([]string, 0, len(perKind))
	for k, c := range perKind {
		kinds = append(kinds, fmt.Sprintf("%s %d", k, c))
	}
	sort.Strings(kinds)
	fmt.Fprintf(st.out, "data: %d connections open at once (%s)\n", n, strings.Join(kinds, ", "))
	fmt.Fprintf(st.out, "data: handshakes %.1f s; %d bytes each way per connection, %.1f MB in all in %.1f s\n",
		handshakeDur.Seconds(), st.cfg.bytes, float64(2*int64(n)*int64(st.cfg.bytes))/1e6, total.Seconds())
	fmt.Fprintf(st.out, "data: %d failed, %d bytes lost, %d connections with corrupted data, %d wrong versions, %d wrong suites\n",
		failed.Load(), lost.Load(), corrupt.Load(), verErrs.Load(), suiteErrs.Load())
	if failed.Load() > 0 || lost.Load() > 0 || corrupt.Load() > 0 || verErrs.Load() > 0 || suiteErrs.Load() > 0 {
		return fmt.Errorf("%d failed (first: %v), %d bytes lost, %d corrupted, %d wrong versions, %d wrong suites",
			failed.Load(), firstErr, lost.Load(), corrupt.Load(), verErrs.Load(), suiteErrs.Load())
	}
	return nil
}

// usage is what the leak check counts.
type usage struct {
	goroutines int
	fds        int // -1 where /proc/self/fd is missing
	heap       uint64
}

func (u usage) String() string {
	return fmt.Sprintf("%d goroutines, %d fds, heap %.1f MB", u.goroutines, u.fds, float64(u.heap)/1e6)
}

func measureUsage() usage {
	var ms runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return usage{goroutines: runtime.NumGoroutine(), fds: openFDs(), heap: ms.HeapAlloc}
}

// within reports whether u has grown over base by no more than the
// configured bounds.
func (st *stress) within(u, base usage) bool {
	return u.goroutines <= base.goroutines+st.cfg.maxGoroutines &&
		u.fds <= base.fds+st.cfg.maxFDs &&
		float64(u.heap) <= float64(base.heap)+st.cfg.maxHeapMB*1e6
}

// settled counts until the counts are within the bounds over base, or
// for at most wait; with wait 0 it waits for two counts in a row to
// agree on the goroutines (a quiet moment before a phase).
func (st *stress) settled(base usage, wait time.Duration) usage {
	if wait == 0 {
		prev := measureUsage()
		for i := 0; i < 50; i++ {
			time.Sleep(100 * time.Millisecond)
			u := measureUsage()
			if u.goroutines == prev.goroutines && u.fds == prev.fds {
				return u
			}
			prev = u
		}
		return prev
	}
	deadline := time.Now().Add(wait)
	for {
		u := measureUsage()
		if st.within(u, base) || time.Now().After(deadline) {
			return u
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// leakCheck counts after a phase, once settled, against base.
func (st *stress) leakCheck(phase string, base usage) error {
	t0 := time.Now()
	u := st.settled(base, st.cfg.settle)
	fmt.Fprintf(st.out, "%s: before %v; after %v (settled in %.1f s)\n", phase, base, u, time.Since(t0).Seconds())
	if !st.within(u, base) {
		return fmt.Errorf("leak: %d goroutines, %d fds, %.1f MB of heap more than before (bounds %d, %d, %.0f MB)",
			u.goroutines-base.goroutines, u.fds-base.fds, (float64(u.heap)-float64(base.heap))/1e6,
			st.cfg.maxGoroutines, st.cfg.maxFDs, st.cfg.maxHeapMB)
	}
	return nil
}
