package ssl

import (
	"crypto/tls"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// BenchmarkHandshakeLoopback is one connection per op over loopback TCP,
// as gossl bench's handshake rows: dial, handshake, a one-byte echo (so
// the server has finished too), close. Both ends run in this process, so
// ns/op is the wall time of a handshake with client and server sharing
// the CPUs. gossl and crypto/tls run in the same benchmark for a ratio;
// the resumed variants resume every connection with a TLS 1.3 ticket.
func BenchmarkHandshakeLoopback(b *testing.B) {
	p := testpeers.NewPKI(b)
	for _, tc := range []struct {
		name, key, group string
		ctGroup          tls.CurveID
		resume           bool
	}{
		{"tls13-ecdsa-p256-x25519", "ecdsa", "x25519", tls.X25519, false},
		{"tls13-rsa2048-x25519", "rsa", "x25519", tls.X25519, false},
		{"tls13-ecdsa-p256-x25519mlkem768", "ecdsa", "x25519mlkem768", tls.X25519MLKEM768, false},
		{"resumed-tls13-ecdsa-x25519", "ecdsa", "x25519", tls.X25519, true},
	} {
		b.Run("gossl/"+tc.name, func(b *testing.B) {
			so := &Options{CertFile: p.CertFile(tc.key), KeyFile: p.KeyFile(tc.key), Versions: []Version{TLSv1_3},
				SupportedGroups: []string{tc.group}, LogAlert: Bool(false)}
			co := &Options{CACertFile: p.CAFile, ServerNameIndication: "localhost", Versions: []Version{TLSv1_3},
				SupportedGroups: []string{tc.group}, LogAlert: Bool(false)}
			if !tc.resume {
				so.SessionTickets, co.SessionTickets = "disabled", "disabled"
			}
			ls, err := Listen(0, so)
			if err != nil {
				b.Fatal(err)
			}
			defer ls.Close()
			go serveOneByte(ls)
			addr := ls.Addr().String()
			benchConnections(b, tc.resume, func() (net.Conn, error) {
				rc, err := net.Dial("tcp", addr)
				if err != nil {
					return nil, err
				}
				return ConnectConn(rc, co, 10*time.Second)
			}, func(c net.Conn) bool {
				info, err := c.(*Socket).ConnectionInformation("session_resumption")
				return err == nil && len(info) == 1 && info[0].Value == true
			})
		})
		b.Run("crypto-tls/"+tc.name, func(b *testing.B) {
			certDER, key := p.Cert(tc.key)
			ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{
				Certificates: []tls.Certificate{{Certificate: [][]byte{certDER}, PrivateKey: key}},
				MinVersion:   tls.VersionTLS13, CurvePreferences: []tls.CurveID{tc.ctGroup},
				SessionTicketsDisabled: !tc.resume,
			})
			if err != nil {
				b.Fatal(err)
			}
			defer ln.Close()
			go serveOneByte(ln)
			cfg := &tls.Config{RootCAs: p.CertPool(), ServerName: "localhost", MinVersion: tls.VersionTLS13,
				CurvePreferences: []tls.CurveID{tc.ctGroup}}
			if tc.resume {
				cfg.ClientSessionCache = tls.NewLRUClientSessionCache(4)
			}
			addr := ln.Addr().String()
			benchConnections(b, tc.resume, func() (net.Conn, error) {
				rc, err := net.Dial("tcp", addr)
				if err != nil {
					return nil, err
				}
				c := tls.Client(rc, cfg)
				if err := c.Handshake(); err != nil {
					rc.Close()
					return nil, err
				}
				return c, nil
			}, func(c net.Conn) bool { return c.(*tls.Conn).ConnectionState().DidResume })
		})
	}
}

// serveOneByte echoes one byte on each connection, then waits for the
// client to close.
func serveOneByte(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			c.SetDeadline(time.Now().Add(10 * time.Second))
			var one [1]byte
			if _, err := io.ReadFull(c, one[:]); err != nil {
				return
			}
			if _, err := c.Write(one[:]); err != nil {
				return
			}
			c.Read(one[:])
		}()
	}
}

func benchConnections(b *testing.B, resume bool, dial func() (net.Conn, error), resumed func(net.Conn) bool) {
	one := func() net.Conn {
		c, err := dial()
		if err != nil {
			b.Fatal(err)
		}
		var x [1]byte
		if _, err := c.Write(x[:]); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(c, x[:]); err != nil {
			b.Fatal(err)
		}
		return c
	}
	one().Close() // warm-up, and the first ticket
	// Connections close in the background, as in gossl bench: a close
	// is not part of the handshake (and a gossl Close waits up to a
	// millisecond for unread input, see dropUnread).
	var closers sync.WaitGroup
	defer closers.Wait()
	b.ReportAllocs()
	for b.Loop() {
		c := one()
		if resume && !resumed(c) {
			b.Fatal("a connection did not resume")
		}
		closers.Go(func() { c.Close() })
	}
}
