package ssl

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// longLine is a line longer than every record limit tested, so that it
// crosses several records each way.
var longLine = strings.Repeat("0123456789abcdef", 200) + "\n"

// checkLimits checks the record limits a gossl socket applies: the most
// plaintext it sends per record and accepts in one.
func checkLimits(t *testing.T, s *Socket, send, recv int) {
	t.Helper()
	if got := s.wr.MaxFragment(); got != send {
		t.Errorf("gossl sends records of up to %d bytes, want %d", got, send)
	}
	if got := s.rd.MaxPlaintext(); got != recv {
		t.Errorf("gossl accepts records of up to %d bytes, want %d", got, recv)
	}
}

// echoLine is a gossl server's serve function: check the limits, read
// a line, then send back that line, or reply when it is not empty.
func echoLine(t *testing.T, send, recv int, reply string) func(*Socket) error {
	return func(s *Socket) error {
		checkLimits(t, s, send, recv)
		s.SetReadDeadline(time.Now().Add(10 * time.Second))
		line, err := bufio.NewReader(s).ReadString('\n')
		if err != nil {
			return err
		}
		if reply != "" {
			line = reply
		}
		return s.Send([]byte(line))
	}
}

// sendLongLine sends longLine over a gossl client and reads it back
// (reversed by openssl -rev, as is by echo servers).
func sendLongLine(t *testing.T, s *Socket, reversed bool) {
	t.Helper()
	if err := s.Send([]byte(longLine)); err != nil {
		t.Fatal(err)
	}
	s.SetReadDeadline(time.Now().Add(10 * time.Second))
	got, err := bufio.NewReader(s).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the echo: %v", err)
	}
	want := longLine
	if reversed {
		r := []byte(strings.TrimSuffix(longLine, "\n"))
		for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
			r[i], r[j] = r[j], r[i]
		}
		want = string(r) + "\n"
	}
	if got != want {
		t.Fatalf("echo of %d bytes came back as %d bytes", len(want), len(got))
	}
}

// TestInteropMaxFragmentLengthOpenSSL: max_fragment_length (RFC 6066,
// Section 4) with OpenSSL in both roles, TLS 1.2 and 1.3: a gossl client
// asking 512 bytes of openssl s_server -rev, and openssl s_client
// -maxfraglen 1024 against a gossl server. OpenSSL refuses a record
// over the limit (record_overflow), so a long line each way checks that
// gossl splits at the limit, and gossl's reader checks OpenSSL's records.
func TestInteropMaxFragmentLengthOpenSSL(t *testing.T) {
	p := testpeers.NewPKI(t)
	for _, v := range []Version{TLSv1_2, TLSv1_3} {
		flag := map[Version]string{TLSv1_2: "-tls1_2", TLSv1_3: "-tls1_3"}[v]
		tls13 := 0
		if v == TLSv1_3 {
			tls13 = 1
		}
		t.Run(string(v)+"/gossl-client", func(t *testing.T) {
			srv, addr := testpeers.OpenSSLServer(t, "-cert", p.CertFile("ecdsa"), "-key", p.KeyFile("ecdsa"), flag, "-rev", "-trace")
			co := clientOpts(p)
			co.Versions = []Version{v}
			co.MaxFragmentLength = 512
			co.ReuseSessions = Bool(false)
			s, err := Connect("127.0.0.1", portOf(t, addr), co, 10*time.Second)
			if err != nil {
				t.Fatalf("Connect: %v", err)
			}
			defer s.Close()
			checkLimits(t, s, 512-tls13, 512)
			sendLongLine(t, s, true)
			if !strings.Contains(srv.Output(), "extension_type=max_fragment_length(1)") {
				t.Fatalf("openssl saw no max_fragment_length:\n%s", srv.Output())
			}
		})
		t.Run(string(v)+"/gossl-server", func(t *testing.T) {
			so := serverOpts(p, "ecdsa")
			so.Versions = []Version{v}
			port, done := acceptOne(t, so, echoLine(t, 1024-tls13, 1024, ""))
			out := sClientAgainst(t, port, done, longLine, flag, "-maxfraglen", "1024",
				"-CAfile", p.CAFile, "-verify_return_error", "-servername", "localhost", "-ign_eof", "-trace")
			if !strings.Contains(out, longLine) {
				t.Fatalf("s_client did not get the echo:\n%s", out)
			}
			i := strings.Index(out, "ServerHello, Length")
			if i < 0 || !strings.Contains(out[i:], "extension_type=max_fragment_length(1)") {
				t.Fatalf("gossl answered no max_fragment_length:\n%s", out)
			}
		})
	}
}

// TestInteropRecordSizeLimitGnuTLS: record_size_limit (RFC 8449) with
// GnuTLS in both roles, TLS 1.2 and 1.3. gnutls-serv --recordsize 1000
// answers a gossl client that states 600 (GnuTLS refuses to be given
// less than 512, and ignores a peer's limit below 512); gnutls-cli --recordsize 512
// (which sends max_fragment_length too, so the gossl server must take
// record_size_limit over it, RFC 8449, Section 5) against a gossl server
// that states none and answers with the protocol's largest. In TLS 1.3
// the limit counts the content type byte, which GnuTLS adds to the size
// it is given.
func TestInteropRecordSizeLimitGnuTLS(t *testing.T) {
	p := testpeers.NewPKI(t)
	for _, v := range []Version{TLSv1_2, TLSv1_3} {
		prio := map[Version]string{TLSv1_2: "NORMAL:-VERS-ALL:+VERS-TLS1.2", TLSv1_3: "NORMAL:-VERS-ALL:+VERS-TLS1.3"}[v]
		tls13 := 0
		if v == TLSv1_3 {
			tls13 = 1
		}
		t.Run(string(v)+"/gossl-client", func(t *testing.T) {
			_, addr := testpeers.GnuTLSServer(t, "--echo", "--x509certfile", p.CertFile("ecdsa"), "--x509keyfile", p.KeyFile("ecdsa"),
				"--priority", prio, "--recordsize", "1000")
			co := clientOpts(p)
			co.Versions = []Version{v}
			co.RecordSizeLimit = 600
			co.ReuseSessions = Bool(false)
			s, err := Connect("127.0.0.1", portOf(t, addr), co, 10*time.Second)
			if err != nil {
				t.Fatalf("Connect: %v", err)
			}
			defer s.Close()
			checkLimits(t, s, 1000, 600-tls13)
			sendLongLine(t, s, false)
		})
		t.Run(string(v)+"/gossl-server", func(t *testing.T) {
			so := serverOpts(p, "ecdsa")
			so.Versions = []Version{v}
			// GnuTLS counts the type byte: it states 513 in TLS 1.3.
			port, done := acceptOne(t, so, echoLine(t, 512, 16384, longLine))
			c := testpeers.GnuTLSClient(t, fmt.Sprintf("127.0.0.1:%d", port), "--x509cafile", p.CAFile,
				"--verify-hostname", "localhost", "--priority", prio, "--recordsize", "512")
			if err := c.WaitFor("Handshake was completed", 15*time.Second); err != nil {
				t.Fatalf("gnutls-cli: %v\n%s", err, c.Output())
			}
			// gnutls-cli sends no more than one record of a line, so the
			// long text goes the other way only.
			io.WriteString(c.Stdin, "hello\n")
			if err := <-done; err != nil {
				t.Fatalf("gossl server: %v\n%s", err, c.Output())
			}
			if err := c.WaitFor(strings.TrimSuffix(longLine, "\n"), 10*time.Second); err != nil {
				t.Fatalf("gnutls-cli did not get the echo: %v\n%s", err, c.Output())
			}
			c.Stdin.Close()
		})
	}
}

// TestRecordLimitOptions: max_fragment_length takes only RFC 6066's four
// sizes and only on a client; record_size_limit 64 to 16385 (16384
// without TLS 1.3). Anything else is an option error naming the option.
func TestRecordLimitOptions(t *testing.T) {
	p := testpeers.NewPKI(t)
	checkOptionErrors(t, p, []optionCase{
		{roleClient, Options{MaxFragmentLength: 511}, "max_fragment_length"},
		{roleClient, Options{MaxFragmentLength: 8192}, "max_fragment_length"},
		{roleClient, Options{MaxFragmentLength: -1}, "max_fragment_length"},
		{roleServer, Options{MaxFragmentLength: 512}, "max_fragment_length"},
		{roleClient, Options{RecordSizeLimit: 63}, "record_size_limit"},
		{roleClient, Options{RecordSizeLimit: -5}, "record_size_limit"},
		{roleServer, Options{RecordSizeLimit: 16386}, "record_size_limit"},
		{roleClient, Options{RecordSizeLimit: 16385, Versions: []Version{TLSv1_2}}, "record_size_limit"},
	})
	for _, o := range []Options{{MaxFragmentLength: 4096}, {RecordSizeLimit: 64}, {RecordSizeLimit: 16385}, {RecordSizeLimit: 16384, Versions: []Version{TLSv1_2}}} {
		if _, err := o.compile(roleClient, "localhost"); err != nil {
			t.Errorf("%+v: %v", o, err)
		}
	}
}

// optionCase is options that compile for role must refuse, naming opt.
type optionCase struct {
	role role
	o    Options
	opt  string
}

// checkOptionErrors compiles each case (a server gets the PKI's ECDSA
// certificate) and checks the *OptionError names the option.
func checkOptionErrors(t *testing.T, p *testpeers.PKI, cases []optionCase) {
	t.Helper()
	for _, tc := range cases {
		o := tc.o
		if tc.role == roleServer {
			o.CertFile, o.KeyFile = p.CertFile("ecdsa"), p.KeyFile("ecdsa")
		}
		_, err := o.compile(tc.role, "localhost")
		var oe *OptionError
		if !errors.As(err, &oe) || oe.Name != tc.opt {
			t.Errorf("%+v as %s: %v, want an error on %s", tc.o, tc.role, err, tc.opt)
		}
	}
}

// TestTLSOnlyExtensionOptions: v2_hello_compatible is refused with
// {protocol, dtls} as meaningless there (record limits and NPN work over
// DTLS: TestDTLSRecordLimits, TestDTLSNPN), and the record limits keep
// their range checks with DTLS.
func TestTLSOnlyExtensionOptions(t *testing.T) {
	p := testpeers.NewPKI(t)
	checkOptionErrors(t, p, []optionCase{
		{roleServer, Options{Protocol: "dtls", V2HelloCompatible: true}, "v2_hello_compatible"},
		{roleClient, Options{Protocol: "dtls", MaxFragmentLength: 500}, "max_fragment_length"},
		{roleServer, Options{Protocol: "dtls", RecordSizeLimit: 16385}, "record_size_limit"},
	})
}
