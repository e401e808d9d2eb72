package wire

import (
	"crypto/sha256"
	"crypto/tls"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestWriteFuzzCorpus regenerates the seed corpus in testdata/fuzz from
// the sample messages, the hand-built vectors, the captured OpenSSL and
// GnuTLS ClientHellos and fresh crypto/tls handshakes. It runs only when
// WIRE_WRITE_FUZZ_CORPUS=1.
func TestWriteFuzzCorpus(t *testing.T) {
	if os.Getenv("WIRE_WRITE_FUZZ_CORPUS") != "1" {
		t.Skip("set WIRE_WRITE_FUZZ_CORPUS=1 to regenerate testdata/fuzz")
	}
	fuzzName := map[uint8]string{
		TypeClientHello: "FuzzClientHello", TypeServerHello: "FuzzServerHello",
		TypeCertificate: "FuzzCertificate", TypeCertificateRequest: "FuzzCertificateRequest",
		TypeCertificateVerify: "FuzzCertificateVerify", TypeServerKeyExchange: "FuzzKeyExchange",
		TypeClientKeyExchange: "FuzzKeyExchange", TypeFinished: "FuzzFinished",
		TypeServerHelloDone: "FuzzEmptyMessages", TypeHelloRequest: "FuzzEmptyMessages",
		TypeEndOfEarlyData: "FuzzEmptyMessages", TypeNewSessionTicket: "FuzzNewSessionTicket",
		TypeEncryptedExtensions: "FuzzEncryptedExtensions", TypeKeyUpdate: "FuzzKeyUpdate",
		TypeNextProtocol: "FuzzNextProtocol", TypeHelloVerifyRequest: "FuzzHelloVerifyRequest",
		TypeCertificateStatus: "FuzzCertificateStatus",
	}
	write := func(target, name string, args ...[]byte) {
		dir := filepath.Join("testdata", "fuzz", target)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		content := "go test fuzz v1\n"
		h := sha256.New()
		for _, a := range args {
			content += fmt.Sprintf("[]byte(%q)\n", a)
			h.Write(a)
		}
		file := filepath.Join(dir, fmt.Sprintf("%s-%x", name, h.Sum(nil)[:4]))
		if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	seed := func(name string, msg []byte) {
		if target, ok := fuzzName[msg[0]]; ok {
			write(target, name, msg)
		}
	}
	for i, m := range sampleMessages() {
		b, err := m.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		seed(fmt.Sprintf("sample%02d", i), b)
	}
	for i, v := range vectors {
		seed(fmt.Sprintf("vector%02d", i), unhex(t, v.hex))
	}
	seed("openssl", unhex(t, opensslClientHello))
	seed("gnutls", unhex(t, gnutlsClientHello))

	cert := selfSigned(t, "example.com")
	scfg := &tls.Config{Certificates: []tls.Certificate{cert}, MaxVersion: tls.VersionTLS12,
		ClientAuth: tls.RequireAnyClientCert, NextProtos: []string{"h2"}}
	ccfg := &tls.Config{ServerName: "example.com", InsecureSkipVerify: true, Certificates: []tls.Certificate{cert},
		MaxVersion: tls.VersionTLS12, NextProtos: []string{"h2"}, ClientSessionCache: tls.NewLRUClientSessionCache(1)}
	client, server := goHandshake(t, ccfg, scfg, false)
	var flight []byte
	for i, msg := range append(client, server...) {
		seed(fmt.Sprintf("gotls12-%02d", i), msg)
		flight = append(flight, msg...)
	}
	client, server = goHandshake(t, ccfg, scfg, false)
	for i, msg := range append(client, server...) {
		seed(fmt.Sprintf("gotls12-resume-%02d", i), msg)
	}
	scfg13 := &tls.Config{Certificates: []tls.Certificate{cert}, CurvePreferences: []tls.CurveID{tls.CurveP384}}
	client, server = goHandshake(t, &tls.Config{ServerName: "example.com", InsecureSkipVerify: true}, scfg13, true)
	for i, msg := range append(client, server...) {
		seed(fmt.Sprintf("gotls13-hrr-%02d", i), msg)
	}

	write("FuzzHandshakeBuffer", "flight-whole", flight, nil)
	write("FuzzHandshakeBuffer", "flight-cut", flight, []byte{0, 2, 3, 4, 200, 255, 17, 1})
	write("FuzzHandshakeBuffer", "too-large", append([]byte{11, 0, 0x10, 1}, make([]byte, 100)...), []byte{2})
	write("FuzzDTLSHeader", "client-hello", MarshalDTLSHeader(DTLSHeader{Type: 1, Length: 300, MessageSeq: 0, FragmentOffset: 0, FragmentLength: 300}))
	write("FuzzDTLSHeader", "fragment", MarshalDTLSHeader(DTLSHeader{Type: 11, Length: 3000, MessageSeq: 2, FragmentOffset: 1200, FragmentLength: 1200}))
}
