package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	ssl "github.com/gossl/ssl"
)

// gossl bench --peers: OpenSSL and Erlang/OTP servers in their own
// processes, measured with gossl's client and crypto/tls's client in the
// usual interleaved rounds. The servers are started when their first row
// runs and stopped (process group killed) when bench ends.

// peerTarget is a running peer server: its address and what a handshake
// row sends to be echoed (the peer's server echoes it back).
type peerTarget struct {
	addr string
	ping []byte
	pid  int // the server's process
}

// peerProfile is what every peer server is set up for.
var peerProfile = hsECDSA13

// peerKind is one peer program.
type peerKind struct {
	name    string   // row suffix: NAME-server
	program string   // what must be installed
	needs   []string // other programs it needs
}

var benchPeers = []peerKind{
	{name: "openssl", program: "openssl"},
	{name: "erlang", program: "escript", needs: []string{"erl"}},
}

func (b *bench) peerGroups() []benchGroup {
	var gs []benchGroup
	for _, pk := range benchPeers {
		pk := pk
		na := ""
		for _, prog := range append([]string{pk.program}, pk.needs...) {
			if _, err := exec.LookPath(prog); err != nil && na == "" {
				na = prog + " is not installed"
			}
		}
		var bulkT, hsT *peerTarget
		bulk := benchGroup{
			names: []string{"bulk/tls13-aes128gcm/16k/loopback/" + pk.name + "-server"},
			units: []string{"MB/s"},
			naG:   na, naC: na,
			setup: func() (err error) { bulkT, err = b.peers.start(pk.name, "bulk"); return err },
			g:     func() ([]float64, error) { return b.bulkTo(false, peerProfile, bulkT.addr, 16<<10) },
			c:     func() ([]float64, error) { return b.bulkTo(true, peerProfile, bulkT.addr, 16<<10) },
		}
		hs := benchGroup{
			names: []string{"handshake/tls13-ecdsa-p256-x25519/" + pk.name + "-server"},
			units: []string{"handshakes/s"},
			naG:   na, naC: na,
			setup:    func() (err error) { hsT, err = b.peers.start(pk.name, "handshake"); return err },
			sliceDur: b.hsSlice(),
			newG:     func() (meter, error) { return b.newHsMeter(false, peerProfile, hsT) },
			newC:     func() (meter, error) { return b.newHsMeter(true, peerProfile, hsT) },
		}
		if na != "" {
			bulk.setup, hs.setup = nil, nil
		}
		gs = append(gs, bulk, hs)
		if pk.name == "openssl" {
			gs = append(gs, b.pskPeerGroups(na))
		}
	}
	return gs
}

// bulkTo measures MB/s written by a client to a peer server that reads
// and discards: after a warm-up (long enough for the socket buffers to
// reach a steady state), the bytes written during the window.
func (b *bench) bulkTo(ct bool, p profile, addr string, size int) ([]float64, error) {
	rc, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var c net.Conn
	if ct {
		tc := tls.Client(rc, b.ctConfig(p, false))
		rc.SetDeadline(time.Now().Add(10 * time.Second))
		if err := tc.Handshake(); err != nil {
			return nil, err
		}
		rc.SetDeadline(time.Time{})
		if s := tc.ConnectionState().CipherSuite; s != tls.TLS_AES_128_GCM_SHA256 {
			return nil, fmt.Errorf("the peer chose %s", tls.CipherSuiteName(s))
		}
		c = tc
	} else {
		s, err := ssl.ConnectConn(rc, b.gosslOpts(p, false), 10*time.Second)
		if err != nil {
			return nil, err
		}
		c = s
	}
	defer c.Close()
	var sent atomic.Int64
	var stop atomic.Bool
	werr := make(chan error, 1)
	go func() {
		buf := make([]byte, size)
		for !stop.Load() {
			n, err := c.Write(buf)
			sent.Add(int64(n))
			if err != nil {
				werr <- err
				return
			}
		}
		werr <- nil
	}()
	time.Sleep(b.cfg.bulkWarm)
	n0, t0 := sent.Load(), time.Now()
	time.Sleep(b.cfg.bulkDur)
	for wait := t0.Add(10 * time.Second); sent.Load() == n0 && time.Now().Before(wait); {
		time.Sleep(time.Millisecond)
	}
	n1, t1 := sent.Load(), time.Now()
	stop.Store(true)
	// A writer blocked on a peer that stopped reading is released by the
	// deadline; closing the socket releases it too.
	rc.SetWriteDeadline(time.Now().Add(2 * time.Second))
	select {
	case err := <-werr:
		if err != nil && n1 == n0 {
			return nil, err
		}
	case <-time.After(5 * time.Second):
		rc.Close()
		<-werr
		return nil, errors.New("the writer did not stop")
	}
	if n1 == n0 {
		return nil, errors.New("no data sent")
	}
	return []float64{float64(n1-n0) / t1.Sub(t0).Seconds() / 1e6}, nil
}

// peerNA is a setup error that makes a peer's rows n/a rather than
// failed: something the peer needs is not installed.
type peerNA struct{ why string }

func (e peerNA) Error() string { return e.why }

// peerSet holds the peer processes of one run and their files.
type peerSet struct {
	leaf     *leaf
	startMax time.Duration

	mu      sync.Mutex
	dir     string
	procs   []*peerProc
	targets map[string]*peerTarget // "openssl/bulk", ...
	failed  map[string]error
}

func newPeerSet(l *leaf, startMax time.Duration) *peerSet {
	return &peerSet{leaf: l, startMax: startMax, targets: map[string]*peerTarget{}, failed: map[string]error{}}
}

// files writes the certificate, key and Erlang script once.
func (ps *peerSet) files() (dir string, err error) {
	if ps.dir != "" {
		return ps.dir, nil
	}
	dir, err = os.MkdirTemp("", "gossl-bench-peers")
	if err != nil {
		return "", err
	}
	ps.dir = dir
	key, ok := ps.leaf.key.(*ecdsa.PrivateKey)
	if !ok {
		return "", errors.New("peers need an ECDSA key")
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return "", err
	}
	write := func(name string, data []byte) {
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, name), data, 0o600)
		}
	}
	write("cert.pem", certPEM(ps.leaf.chain))
	write("key.pem", pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}))
	write("sink.escript", []byte(erlangSinkScript))
	return dir, err
}

// start returns the running server of peer for use ("bulk" or
// "handshake"), starting it the first time.
func (ps *peerSet) start(peer, use string) (*peerTarget, error) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if peer == "erlang" {
		use = "any" // one server does both
	}
	key := peer + "/" + use
	if t := ps.targets[key]; t != nil {
		return t, nil
	}
	if err := ps.failed[key]; err != nil {
		return nil, err
	}
	t, err := ps.startLocked(peer, use)
	if err != nil {
		ps.failed[key] = err
		return nil, err
	}
	ps.targets[key] = t
	return t, nil
}

func (ps *peerSet) startLocked(peer, use string) (*peerTarget, error) {
	dir, err := ps.files()
	if err != nil {
		return nil, err
	}
	cert, key := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	switch peer {
	case "gossl-child":
		return ps.startServerChild(use, dir)
	case "openssl":
		// One connection at a time, as s_server serves. -quiet prints
		// nothing but what is received (and implies -ign_eof); -rev
		// echoes each line reversed ("x\n" comes back as it went).
		args := []string{"s_server", "-quiet", "-cert", cert, "-key", key,
			"-tls1_3", "-ciphersuites", "TLS_AES_128_GCM_SHA256", "-groups", "X25519", "-num_tickets", "0"}
		if use == "psk" {
			// Plain PSK at TLS 1.2, no certificate (bench_psk.go).
			args = []string{"s_server", "-quiet", "-nocert", "-psk", benchPSKHex, "-tls1_2",
				"-cipher", hsPSK12.suite, "-no_ticket"}
		}
		if use == "handshake" || use == "psk" {
			args = append(args, "-rev")
		}
		for attempt := 1; ; attempt++ {
			port, err := freePort()
			if err != nil {
				return nil, err
			}
			addr := net.JoinHostPort("127.0.0.1", fmt.Sprint(port))
			p, err := startPeerProc("openssl", append([]string{args[0], "-accept", addr}, args[1:]...), dir)
			if err != nil {
				return nil, err
			}
			ps.procs = append(ps.procs, p)
			if err = p.waitTCP(addr, ps.startMax); err == nil {
				return &peerTarget{addr: addr, ping: []byte("x\n"), pid: p.cmd.Process.Pid}, nil
			}
			p.stop()
			if !strings.Contains(p.output(), "in use") || attempt == 3 {
				return nil, fmt.Errorf("openssl s_server did not start: %v", err)
			}
		}
	case "erlang":
		p, err := startPeerProc("escript", []string{filepath.Join(dir, "sink.escript"), cert, key}, dir)
		if err != nil {
			return nil, err
		}
		ps.procs = append(ps.procs, p)
		line, err := p.waitLine("LISTENING ", ps.startMax)
		if err != nil && strings.Contains(p.output(), "NO-SSL ") {
			return nil, peerNA{"Erlang/OTP's ssl application is not installed"}
		}
		if err != nil {
			return nil, fmt.Errorf("the Erlang server did not start: %v", err)
		}
		port := strings.TrimSpace(strings.TrimPrefix(line, "LISTENING "))
		return &peerTarget{addr: net.JoinHostPort("127.0.0.1", port), ping: []byte("x\n")}, nil
	}
	return nil, fmt.Errorf("unknown peer %q", peer)
}

// stopAll stops every peer and removes the files.
func (ps *peerSet) stopAll() {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	for _, p := range ps.procs {
		p.stop()
	}
	ps.procs = nil
	if ps.dir != "" {
		os.RemoveAll(ps.dir)
		ps.dir = ""
	}
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// peerProc is a peer program in its own process group (see
// bench_proc_*.go), its output kept (the first 64 KiB).
type peerProc struct {
	name  string
	cmd   *exec.Cmd
	stdin io.WriteCloser
	done  chan struct{}

	mu      sync.Mutex
	out     bytes.Buffer
	changed chan struct{}
}

type peerOut struct{ p *peerProc }

func (w peerOut) Write(b []byte) (int, error) {
	w.p.mu.Lock()
	defer w.p.mu.Unlock()
	if room := 64<<10 - w.p.out.Len(); room > 0 {
		w.p.out.Write(b[:min(len(b), room)])
	}
	close(w.p.changed)
	w.p.changed = make(chan struct{})
	return len(b), nil
}

// startPeerProc starts name with args in dir, env added to the
// environment.
func startPeerProc(name string, args []string, dir string, env ...string) (*peerProc, error) {
	p := &peerProc{name: name + " " + strings.Join(args, " "), done: make(chan struct{}), changed: make(chan struct{})}
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if len(env) > 0 {
		cmd.Env = append(os.Environ(), env...)
	}
	// s_server writes what it receives to stdout: with a bulk row, a
	// lot. The Erlang server prints one line.
	if name == "openssl" {
		cmd.Stdout = nil // the null device
	} else {
		cmd.Stdout = peerOut{p}
	}
	cmd.Stderr = peerOut{p}
	cmd.SysProcAttr = peerSysProcAttr()
	cmd.WaitDelay = 2 * time.Second
	// An open standard input that never has data: s_server watches its
	// stdin, and the null device would be always ready (at end of file),
	// which it would poll in a busy loop.
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p.cmd, p.stdin = cmd, stdin
	go func() { cmd.Wait(); close(p.done) }()
	return p, nil
}

func (p *peerProc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

func (p *peerProc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// waitTCP waits until addr accepts a connection (s_server takes a probe
// and goes on accepting), the program exits, or timeout passes.
func (p *peerProc) waitTCP(addr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		if p.exited() {
			return fmt.Errorf("%s exited: %s", p.name, strings.TrimSpace(p.output()))
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: not accepting after %v", p.name, timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitLine waits until the program prints a line starting with prefix.
func (p *peerProc) waitLine(prefix string, timeout time.Duration) (string, error) {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		p.mu.Lock()
		for _, line := range strings.Split(p.out.String(), "\n") {
			if strings.HasPrefix(line, prefix) && strings.Contains(p.out.String(), line+"\n") {
				p.mu.Unlock()
				return line, nil
			}
		}
		changed := p.changed
		p.mu.Unlock()
		select {
		case <-changed:
		case <-p.done:
			return "", fmt.Errorf("%s exited: %s", p.name, strings.TrimSpace(p.output()))
		case <-timer.C:
			return "", fmt.Errorf("%s: no %q line after %v: %s", p.name, prefix, timeout, strings.TrimSpace(p.output()))
		}
	}
}

// stop ends the program's process group: SIGTERM, then SIGKILL after a
// grace period; it waits for the program a few seconds at most.
func (p *peerProc) stop() {
	if !p.exited() {
		signalPeer(p.cmd.Process, false)
		select {
		case <-p.done:
		case <-time.After(time.Second):
		}
	}
	// Also children left behind by a leader that has exited.
	signalPeer(p.cmd.Process, true)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
	}
	p.stdin.Close()
}

// erlangSinkScript is the Erlang/OTP server: TLS 1.3 with
// TLS_AES_128_GCM_SHA256 and x25519, no tickets, on 127.0.0.1; it prints
// "LISTENING Port", then accepts connections in a loop. Each connection
// echoes its first message if it is short (the handshake rows' "x\n"),
// then reads and discards until the client closes; after more than 16
// bytes it prints "RECEIVED Bytes".
const erlangSinkScript = `#!/usr/bin/env escript
%%! -noinput
-mode(compile).

main([CertFile, KeyFile]) ->
    case application:ensure_all_started(ssl) of
        {ok, _} -> ok;
        {error, Why} -> io:format("NO-SSL ~0p~n", [Why]), halt(3)
    end,
    Opts = [{versions, ['tlsv1.3']}, {certfile, CertFile}, {keyfile, KeyFile},
            {ciphers, [#{key_exchange => any, cipher => aes_128_gcm, mac => aead, prf => sha256}]},
            {supported_groups, [x25519]}, {session_tickets, disabled},
            {active, false}, {mode, binary}, {buffer, 262144},
            {ip, {127, 0, 0, 1}}, {reuseaddr, true}],
    case ssl:listen(0, Opts) of
        {ok, L} ->
            {ok, {_, Port}} = ssl:sockname(L),
            spawn(fun() -> accept(L) end),
            io:format("LISTENING ~p~n", [Port]),
            receive stop -> ok end;
        {error, Reason} ->
            io:format("LISTEN error ~0p~n", [Reason]),
            halt(1)
    end.

accept(L) ->
    case ssl:transport_accept(L) of
        {ok, T} ->
            spawn(fun() -> accept(L) end),
            case ssl:handshake(T, 20000) of
                {ok, S} -> first(S);
                _ -> ok
            end;
        {error, closed} -> ok;
        {error, _} -> accept(L)
    end.

first(S) ->
    case ssl:recv(S, 0, 60000) of
        {ok, D} when byte_size(D) =< 16 -> ssl:send(S, D), sink(S, byte_size(D));
        {ok, D} -> sink(S, byte_size(D));
        _ -> ssl:close(S)
    end.

sink(S, N) ->
    case ssl:recv(S, 0, 60000) of
        {ok, D} -> sink(S, N + byte_size(D));
        _ when N > 16 -> io:format("RECEIVED ~p~n", [N]), ssl:close(S);
        _ -> ssl:close(S)
    end.
`
