package ssl

import (
	"bytes"
	"encoding/hex"
	"errors"
	"net"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
	pion "github.com/pion/dtls/v4"
)

// srtpLabel is RFC 5764, Section 4.2's exporter label.
const srtpLabel = "EXTRACTOR-dtls_srtp"

// srtpKeys exports the SRTP keying material of s for its profile.
func srtpKeys(t testing.TB, s *Socket) (SRTPProfile, []byte) {
	t.Helper()
	info, err := s.ConnectionInformation("srtp_protection_profile")
	if err != nil || len(info) != 1 {
		t.Fatalf("srtp_protection_profile: %v %v", info, err)
	}
	p := info[0].Value.(SRTPProfile)
	k, err := s.ExportKeyMaterials([]string{srtpLabel}, [][]byte{nil}, []int{SRTPKeyingMaterialLength(p)})
	if err != nil {
		t.Fatal(err)
	}
	return p, k[0]
}

// dtlsPair runs a gossl server with so and a gossl client with co over
// loopback and returns both sockets after their handshakes (or the
// client's error).
func dtlsPair(t testing.TB, so, co *Options) (client, server *Socket, err error) {
	t.Helper()
	ls, err := Listen(0, so)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ls.Close() })
	ch := make(chan *Socket, 1)
	go func() {
		s, err := ls.TransportAccept(10 * time.Second)
		if err == nil && s.Handshake(10*time.Second) == nil {
			ch <- s
			return
		}
		close(ch)
	}()
	client, err = Connect("127.0.0.1", ls.Port(), co, 10*time.Second)
	if err != nil {
		return nil, nil, err
	}
	t.Cleanup(func() { client.Close() })
	server = <-ch
	if server == nil {
		t.Fatal("the server's handshake failed")
	}
	t.Cleanup(func() { server.Close() })
	return client, server, nil
}

// TestDTLSUseSRTP: use_srtp between two gossl sockets. The server picks
// the first profile of its own list that the client offers and echoes
// the client's MKI; both sides report the profile and MKI and export the
// same keying material of the profile's length; with no profile in
// common the handshake goes on without SRTP; the option needs DTLS.
func TestDTLSUseSRTP(t *testing.T) {
	p := testpeers.NewPKI(t)
	so := dtlsServerOpts(p, "ecdsa", 0)
	so.UseSRTP = &SRTPOptions{ProtectionProfiles: []SRTPProfile{SRTPAEADAES256GCM, SRTPAES128CMHMACSHA1_80}}
	co := dtlsClientOpts(p, 0)
	co.UseSRTP = &SRTPOptions{ProtectionProfiles: []SRTPProfile{SRTPAES128CMHMACSHA1_80, SRTPAEADAES256GCM}, MKI: []byte{0xab, 0xcd}}
	c, s, err := dtlsPair(t, so, co)
	if err != nil {
		t.Fatal(err)
	}
	cp, ck := srtpKeys(t, c)
	sp, sk := srtpKeys(t, s)
	if cp != SRTPAEADAES256GCM || sp != cp || len(ck) != 88 || !bytes.Equal(ck, sk) {
		t.Fatalf("client %v %x, server %v %x", cp, ck, sp, sk)
	}
	for _, sock := range []*Socket{c, s} {
		info, err := sock.ConnectionInformation("srtp_mki")
		if err != nil || len(info) != 1 || !bytes.Equal(info[0].Value.([]byte), []byte{0xab, 0xcd}) {
			t.Fatalf("srtp_mki: %v %v", info, err)
		}
	}

	t.Run("no profile in common", func(t *testing.T) {
		so := dtlsServerOpts(p, "ecdsa", 0)
		so.UseSRTP = &SRTPOptions{ProtectionProfiles: []SRTPProfile{SRTPAEADAES128GCM}}
		co := dtlsClientOpts(p, 0)
		co.UseSRTP = &SRTPOptions{ProtectionProfiles: []SRTPProfile{SRTPAES128CMHMACSHA1_32}}
		c, _, err := dtlsPair(t, so, co)
		if err != nil {
			t.Fatal(err)
		}
		if info, err := c.ConnectionInformation("srtp_protection_profile"); err != nil || len(info) != 0 {
			t.Fatalf("a profile was negotiated: %v %v", info, err)
		}
	})
	t.Run("refused", func(t *testing.T) {
		for name, o := range map[string]*Options{
			"tls":          {UseSRTP: &SRTPOptions{ProtectionProfiles: []SRTPProfile{SRTPAEADAES128GCM}}},
			"empty":        {Protocol: "dtls", UseSRTP: &SRTPOptions{}},
			"unknown":      {Protocol: "dtls", UseSRTP: &SRTPOptions{ProtectionProfiles: []SRTPProfile{0x0003}}},
			"long mki":     {Protocol: "dtls", UseSRTP: &SRTPOptions{ProtectionProfiles: []SRTPProfile{1}, MKI: make([]byte, 256)}},
			"tls cid":      {DTLSConnectionID: Int(4)},
			"negative cid": {Protocol: "dtls", DTLSConnectionID: Int(-1)},
			"long cid":     {Protocol: "dtls", DTLSConnectionID: Int(33)},
		} {
			_, err := Connect("127.0.0.1", 9, o, time.Second)
			var oe *OptionError
			if !errors.As(err, &oe) {
				t.Errorf("%s: %v, want an OptionError", name, err)
			}
		}
	})
}

// TestDTLSUseSRTPPion: use_srtp with pion/dtls in both roles: the same
// profile on both sides and the same "EXTRACTOR-dtls_srtp" keying
// material, which is what a WebRTC stack keys SRTP with.
func TestDTLSUseSRTPPion(t *testing.T) {
	p := testpeers.NewPKI(t)
	for _, prof := range []struct {
		gossl SRTPProfile
		pion  pion.SRTPProtectionProfile
	}{
		{SRTPAES128CMHMACSHA1_80, pion.SRTP_AES128_CM_HMAC_SHA1_80},
		{SRTPAES128CMHMACSHA1_32, pion.SRTP_AES128_CM_HMAC_SHA1_32},
		{SRTPAEADAES128GCM, pion.SRTP_AEAD_AES_128_GCM},
		{SRTPAEADAES256GCM, pion.SRTP_AEAD_AES_256_GCM},
	} {
		n := SRTPKeyingMaterialLength(prof.gossl)
		t.Run(prof.gossl.String()+"/gossl_client", func(t *testing.T) {
			port, conns := pionEchoServer(t, pion.WithCertificates(pionCert(p, "ecdsa")),
				pion.WithSRTPProtectionProfiles(pion.SRTP_AES128_CM_HMAC_SHA1_80, prof.pion))
			co := dtlsClientOpts(p, 0)
			co.UseSRTP = &SRTPOptions{ProtectionProfiles: []SRTPProfile{prof.gossl}}
			s, err := Connect("127.0.0.1", port, co, 20*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			gosslEchoOnce(t, s, []byte("srtp"))
			checkPionSRTP(t, s, <-conns, prof.gossl, prof.pion, n)
		})
		t.Run(prof.gossl.String()+"/gossl_server", func(t *testing.T) {
			so := dtlsServerOpts(p, "ecdsa", 0)
			so.UseSRTP = &SRTPOptions{ProtectionProfiles: []SRTPProfile{prof.gossl}}
			ls, err := Listen(0, so)
			if err != nil {
				t.Fatal(err)
			}
			defer ls.Close()
			accepted := acceptEcho(t, ls)
			pc := pionDial(t, ls.Port(), pion.WithRootCAs(p.CertPool()), pion.WithServerName("localhost"),
				pion.WithSRTPProtectionProfiles(pion.SRTP_AEAD_AES_128_GCM, prof.pion))
			pionEchoOnce(t, pc, []byte("srtp"))
			s, ok := <-accepted
			if !ok {
				t.Fatal("the gossl server's handshake failed")
			}
			checkPionSRTP(t, s, pc, prof.gossl, prof.pion, n)
		})
	}
}

func checkPionSRTP(t *testing.T, s *Socket, pc *pion.Conn, want SRTPProfile, wantPion pion.SRTPProtectionProfile, n int) {
	t.Helper()
	gp, gk := srtpKeys(t, s)
	pp, ok := pc.SelectedSRTPProtectionProfile()
	if gp != want || !ok || pp != wantPion {
		t.Fatalf("profiles: gossl %v, pion %v %v", gp, pp, ok)
	}
	st, _ := pc.ConnectionState()
	pk, err := st.ExportKeyingMaterial(srtpLabel, nil, n)
	if err != nil || !bytes.Equal(gk, pk) {
		t.Fatalf("keying material:\ngossl %x\npion  %x (%v)", gk, pk, err)
	}
}

// opensslKeyingMaterial reads what s_server/s_client print for
// -keymatexport: "Keying material: HEX".
var opensslKeyingMaterial = regexp.MustCompile(`Keying material: ([0-9A-Fa-f]+)`)

// TestDTLSUseSRTPOpenSSL: use_srtp against openssl s_server and s_client
// (-dtls1_2 -use_srtp), both roles: the profile OpenSSL reports and the
// keying material it prints for -keymatexport EXTRACTOR-dtls_srtp equal
// gossl's.
func TestDTLSUseSRTPOpenSSL(t *testing.T) {
	p := testpeers.NewPKI(t)
	keymat := []string{"-keymatexport", srtpLabel, "-keymatexportlen", "60"}
	t.Run("gossl_client", func(t *testing.T) {
		srv, addr := testpeers.OpenSSLServer(t, append([]string{"-dtls1_2", "-cert", p.CertFile("ecdsa"), "-key", p.KeyFile("ecdsa"),
			"-use_srtp", "SRTP_AES128_CM_SHA1_32:SRTP_AES128_CM_SHA1_80"}, keymat...)...)
		_, port, _ := net.SplitHostPort(addr)
		n, _ := strconv.Atoi(port)
		co := dtlsClientOpts(p, 0)
		co.UseSRTP = &SRTPOptions{ProtectionProfiles: []SRTPProfile{SRTPAES128CMHMACSHA1_80}}
		s, err := Connect("127.0.0.1", n, co, 20*time.Second)
		if err != nil {
			t.Fatalf("Connect: %v\n%s", err, srv.Output())
		}
		defer s.Close()
		// s_server prints the keying material once the handshake is
		// done, which the first data makes sure of.
		s.Send([]byte("srtp\n"))
		checkOpenSSLSRTP(t, s, srv)
	})
	t.Run("gossl_server", func(t *testing.T) {
		so := dtlsServerOpts(p, "ecdsa", 0)
		so.UseSRTP = &SRTPOptions{ProtectionProfiles: []SRTPProfile{SRTPAES128CMHMACSHA1_80}}
		ls, err := Listen(0, so)
		if err != nil {
			t.Fatal(err)
		}
		defer ls.Close()
		cl := testpeers.OpenSSLClient(t, "127.0.0.1:"+strconv.Itoa(ls.Port()),
			append([]string{"-dtls1_2", "-use_srtp", "SRTP_AES128_CM_SHA1_80"}, keymat...)...)
		s, err := ls.TransportAccept(20 * time.Second)
		if err != nil {
			t.Fatalf("TransportAccept: %v\n%s", err, cl.Output())
		}
		defer s.Close()
		if err := s.Handshake(20 * time.Second); err != nil {
			t.Fatalf("Handshake: %v\n%s", err, cl.Output())
		}
		checkOpenSSLSRTP(t, s, cl)
	})
}

func checkOpenSSLSRTP(t *testing.T, s *Socket, peer *testpeers.Proc) {
	t.Helper()
	if err := peer.WaitFor("Keying material: ", 10*time.Second); err != nil {
		t.Fatalf("no keying material printed: %v\n%s", err, peer.Output())
	}
	if !strings.Contains(peer.Output(), "SRTP_AES128_CM_SHA1_80") {
		t.Fatalf("OpenSSL did not report the profile:\n%s", peer.Output())
	}
	m := opensslKeyingMaterial.FindStringSubmatch(peer.Output())
	want, _ := hex.DecodeString(m[1])
	prof, got := srtpKeys(t, s)
	if prof != SRTPAES128CMHMACSHA1_80 || !bytes.Equal(got, want) {
		t.Fatalf("gossl %v %x\nopenssl %x", prof, got, want)
	}
}
