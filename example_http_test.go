package ssl_test

import (
	"fmt"
	"io"
	"log"
	"net/http"

	ssl "github.com/gossl/ssl"
)

// An HTTPS server over a gossl listener, serving HTTP/2 and HTTP/1.1 by
// ALPN, with r.TLS set on both; fetched here over HTTP/2 by a gossl client.
func ExampleConfigureServer() {
	pki, err := newTestPKI()
	if err != nil {
		log.Fatal(err)
	}
	opts := pki.serverOptions()
	opts.ALPNPreferredProtocols = []string{"h2", "http/1.1"}
	ls, err := ssl.Listen(0, opts)
	if err != nil {
		log.Fatal(ssl.FormatError(err))
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s over %s", r.Proto, r.TLS.NegotiatedProtocol)
	})}
	if err := ssl.ConfigureServer(srv); err != nil {
		log.Fatal(err)
	}
	go srv.Serve(ls)
	defer srv.Close()

	client := &http.Client{Transport: ssl.NewHTTPTransport(pki.clientOptions())}
	defer client.CloseIdleConnections()
	_, body := get(client, fmt.Sprintf("https://localhost:%d/", ls.Port()))
	fmt.Println(body)
	// Output: HTTP/2.0 over h2
}

// A client that fetches HTTPS with gossl: HTTP/2 or HTTP/1.1 as the
// server's ALPN answer decides, resp.TLS set. The server here speaks only
// HTTP/1.1.
func ExampleNewHTTPTransport() {
	pki, err := newTestPKI()
	if err != nil {
		log.Fatal(err)
	}
	opts := pki.serverOptions()
	opts.ALPNPreferredProtocols = []string{"http/1.1"}
	ls, err := ssl.Listen(0, opts)
	if err != nil {
		log.Fatal(ssl.FormatError(err))
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello")
	})}
	go srv.Serve(ls)
	defer srv.Close()

	client := &http.Client{Transport: ssl.NewHTTPTransport(pki.clientOptions())}
	defer client.CloseIdleConnections()
	resp, body := get(client, fmt.Sprintf("https://localhost:%d/", ls.Port()))
	fmt.Println(resp.Proto, resp.TLS.NegotiatedProtocol, body)
	// Output: HTTP/1.1 http/1.1 hello
}

// get fetches url and returns the response with its body read.
func get(client *http.Client, url string) (*http.Response, string) {
	resp, err := client.Get(url)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		log.Fatal(err)
	}
	return resp, string(body)
}
