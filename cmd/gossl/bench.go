package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	ssl "github.com/gossl/ssl"
)

func init() {
	register(&command{
		name:     "bench",
		synopsis: "bench [--rounds 5] [--quick] [--json] [--only PREFIX]",
		summary:  "measure gossl against Go's crypto/tls in one process",
		help: `
Runs the same workloads through gossl and through Go's crypto/tls in this
process, interleaved (gossl, crypto/tls, gossl, crypto/tls, ...), for
--rounds rounds, and prints for each row the median of each side and the
ratio gossl/crypto-tls. With --json it prints a JSON array of rows
{"row", "unit", "gossl", "crypto_tls", "ratio"} instead (a side that
cannot be measured is null and the row has a "note").

Rows:
  bulk/SUITE/SIZE/TRANSPORT[/both]  MB/s (10^6 bytes) of application data
      received, client to server (or both ways at once, summed), with
      writes of SIZE (16k, 1k); TRANSPORT is loopback TCP or pipe, an
      in-memory buffered pipe (256 KiB per direction), which shows the
      record layer without the kernel.
  handshake/KIND    full handshakes per second over loopback, one client
      after another: connect, handshake, a one-byte echo (so the server
      has finished too), close in the background. Servers send no tickets.
  resumed/KIND      the same with resumption (TLS 1.3 tickets).
  memory/...        heap per side (KB) and goroutines per connection of
      1000 idle established TLS 1.3 connections over loopback (both ends
      in this process, each server end with a goroutine blocked in Read),
      after a GC; memory-hibernated/ with hibernate_after 50ms on gossl's
      ends (crypto/tls has no such option: its figure is measured again).
  allocs/...        heap allocations per record on the bulk path (writer
      and reader together, over the in-memory pipe).

TLS 1.2 RSA key exchange is disabled in crypto/tls by default; bench sets
GODEBUG tlsrsakex=1 in its own environment before the first handshake.
--quick is a short smoke run (one round, short windows, 100 idle
connections) whose figures are rough.`,
		flags: func(fs *flag.FlagSet) { new(benchConfig).define(fs) },
		run:   runBench,
	})
}

type benchConfig struct {
	rounds                 int
	quick                  bool
	json                   bool
	only                   string
	cpuProfile, memProfile string

	bulkWarm, bulkDur time.Duration
	hsDur             time.Duration
	idleConns         int
	memRounds         int
	allocRecords      int
}

func (c *benchConfig) define(fs *flag.FlagSet) {
	fs.IntVar(&c.rounds, "rounds", 5, "`N` interleaved rounds per row (median reported)")
	fs.BoolVar(&c.quick, "quick", false, "short smoke run (one round unless --rounds is given)")
	fs.BoolVar(&c.json, "json", false, "print the rows as a JSON array")
	fs.StringVar(&c.only, "only", "", "run only rows whose name starts with `PREFIX` (comma-separated list)")
	fs.StringVar(&c.cpuProfile, "cpuprofile", "", "write a CPU profile of the run to `FILE` (go tool pprof)")
	fs.StringVar(&c.memProfile, "memprofile", "", "write an allocation profile of the run to `FILE` (go tool pprof)")
}

// benchRow is one printed row.
type benchRow struct {
	Row       string   `json:"row"`
	Unit      string   `json:"unit"`
	Gossl     *float64 `json:"gossl"`
	CryptoTLS *float64 `json:"crypto_tls"`
	Ratio     *float64 `json:"ratio"`
	Note      string   `json:"note,omitempty"`
}

// benchGroup is a measurement that yields one or more rows: each call
// of g or c measures every row of the group once.
type benchGroup struct {
	names []string
	units []string
	g, c  func() ([]float64, error)
	// naG, naC say why a side is not measured (the row prints n/a).
	naG, naC string
	rounds   int // 0: the configured rounds
}

func runBench(e *env, args []string) int {
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
	cfg.bulkWarm, cfg.bulkDur, cfg.hsDur = 30*time.Millisecond, 200*time.Millisecond, 350*time.Millisecond
	cfg.idleConns, cfg.memRounds, cfg.allocRecords = 1000, 3, 4000
	if cfg.quick {
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
	var tw *tabwriter.Writer
	if !cfg.json {
		fmt.Fprintf(e.stdout, "gossl bench: %d round(s), %s, %d CPU(s), %s\n\n", cfg.rounds, runtime.Version(), runtime.NumCPU(), cpuModel())
		tw = tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "row\tunit\tgossl\tcrypto/tls\tratio\tnote\n")
	}
	for _, g := range b.groups() {
		if !cfg.selected(g.names) {
			continue
		}
		if e.ctx.Err() != nil {
			break
		}
		out := b.run(g)
		for _, r := range out {
			if !cfg.selected([]string{r.Row}) {
				continue
			}
			rows = append(rows, r)
			if tw != nil {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Row, r.Unit, fmtVal(r.Gossl), fmtVal(r.CryptoTLS), fmtVal(r.Ratio), r.Note)
			}
		}
	}
	if tw != nil {
		tw.Flush()
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

// run measures a group for its rounds, alternating the two sides, and
// returns its rows.
func (b *bench) run(g benchGroup) []benchRow {
	rounds := g.rounds
	if rounds == 0 {
		rounds = b.cfg.rounds
	}
	n := len(g.names)
	gv, cv := make([][]float64, n), make([][]float64, n)
	var gerr, cerr error
	for i := 0; i < rounds; i++ {
		if g.naG == "" && gerr == nil {
			v, err := g.g()
			gerr = err
			for j := range v {
				gv[j] = append(gv[j], v[j])
			}
		}
		if g.naC == "" && cerr == nil {
			v, err := g.c()
			cerr = err
			for j := range v {
				cv[j] = append(cv[j], v[j])
			}
		}
	}
	rows := make([]benchRow, n)
	for j := range rows {
		r := benchRow{Row: g.names[j], Unit: g.units[j]}
		var notes []string
		switch {
		case g.naG != "":
			notes = append(notes, "gossl: "+g.naG)
		case gerr != nil:
			notes = append(notes, "gossl failed: "+gerr.Error())
		default:
			r.Gossl = median(gv[j])
		}
		switch {
		case g.naC != "":
			notes = append(notes, "crypto/tls: "+g.naC)
		case cerr != nil:
			notes = append(notes, "crypto/tls failed: "+cerr.Error())
		default:
			r.CryptoTLS = median(cv[j])
		}
		if r.Gossl != nil && r.CryptoTLS != nil {
			switch {
			case *r.CryptoTLS != 0:
				x := round(*r.Gossl / *r.CryptoTLS, 2)
				r.Ratio = &x
			case *r.Gossl == 0:
				x := 1.0
				r.Ratio = &x
			}
		}
		r.Note = strings.Join(notes, "; ")
		rows[j] = r
	}
	return rows
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

// bench holds the certificates and builds the rows.
type bench struct {
	cfg   *benchConfig
	roots *x509.CertPool
	ca    [][]byte
	certs map[string]*leaf // "ecdsa", "rsa"
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
	return b, nil
}

// profile is a connection's parameters, for both implementations.
type profile struct {
	name    string
	v13     bool
	suite   string // gossl name: TLS 1.3 suite, or TLS 1.2 OpenSSL name
	ctSuite uint16 // crypto/tls id (TLS 1.2 only; TLS 1.3 suites are not configurable there)
	group   string // gossl name
	ctGroup tls.CurveID
	key     string
	tickets bool // the server issues tickets (resumption rows)
	hib     time.Duration
}

var (
	profAES13 = profile{name: "tls13-aes128gcm", v13: true, suite: "TLS_AES_128_GCM_SHA256", group: "x25519", ctGroup: tls.X25519, key: "ecdsa"}
	profCha13 = profile{name: "tls13-chacha20", v13: true, suite: "TLS_CHACHA20_POLY1305_SHA256", group: "x25519", ctGroup: tls.X25519, key: "ecdsa"}
	profAES12 = profile{name: "tls12-ecdhe-ecdsa-aes128gcm", suite: "ECDHE-ECDSA-AES128-GCM-SHA256", ctSuite: tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, group: "x25519", ctGroup: tls.X25519, key: "ecdsa"}
)

// chachaNote: crypto/tls picks TLS 1.3 suites itself (AES-GCM first on
// CPUs with AES instructions, and a crypto/tls server follows a crypto/tls
// client's order), so its TLS 1.3 ChaCha20 cannot be chosen here.
func chachaNA() string {
	return "TLS 1.3 suites are not configurable in crypto/tls, which prefers AES-GCM on this CPU"
}

func (b *bench) groups() []benchGroup {
	var gs []benchGroup
	for _, p := range []profile{profAES13, profCha13, profAES12} {
		for _, tr := range []string{"loopback", "pipe"} {
			for _, both := range []bool{false, true} {
				for _, size := range []int{16 << 10, 1 << 10} {
					p, tr, both, size := p, tr, both, size
					name := fmt.Sprintf("bulk/%s/%dk/%s", p.name, size>>10, tr)
					if both {
						name += "/both"
					}
					g := benchGroup{names: []string{name}, units: []string{"MB/s"},
						g: func() ([]float64, error) { return b.bulk(false, p, tr, size, both) },
						c: func() ([]float64, error) { return b.bulk(true, p, tr, size, both) },
					}
					if p.name == profCha13.name {
						g.naC = chachaNA()
					}
					gs = append(gs, g)
				}
			}
		}
	}
	hs := []struct {
		name string
		p    profile
	}{
		{"tls13-ecdsa-p256-x25519", profile{v13: true, suite: "TLS_AES_128_GCM_SHA256", group: "x25519", ctGroup: tls.X25519, key: "ecdsa"}},
		{"tls13-rsa2048-x25519", profile{v13: true, suite: "TLS_AES_128_GCM_SHA256", group: "x25519", ctGroup: tls.X25519, key: "rsa"}},
		{"tls13-ecdsa-p256-x25519mlkem768", profile{v13: true, suite: "TLS_AES_128_GCM_SHA256", group: "x25519mlkem768", ctGroup: tls.X25519MLKEM768, key: "ecdsa"}},
		{"tls12-ecdhe-ecdsa-p256-x25519", profile{suite: "ECDHE-ECDSA-AES128-GCM-SHA256", ctSuite: tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, group: "x25519", ctGroup: tls.X25519, key: "ecdsa"}},
		{"tls12-rsa-kx-rsa2048", profile{suite: "AES128-GCM-SHA256", ctSuite: tls.TLS_RSA_WITH_AES_128_GCM_SHA256, group: "x25519", ctGroup: tls.X25519, key: "rsa"}},
	}
	for _, h := range hs {
		p := h.p
		gs = append(gs, benchGroup{names: []string{"handshake/" + h.name}, units: []string{"handshakes/s"},
			g: func() ([]float64, error) { return b.handshakes(false, p, false) },
			c: func() ([]float64, error) { return b.handshakes(true, p, false) },
		})
	}
	res13 := profile{v13: true, suite: "TLS_AES_128_GCM_SHA256", group: "x25519", ctGroup: tls.X25519, key: "ecdsa", tickets: true}
	gs = append(gs, benchGroup{names: []string{"resumed/tls13-ticket-ecdsa-x25519"}, units: []string{"handshakes/s"},
		g: func() ([]float64, error) { return b.handshakes(false, res13, true) },
		c: func() ([]float64, error) { return b.handshakes(true, res13, true) },
	})
	gs = append(gs, benchGroup{names: []string{"resumed/tls12-session"}, units: []string{"handshakes/s"},
		naG: "gossl does not resume TLS 1.2 sessions yet (issue 6)", naC: "not measured without the gossl side"})
	for _, hib := range []bool{false, true} {
		hib := hib
		kind := "memory"
		p := profAES13
		if hib {
			kind = "memory-hibernated"
			p.hib = 50 * time.Millisecond
		}
		gs = append(gs, benchGroup{
			names:  []string{kind + "/tls13-idle-heap-per-side", kind + "/tls13-idle-goroutines-per-conn"},
			units:  []string{"KB", "goroutines"},
			g:      func() ([]float64, error) { return b.idle(false, p) },
			c:      func() ([]float64, error) { return b.idle(true, p) },
			rounds: b.cfg.memRounds,
		})
	}
	for _, p := range []profile{profAES13, profAES12} {
		for _, size := range []int{16 << 10, 1 << 10} {
			p, size := p, size
			gs = append(gs, benchGroup{names: []string{fmt.Sprintf("allocs/%s/%dk/pipe", p.name, size>>10)}, units: []string{"allocs/record"},
				g: func() ([]float64, error) { return b.allocs(false, p, size) },
				c: func() ([]float64, error) { return b.allocs(true, p, size) },
			})
		}
	}
	return gs
}

// ---- connections ----

func (b *bench) gosslOpts(p profile, server bool) *ssl.Options {
	o := &ssl.Options{LogAlert: ssl.Bool(false), HibernateAfter: p.hib}
	if p.v13 {
		o.Versions = []ssl.Version{ssl.TLSv1_3}
		o.SupportedGroups = []string{p.group}
	} else {
		o.Versions = []ssl.Version{ssl.TLSv1_2}
		o.Eccs = []string{p.group}
	}
	o.Ciphers = []string{p.suite}
	if !p.tickets {
		o.SessionTickets = "disabled"
	}
	if server {
		l := b.certs[p.key]
		o.Cert, o.Key = l.chain, l.key
	} else {
		o.Verify = ssl.VerifyPeer
		o.CACerts = b.ca
		o.ServerNameIndication = "localhost"
	}
	return o
}

func (b *bench) ctConfig(p profile, server bool) *tls.Config {
	c := &tls.Config{CurvePreferences: []tls.CurveID{p.ctGroup}}
	if p.v13 {
		c.MinVersion, c.MaxVersion = tls.VersionTLS13, tls.VersionTLS13
	} else {
		c.MinVersion, c.MaxVersion = tls.VersionTLS12, tls.VersionTLS12
		c.CipherSuites = []uint16{p.ctSuite}
	}
	if server {
		l := b.certs[p.key]
		c.Certificates = []tls.Certificate{{Certificate: l.chain, PrivateKey: l.key}}
		c.SessionTicketsDisabled = !p.tickets
	} else {
		c.RootCAs = b.roots
		c.ServerName = "localhost"
		if p.tickets {
			c.ClientSessionCache = tls.NewLRUClientSessionCache(16)
		}
	}
	return c
}

// rawPair returns two connected transports.
func rawPair(transport string) (net.Conn, net.Conn, error) {
	if transport == "pipe" {
		a, b := memPipe()
		return a, b, nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	defer ln.Close()
	type res struct {
		c   net.Conn
		err error
	}
	ch := make(chan res, 1)
	go func() { c, err := ln.Accept(); ch <- res{c, err} }()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		return nil, nil, err
	}
	r := <-ch
	if r.err != nil {
		c.Close()
		return nil, nil, r.err
	}
	return c, r.c, nil
}

// tlsPair runs the handshake of both ends over a raw pair.
func (b *bench) tlsPair(ct bool, p profile, rc, rs net.Conn) (net.Conn, net.Conn, error) {
	var srv net.Conn
	errc := make(chan error, 1)
	if ct {
		s := tls.Server(rs, b.ctConfig(p, true))
		srv = s
		go func() { errc <- s.Handshake() }()
		c := tls.Client(rc, b.ctConfig(p, false))
		if err := c.Handshake(); err != nil {
			rc.Close()
			rs.Close()
			<-errc
			return nil, nil, err
		}
		if err := <-errc; err != nil {
			rc.Close()
			return nil, nil, err
		}
		return c, srv, nil
	}
	sopts := b.gosslOpts(p, true)
	go func() {
		s, err := ssl.HandshakeConn(rs, sopts, 10*time.Second)
		srv = s
		errc <- err
	}()
	c, err := ssl.ConnectConn(rc, b.gosslOpts(p, false), 10*time.Second)
	if err != nil {
		rc.Close()
		rs.Close()
		<-errc
		return nil, nil, err
	}
	if err := <-errc; err != nil {
		rc.Close()
		return nil, nil, err
	}
	return c, srv, nil
}

// ---- bulk ----

// bulk measures MB/s received over one connection: writers loop on
// writes of size bytes; after a warm-up, the bytes the readers receive
// during the window are counted.
func (b *bench) bulk(ct bool, p profile, transport string, size int, both bool) ([]float64, error) {
	rc, rs, err := rawPair(transport)
	if err != nil {
		return nil, err
	}
	c, s, err := b.tlsPair(ct, p, rc, rs)
	if err != nil {
		return nil, err
	}
	var got atomic.Int64
	var stop atomic.Bool
	var wg sync.WaitGroup
	writer := func(w net.Conn) {
		defer wg.Done()
		buf := make([]byte, size)
		for !stop.Load() {
			if _, err := w.Write(buf); err != nil {
				return
			}
		}
	}
	reader := func(r net.Conn) {
		defer wg.Done()
		buf := make([]byte, 32<<10)
		for {
			n, err := r.Read(buf)
			got.Add(int64(n))
			if err != nil {
				return
			}
		}
	}
	wg.Add(2)
	go writer(c)
	go reader(s)
	if both {
		wg.Add(2)
		go writer(s)
		go reader(c)
	}
	time.Sleep(b.cfg.bulkWarm)
	n0, t0 := got.Load(), time.Now()
	time.Sleep(b.cfg.bulkDur)
	n1, t1 := got.Load(), time.Now()
	stop.Store(true)
	// Closing the transports unblocks every reader and writer.
	rc.Close()
	rs.Close()
	wg.Wait()
	c.Close()
	s.Close()
	if n1 == n0 {
		return nil, errors.New("no data received")
	}
	return []float64{float64(n1-n0) / t1.Sub(t0).Seconds() / 1e6}, nil
}

// ---- handshakes ----

// handshakes measures handshakes per second over loopback, one client
// at a time; each connection echoes one byte, so the server's side of
// the handshake is done, and is closed in the background. With resume
// every measured connection must have resumed.
func (b *bench) handshakes(ct bool, p profile, resume bool) ([]float64, error) {
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := raw.Addr().String()
	var wg sync.WaitGroup
	defer wg.Wait()
	serve := func(c net.Conn) {
		defer wg.Done()
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		var one [1]byte
		if _, err := io.ReadFull(c, one[:]); err != nil {
			return
		}
		if _, err := c.Write(one[:]); err != nil {
			return
		}
		c.Read(one[:]) // until the client closes
	}
	wg.Add(1)
	if ct {
		ln := tls.NewListener(raw, b.ctConfig(p, true))
		defer ln.Close()
		go func() {
			defer wg.Done()
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				wg.Add(1)
				go serve(c)
			}
		}()
	} else {
		ln, err := ssl.NewListener(raw, b.gosslOpts(p, true))
		if err != nil {
			raw.Close()
			wg.Done()
			return nil, err
		}
		defer ln.Close()
		go func() {
			defer wg.Done()
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				wg.Add(1)
				go serve(c)
			}
		}()
	}
	ccfg := b.ctConfig(p, false)
	gopts := b.gosslOpts(p, false)
	var closers sync.WaitGroup
	defer closers.Wait()
	one := func() (bool, error) {
		rc, err := net.Dial("tcp", addr)
		if err != nil {
			return false, err
		}
		var c net.Conn
		resumed := false
		if ct {
			tc := tls.Client(rc, ccfg)
			if err := tc.Handshake(); err != nil {
				rc.Close()
				return false, err
			}
			c = tc
		} else {
			s, err := ssl.ConnectConn(rc, gopts, 10*time.Second)
			if err != nil {
				return false, err
			}
			c = s
		}
		var x [1]byte
		_, err = c.Write(x[:])
		if err == nil {
			_, err = io.ReadFull(c, x[:])
		}
		if err == nil {
			if tc, ok := c.(*tls.Conn); ok {
				resumed = tc.ConnectionState().DidResume
			} else {
				info, ierr := c.(*ssl.Socket).ConnectionInformation("session_resumption")
				resumed = ierr == nil && len(info) == 1 && info[0].Value == true
			}
		}
		closers.Add(1)
		go func() { defer closers.Done(); c.Close() }()
		return resumed, err
	}
	if _, err := one(); err != nil { // warm-up (and the first ticket)
		return nil, err
	}
	n := 0
	start := time.Now()
	for time.Since(start) < b.cfg.hsDur {
		resumed, err := one()
		if err != nil {
			return nil, err
		}
		if resume && !resumed {
			return nil, errors.New("a connection did not resume")
		}
		n++
	}
	return []float64{float64(n) / time.Since(start).Seconds()}, nil
}

// ---- idle memory ----

// idle establishes cfg.idleConns TLS connections over loopback, each
// server end with a goroutine blocked in Read, and reports the heap per
// end (KB, after a GC) and the goroutines per connection.
func (b *bench) idle(ct bool, p profile) ([]float64, error) {
	n := b.cfg.idleConns
	type pair struct{ rc, rs, c, s net.Conn }
	var pairs []pair
	var wg sync.WaitGroup
	defer func() {
		for _, x := range pairs {
			x.rc.Close()
			x.rs.Close()
		}
		wg.Wait()
		for _, x := range pairs {
			x.c.Close()
			x.s.Close()
		}
	}()
	settle := func() (uint64, int) {
		var ms runtime.MemStats
		runtime.GC()
		runtime.GC()
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc, runtime.NumGoroutine()
	}
	h0, g0 := settle()
	for i := 0; i < n; i++ {
		rc, rs, err := rawPair("loopback")
		if err != nil {
			return nil, err
		}
		c, s, err := b.tlsPair(ct, p, rc, rs)
		if err != nil {
			return nil, err
		}
		pairs = append(pairs, pair{rc, rs, c, s})
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 512)
			for {
				if _, err := s.Read(buf); err != nil {
					return
				}
			}
		}()
	}
	// Long enough for hibernate_after (and the readers to block).
	time.Sleep(4*p.hib + 100*time.Millisecond)
	h1, g1 := settle()
	heap := (float64(h1) - float64(h0)) / float64(2*n) / 1000
	return []float64{heap, float64(g1-g0) / float64(n)}, nil
}

// ---- allocations ----

// allocs counts heap allocations per record: records of size bytes are
// written over the in-memory pipe and read on the other end, and the
// process's malloc count is compared before and after.
func (b *bench) allocs(ct bool, p profile, size int) ([]float64, error) {
	rc, rs, err := rawPair("pipe")
	if err != nil {
		return nil, err
	}
	c, s, err := b.tlsPair(ct, p, rc, rs)
	if err != nil {
		return nil, err
	}
	defer func() { rc.Close(); rs.Close(); c.Close(); s.Close() }()
	records := b.cfg.allocRecords
	buf := make([]byte, size)
	rbuf := make([]byte, 32<<10)
	transfer := func(k int) error {
		errc := make(chan error, 1)
		go func() {
			var err error
			for want := k * size; want > 0 && err == nil; {
				var m int
				m, err = s.Read(rbuf[:min(len(rbuf), want)])
				want -= m
			}
			errc <- err
		}()
		for i := 0; i < k; i++ {
			if _, err := c.Write(buf); err != nil {
				return err
			}
		}
		return <-errc
	}
	if err := transfer(16); err != nil { // buffers in place
		return nil, err
	}
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	if err := transfer(records); err != nil {
		return nil, err
	}
	runtime.ReadMemStats(&m1)
	// The reading goroutine and its channel add a few allocations per
	// transfer, not per record: they round away.
	return []float64{float64(m1.Mallocs-m0.Mallocs) / float64(records)}, nil
}
