package ssl

import (
	"errors"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/pki"
	"github.com/gossl/ssl/internal/testpeers"
)

// connectOnce runs one handshake between a gossl server and client and
// returns both errors.
func connectOnce(t *testing.T, so, co *Options) (clientErr, serverErr error) {
	t.Helper()
	return connectOnceWith(t, so, co, nil)
}

// connectOnceWith is connectOnce that gives the client's socket, after a
// successful handshake, to inspect (when not nil) before it is closed.
func connectOnceWith(t *testing.T, so, co *Options, inspect func(*Socket)) (clientErr, serverErr error) {
	t.Helper()
	ls, err := Listen(0, so)
	if err != nil {
		t.Fatalf("Listen: %v", err)
	}
	defer ls.Close()
	done := make(chan error, 1)
	go func() {
		s, err := ls.TransportAccept(10 * time.Second)
		if err != nil {
			done <- err
			return
		}
		defer s.Close()
		err = s.Handshake(10 * time.Second)
		if err == nil {
			// Wait for the client to finish (it may still reject us).
			_, err = s.Recv(0, 5*time.Second)
			if errors.Is(err, ErrClosed) {
				err = nil
			}
		}
		done <- err
	}()
	s, cerr := Connect("127.0.0.1", ls.Port(), co, 10*time.Second)
	if cerr == nil {
		if inspect != nil {
			inspect(s)
		}
		s.Close()
	}
	return cerr, <-done
}

func badCertReason(err error) string {
	var bad *pki.BadCertError
	if errors.As(err, &bad) {
		return bad.Reason
	}
	return ""
}

func TestDepthAndChains(t *testing.T) {
	p := testpeers.NewPKI(t)
	so := &Options{CertFile: p.ChainFile("ecdsa"), KeyFile: p.KeyFile("ecdsa"), IP: serverOpts(p, "ecdsa").IP}
	// The chain is leaf, intermediate, root: one intermediate.
	co := clientOpts(p)
	co.Depth = Int(1)
	if cerr, serr := connectOnce(t, so, co); cerr != nil || serr != nil {
		t.Fatalf("depth 1: client %v, server %v", cerr, serr)
	}
	co.Depth = Int(0)
	cerr, _ := connectOnce(t, so, co)
	if cerr == nil {
		t.Fatal("depth 0 accepted a chain with an intermediate")
	}
	t.Logf("depth 0: %s (reason %s)", FormatError(cerr), badCertReason(cerr))
	if badCertReason(cerr) == "" {
		t.Fatalf("depth 0: no bad_cert reason in %v", cerr)
	}
}

func TestHostnameCheck(t *testing.T) {
	p := testpeers.NewPKI(t)
	so := serverOpts(p, "rsa")
	co := clientOpts(p)
	co.ServerNameIndication = "wrong.example"
	cerr, serr := connectOnce(t, so, co)
	if badCertReason(cerr) != "hostname_check_failed" {
		t.Fatalf("client error %v, want hostname_check_failed", cerr)
	}
	if !isAlertReceived(serr) {
		t.Fatalf("server error %v, want a received alert", serr)
	}
	co.ServerNameIndication = "disable"
	if cerr, serr := connectOnce(t, so, co); cerr != nil || serr != nil {
		t.Fatalf("server_name_indication disable: client %v, server %v", cerr, serr)
	}
	// Unknown CA: no cacerts trusting the test root (system roots don't).
	co = &Options{ServerNameIndication: "localhost"}
	cerr, _ = connectOnce(t, so, co)
	if badCertReason(cerr) != "unknown_ca" || !isAlert(unwrapAlert(cerr), "unknown_ca") {
		t.Fatalf("client error %v, want unknown_ca", cerr)
	}
	// verify_none accepts it.
	co.Verify = VerifyNone
	if cerr, serr := connectOnce(t, so, co); cerr != nil || serr != nil {
		t.Fatalf("verify_none: client %v, server %v", cerr, serr)
	}
}

func unwrapAlert(err error) error {
	var a *Alert
	if errors.As(err, &a) {
		return a
	}
	return err
}

func isAlertReceived(err error) bool {
	var a *Alert
	return errors.As(err, &a) && a.Received
}

func TestHonorCipherOrder(t *testing.T) {
	p := testpeers.NewPKI(t)
	clientPref := []string{"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"}
	serverPref := []string{"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}
	for _, honor := range []bool{false, true} {
		so := serverOpts(p, "rsa")
		so.Ciphers, so.HonorCipherOrder = serverPref, honor
		so.Eccs, so.HonorECCOrder = []string{"secp384r1", "x25519"}, honor
		port, done := startEcho(t, so)
		co := clientOpts(p)
		co.Ciphers = clientPref
		co.Eccs = []string{"x25519", "secp384r1"}
		s, err := Connect("127.0.0.1", port, co, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		info, _ := s.ConnectionInformation("cipher_suite", "selected_group")
		s.Close()
		<-done
		wantSuite, wantGroup := clientPref[0], "x25519"
		if honor {
			wantSuite, wantGroup = serverPref[0], "secp384r1"
		}
		if info[0].Value != wantSuite || info[1].Value != wantGroup {
			t.Errorf("honor=%v: got %v, want %s %s", honor, info, wantSuite, wantGroup)
		}
	}
}

func TestClientFallbackSCSV(t *testing.T) {
	p := testpeers.NewPKI(t)
	so := serverOpts(p, "rsa")
	so.Versions = []Version{TLSv1_2, TLSv1_1}
	co := clientOpts(p)
	co.Versions = []Version{TLSv1_1}
	co.Fallback = true
	cerr, serr := connectOnce(t, so, co)
	if !isAlert(unwrapAlert(serr), "inappropriate_fallback") || !isAlert(unwrapAlert(cerr), "inappropriate_fallback") {
		t.Fatalf("client %v / server %v, want inappropriate_fallback", cerr, serr)
	}
	co.Fallback = false
	if cerr, serr := connectOnce(t, so, co); cerr != nil || serr != nil {
		t.Fatalf("TLS 1.1 without fallback: client %v, server %v", cerr, serr)
	}
}

func TestOptionErrors(t *testing.T) {
	cases := []struct {
		opts         *Options
		name         string
		notSupported bool
	}{
		{&Options{Versions: []Version{"tlsv9"}}, "versions", false},
		{&Options{Versions: []Version{DTLSv1_2}}, "versions", false}, // needs {protocol, dtls}
		{&Options{Ciphers: []string{"NOPE"}}, "ciphers", false},
		{&Options{Eccs: []string{"curve9"}}, "eccs", false},
		{&Options{Verify: "sometimes"}, "verify", false},
		{&Options{Depth: Int(-1)}, "depth", false},
		{&Options{NextProtocolsAdvertised: []string{"h2"}}, "next_protocols_advertised", false},
		{&Options{ALPNAdvertisedProtocols: []string{""}}, "alpn_advertised_protocols", false},
		{&Options{Protocol: "udp"}, "protocol", false},
		{&Options{Protocol: "dtls", DelaySend: true}, "delay_send", true},
		{&Options{CertFile: "/nonexistent.pem"}, "certfile", false},
	}
	for _, c := range cases {
		_, err := Connect("127.0.0.1", 1, c.opts, time.Second)
		var oe *OptionError
		if !errors.As(err, &oe) || oe.Name != c.name || oe.NotSupported != c.notSupported {
			t.Errorf("%+v: got %v, want option %s (not supported %v)", c.opts, err, c.name, c.notSupported)
		}
		if c.notSupported != errors.Is(err, ErrNotSupported) {
			t.Errorf("%v: errors.Is(ErrNotSupported) wrong", err)
		}
	}
}
