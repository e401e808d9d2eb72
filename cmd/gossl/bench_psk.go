package main

import (
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	ssl "github.com/gossl/ssl"
)

// The PSK rows of gossl bench (RFC 4279, RFC 5489): full TLS 1.2
// handshakes with a pre-shared key, plain PSK and ECDHE_PSK, which
// crypto/tls does not implement (golang/go#6379), and the server's CPU
// time per handshake. A server's CPU time is only its own in a process
// of its own: those rows run the server in a child process of this
// binary (gossl's or crypto/tls's echo server, the one the in-process
// rows use) or, with --peers, openssl s_server, and read the process's
// CPU time (bench_proc_*.go) before and after each slice of handshakes
// made by gossl's client.

const (
	benchPSKIdentity = "bench"
	benchPSKHex      = "0123456789abcdef0123456789abcdef"
	// serverChildEnv names the profile a child process serves
	// (serverChildProfiles), prefixed "ct:" for crypto/tls's server.
	serverChildEnv = "GOSSL_BENCH_SERVER_CHILD"
	pskNA          = "no PSK (golang/go#6379)"
)

var (
	hsPSK12      = profile{suite: "PSK-AES128-GCM-SHA256", group: "x25519", ctGroup: tls.X25519, key: "ecdsa", psk: true}
	hsECDHEPSK12 = profile{suite: "ECDHE-PSK-AES128-GCM-SHA256", group: "x25519", ctGroup: tls.X25519, key: "ecdsa", psk: true}
	// serverChildProfiles are the profiles a child server can serve.
	serverChildProfiles = map[string]profile{"psk": hsPSK12, "ecdhe-psk": hsECDHEPSK12, "ecdhe-ecdsa": hsECDSA12}
)

// pskBenchKeys gives o the bench's PSK: a server's table of one
// identity, or a client's identity and key.
func pskBenchKeys(o *ssl.Options, server bool) {
	key, _ := hex.DecodeString(benchPSKHex)
	if !server {
		o.PSKIdentity = benchPSKIdentity
	}
	o.UserLookupFun = &ssl.UserLookupFun{Fun: func(kind ssl.LookupKind, id string, _ any) (ssl.LookupResult, error) {
		if kind == ssl.LookupPSK && (!server || id == benchPSKIdentity) {
			return ssl.PSKKey(key), nil
		}
		return nil, errors.New("unknown identity")
	}}
}

// pskGroups are the PSK handshake rows and the server-CPU rows.
func (b *bench) pskGroups() []benchGroup {
	gs := []benchGroup{
		b.hsGroup("handshake/tls12-psk", hsPSK12, pskNA),
		b.hsGroup("handshake/tls12-ecdhe-psk-x25519", hsECDHEPSK12, pskNA),
		// Four clients at once: bounded by CPU per handshake, as the
		// 4-clients ECDHE rows, rather than by one connection's round
		// trips.
		b.hsGroup("handshake/4-clients/tls12-psk", withClients(hsPSK12, 4), pskNA),
	}
	for _, r := range []struct {
		row, child string
		naC        string
	}{
		{"server-cpu/tls12-psk", "psk", pskNA},
		{"server-cpu/tls12-ecdhe-psk-x25519", "ecdhe-psk", pskNA},
		{"server-cpu/tls12-ecdhe-ecdsa-p256-x25519", "ecdhe-ecdsa", ""},
	} {
		r := r
		p := serverChildProfiles[r.child]
		var gT, cT *peerTarget
		g := benchGroup{names: []string{r.row}, units: []string{"µs/handshake"}, sliceDur: b.hsSlice(), naC: r.naC,
			notes: []string{"server CPU per full handshake (lower is better), server in a child process, gossl's client"},
			setup: func() (err error) {
				if gT, err = b.peers.start("gossl-child", r.child); err == nil && r.naC == "" {
					cT, err = b.peers.start("gossl-child", "ct:"+r.child)
				}
				return err
			},
			newG: func() (meter, error) { return b.newCPUMeter(p, gT, false) },
			newC: func() (meter, error) { return b.newCPUMeter(p, cT, false) },
		}
		if r.naC != "" {
			g.newC = nil
		}
		gs = append(gs, g)
	}
	return gs
}

// pskPeerGroups are the --peers rows of plain PSK against openssl
// s_server: handshakes per second and the server's CPU per handshake.
func (b *bench) pskPeerGroups(na string) benchGroup {
	var t *peerTarget
	g := benchGroup{
		names:    []string{"handshake/tls12-psk/openssl-server", "server-cpu/tls12-psk/openssl-server"},
		units:    []string{"handshakes/s", "µs/handshake"},
		naG:      na,
		naC:      pskNA,
		sliceDur: b.hsSlice(),
		setup:    func() (err error) { t, err = b.peers.start("openssl", "psk"); return err },
		newG:     func() (meter, error) { return b.newCPUMeter(hsPSK12, t, true) },
	}
	if na != "" {
		g.setup, g.newG = nil, nil
	}
	return g
}

// hsGroup is a handshake row measured in this process.
func (b *bench) hsGroup(name string, p profile, naC string) benchGroup {
	g := benchGroup{names: []string{name}, units: []string{"handshakes/s"}, sliceDur: b.hsSlice(), naC: naC,
		newG: func() (meter, error) { return b.newHsMeter(false, p, nil) },
		newC: func() (meter, error) { return b.newHsMeter(true, p, nil) },
	}
	if naC != "" {
		g.newC = nil
	}
	return g
}

// cpuMeter is a handshake meter against a server process whose CPU time
// it reads around each slice.
type cpuMeter struct {
	hs       *hsMeter
	pid      int
	withRate bool
	cpu      time.Duration
	n        int
}

func (b *bench) newCPUMeter(p profile, t *peerTarget, withRate bool) (meter, error) {
	if t == nil || t.pid == 0 {
		return nil, errors.New("no server process")
	}
	if _, err := processCPU(t.pid); err != nil {
		return nil, err
	}
	p.noVerify = true // the child's certificate is its own
	hs, err := b.newHsMeter(false, p, t)
	if err != nil {
		return nil, err
	}
	return &cpuMeter{hs: hs, pid: t.pid, withRate: withRate}, nil
}

func (m *cpuMeter) slice(d time.Duration) error {
	c0, err := processCPU(m.pid)
	if err != nil {
		return err
	}
	n0 := m.hs.n
	if err := m.hs.slice(d); err != nil {
		return err
	}
	// The connections are closed (hsMeter.slice waits for it), so the
	// server's work for them is done, but for its last reads: a moment
	// for those to be counted.
	time.Sleep(5 * time.Millisecond)
	c1, err := processCPU(m.pid)
	if err != nil {
		return err
	}
	m.cpu += c1 - c0
	m.n += m.hs.n - n0
	return nil
}

func (m *cpuMeter) result() []float64 {
	us := float64(m.cpu.Microseconds()) / float64(max(m.n, 1))
	if m.withRate {
		return []float64{m.hs.result()[0], us}
	}
	return []float64{us}
}

func (m *cpuMeter) close() { m.hs.close() }

// startServerChild starts this binary as a child echo server for the
// profile named by spec (see serverChildEnv).
func (ps *peerSet) startServerChild(spec, dir string) (*peerTarget, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	p, err := startPeerProc(exe, []string{"bench"}, dir, serverChildEnv+"="+spec)
	if err != nil {
		return nil, err
	}
	ps.procs = append(ps.procs, p)
	line, err := p.waitLine("LISTENING ", ps.startMax)
	if err != nil {
		return nil, fmt.Errorf("server child did not start: %v", err)
	}
	return &peerTarget{addr: strings.TrimSpace(strings.TrimPrefix(line, "LISTENING ")), ping: []byte{'x'}, pid: p.cmd.Process.Pid}, nil
}

// runServerChild is the child process: it serves spec's profile on
// loopback, prints "LISTENING ADDR" and runs until its standard input
// closes (or it is killed with its process group).
func runServerChild(e *env, spec string) int {
	ct := strings.HasPrefix(spec, "ct:")
	p, ok := serverChildProfiles[strings.TrimPrefix(spec, "ct:")]
	if !ok {
		fmt.Fprintf(e.stderr, "gossl bench: unknown server child %q\n", spec)
		return 2
	}
	b, err := newBench(&benchConfig{})
	if err != nil {
		return fail(e, "bench", err)
	}
	addr, stop, err := b.echoServer(ct, p)
	if err != nil {
		return fail(e, "bench", err)
	}
	defer stop()
	fmt.Fprintf(e.stdout, "LISTENING %s\n", addr)
	io.Copy(io.Discard, e.stdin)
	return 0
}
