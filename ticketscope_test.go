package ssl

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// forwarder relays each TCP connection it accepts to the 127.0.0.1 port
// target holds at that moment: one address in front of two servers, so
// that a client offers the second server what the first one gave it (a
// client keys its sessions and tickets by the address it dials).
type forwarder struct {
	port   int
	target atomic.Int64
}

func startForwarder(t *testing.T) *forwarder {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	f := &forwarder{port: ln.Addr().(*net.TCPAddr).Port}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go f.relay(c.(*net.TCPConn))
		}
	}()
	return f
}

// relay copies both ways until both sides have finished, or for ten
// seconds at most.
func (f *forwarder) relay(c *net.TCPConn) {
	defer c.Close()
	up, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", f.target.Load()), 5*time.Second)
	if err != nil {
		return
	}
	defer up.Close()
	deadline := time.Now().Add(10 * time.Second)
	c.SetDeadline(deadline)
	up.SetDeadline(deadline)
	done := make(chan struct{})
	go func() {
		io.Copy(up, c)
		up.(*net.TCPConn).CloseWrite()
		close(done)
	}()
	io.Copy(c, up)
	c.CloseWrite()
	<-done
}

// scopeResult is what a server saw of one handshake.
type scopeResult struct {
	err     error
	resumed bool
	early   string
}

// startScopeServer runs a gossl server that reports each handshake and
// then echoes.
func startScopeServer(t *testing.T, so *Options) (int, <-chan scopeResult) {
	t.Helper()
	results := make(chan scopeResult, 8)
	port := serveEach(t, so, func(s *Socket) {
		var r scopeResult
		if r.err = s.Handshake(5 * time.Second); r.err == nil {
			r.resumed, r.early = resumptionInfo(s)
		}
		results <- r
		if r.err == nil {
			s.SetDeadline(time.Now().Add(5 * time.Second))
			io.Copy(s, s)
		}
	})
	return port, results
}

// resumptionInfo is a socket's session_resumption and early_data.
func resumptionInfo(s *Socket) (resumed bool, early string) {
	info, _ := s.ConnectionInformation("session_resumption", "early_data")
	for _, it := range info {
		switch it.Key {
		case "session_resumption":
			resumed = it.Value.(bool)
		case "early_data":
			early = it.Value.(string)
		}
	}
	return resumed, early
}

// earlyRound connects to an early-data server (startEarlyServer) with
// co, sends co.EarlyData again when the server did not take it as 0-RTT,
// reads the answer and closes; it reports session_resumption and
// early_data ("" when none was sent).
func earlyRound(t *testing.T, port int, co *Options) (resumed bool, early string) {
	t.Helper()
	s, err := Connect("127.0.0.1", port, co, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	resumed, early = resumptionInfo(s)
	if early != "accepted" {
		s.Send(co.EarlyData)
	}
	if _, err := s.Recv(0, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	return resumed, early
}

func nextResult(t *testing.T, results <-chan scopeResult) scopeResult {
	t.Helper()
	select {
	case r := <-results:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("no handshake reached the server")
	}
	return scopeResult{}
}

// scopeClient connects through the forwarder, echoes a little (which
// takes in a TLS 1.3 ticket) and reports its own view.
func scopeClient(t *testing.T, port int, co *Options) (resumed bool, early string, err error) {
	t.Helper()
	s, err := Connect("127.0.0.1", port, co, 10*time.Second)
	if err != nil {
		return false, "", err
	}
	defer s.Close()
	resumed, early = resumptionInfo(s)
	if err := s.Send([]byte("ping")); err != nil {
		return resumed, early, err
	}
	if early == "accepted" {
		// The server echoes the 0-RTT data first.
		if _, err := s.Recv(len(co.EarlyData), 5*time.Second); err != nil {
			return resumed, early, err
		}
	}
	_, err = s.Recv(4, 5*time.Second)
	return resumed, early, err
}

// resumeOnA points f at listener A and connects co twice through it: a
// full handshake, then a resumption.
func resumeOnA(t *testing.T, f *forwarder, portA int, resA <-chan scopeResult, co *Options) {
	t.Helper()
	f.target.Store(int64(portA))
	for i, want := range []bool{false, true} {
		resumed, _, err := scopeClient(t, f.port, co)
		if r := nextResult(t, resA); err != nil || r.err != nil || resumed != want || r.resumed != want {
			t.Fatalf("connection %d to A: resumed %v/%v, errors %v / %v", i+1, resumed, r.resumed, err, r.err)
		}
	}
}

// TestTicketScope: a session or ticket that listener A (no client
// authentication) gave a client is offered to listener B of the same
// process, through one forwarding address. B must not resume it: with
// client authentication required, the full handshake fails for lack of
// a client certificate and no 0-RTT data is taken; with other
// certificates chosen by SNI, the handshake is full.
func TestTicketScope(t *testing.T) {
	p := testpeers.NewPKI(t)
	requireCert := func(o *Options, fail bool) *Options {
		o.Verify, o.FailIfNoPeerCert, o.CACertFile = VerifyPeer, &fail, p.CAFile
		return o
	}
	for _, v := range []Version{TLSv1_3, TLSv1_2} {
		for _, tc := range []struct {
			name string
			b    func() *Options
			fail bool // B's full handshake fails (no client certificate)
		}{
			{name: "client auth", fail: true, b: func() *Options {
				return requireCert(serverOpts(p, "rsa"), true)
			}},
			{name: "SNI", b: func() *Options {
				// The same default configuration as A; the name the
				// client sends selects other certificates and asks for
				// a client certificate (without requiring one).
				o := serverOpts(p, "ecdsa")
				named := requireCert(&Options{CertFile: p.CertFile("rsa"), KeyFile: p.KeyFile("rsa")}, false)
				o.SNIHosts = map[string]*Options{"localhost": named}
				return o
			}},
		} {
			t.Run(fmt.Sprintf("%s/%s", v, tc.name), func(t *testing.T) {
				ao, bo := serverOpts(p, "ecdsa"), tc.b()
				for _, o := range []*Options{ao, bo} {
					o.Versions = []Version{v}
					o.AcceptEarlyData = v == TLSv1_3
				}
				portA, resA := startScopeServer(t, ao)
				portB, resB := startScopeServer(t, bo)
				f := startForwarder(t)
				forgetClientSessions(f.port)
				co := clientOpts(p)
				co.Versions = []Version{v}
				if v == TLSv1_3 {
					co.EarlyData = []byte("early")
				}

				resumeOnA(t, f, portA, resA, co)

				f.target.Store(int64(portB))
				resumed, early, cerr := scopeClient(t, f.port, co)
				r := nextResult(t, resB)
				if r.resumed || resumed {
					t.Fatalf("B resumed A's session (server %v, client %v; early data %q/%q)", r.resumed, resumed, r.early, early)
				}
				if r.early == "accepted" || early == "accepted" {
					t.Fatalf("B took 0-RTT data under A's ticket: %q/%q", r.early, early)
				}
				if tc.fail {
					if r.err == nil || cerr == nil {
						t.Fatalf("B accepted a client without a certificate: server %v, client %v", r.err, cerr)
					}
					var a *Alert
					if !errors.As(r.err, &a) || (a.Description != "certificate_required" && a.Description != "handshake_failure") {
						t.Fatalf("B failed with %v, want certificate_required (or handshake_failure before TLS 1.3)", r.err)
					}
				} else if r.err != nil || cerr != nil {
					t.Fatalf("full handshake with B: server %v, client %v", r.err, cerr)
				}
			})
		}
	}
}

// TestServerConfigKey: the key a session must match changes with every
// setting that decides whom a server accepts, and is the same for the
// same options compiled twice (servers of a fleet share a SessionStore).
func TestServerConfigKey(t *testing.T) {
	p := testpeers.NewPKI(t)
	key := func(change func(*Options)) string {
		t.Helper()
		o := serverOpts(p, "ecdsa")
		o.Verify, o.CACertFile = VerifyPeer, p.CAFile
		change(o)
		res, err := o.compile(roleServer, "")
		if err != nil {
			t.Fatal(err)
		}
		return res.hs.ConfigKey
	}
	base := key(func(*Options) {})
	if base == "" || key(func(*Options) {}) != base {
		t.Fatal("the same options give different keys")
	}
	no := false
	depth := 2
	for name, change := range map[string]func(*Options){
		"certificate":          func(o *Options) { o.CertFile, o.KeyFile = p.CertFile("rsa"), p.KeyFile("rsa") },
		"verify_none":          func(o *Options) { o.Verify = VerifyNone },
		"fail_if_no_peer_cert": func(o *Options) { o.FailIfNoPeerCert = &no },
		"cacertfile":           func(o *Options) { o.CACertFile = p.IntermediateFile },
		"depth":                func(o *Options) { o.Depth = &depth },
		"partial_chain":        func(o *Options) { o.PartialChain = func([][]byte) ([]byte, bool) { return nil, false } },
		"crl_check":            func(o *Options) { o.CRLCheck = "peer" },
	} {
		if key(change) == base {
			t.Errorf("%s does not change the key", name)
		}
	}
}
