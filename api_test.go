package ssl

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// TestVersionsAvailable: ssl:versions/0 on OTP 25 lists available
// ['tlsv1.3','tlsv1.2','tlsv1.1',tlsv1] (OTP 25 no longer has SSL 3.0);
// gossl implements those four and sslv3, which can be enabled too, and
// each version listed is one the versions option accepts.
func TestVersionsAvailable(t *testing.T) {
	v := Versions()
	want := []Version{TLSv1_3, TLSv1_2, TLSv1_1, TLSv1, SSLv3}
	if !reflect.DeepEqual(v.Available, want) {
		t.Fatalf("Available = %v, want %v", v.Available, want)
	}
	if !reflect.DeepEqual(v.Supported, []Version{TLSv1_3, TLSv1_2}) {
		t.Fatalf("Supported = %v", v.Supported)
	}
	for _, ver := range v.Available {
		if _, err := resolveVersions([]Version{ver}); err != nil {
			t.Errorf("available %s refused by the versions option: %v", ver, err)
		}
	}
}

// TestErlangErrorAtoms: renegotiation_rejected, no_peercert and
// protocol_not_negotiated are sentinels for errors.Is, and FormatError
// prints them as OTP 25's ssl:format_error/1 does.
func TestErlangErrorAtoms(t *testing.T) {
	// Renegotiate's ErrRenegotiationRejected: TestRenegotiateClientRefused.
	p := testpeers.NewPKI(t)
	// A server whose client sent no certificate.
	ls, err := Listen(0, serverOpts(p, "ecdsa"))
	if err != nil {
		t.Fatal(err)
	}
	defer ls.Close()
	got := make(chan error, 1)
	go func() {
		ss, err := ls.TransportAccept(10 * time.Second)
		if err == nil {
			err = ss.Handshake(10 * time.Second)
		}
		if err == nil {
			_, err = ss.Peercert()
			ss.Close()
		}
		got <- err
	}()
	c, err := Connect("127.0.0.1", ls.Port(), clientOpts(p), 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Peercert(); err != nil {
		t.Fatalf("client Peercert: %v", err)
	}
	if _, err := c.NegotiatedProtocol(); !errors.Is(err, ErrProtocolNotNegotiated) {
		t.Fatalf("NegotiatedProtocol without ALPN: %v", err)
	}
	if err := <-got; !errors.Is(err, ErrNoPeercert) {
		t.Fatalf("server Peercert without a client certificate: %v", err)
	}

	for err, want := range map[error]string{
		ErrRenegotiationRejected: "Unexpected error: renegotiation_rejected",
		ErrNoPeercert:            "Unexpected error: no_peercert",
		ErrProtocolNotNegotiated: "Unexpected error: protocol_not_negotiated",
	} {
		if got := FormatError(err); got != want {
			t.Errorf("FormatError(%v) = %q, want %q", err, got, want)
		}
	}
}

// TestPlannedAreNotSupported: suite names, curves and groups gossl knows
// but does not implement yet fail with an OptionError that
// satisfies errors.Is(err, ErrNotSupported), as the README promises;
// names that mean nothing stay plain invalid options.
func TestPlannedAreNotSupported(t *testing.T) {
	p := testpeers.NewPKI(t)
	cases := []struct {
		name    string
		mod     func(*Options)
		planned bool
	}{
		{"PSK NULL", func(o *Options) { o.Ciphers = []string{"TLS_PSK_WITH_NULL_SHA"} }, true},
		{"DHE_RSA Camellia", func(o *Options) { o.Ciphers = []string{"DHE-RSA-CAMELLIA128-SHA256"} }, true},
		{"RSA ARIA", func(o *Options) { o.Ciphers = []string{"ARIA128-GCM-SHA256"} }, true},
		{"static DH 3DES", func(o *Options) { o.Ciphers = []string{"TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA"} }, true},
		{"anonymous Camellia", func(o *Options) { o.Ciphers = []string{"TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA"} }, true},
		{"static DH", func(o *Options) { o.Ciphers = []string{"TLS_DH_RSA_WITH_AES_128_CBC_SHA"} }, true},
		{"RSA SEED", func(o *Options) { o.Ciphers = []string{"TLS_RSA_WITH_SEED_CBC_SHA"} }, true},
		{"RC4-40", func(o *Options) { o.Ciphers = []string{"EXP-RC4-MD5"} }, true},
		{"after a good one", func(o *Options) { o.Ciphers = []string{"ECDHE-ECDSA-AES128-GCM-SHA256:PSK-CAMELLIA128-SHA256"} }, true},
		{"bogus suite", func(o *Options) { o.Ciphers = []string{"TLS_FOO_WITH_BAR"} }, false},
		{"bogus OpenSSL", func(o *Options) { o.Ciphers = []string{"HELLO-SHA"} }, false},
		{"brainpool tls13 in eccs", func(o *Options) { o.Eccs = []string{"brainpoolP256r1tls13"} }, true},
		{"binary curve in supported_groups", func(o *Options) { o.SupportedGroups = []string{"sect163k1"} }, true},
		{"bogus curve", func(o *Options) { o.Eccs = []string{"p257"} }, false},
		{"ffdhe as a curve", func(o *Options) { o.Eccs = []string{"ffdhe2048"} }, true},
		{"bogus group", func(o *Options) { o.SupportedGroups = []string{"nope"} }, false},
	}
	for _, c := range cases {
		o := clientOpts(p)
		c.mod(o)
		_, err := o.compile(roleClient, "localhost")
		var oe *OptionError
		if !errors.As(err, &oe) {
			t.Errorf("%s: %v, want an OptionError", c.name, err)
			continue
		}
		if errors.Is(err, ErrNotSupported) != c.planned {
			t.Errorf("%s: %v: errors.Is(ErrNotSupported) = %v, want %v", c.name, err, !c.planned, c.planned)
		}
	}

}
