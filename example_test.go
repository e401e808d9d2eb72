package ssl_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"log"
	"math/big"
	"net"
	"time"

	ssl "github.com/gossl/ssl"
)

// testPKI is a CA and a server certificate for "localhost", made in
// memory for the examples. A real program loads its own (CertFile,
// KeyFile, CACertFile).
type testPKI struct {
	caDER   []byte        // the trust anchor, for the client's CACerts
	certDER []byte        // the server's certificate, signed by the CA
	key     crypto.Signer // the server's private key
}

func newTestPKI() (*testPKI, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "gossl example CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "localhost"},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	certDER, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	return &testPKI{caDER: caDER, certDER: certDER, key: key}, nil
}

// serverOptions listen on 127.0.0.1 only, with the server certificate.
func (p *testPKI) serverOptions() *ssl.Options {
	return &ssl.Options{
		IP:   net.IPv4(127, 0, 0, 1),
		Cert: [][]byte{p.certDER},
		Key:  p.key,
	}
}

// clientOptions trust the example CA. The client verifies the server by
// default (verify_peer), and checks the name "localhost".
func (p *testPKI) clientOptions() *ssl.Options {
	return &ssl.Options{
		CACerts:              [][]byte{p.caDER},
		ServerNameIndication: "localhost",
	}
}

// echoOnce accepts one connection on ls, answers its first message and
// closes it; the result goes to done.
func echoOnce(ls *ssl.ListenSocket, done chan<- error) {
	s, err := ls.TransportAccept(10 * time.Second)
	if err != nil {
		done <- err
		return
	}
	defer s.Close()
	if err := s.Handshake(10 * time.Second); err != nil {
		done <- err
		return
	}
	data, err := s.Recv(0, 10*time.Second)
	if err != nil {
		done <- err
		return
	}
	done <- s.Send(data)
}

func ExampleCipherSuites() {
	// ssl:cipher_suites(default, 'tlsv1.2'): the first few, in
	// preference order.
	for _, cs := range ssl.CipherSuites(ssl.SuitesDefault, ssl.TLSv1_2)[:3] {
		fmt.Println(cs.Name)
		fmt.Println("   ", cs.OpenSSLName, cs.ErlangString())
	}
	// Output:
	// TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
	//     ECDHE-ECDSA-AES256-GCM-SHA384 #{key_exchange => ecdhe_ecdsa, cipher => aes_256_gcm, mac => aead, prf => sha384}
	// TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
	//     ECDHE-RSA-AES256-GCM-SHA384 #{key_exchange => ecdhe_rsa, cipher => aes_256_gcm, mac => aead, prf => sha384}
	// TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256
	//     ECDHE-ECDSA-CHACHA20-POLY1305 #{key_exchange => ecdhe_ecdsa, cipher => chacha20_poly1305, mac => aead, prf => sha256}
}

func ExampleFormatError() {
	// Options are checked before any connection is made, so this fails
	// at once, without touching the network.
	_, err := ssl.Connect("localhost", 443, &ssl.Options{Versions: []ssl.Version{"tlsv9"}}, ssl.Infinity)
	fmt.Println(err)
	fmt.Println(ssl.FormatError(err))

	// An option gossl does not implement yet is refused, never ignored.
	_, err = ssl.Connect("localhost", 443, &ssl.Options{Protocol: "dtls", DelaySend: true}, ssl.Infinity)
	fmt.Println(ssl.FormatError(err))
	// Output:
	// ssl: option versions: tlsv9: unknown protocol version; the versions are tlsv1.3, tlsv1.2, tlsv1.1, tlsv1, sslv3, dtlsv1.2, dtlsv1
	// Invalid value for option versions: tlsv9 (unknown protocol version; the versions are tlsv1.3, tlsv1.2, tlsv1.1, tlsv1, sslv3, dtlsv1.2, dtlsv1)
	// Option delay_send is not supported yet by gossl (value true)
}

func ExampleListen() {
	pki, err := newTestPKI()
	if err != nil {
		log.Fatal(err)
	}
	// ssl:listen(0, Opts): port 0 picks a free port.
	ls, err := ssl.Listen(0, pki.serverOptions())
	if err != nil {
		log.Fatal(ssl.FormatError(err))
	}
	defer ls.Close()

	// A client, in the background.
	go func() {
		s, err := ssl.Connect("127.0.0.1", ls.Port(), pki.clientOptions(), 10*time.Second)
		if err != nil {
			log.Print(ssl.FormatError(err))
			return
		}
		defer s.Close()
		s.Send([]byte("hello"))
		s.Recv(0, 10*time.Second)
	}()

	// ssl:transport_accept/2, then ssl:handshake/2.
	s, err := ls.TransportAccept(10 * time.Second)
	if err != nil {
		log.Fatal(ssl.FormatError(err))
	}
	defer s.Close()
	if err := s.Handshake(10 * time.Second); err != nil {
		log.Fatal(ssl.FormatError(err))
	}
	info, err := s.ConnectionInformation("protocol")
	if err != nil {
		log.Fatal(ssl.FormatError(err))
	}
	fmt.Println("server:", info[0].Key, info[0].Value)

	// ssl:recv(Socket, 0, 10000): whatever has arrived.
	data, err := s.Recv(0, 10*time.Second)
	if err != nil {
		log.Fatal(ssl.FormatError(err))
	}
	fmt.Printf("server got %q\n", data)
	if err := s.Send(data); err != nil {
		log.Fatal(ssl.FormatError(err))
	}
	// Output:
	// server: protocol tlsv1.3
	// server got "hello"
}

func ExampleConnect() {
	pki, err := newTestPKI()
	if err != nil {
		log.Fatal(err)
	}
	ls, err := ssl.Listen(0, pki.serverOptions())
	if err != nil {
		log.Fatal(ssl.FormatError(err))
	}
	defer ls.Close()
	done := make(chan error, 1)
	go echoOnce(ls, done)

	// ssl:connect("127.0.0.1", Port, Opts, 10000). The server is verified
	// against CACerts and the name in ServerNameIndication.
	s, err := ssl.Connect("127.0.0.1", ls.Port(), pki.clientOptions(), 10*time.Second)
	if err != nil {
		log.Fatal(ssl.FormatError(err))
	}
	defer s.Close()
	info, err := s.ConnectionInformation("protocol", "cipher_suite")
	if err != nil {
		log.Fatal(ssl.FormatError(err))
	}
	for _, it := range info {
		fmt.Println(it.Key, it.Value)
	}

	if err := s.Send([]byte("ping")); err != nil {
		log.Fatal(ssl.FormatError(err))
	}
	// Exactly four bytes: ssl:recv(Socket, 4, 10000).
	reply, err := s.Recv(4, 10*time.Second)
	if err != nil {
		log.Fatal(ssl.FormatError(err))
	}
	fmt.Printf("echo %q\n", reply)
	if err := <-done; err != nil {
		log.Fatal(ssl.FormatError(err))
	}
	// Output:
	// protocol tlsv1.3
	// cipher_suite TLS_AES_256_GCM_SHA384
	// echo "ping"
}
