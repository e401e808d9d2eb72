// Package ssl is a TLS stack written in Go whose API is Erlang/OTP's ssl
// module: every function and option of ssl(3) has a counterpart with the
// same meaning (ssl:connect/4 is Connect, {verify, verify_peer} is
// Options.Verify, ssl:connection_information/2 is
// (*Socket).ConnectionInformation), and FormatError words any error as
// Erlang's ssl:format_error/1 does.
//
// It covers what crypto/tls leaves out: DTLS 1.2 and 1.0, TLS-PSK, SRP,
// finite-field DHE, static ECDH, server-side renegotiation, CRL checks, per-certificate
// verification callbacks (VerifyFun), partial chains and the legacy
// versions and suites, each only when asked for; the defaults are current
// OTP's (TLS 1.3 and 1.2, AEAD suites, a client that verifies the
// server, the hybrid post-quantum group X25519MLKEM768 first).
//
// It is also an ordinary Go TLS package: a *Socket is a net.Conn, a
// *ListenSocket a net.Listener; ListenAddr listens on "host:port",
// OptionsFromTLSConfig turns a *tls.Config into Options, ConnectionState
// fills a tls.ConnectionState, ConfigureServer and NewHTTPTransport serve
// and fetch HTTPS (HTTP/1.1 and HTTP/2) through net/http; errors work
// with errors.Is and errors.As (net.ErrClosed, context.DeadlineExceeded,
// *Alert, *CertificateError, *OptionError). The library writes nothing
// to the process's log unless Options.Logger is set.
//
// A client:
//
//	s, err := ssl.Connect("example.com", 443, &ssl.Options{}, 10*time.Second)
//	if err != nil {
//		log.Fatal(ssl.FormatError(err))
//	}
//	defer s.Close()
//	s.Send([]byte("GET / HTTP/1.0\r\nHost: example.com\r\n\r\n"))
//
// A server:
//
//	ls, err := ssl.ListenAddr("127.0.0.1:8443", &ssl.Options{CertFile: "cert.pem", KeyFile: "key.pem"})
//	...
//	for {
//		c, err := ls.Accept() // handshakes on first use
//		...
//	}
//
// The protocol code (handshakes, record layer, key schedule, path
// validation) is written here from the RFCs; the cryptographic
// primitives come from the standard library and golang.org/x/crypto.
// The README has the examples and the command (gossl); docs/ holds the
// mapping from Erlang's manual, the socket model, the architecture and
// the performance report.
package ssl
