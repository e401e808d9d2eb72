package ssl

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// TLS 1.3 external PSKs with psk_ke (RFC 8446, 4.2.9): the PSK alone, no
// (EC)DHE. Which mode was used shows in connection_information: a psk_ke
// handshake has no selected_group.

// pskModeOf names the mode a TLS 1.3 PSK connection used.
func pskModeOf(t *testing.T, s *Socket) string {
	t.Helper()
	items, err := s.ConnectionInformation("selected_group")
	if err != nil {
		t.Fatalf("connection_information: %v", err)
	}
	if len(items) == 0 {
		return "psk_ke"
	}
	return "psk_dhe_ke"
}

// startModeServer is a server that answers one line with "gossl mode
// <mode>", the PSK mode of its connection.
func startModeServer(t *testing.T, opts *Options) (int, <-chan error) {
	t.Helper()
	return startReplyServerWith(t, opts, func(s *Socket) string { return "gossl mode " + pskModeOf(t, s) + "\n" })
}

// pskModesServer is extPSKServer accepting modes.
func pskModesServer(modes ...string) *Options {
	o := extPSKServer(extPSKFun(pskTestKey, 0, pskInteropID))
	o.PSKKeyExchangeModes = modes
	return o
}

// pskModesClient is extPSKClient offering modes.
func pskModesClient(modes ...string) *Options {
	o := extPSKClient(pskInteropID, extPSKFun(pskTestKey, 0, ""))
	o.PSKKeyExchangeModes = modes
	return o
}

// connectPSKMode connects o to 127.0.0.1:port, sends a line and returns
// the PSK mode of the connection and the reply.
func connectPSKMode(t *testing.T, port int, o *Options) (mode, reply string) {
	t.Helper()
	s, err := Connect("127.0.0.1", port, o, 10*time.Second)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	defer s.Close()
	if err := s.Send([]byte("psk mode ping\n")); err != nil {
		t.Fatal(err)
	}
	got, err := s.Recv(0, 10*time.Second)
	if err != nil {
		t.Fatalf("Recv: %v", err)
	}
	if v := infoValue(t, s, "protocol"); v != "tlsv1.3" {
		t.Fatalf("protocol %v", v)
	}
	return pskModeOf(t, s), string(got)
}

// TestExternalPSK13Modes: gossl on both sides, the server without a
// certificate. The server takes the first of its modes the client
// offers; with none in common the PSK is not used and the
// certificate-less server has nothing else (handshake_failure).
func TestExternalPSK13Modes(t *testing.T) {
	for _, tc := range []struct {
		name           string
		client, server []string
		want           string // mode, or the alert
	}{
		{"default", nil, nil, "psk_dhe_ke"},
		{"psk_ke", []string{"psk_ke"}, []string{"psk_ke"}, "psk_ke"},
		{"client both, server default", []string{"psk_ke", "psk_dhe_ke"}, nil, "psk_dhe_ke"},
		{"server prefers psk_ke", []string{"psk_dhe_ke", "psk_ke"}, []string{"psk_ke", "psk_dhe_ke"}, "psk_ke"},
		{"client psk_ke, server default", []string{"psk_ke"}, nil, "handshake_failure"},
		{"client default, server psk_ke", nil, []string{"psk_ke"}, "handshake_failure"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			port, done := startModeServer(t, pskModesServer(tc.server...))
			if !strings.HasPrefix(tc.want, "psk") {
				_, err := Connect("127.0.0.1", port, pskModesClient(tc.client...), 10*time.Second)
				wantReceivedAlert(t, err, tc.want)
				<-done
				return
			}
			mode, reply := connectPSKMode(t, port, pskModesClient(tc.client...))
			if mode != tc.want || reply != "gossl mode "+tc.want+"\n" {
				t.Fatalf("client saw %s, server said %q; want %s", mode, reply, tc.want)
			}
			if err := <-done; err != nil {
				t.Fatalf("server: %v", err)
			}
		})
	}
}

// TestPSKKeyExchangeModesOption: bad values and a mode list without
// user_lookup_fun are option errors, not ignored.
func TestPSKKeyExchangeModesOption(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    *Options
	}{
		{"unknown mode", pskModesClient("psk_ke", "psk_ecdhe_ke")},
		{"twice", pskModesClient("psk_ke", "psk_ke")},
		{"empty", pskModesClient([]string{}...)},
		{"no user_lookup_fun", &Options{Versions: []Version{TLSv1_3}, PSKKeyExchangeModes: []string{"psk_ke"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Connect("127.0.0.1", 1, tc.o, time.Second)
			var oe *OptionError
			if !errors.As(err, &oe) || oe.Name != "psk_key_exchange_modes" {
				t.Fatalf("got %v, want an option error for psk_key_exchange_modes", err)
			}
		})
	}
}

// TestInteropExternalPSK13: TLS 1.3 external PSKs against OpenSSL 3.0
// and GnuTLS in both roles, in both modes; the gossl server has no
// certificate. psk_ke is OpenSSL's -allow_no_dhe_kex and GnuTLS's +PSK
// key exchange (+ECDHE-PSK and +DHE-PSK are psk_dhe_ke in TLS 1.3). The
// gossl side checks the mode it saw: no selected_group is psk_ke, which
// it accepts only when it offered or allowed it.
func TestInteropExternalPSK13(t *testing.T) {
	for _, m := range []struct {
		mode           string
		client, server []string // gossl's modes
		opensslArgs    []string
		gnutlsKX       string
	}{
		{"psk_dhe_ke", nil, nil, nil, "+ECDHE-PSK:+DHE-PSK"},
		{"psk_ke", []string{"psk_ke"}, []string{"psk_ke", "psk_dhe_ke"}, []string{"-allow_no_dhe_kex"}, "-KX-ALL:+PSK"},
	} {
		t.Run(m.mode, func(t *testing.T) {
			client := func(t *testing.T, addr, want string) {
				mode, reply := connectPSKMode(t, portOf(t, addr), pskModesClient(m.client...))
				if mode != m.mode || !strings.Contains(reply, want) {
					t.Fatalf("mode %s, reply %q; want %s, %q", mode, reply, m.mode, want)
				}
			}
			server := func(t *testing.T, peer *testpeers.Proc, done <-chan error) {
				if err := peer.WaitFor("gossl mode "+m.mode, 15*time.Second); err != nil {
					t.Fatalf("peer: %v", err)
				}
				peer.Stdin.Close()
				if err := <-done; err != nil {
					t.Fatalf("gossl server: %v", err)
				}
			}
			t.Run("openssl-server", func(t *testing.T) {
				_, addr := testpeers.OpenSSLServer(t, append([]string{"-nocert", "-psk", pskInteropHex, "-psk_identity", pskInteropID,
					"-tls1_3", "-ciphersuites", "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256", "-rev"}, m.opensslArgs...)...)
				client(t, addr, "gnip edom ksp")
			})
			t.Run("openssl-client", func(t *testing.T) {
				port, done := startModeServer(t, pskModesServer(m.server...))
				c := testpeers.OpenSSLClient(t, fmt.Sprintf("127.0.0.1:%d", port), append([]string{"-tls1_3", "-psk", pskInteropHex,
					"-psk_identity", pskInteropID, "-ign_eof"}, m.opensslArgs...)...)
				io.WriteString(c.Stdin, "hello\n")
				server(t, c, done)
			})
			pskFile := filepath.Join(t.TempDir(), "psk.txt")
			os.WriteFile(pskFile, []byte(pskInteropID+":"+pskInteropHex+"\n"), 0o600)
			priority := "NORMAL:-VERS-ALL:+VERS-TLS1.3:" + m.gnutlsKX
			t.Run("gnutls-server", func(t *testing.T) {
				_, addr := testpeers.GnuTLSServer(t, "--echo", "--pskpasswd", pskFile, "--priority", priority)
				client(t, addr, "psk mode ping")
			})
			t.Run("gnutls-client", func(t *testing.T) {
				port, done := startModeServer(t, pskModesServer(m.server...))
				c := testpeers.GnuTLSClient(t, fmt.Sprintf("127.0.0.1:%d", port), "--pskusername", pskInteropID,
					"--pskkey", pskInteropHex, "--priority", priority)
				io.WriteString(c.Stdin, "hello\n")
				server(t, c, done)
			})
		})
	}
}
