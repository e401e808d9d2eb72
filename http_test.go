package ssl

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// tlsSummary is what the test handlers report of r.TLS: the protocol the
// request came over, ALPN's result, and the subject of the client's
// certificate ("-" when none).
func tlsSummary(r *http.Request) string {
	if r.TLS == nil {
		return r.Proto + " tls=nil"
	}
	peer := "-"
	if len(r.TLS.PeerCertificates) > 0 {
		peer = r.TLS.PeerCertificates[0].Subject.CommonName
	}
	return fmt.Sprintf("%s alpn=%q complete=%v peer=%s", r.Proto, r.TLS.NegotiatedProtocol,
		r.TLS.HandshakeComplete, peer)
}

// startHTTPServer serves tlsSummary over a gossl listener configured with
// ConfigureServer; so are the listener options (ALPN h2 and http/1.1,
// client certificates requested and verified when sent).
func startHTTPServer(t *testing.T, p *testpeers.PKI) (url string) {
	t.Helper()
	so := serverOpts(p, "ecdsa")
	so.ALPNPreferredProtocols = []string{"h2", "http/1.1"}
	so.Verify = VerifyPeer
	so.CACertFile = p.CAFile
	so.FailIfNoPeerCert = Bool(false)
	so.LogAlert = Bool(false)
	ls, err := Listen(0, so)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{
		Handler:           http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, tlsSummary(r)) }),
		ReadHeaderTimeout: 10 * time.Second,
	}
	if err := ConfigureServer(srv); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ls) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		if err := <-done; err != http.ErrServerClosed {
			t.Errorf("Serve: %v", err)
		}
	})
	return fmt.Sprintf("https://localhost:%d/", ls.Port())
}

func getBody(t *testing.T, c *http.Client, url string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

// TestHTTPServerGoClient: Go's http.Client (crypto/tls) against a gossl
// server set up with ConfigureServer, over HTTP/1.1 and HTTP/2, with and
// without a client certificate: r.TLS is set on the server in each, and
// resp.TLS on the client.
func TestHTTPServerGoClient(t *testing.T) {
	p := testpeers.NewPKI(t)
	url := startHTTPServer(t, p)
	for _, tc := range []struct {
		name  string
		h2    bool
		mtls  bool
		proto string
	}{
		{"h1", false, false, "HTTP/1.1"},
		{"h2", true, false, "HTTP/2.0"},
		{"h1-mtls", false, true, "HTTP/1.1"},
		{"h2-mtls", true, true, "HTTP/2.0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, cc := testpeers.TLSConfigs(p)
			if !tc.mtls {
				cc.Certificates = nil
			}
			tr := &http.Transport{TLSClientConfig: cc, ForceAttemptHTTP2: tc.h2}
			if !tc.h2 {
				cc.NextProtos = []string{"http/1.1"}
			}
			defer tr.CloseIdleConnections()
			resp, body := getBody(t, &http.Client{Transport: tr, Timeout: 10 * time.Second}, url)
			alpn := "http/1.1"
			if tc.h2 {
				alpn = "h2"
			}
			peer := "-"
			if tc.mtls {
				peer = p.TLSCertificate("client-ecdsa").Leaf.Subject.CommonName
			}
			want := fmt.Sprintf("%s alpn=%q complete=true peer=%s", tc.proto, alpn, peer)
			if body != want {
				t.Errorf("server saw %q, want %q", body, want)
			}
			if resp.Proto != tc.proto || resp.TLS == nil || resp.TLS.NegotiatedProtocol != alpn {
				t.Errorf("client: proto %s, TLS %v", resp.Proto, resp.TLS)
			}
		})
	}
}

// TestHTTPServerCurl: curl --http2 and --http1.1 against the gossl
// server; the handler's view of r.TLS comes back as the body.
func TestHTTPServerCurl(t *testing.T) {
	testpeers.Require(t, "curl")
	p := testpeers.NewPKI(t)
	url := startHTTPServer(t, p)
	for _, tc := range []struct{ flag, want string }{
		{"--http2", `HTTP/2.0 alpn="h2" complete=true peer=-`},
		{"--http1.1", `HTTP/1.1 alpn="http/1.1" complete=true peer=-`},
	} {
		t.Run(tc.flag, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			out, err := exec.CommandContext(ctx, "curl", "-sS", "--max-time", "15", tc.flag,
				"--cacert", p.CAFile, url).CombinedOutput()
			if err != nil {
				t.Fatalf("curl %s: %v\n%s", tc.flag, err, out)
			}
			if string(out) != tc.want {
				t.Fatalf("curl %s got %q, want %q", tc.flag, out, tc.want)
			}
		})
	}
}

// TestHTTPTransportGoH2Server: NewHTTPTransport against a crypto/tls
// HTTP/2 server, with a client certificate: h2 by ALPN, resp.TLS set,
// and the server sees the certificate.
func TestHTTPTransportGoH2Server(t *testing.T) {
	p := testpeers.NewPKI(t)
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, tlsSummary(r))
	}))
	ts.EnableHTTP2 = true
	ts.TLS, _ = testpeers.TLSConfigs(p)
	ts.StartTLS()
	defer ts.Close()

	co := clientOpts(p)
	co.CertFile, co.KeyFile = p.CertFile("client-ecdsa"), p.KeyFile("client-ecdsa")
	tr := NewHTTPTransport(co)
	c := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	defer c.CloseIdleConnections()
	url := strings.Replace(ts.URL, "127.0.0.1", "localhost", 1)
	for i := 0; i < 2; i++ { // the second request reuses the connection
		resp, body := getBody(t, c, url)
		want := fmt.Sprintf(`HTTP/2.0 alpn="h2" complete=true peer=%s`, p.TLSCertificate("client-ecdsa").Leaf.Subject.CommonName)
		if body != want {
			t.Errorf("server saw %q, want %q", body, want)
		}
		if resp.ProtoMajor != 2 || resp.TLS == nil || resp.TLS.NegotiatedProtocol != "h2" ||
			len(resp.TLS.PeerCertificates) == 0 || resp.TLS.Version != tls.VersionTLS13 {
			t.Errorf("client: proto %s, TLS %+v", resp.Proto, resp.TLS)
		}
	}
}

// TestHTTPTransportGossl: NewHTTPTransport against the ConfigureServer
// server, with ALPN offering both versions (h2 wins) and only http/1.1.
func TestHTTPTransportGossl(t *testing.T) {
	p := testpeers.NewPKI(t)
	url := startHTTPServer(t, p)
	for _, tc := range []struct {
		alpn []string
		want string
	}{
		{nil, `HTTP/2.0 alpn="h2" complete=true peer=-`},
		{[]string{"http/1.1"}, `HTTP/1.1 alpn="http/1.1" complete=true peer=-`},
	} {
		co := clientOpts(p)
		co.ALPNAdvertisedProtocols = tc.alpn
		c := &http.Client{Transport: NewHTTPTransport(co), Timeout: 10 * time.Second}
		resp, body := getBody(t, c, url)
		if body != tc.want {
			t.Errorf("ALPN %v: server saw %q, want %q", tc.alpn, body, tc.want)
		}
		if resp.TLS == nil || !resp.TLS.HandshakeComplete || len(resp.TLS.PeerCertificates) == 0 {
			t.Errorf("ALPN %v: resp.TLS %+v", tc.alpn, resp.TLS)
		}
		c.CloseIdleConnections()
	}
}

// TestHTTPTransportOpenSSL: NewHTTPTransport against openssl s_server
// -www, which answers HTTP/1.0 and has no ALPN: the h2 attempt falls back
// to HTTP/1.1, and resp.TLS is set.
func TestHTTPTransportOpenSSL(t *testing.T) {
	p := testpeers.NewPKI(t)
	_, addr := testpeers.OpenSSLServer(t, "-cert", p.CertFile("ecdsa"), "-key", p.KeyFile("ecdsa"), "-www")
	port := addr[strings.LastIndex(addr, ":")+1:]
	c := &http.Client{Transport: NewHTTPTransport(clientOpts(p)), Timeout: 10 * time.Second}
	defer c.CloseIdleConnections()
	for i := 0; i < 2; i++ { // the second request goes straight to HTTP/1.1
		resp, body := getBody(t, c, "https://localhost:"+port+"/")
		if resp.StatusCode != 200 || !strings.Contains(body, "Ciphers supported in s_server binary") {
			t.Fatalf("status %d, page:\n%s", resp.StatusCode, body)
		}
		if resp.ProtoMajor != 1 || resp.TLS == nil || resp.TLS.NegotiatedProtocol != "" ||
			len(resp.TLS.PeerCertificates) == 0 || resp.TLS.CipherSuite == 0 {
			t.Errorf("proto %s, resp.TLS %+v", resp.Proto, resp.TLS)
		}
	}
}
