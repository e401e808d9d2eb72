package ssl

import (
	"bytes"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// sniConnect connects to port with SNI name (verify_none: the test
// leaves are for localhost) and returns the server's certificate, the
// client's information and the server's sni_hostname.
func sniConnect(t *testing.T, port int, version Version, name string) (peer []byte, sig string) {
	t.Helper()
	co := &Options{Verify: VerifyNone, ServerNameIndication: name, Versions: []Version{version}}
	s, err := Connect("127.0.0.1", port, co, 10*time.Second)
	if err != nil {
		t.Fatalf("Connect with SNI %q: %v", name, err)
	}
	defer s.Close()
	peer, err = s.Peercert()
	if err != nil {
		t.Fatal(err)
	}
	info, _ := s.ConnectionInformation("signature_algorithm")
	if len(info) == 1 {
		sig, _ = info[0].Value.(string)
	}
	// The echo proves the connection works with that certificate.
	if err := s.Send([]byte("sni")); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Recv(3, 5*time.Second); err != nil || string(got) != "sni" {
		t.Fatalf("echo: %q, %v", got, err)
	}
	return peer, sig
}

// sniServer serves echo connections with opts until the test ends.
func sniServer(t *testing.T, opts *Options) int {
	t.Helper()
	return serveEach(t, opts, func(s *Socket) {
		if s.Handshake(5*time.Second) != nil {
			return
		}
		for {
			b, err := s.Recv(0, 5*time.Second)
			if err != nil || s.Send(b) != nil {
				return
			}
		}
	})
}

func TestSNIHosts(t *testing.T) {
	p := testpeers.NewPKI(t)
	rsaDER, rsaKey := p.Cert("rsa")
	ecDER, ecKey := p.Cert("ecdsa")
	edDER, _ := p.Cert("ed25519")
	bases := []struct {
		name string
		opts func() *Options
	}{
		{"base_certfile", func() *Options { return serverOpts(p, "rsa") }},
		// A base certificate given as DER is replaced by a name's
		// certificate file too, although Cert wins over CertFile in
		// one set of options.
		{"base_der", func() *Options {
			return &Options{Cert: [][]byte{rsaDER}, Key: rsaKey, IP: net.IPv4(127, 0, 0, 1)}
		}},
	}
	for _, b := range bases {
		for _, v := range []Version{TLSv1_2, TLSv1_3} {
			t.Run(b.name+"_"+string(v), func(t *testing.T) {
				o := b.opts()
				o.SNIHosts = map[string]*Options{
					"ec.example":      {CertFile: p.CertFile("ecdsa"), KeyFile: p.KeyFile("ecdsa")},
					"der.example.":    {Cert: [][]byte{ecDER}, Key: ecKey},
					"Ed25519.Example": {CertFile: p.CertFile("ed25519"), KeyFile: p.KeyFile("ed25519")},
				}
				port := sniServer(t, o)
				cases := []struct {
					sni  string
					want []byte
				}{
					{"ec.example", ecDER},
					{"EC.Example", ecDER},  // names compare without case
					{"der.example", ecDER}, // and without the final dot
					{"ed25519.example", edDER},
					{"other.example", rsaDER}, // a name not listed: the base
					{"disable", rsaDER},       // no SNI at all
				}
				for _, c := range cases {
					peer, sig := sniConnect(t, port, v, c.sni)
					if !bytes.Equal(peer, c.want) {
						t.Errorf("SNI %q (signature %s): server presented another certificate", c.sni, sig)
					}
				}
			})
		}
	}
}

func TestSNIFun(t *testing.T) {
	p := testpeers.NewPKI(t)
	rsaDER, _ := p.Cert("rsa")
	ecDER, _ := p.Cert("ecdsa")
	asked := make(chan string, 16)
	o := serverOpts(p, "rsa")
	o.SNIFun = func(name string) *Options {
		asked <- name
		if name == "ec.example" {
			return &Options{CertFile: p.CertFile("ecdsa"), KeyFile: p.KeyFile("ecdsa")}
		}
		return nil
	}
	port := sniServer(t, o)
	for _, v := range []Version{TLSv1_2, TLSv1_3} {
		if peer, _ := sniConnect(t, port, v, "ec.example"); !bytes.Equal(peer, ecDER) {
			t.Errorf("%s: sni_fun's certificate not used", v)
		}
		if peer, _ := sniConnect(t, port, v, "plain.example"); !bytes.Equal(peer, rsaDER) {
			t.Errorf("%s: the base certificate not used for a name sni_fun has nothing for", v)
		}
	}
	// The fun sees the names, lower-cased.
	close(asked)
	var names []string
	for n := range asked {
		names = append(names, n)
	}
	if len(names) == 0 || names[0] != "ec.example" {
		t.Errorf("sni_fun called with %v", names)
	}

	// sni_hosts and sni_fun exclude each other.
	o = serverOpts(p, "rsa")
	o.SNIFun = func(string) *Options { return nil }
	o.SNIHosts = map[string]*Options{"a.example": {}}
	if _, err := Listen(0, o); err == nil {
		t.Error("Listen with sni_hosts and sni_fun succeeded")
	}
}

// TestSNIHostsCheckedAtListen: a bad certificate of one name fails
// Listen, naming sni_hosts, the host and the file.
func TestSNIHostsCheckedAtListen(t *testing.T) {
	p := testpeers.NewPKI(t)
	o := serverOpts(p, "rsa")
	o.SNIHosts = map[string]*Options{
		"good.example": {CertFile: p.CertFile("ecdsa"), KeyFile: p.KeyFile("ecdsa")},
		"bad.example":  {CertFile: "/nonexistent/bad.pem"},
	}
	ls, err := Listen(0, o)
	if err == nil {
		ls.Close()
		t.Fatal("Listen accepted a missing sni_hosts certificate file")
	}
	var oe *OptionError
	msg := FormatError(err)
	if !errors.As(err, &oe) || oe.Name != "sni_hosts" || !strings.Contains(msg, "bad.example") || !strings.Contains(msg, "/nonexistent/bad.pem") {
		t.Errorf("Listen: %v (%T); want an sni_hosts option error naming the host and the file", msg, err)
	}
}
