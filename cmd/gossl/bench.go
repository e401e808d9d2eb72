package main

import (
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"time"
)

// gossl bench: the command, its configuration, the interleaved rounds
// and the output. The rows are listed in bench_rows.go; the sliced
// rounds are in bench_slices.go; each kind of measurement has its own
// file (bench_bulk.go, bench_handshake.go, bench_memory.go,
// bench_peers.go).

func init() {
	register(&command{
		name:     "bench",
		synopsis: "bench [--rounds 7] [--quick] [--json] [--only PREFIX] [--peers] [--list] [--verbose]",
		summary:  "measure gossl against Go's crypto/tls in one process",
		help: `
Runs the same workloads through gossl and through Go's crypto/tls in this
process, interleaved, for --rounds rounds, and prints for each row the
median of each side over the rounds and the ratio gossl/crypto-tls: the
median of the rounds' ratios. In a round of a bulk or handshake row,
both sides' connections are set up first and then measured in turn in
short slices (gossl, crypto/tls, crypto/tls, gossl, ...; 5 slices of a
side's window), so that the two figures of a round meet nearly the same
load from the rest of the machine even when it varies from round to
round; between slices the side that ran comes to rest (every byte
written has been read, every connection closed) and a GC runs. Other
rows alternate whole measurements (gossl first in even rounds,
crypto/tls first in odd ones). With --json it prints a JSON array of
rows {"row", "unit", "gossl", "crypto_tls", "ratio"} instead (a side
that is not measured is null and the row has a "note"). Compare only
ratios from one run: absolute figures drift with the machine's load;
--verbose prints every round's figures on stderr, to see the spread. A
default run takes about three and a half minutes on a 2-core machine
(--peers adds about half a minute).

Rows:
  bulk/SUITE/SIZE/TRANSPORT[/both]  MB/s (10^6 bytes) of application data
      received while the writers write (250 ms per side and round, after
      a 50 ms warm-up), client to server (or both ways at once, summed),
      with writes of SIZE (16k, 1k); TRANSPORT is loopback TCP or pipe,
      an in-memory buffered pipe (256 KiB per direction), which shows
      the record layer without the kernel. The tls13-chacha20 rows run,
      both sides interleaved, in a child process of this binary started
      with GODEBUG cpu.aes=off: crypto/tls picks TLS 1.3 suites itself
      and only prefers ChaCha20 on a CPU without AES instructions (the
      row fails if it negotiates anything else).
  bulk/tls13-aes128gcm/SIZE/loopback/delay-send  gossl's ends with
      delay_send (opt-in: a Send returns once its records are queued, and
      a goroutine of the socket's writes the queue, several records per
      system call); crypto/tls has no such option, so its column is its
      usual writes again. Not the same work: for context, not a target.
  bulk/plain-tcp/SIZE/loopback  MB/s of the same writes and reads over
      loopback TCP without TLS: the kernel's ceiling for the loopback
      rows, the same code in both columns (its ratio shows the noise).
  bulk/raw-aes128gcm-seal/16k/memory  MB/s of crypto/cipher AES-128-GCM
      Seal alone, in place on a 16 KiB buffer, on one goroutine: the
      primitive both implementations use. It is measured in each of a
      side's slices of the bulk/tls13-aes128gcm/16k/pipe row, just before
      its bulk slice: the same code in both columns, so its ratio shows
      the run's noise.
  bulk/tls13-aes128gcm/16k/pipe/percent-of-seal  each implementation's
      bulk/tls13-aes128gcm/16k/pipe figure as a percentage of the raw
      seal speed measured in the same slices (median of the rounds); the
      target of issue 7 is 90 or more. The pipe row seals and opens every
      byte and hands it between two goroutines, so it stays far below.
  bulk/tls13-aes128gcm/16k/send-to-memory[/percent-of-seal]  the sender
      alone: 16 KiB writes on one goroutine into an in-memory transport
      that drops what it is given (after the handshake), in MB/s and as a
      percentage of the raw seal speed measured in the same slices.
  handshake/KIND    full handshakes per second over loopback, one client
      after another (300 ms per side and round): connect, handshake, a
      one-byte echo (so the server has finished too), close in the
      background. Servers send no tickets and neither side keeps
      sessions; the row fails if any connection (gossl's or crypto/tls's)
      reports that it resumed. handshake/4-clients/KIND: four clients at
      once, each one after another, so the rate is bounded by the CPU both ends use
      per handshake rather than by the round trips of one connection.
      tls12-srp-2048: SRP_SHA (srp_anon, RFC 5054) with the srp_2048
      group, gossl only (crypto/tls has no SRP). tls12-psk and
      tls12-ecdhe-psk-x25519: PSK-AES128-GCM-SHA256 and
      ECDHE-PSK-AES128-GCM-SHA256 (RFC 4279, RFC 5489) with a 16-byte
      key, gossl only (crypto/tls has no PSK); also with 4 clients.
  server-cpu/KIND   the server's CPU time (user and system, all its
      threads, from /proc) per full handshake, in microseconds (lower is
      better): the same echo server as the handshake rows, but in a child
      process of this binary, gossl's client in this one (not verifying
      the child's certificate), slices as above. KIND is tls12-psk,
      tls12-ecdhe-psk-x25519 (gossl only) or
      tls12-ecdhe-ecdsa-p256-x25519 (gossl's and crypto/tls's servers).
  resumed/KIND      the same with resumption; the row fails unless every
      measured connection resumed (the first, unmeasured, connection
      makes the session). tls13-ticket: TLS 1.3 tickets. tls12-ticket:
      TLS 1.2 RFC 5077 tickets (gossl's server keeps no session cache, so
      only the ticket can resume). tls12-session-id: TLS 1.2 session
      IDs, neither side sends tickets; crypto/tls resumes TLS 1.2 only
      with tickets (it has no session-ID cache as client or server), so
      its side is n/a.
  resumed/redis/KIND  the same three kinds with gossl's server keeping
      its sessions, ticket keys and 0-RTT check in Redis (redisstore, as
      serve --session-store does), against gossl with its in-memory store
      in the crypto/tls column: the ratio is Redis / memory. The Redis is
      --session-store's, or a redis-server started on 127.0.0.1 (n/a
      without one).
  memory/...        heap per side (KB) and goroutines per connection of
      1000 established TLS 1.3 connections over loopback (both ends in
      this process, each server end with a goroutine blocked in Read,
      each connection having carried a request and its echo), after a
      GC: recently-used 100 ms after the last traffic, idle after 2 s
      more (past gossl's default release_idle_after of 1 s, which gives
      back the ciphers' state); memory-hibernated/ idle with
      hibernate_after 50ms on gossl's ends (crypto/tls has no such
      option: its figure is measured again).
  allocs/...        heap allocations per record on the bulk path (writer
      and reader together, over the in-memory pipe).
  handshake/dtls12-ecdhe-ecdsa-p256-x25519, bulk/dtls12-aes128gcm/1k/loopback,
  memory/dtls12/idle  DTLS 1.2 (ECDHE-ECDSA-AES128-GCM-SHA256, X25519,
      ECDSA P-256) against pion/dtls v4, the other DTLS stack in Go, in
      the crypto/tls column (crypto/tls has no DTLS); both ends of each
      side in this process, over loopback UDP. handshake: full
      handshakes per second, the cookie exchange included, as the TLS
      handshake rows (one client after another, a one-byte echo, the
      close in the background). bulk: MB/s of 1 KiB records (one per
      datagram) the server reads, the writer keeping at most 64 records
      in flight (UDP has no flow control; a record the kernel drops is
      written off after 20 ms). memory: heap (KB, both ends) per
      association of idle connections / 5 associations, each having
      carried a request and its echo, each server end with a goroutine
      blocked in Read, measured 1.5 s after the last traffic (lower is
      better).

With --peers, where installed, OpenSSL (openssl s_server) and Erlang/OTP
(escript with the ssl application) run as servers in their own processes
(TLS 1.3, TLS_AES_128_GCM_SHA256, x25519, an ECDSA P-256 certificate from
this run's CA written to a temporary directory), and gossl's client and
crypto/tls's client are measured against each, so the ratio is still
gossl/crypto-tls and the figures show the peer's speed:
  bulk/tls13-aes128gcm/16k/loopback/PEER-server  MB/s the client wrote
      during a 250 ms window after the warm-up (the peer reads and
      discards; by then the kernel's buffers are in a steady state, so
      what is written is what the peer takes). The sides take whole
      windows in turn, as the peer's reading cannot be watched to bring
      a slice to rest.
  handshake/tls13-ecdsa-p256-x25519/PEER-server  full handshakes per
      second, in slices as above, each with a two-byte echo ("x\n"); the
      peer sends no tickets.
  handshake/tls12-psk/openssl-server and server-cpu/tls12-psk/openssl-server
      plain PSK (PSK-AES128-GCM-SHA256, TLS 1.2, no certificate) against
      a second s_server: handshakes per second of gossl's client and
      s_server's CPU time per handshake (as server-cpu/ above); crypto/tls
      has no PSK.
PEER is openssl or erlang. A peer that is not installed gives n/a rows
with a note. The peers are stopped (their process groups killed) before
bench exits.

Exit status 1 if any measurement failed (the row has a "failed" note).
TLS 1.2 RSA key exchange is disabled in crypto/tls by default; bench sets
GODEBUG tlsrsakex=1 in its own environment before the first handshake.
--quick is a short smoke run (one round, one short slice per side, 100
idle connections) whose figures are rough; --list prints the row names
(as selected by --only and --peers) without measuring anything.`,
		flags: func(fs *flag.FlagSet) { new(benchConfig).define(fs) },
		run:   runBench,
	})
}

type benchConfig struct {
	rounds                 int
	quick                  bool
	json                   bool
	list                   bool
	verbose                bool
	peers                  bool
	only                   string
	cpuProfile, memProfile string
	sessionStore           string

	bulkWarm, bulkDur time.Duration
	hsDur             time.Duration
	slices            int           // a side's window in a round is cut in slices
	peerStart         time.Duration // how long a peer may take to listen
	idleConns         int
	memRounds         int
	allocRecords      int
}

func (c *benchConfig) define(fs *flag.FlagSet) {
	fs.IntVar(&c.rounds, "rounds", 7, "`N` interleaved rounds per row (median reported)")
	fs.BoolVar(&c.quick, "quick", false, "short smoke run (one round unless --rounds is given)")
	fs.BoolVar(&c.json, "json", false, "print the rows as a JSON array")
	fs.BoolVar(&c.list, "list", false, "print the selected rows' names and measure nothing")
	fs.BoolVar(&c.verbose, "verbose", false, "print every round's figures on stderr")
	fs.BoolVar(&c.peers, "peers", false, "add rows against OpenSSL and Erlang/OTP servers, where installed")
	fs.StringVar(&c.only, "only", "", "run only rows whose name starts with `PREFIX` (comma-separated list)")
	fs.StringVar(&c.cpuProfile, "cpuprofile", "", "write a CPU profile of the run to `FILE` (go tool pprof)")
	fs.StringVar(&c.memProfile, "memprofile", "", "write an allocation profile of the run to `FILE` (go tool pprof)")
	fs.StringVar(&c.sessionStore, "session-store", "", "the Redis of the resumed/redis/ rows, `redis://HOST:PORT` (default: a redis-server started on 127.0.0.1)")
}

// benchRow is one printed row.
type benchRow struct {
	Row       string   `json:"row"`
	Unit      string   `json:"unit"`
	Gossl     *float64 `json:"gossl"`
	CryptoTLS *float64 `json:"crypto_tls"`
	Ratio     *float64 `json:"ratio"`
	Note      string   `json:"note,omitempty"`

	failed bool
}

// benchGroup is a measurement that yields one or more rows. A sliced
// group (newG, newC) makes a meter per side each round and measures the
// two in alternating slices (see slicedRound); otherwise each call of g
// or c measures every row of the group once.
type benchGroup struct {
	names      []string
	units      []string
	newG, newC func() (meter, error)
	g, c       func() ([]float64, error)
	// naG, naC say why a side is not measured (the row prints n/a).
	naG, naC string
	// inChild: the rows are measured in a child process (bench_chacha.go).
	inChild bool
	// notes are added to each row's note (by index), whatever happens.
	notes  []string
	rounds int // 0: the configured rounds
	// sliceDur is a sliced group's slice.
	sliceDur time.Duration
	// setup, if set, runs once before the first round (to start a peer):
	// an error fails both sides.
	setup func() error
}

func runBench(e *env, args []string) int {
	if spec := os.Getenv(serverChildEnv); spec != "" {
		return runServerChild(e, spec)
	}
	cfg := &benchConfig{}
	c := commands["bench"]
	fs := newFlagSet("bench")
	cfg.define(fs)
	pos, err := parseArgs(e, c, fs, args)
	if err != nil {
		return usageExit(err)
	}
	if len(pos) > 0 {
		fmt.Fprintf(e.stderr, "gossl bench: unexpected argument %q\n", pos[0])
		return 2
	}
	roundsSet := false
	fs.Visit(func(f *flag.Flag) { roundsSet = roundsSet || f.Name == "rounds" })
	cfg.bulkWarm, cfg.bulkDur, cfg.hsDur = 50*time.Millisecond, 250*time.Millisecond, 300*time.Millisecond
	cfg.idleConns, cfg.memRounds, cfg.allocRecords = 1000, 3, 4000
	cfg.peerStart = 60 * time.Second
	cfg.slices = 5
	if cfg.quick {
		cfg.slices = 1
		if !roundsSet {
			cfg.rounds = 1
		}
		cfg.bulkWarm, cfg.bulkDur, cfg.hsDur = 10*time.Millisecond, 50*time.Millisecond, 120*time.Millisecond
		cfg.idleConns, cfg.memRounds, cfg.allocRecords = 100, 1, 500
	}
	if cfg.rounds < 1 {
		fmt.Fprintf(e.stderr, "gossl bench: --rounds must be at least 1\n")
		return 2
	}
	if cfg.memRounds > cfg.rounds {
		cfg.memRounds = cfg.rounds
	}
	// crypto/tls refuses RSA key exchange unless told otherwise; the
	// setting is read at each use, so this is in time for the first.
	godebug := os.Getenv("GODEBUG")
	if godebug != "" {
		godebug += ","
	}
	os.Setenv("GODEBUG", godebug+"tlsrsakex=1")

	b, err := newBench(cfg)
	if err != nil {
		return fail(e, "bench", err)
	}
	if cfg.verbose {
		b.verbose = e.stderr
	}
	defer b.peers.stopAll()
	defer b.stopRedis()
	if cfg.cpuProfile != "" {
		f, err := os.Create(cfg.cpuProfile)
		if err != nil {
			return fail(e, "bench", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fail(e, "bench", err)
		}
		defer pprof.StopCPUProfile()
	}
	if cfg.memProfile != "" {
		runtime.MemProfileRate = 4096
		defer func() {
			if f, err := os.Create(cfg.memProfile); err == nil {
				pprof.Lookup("allocs").WriteTo(f, 0)
				f.Close()
			}
		}()
	}
	var rows []benchRow
	groups := b.groups()
	if cfg.list {
		for _, g := range groups {
			for _, n := range g.names {
				if cfg.selected([]string{n}) {
					fmt.Fprintln(e.stdout, n)
				}
			}
		}
		return 0
	}
	// The table is printed row by row as the rows are measured, in
	// columns as wide as the selected rows need.
	width := len("row")
	for _, g := range groups {
		for _, n := range g.names {
			if cfg.selected([]string{n}) {
				width = max(width, len(n))
			}
		}
	}
	line := func(row, unit, gv, cv, ratio, note string) {
		fmt.Fprintln(e.stdout, strings.TrimRight(fmt.Sprintf("%-*s  %-13s  %7s  %10s  %5s  %s", width, row, unit, gv, cv, ratio, note), " "))
	}
	if !cfg.json {
		fmt.Fprintf(e.stdout, "gossl bench: %d round(s), %s, %d CPU(s), %s\n\n", cfg.rounds, runtime.Version(), runtime.NumCPU(), cpuModel())
		line("row", "unit", "gossl", "crypto/tls", "ratio", "note")
	}
	failed := 0
	var childRows map[string]benchRow
	var childErr error
	for _, g := range groups {
		if !cfg.selected(g.names) {
			continue
		}
		if e.ctx.Err() != nil {
			break
		}
		var out []benchRow
		if g.inChild && childRows == nil && childErr == nil {
			childRows, childErr = b.chachaRows(e.ctx, groups)
		}
		switch {
		case g.inChild && childErr == nil:
			for _, n := range g.names {
				r, ok := childRows[n]
				if !ok {
					r = benchRow{Row: n, Note: "not measured by the child process"}
				}
				if r.Note == "" {
					r.Note = chachaChildNote
				} else {
					r.Note += "; " + chachaChildNote
				}
				out = append(out, r)
			}
		case g.inChild:
			g.naC = childErr.Error()
			out = b.run(g)
		default:
			out = b.run(g)
		}
		for _, r := range out {
			if !cfg.selected([]string{r.Row}) {
				continue
			}
			if r.failed {
				failed++
			}
			rows = append(rows, r)
			if !cfg.json {
				line(r.Row, r.Unit, fmtVal(r.Gossl), fmtVal(r.CryptoTLS), fmtVal(r.Ratio), r.Note)
			}
		}
	}
	if cfg.json {
		if rows == nil {
			rows = []benchRow{}
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rows); err != nil {
			return fail(e, "bench", err)
		}
	}
	if e.ctx.Err() != nil {
		fmt.Fprintf(e.stderr, "gossl bench: interrupted\n")
		return 1
	}
	if failed > 0 {
		fmt.Fprintf(e.stderr, "gossl bench: %d row(s) with a failed measurement\n", failed)
		return 1
	}
	return 0
}

func (c *benchConfig) selected(names []string) bool {
	if c.only == "" {
		return true
	}
	for _, p := range strings.Split(c.only, ",") {
		for _, n := range names {
			if strings.HasPrefix(n, p) {
				return true
			}
		}
	}
	return false
}

func fmtVal(v *float64) string {
	if v == nil {
		return "n/a"
	}
	switch a := math.Abs(*v); {
	case a >= 100:
		return fmt.Sprintf("%.0f", *v)
	case a >= 10:
		return fmt.Sprintf("%.1f", *v)
	}
	return fmt.Sprintf("%.2f", *v)
}

func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

// run measures a group for its rounds, alternating the two sides (and
// which side goes first, round by round), and returns its rows.
func (b *bench) run(g benchGroup) []benchRow {
	rounds := g.rounds
	if rounds == 0 {
		rounds = b.cfg.rounds
	}
	n := len(g.names)
	gv, cv := make([][]float64, n), make([][]float64, n)
	var gerr, cerr, setupErr error
	if g.setup != nil {
		var na peerNA
		switch err := g.setup(); {
		case errors.As(err, &na):
			g.naG, g.naC = na.why, na.why
		case err != nil:
			setupErr, gerr, cerr = err, err, err
		}
	}
	measure := func(f func() ([]float64, error), vals [][]float64, errp *error) {
		if *errp != nil {
			return
		}
		// Garbage from the previous measurement (the other side's, say)
		// is not collected on this one's time.
		runtime.GC()
		v, err := f()
		*errp = err
		if b.verbose != nil {
			side := "gossl"
			if errp == &cerr {
				side = "crypto/tls"
			}
			fmt.Fprintf(b.verbose, "%s\t%s\t%v\t%v\n", g.names[0], side, v, err)
		}
		for j := range v {
			vals[j] = append(vals[j], v[j])
		}
	}
	for i := 0; i < rounds; i++ {
		if g.newG != nil || g.newC != nil {
			b.slicedRound(g, i, gv, cv, &gerr, &cerr)
			continue
		}
		gFirst := i%2 == 0
		for k := 0; k < 2; k++ {
			if (k == 0) == gFirst {
				if g.naG == "" {
					measure(g.g, gv, &gerr)
				}
			} else if g.naC == "" {
				measure(g.c, cv, &cerr)
			}
		}
	}
	rows := make([]benchRow, n)
	for j := range rows {
		r := benchRow{Row: g.names[j], Unit: g.units[j]}
		var notes []string
		if setupErr != nil {
			notes = append(notes, "failed: "+setupErr.Error())
			r.failed = true
		}
		bothNA := g.naG != "" && g.naG == g.naC
		if bothNA {
			notes = append(notes, "n/a: "+g.naG)
		}
		switch {
		case setupErr != nil, bothNA:
		case g.naG != "":
			notes = append(notes, "gossl: "+g.naG)
		case gerr != nil:
			notes = append(notes, "gossl failed: "+gerr.Error())
			r.failed = true
		default:
			r.Gossl = median(gv[j])
		}
		switch {
		case setupErr != nil, bothNA:
		case g.naC != "":
			notes = append(notes, "crypto/tls: "+g.naC)
		case cerr != nil:
			notes = append(notes, "crypto/tls failed: "+cerr.Error())
			r.failed = true
		default:
			r.CryptoTLS = median(cv[j])
		}
		if r.Gossl != nil && r.CryptoTLS != nil {
			r.Ratio = ratio(gv[j], cv[j])
		}
		if j < len(g.notes) && g.notes[j] != "" {
			notes = append(notes, g.notes[j])
		}
		r.Note = strings.Join(notes, "; ")
		rows[j] = r
	}
	return rows
}

// ratio is gossl/crypto-tls: the median of the rounds' ratios (the two
// figures of a round were measured close together, under nearly the
// same load, while the load may differ from round to round), or 1 when
// both sides are all zeros (allocations).
func ratio(gv, cv []float64) *float64 {
	if len(gv) != len(cv) || len(gv) == 0 {
		return nil
	}
	var rs []float64
	for i := range gv {
		switch {
		case cv[i] != 0:
			rs = append(rs, gv[i]/cv[i])
		case gv[i] == 0:
			rs = append(rs, 1)
		default:
			return nil
		}
	}
	return median(rs)
}

func median(v []float64) *float64 {
	if len(v) == 0 {
		return nil
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	m = round(m, 2)
	return &m
}

func round(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p) / p
}

// bench holds the certificates and the peers, and builds the rows.
type bench struct {
	cfg   *benchConfig
	roots *x509.CertPool
	ca    [][]byte
	certs map[string]*leaf // "ecdsa", "rsa"
	peers *peerSet
	redis benchRedis
	// verbose, with --verbose, gets every measurement.
	verbose io.Writer
}

func newBench(cfg *benchConfig) (*bench, error) {
	ca, err := newAuthority("gossl bench CA")
	if err != nil {
		return nil, err
	}
	b := &bench{cfg: cfg, roots: x509.NewCertPool(), ca: [][]byte{ca.der}, certs: map[string]*leaf{}}
	b.roots.AddCert(ca.cert)
	for _, kt := range []string{"ecdsa", "rsa"} {
		l, err := ca.issue("localhost", kt)
		if err != nil {
			return nil, err
		}
		b.certs[kt] = l
	}
	b.peers = newPeerSet(b.certs["ecdsa"], cfg.peerStart)
	return b, nil
}
