package ssl

import (
	"bytes"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// srpUsers is a user_lookup_fun over a map of SRP records.
func srpUsers(users map[string]SRPVerifier) *UserLookupFun {
	return &UserLookupFun{Fun: func(kind LookupKind, user string, state any) (LookupResult, error) {
		if kind != LookupSRP {
			return nil, errors.New("not an SRP lookup")
		}
		if v, ok := state.(map[string]SRPVerifier)[user]; ok {
			return v, nil
		}
		return nil, errors.New("unknown user")
	}, UserState: users}
}

// srpServerOpts serves suite to the user alice (password "open sesame",
// or the one given) in group, with an RSA certificate for srp_rsa and a
// DSA one for srp_dss.
func srpServerOpts(t *testing.T, p *testpeers.PKI, group, suite string, password ...string) *Options {
	t.Helper()
	pw := "open sesame"
	if len(password) > 0 {
		pw = password[0]
	}
	v, err := NewSRPVerifier(group, "alice", pw)
	if err != nil {
		t.Fatal(err)
	}
	o := &Options{IP: net.IPv4(127, 0, 0, 1), Ciphers: []string{suite}, Versions: []Version{TLSv1_2, TLSv1_1, TLSv1},
		UserLookupFun: srpUsers(map[string]SRPVerifier{"alice": v}), LogAlert: Bool(false)}
	if strings.Contains(suite, "RSA") {
		o.CertFile, o.KeyFile = p.CertFile("rsa"), p.KeyFile("rsa")
	}
	if strings.Contains(suite, "DSS") {
		o.CertFile, o.KeyFile = p.DSAFiles(t)
	}
	return o
}

func TestSRPLoopback(t *testing.T) {
	p := testpeers.NewPKI(t)
	for _, suite := range []string{"SRP-AES-128-CBC-SHA", "SRP-AES-256-CBC-SHA", "SRP-RSA-AES-128-CBC-SHA", "SRP-RSA-AES-256-CBC-SHA",
		"SRP-DSS-AES-128-CBC-SHA", "SRP-DSS-AES-256-CBC-SHA", "SRP-3DES-EDE-CBC-SHA", "SRP-RSA-3DES-EDE-CBC-SHA",
		"SRP-DSS-3DES-EDE-CBC-SHA"} {
		for _, v := range []Version{TLSv1_2, TLSv1} {
			t.Run(suite+"/"+string(v), func(t *testing.T) {
				port, done := startEcho(t, srpServerOpts(t, p, "srp_2048", suite))
				co := &Options{Ciphers: []string{suite}, Versions: []Version{v}, SRPIdentity: [2]string{"alice", "open sesame"}}
				if strings.Contains(suite, "RSA") || strings.Contains(suite, "DSS") {
					co.CACertFile, co.ServerNameIndication = p.CAFile, "localhost"
				}
				s, err := Connect("127.0.0.1", port, co, 10*time.Second)
				if err != nil {
					t.Fatalf("Connect: %v", err)
				}
				defer s.Close()
				pingWithSuite(t, s, ianaName(suite))
				if info, err := s.ConnectionInformation("protocol"); err != nil || info[0].Value != string(v) {
					t.Fatalf("protocol %v %v", info, err)
				}
				s.Close()
				if err := <-done; err != nil {
					t.Fatalf("server: %v", err)
				}
			})
		}
	}
}

// pingWithSuite checks that an echo server at the other end of s echoes
// "ping", over suite.
func pingWithSuite(t *testing.T, s *Socket, suite string) {
	t.Helper()
	if err := s.Send([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Recv(0, 5*time.Second); err != nil || !bytes.Equal(got, []byte("ping")) {
		t.Fatalf("echo: %q %v", got, err)
	}
	if info, err := s.ConnectionInformation("cipher_suite"); err != nil || len(info) != 1 || info[0].Value != suite {
		t.Fatalf("cipher_suite %v %v, want %s", info, err, suite)
	}
}

// TestSRPWrongPasswordAndUnknownUser: a wrong password and an unknown
// user end the same way, at the client's Finished with bad_record_mac,
// so a client learns neither the password nor whether the user exists.
func TestSRPWrongPasswordAndUnknownUser(t *testing.T) {
	p := testpeers.NewPKI(t)
	for _, id := range [][2]string{{"alice", "open sesame!"}, {"bob", "open sesame"}} {
		t.Run(id[0], func(t *testing.T) {
			port, done := startEcho(t, srpServerOpts(t, p, "srp_1024", "SRP-AES-128-CBC-SHA"))
			failsAtFinished(t, port, done, &Options{Ciphers: []string{"SRP-AES-128-CBC-SHA"}, SRPIdentity: id, LogAlert: Bool(false)})
		})
	}
}

// failsAtFinished connects with co to the server at port, whose result
// comes on done, and checks that the handshake fails where a wrong key
// or password makes it fail: the server's check of the client's Finished,
// with bad_record_mac. co's session reuse is turned off.
func failsAtFinished(t *testing.T, port int, done <-chan error, co *Options) {
	t.Helper()
	// A full handshake: a session this client holds for a server once on
	// the same port would resume without the key (ports are reused).
	co.ReuseSessions = Bool(false)
	s, err := Connect("127.0.0.1", port, co, 10*time.Second)
	if err == nil {
		s.Close()
		t.Fatal("handshake succeeded")
	}
	wantReceivedAlert(t, err, "bad_record_mac")
	var a *Alert
	if serr := <-done; !errors.As(serr, &a) || a.Received || a.Description != "bad_record_mac" {
		t.Fatalf("server: %v, want to send bad_record_mac", serr)
	}
}

// TestSRPLookupErrors: a user_lookup_fun that answers an SRP lookup with
// something unusable fails the handshake with internal_error.
func TestSRPLookupErrors(t *testing.T) {
	for name, res := range map[string]LookupResult{
		"PSK key":       PSKKey("k"),
		"unknown group": SRPVerifier{Params: "srp_512", Salt: []byte("s"), DerivedKey: []byte("x")},
		"empty salt":    SRPVerifier{Params: "srp_1024", DerivedKey: []byte("x")},
		"empty key":     SRPVerifier{Params: "srp_1024", Salt: []byte("s")},
	} {
		t.Run(name, func(t *testing.T) {
			so := &Options{IP: net.IPv4(127, 0, 0, 1), Ciphers: []string{"SRP-AES-128-CBC-SHA"}, LogAlert: Bool(false),
				UserLookupFun: &UserLookupFun{Fun: func(LookupKind, string, any) (LookupResult, error) { return res, nil }}}
			port, done := startEcho(t, so)
			co := &Options{Ciphers: []string{"SRP-AES-128-CBC-SHA"}, SRPIdentity: [2]string{"u", "p"}, LogAlert: Bool(false)}
			if s, err := Connect("127.0.0.1", port, co, 10*time.Second); err == nil {
				s.Close()
				t.Fatal("handshake succeeded")
			} else {
				wantReceivedAlert(t, err, "internal_error")
			}
			<-done
		})
	}
}

// TestSRPOptions: the SRP options are checked when compiled.
func TestSRPOptions(t *testing.T) {
	for _, tc := range []struct {
		name string
		role role
		o    Options
		opt  string
	}{
		{"server srp_identity", roleServer, Options{SRPIdentity: [2]string{"u", "p"}, Ciphers: []string{"SRP-AES-128-CBC-SHA"}}, "srp_identity"},
		{"empty user", roleClient, Options{SRPIdentity: [2]string{"", "p"}}, "srp_identity"},
		{"long user", roleClient, Options{SRPIdentity: [2]string{strings.Repeat("u", 256), "p"}}, "srp_identity"},
		{"SRP suites without srp_identity", roleClient, Options{Ciphers: []string{"SRP-AES-128-CBC-SHA"}}, "ciphers"},
		{"SRP suites without user_lookup_fun", roleServer, Options{Ciphers: []string{"SRP-AES-128-CBC-SHA"}}, "ciphers"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.o.compile(tc.role, "localhost")
			var oe *OptionError
			if !errors.As(err, &oe) || oe.Name != tc.opt {
				t.Fatalf("got %v, want an error on %s", err, tc.opt)
			}
		})
	}
	if _, err := (&Options{SRPIdentity: [2]string{"u", "p"}, Ciphers: []string{"SRP-AES-128-CBC-SHA"}}).compile(roleClient, "h"); err != nil {
		t.Fatal(err)
	}
	if _, err := NewSRPVerifier("srp_512", "u", "p"); err == nil {
		t.Fatal("NewSRPVerifier accepted srp_512")
	}
}

// TestSRPUsernameInfo: connection_information's srp_username (OTP's
// item) is the SRP user on both sides, after a full handshake and after
// a resumption, and absent from a connection without SRP.
func TestSRPUsernameInfo(t *testing.T) {
	p := testpeers.NewPKI(t)
	const suite = "SRP-AES-128-CBC-SHA"
	ls, err := Listen(0, srpServerOpts(t, p, "srp_2048", suite))
	if err != nil {
		t.Fatal(err)
	}
	defer ls.Close()
	serverUser := make(chan any, 2)
	go func() {
		for range 2 {
			s, err := ls.TransportAccept(10 * time.Second)
			if err != nil {
				serverUser <- err
				return
			}
			if err := s.Handshake(10 * time.Second); err != nil {
				serverUser <- err
				s.Close()
				return
			}
			items, _ := s.ConnectionInformation("srp_username")
			if len(items) == 1 {
				serverUser <- items[0].Value
			} else {
				serverUser <- items
			}
			s.Recv(0, 5*time.Second) // until the client closes
			s.Close()
		}
	}()
	co := &Options{Ciphers: []string{suite}, Versions: []Version{TLSv1_2}, SRPIdentity: [2]string{"alice", "open sesame"}}
	for i, resumed := range []bool{false, true} {
		s, err := Connect("127.0.0.1", ls.Port(), co, 10*time.Second)
		if err != nil {
			t.Fatalf("Connect %d: %v", i, err)
		}
		if v := infoValue(t, s, "session_resumption"); v != resumed {
			t.Errorf("connection %d: session_resumption %v", i, v)
		}
		if v := infoValue(t, s, "srp_username"); v != "alice" {
			t.Errorf("connection %d: client's srp_username %v", i, v)
		}
		if items, _ := s.ConnectionInformation(); !hasInfoItem(items, "srp_username") {
			t.Errorf("connection %d: srp_username not among the default items", i)
		}
		if v := <-serverUser; v != "alice" {
			t.Errorf("connection %d: server's srp_username %v", i, v)
		}
		s.Close()
	}
	port, done := startEcho(t, serverOpts(p, "ecdsa"))
	s, err := Connect("127.0.0.1", port, clientOpts(p), 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if items, _ := s.ConnectionInformation("srp_username"); len(items) != 0 {
		t.Errorf("srp_username %v without SRP", items)
	}
	s.Close()
	<-done
}

func hasInfoItem(items []InfoItem, key string) bool {
	for _, it := range items {
		if it.Key == key {
			return true
		}
	}
	return false
}
