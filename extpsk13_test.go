package ssl

import (
	"bytes"
	"crypto"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// extPSKFun answers every lookup with key under hash (0: a plain PSKKey).
func extPSKFun(key []byte, hash crypto.Hash, known string) *UserLookupFun {
	return &UserLookupFun{Fun: func(_ LookupKind, id string, _ any) (LookupResult, error) {
		if known != "" && id != known {
			return nil, errors.New("unknown")
		}
		if hash == 0 {
			return PSKKey(key), nil
		}
		return ExternalPSK{Key: key, Hash: hash}, nil
	}}
}

func extPSKServer(fun *UserLookupFun, groups ...string) *Options {
	return &Options{IP: net.IPv4(127, 0, 0, 1), Versions: []Version{TLSv1_3}, UserLookupFun: fun, SupportedGroups: groups,
		Ciphers: []string{"TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256"}}
}

func extPSKClient(id string, fun *UserLookupFun) *Options {
	return &Options{Versions: []Version{TLSv1_3}, PSKIdentity: id, UserLookupFun: fun}
}

// TestExternalPSK13: TLS 1.3 external PSKs (RFC 8446, 4.2.11, psk_dhe_ke)
// between gossl peers, the server without a certificate: SHA-256 and
// SHA-384 PSKs (the server picks a suite of the PSK's hash), and after a
// HelloRetryRequest (new binder over the new transcript).
func TestExternalPSK13(t *testing.T) {
	for _, tc := range []struct {
		name   string
		hash   crypto.Hash
		groups []string
		suite  string
	}{
		{"sha256", 0, nil, "TLS_AES_128_GCM_SHA256"},
		{"sha384", crypto.SHA384, nil, "TLS_AES_256_GCM_SHA384"},
		{"after HRR", 0, []string{"secp384r1"}, "TLS_AES_128_GCM_SHA256"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			port, done := startEcho(t, extPSKServer(extPSKFun(pskTestKey, tc.hash, "dev-1"), tc.groups...))
			s, err := Connect("127.0.0.1", port, extPSKClient("dev-1", extPSKFun(pskTestKey, tc.hash, "")), 10*time.Second)
			if err != nil {
				t.Fatalf("Connect: %v", err)
			}
			defer s.Close()
			s.Send([]byte("ext psk"))
			if got, err := s.Recv(0, 5*time.Second); err != nil || !bytes.Equal(got, []byte("ext psk")) {
				t.Fatalf("echo %q %v", got, err)
			}
			if v := infoValue(t, s, "cipher_suite"); v != tc.suite {
				t.Errorf("cipher_suite %v, want %s", v, tc.suite)
			}
			if v := infoValue(t, s, "session_resumption"); v != false {
				t.Errorf("session_resumption %v for an external PSK", v)
			}
			s.Close()
			if err := <-done; err != nil {
				t.Fatalf("server: %v", err)
			}
		})
	}
}

// TestExternalPSK13Bad: a wrong key fails at the binder with
// decrypt_error; an unknown identity is not selected, and a server
// without a certificate then has nothing to offer (handshake_failure).
func TestExternalPSK13Bad(t *testing.T) {
	wrong := bytes.Clone(pskTestKey)
	wrong[0] ^= 1
	for _, tc := range []struct {
		name, id string
		key      []byte
		alert    string
	}{
		{"wrong key", "dev-1", wrong, "decrypt_error"},
		{"unknown identity", "nobody", pskTestKey, "handshake_failure"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			port, done := startEcho(t, extPSKServer(extPSKFun(pskTestKey, 0, "dev-1")))
			_, err := Connect("127.0.0.1", port, extPSKClient(tc.id, extPSKFun(tc.key, 0, "")), 10*time.Second)
			wantReceivedAlert(t, err, tc.alert)
			<-done
		})
	}
}

// TestExternalPSK13WithTickets: a server with a certificate, tickets and
// external PSKs serves both kinds of client: one resumes with its
// ticket, the other uses its PSK.
func TestExternalPSK13WithTickets(t *testing.T) {
	p := testpeers.NewPKI(t)
	so := serverOpts(p, "ecdsa")
	so.UserLookupFun = extPSKFun(pskTestKey, 0, "dev-1")
	ls, err := Listen(0, so)
	if err != nil {
		t.Fatal(err)
	}
	defer ls.Close()
	go func() {
		for {
			s, err := ls.TransportAccept(10 * time.Second)
			if err != nil {
				return
			}
			go func() {
				defer s.Close()
				if s.Handshake(10*time.Second) == nil {
					s.Send([]byte("hi"))
					s.Recv(0, 5*time.Second)
				}
			}()
		}
	}()
	connect := func(o *Options) *Socket {
		s, err := Connect("127.0.0.1", ls.Port(), o, 10*time.Second)
		if err != nil {
			t.Fatalf("Connect: %v", err)
		}
		if _, err := s.Recv(0, 5*time.Second); err != nil {
			t.Fatal(err)
		}
		return s
	}
	co := clientOpts(p)
	s := connect(co)
	s.WaitSessionTicket(time.Second)
	s.Close()
	s = connect(co)
	if v := infoValue(t, s, "session_resumption"); v != true {
		t.Errorf("ticket client: session_resumption %v", v)
	}
	s.Close()
	s = connect(extPSKClient("dev-1", extPSKFun(pskTestKey, 0, "")))
	if v := infoValue(t, s, "session_resumption"); v != false {
		t.Errorf("PSK client: session_resumption %v", v)
	}
	if pc, err := s.Peercert(); err == nil || pc != nil {
		t.Errorf("PSK client got a certificate: the PSK was not used")
	}
	s.Close()
}
