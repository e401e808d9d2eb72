package main

import (
	"crypto/tls"
	"errors"
	"net"
	"strings"
	"sync"
	"time"

	ssl "github.com/gossl/ssl"
)

// Connections for gossl bench: each implementation's settings for a
// profile, and connected pairs over loopback or the in-memory pipe.

func (b *bench) gosslOpts(p profile, server bool) *ssl.Options {
	o := &ssl.Options{LogAlert: ssl.Bool(false), HibernateAfter: p.hib, DelaySend: p.delay}
	if p.v13 {
		o.Versions = []ssl.Version{ssl.TLSv1_3}
		o.SupportedGroups = []string{p.group}
	} else if strings.HasPrefix(p.group, "ffdhe") {
		// TLS 1.2 DHE: the ffdhe group both sides use (RFC 7919).
		o.Versions = []ssl.Version{ssl.TLSv1_2}
		o.SupportedGroups = []string{p.group}
	} else {
		o.Versions = []ssl.Version{ssl.TLSv1_2}
		o.Eccs = []string{p.group}
	}
	o.Ciphers = []string{p.suite}
	switch p.resume {
	case "":
		// Full handshakes only: no tickets, and no session kept (a
		// gossl client keeps TLS 1.2 sessions by default).
		o.SessionTickets = "disabled"
		o.ReuseSessions = ssl.Bool(false)
	case "session-id":
		o.SessionTickets = "disabled"
	case "ticket":
		if server && !p.v13 {
			// The server keeps no session: only the ticket can resume.
			o.ReuseSessions = ssl.Bool(false)
		}
	}
	if p.srpGroup != "" {
		srpBenchUser(o, p.srpGroup, server)
	}
	if p.psk {
		pskBenchKeys(o, server)
	}
	if server {
		l := b.certs[p.key]
		o.Cert, o.Key = l.chain, l.key
		if p.redis != nil {
			p.redis.Apply(o)
		}
	} else if p.noVerify {
		o.Verify = ssl.VerifyNone
	} else {
		o.Verify = ssl.VerifyPeer
		o.CACerts = b.ca
		o.ServerNameIndication = "localhost"
	}
	return o
}

// srpBenchUser makes o log in as (client) or know (server) one SRP user
// in group; the server derives the user's record here, once per
// configuration, as serve --srp-file does at start.
func srpBenchUser(o *ssl.Options, group string, server bool) {
	const user, password = "bench", "bench password"
	if !server {
		o.SRPIdentity = [2]string{user, password}
		return
	}
	v, err := ssl.NewSRPVerifier(group, user, password)
	if err != nil {
		panic(err) // group is one of this file's constants
	}
	o.UserLookupFun = &ssl.UserLookupFun{Fun: func(kind ssl.LookupKind, name string, _ any) (ssl.LookupResult, error) {
		if kind == ssl.LookupSRP && name == user {
			return v, nil
		}
		return nil, errors.New("unknown user")
	}}
}

func (b *bench) ctConfig(p profile, server bool) *tls.Config {
	c := &tls.Config{CurvePreferences: []tls.CurveID{p.ctGroup}}
	if p.v13 {
		c.MinVersion, c.MaxVersion = tls.VersionTLS13, tls.VersionTLS13
	} else {
		c.MinVersion, c.MaxVersion = tls.VersionTLS12, tls.VersionTLS12
		c.CipherSuites = []uint16{p.ctSuite}
	}
	if server {
		l := b.certs[p.key]
		c.Certificates = []tls.Certificate{{Certificate: l.chain, PrivateKey: l.key}}
		c.SessionTicketsDisabled = p.resume != "ticket"
	} else {
		c.RootCAs = b.roots
		c.ServerName = "localhost"
		if p.resume == "ticket" {
			c.ClientSessionCache = tls.NewLRUClientSessionCache(16)
		}
	}
	return c
}

// tlsOver returns a connected transport pair (rawPair) and ct's or
// gossl's client and server over it (tlsPair, configured for p alone).
func (b *bench) tlsOver(transport string, ct bool, p profile) (rc, rs, c, s net.Conn, err error) {
	if rc, rs, err = rawPair(transport); err != nil {
		return nil, nil, nil, nil, err
	}
	if c, s, err = b.tlsPair(ct, p, nil, rc, rs); err != nil {
		rc.Close()
		rs.Close()
		return nil, nil, nil, nil, err
	}
	return rc, rs, c, s, nil
}

// rawPair returns two connected transports.
func rawPair(transport string) (net.Conn, net.Conn, error) {
	if transport == "pipe" {
		a, b := memPipe()
		return a, b, nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	defer ln.Close()
	type res struct {
		c   net.Conn
		err error
	}
	ch := make(chan res, 1)
	go func() { c, err := ln.Accept(); ch <- res{c, err} }()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		return nil, nil, err
	}
	r := <-ch
	if r.err != nil {
		c.Close()
		return nil, nil, r.err
	}
	return c, r.c, nil
}

// pairConfigs is the configuration of both ends of a row's connections,
// made once and shared by all of them, as a real server and client share
// theirs: a configuration made per connection would count as part of
// each connection's memory.
type pairConfigs struct {
	ctServer, ctClient *tls.Config
	server, client     *ssl.Options
}

func (b *bench) pairConfigs(p profile) *pairConfigs {
	return &pairConfigs{
		ctServer: b.ctConfig(p, true), ctClient: b.ctConfig(p, false),
		server: b.gosslOpts(p, true), client: b.gosslOpts(p, false),
	}
}

// tlsPair runs the handshake of both ends over a raw pair, with cfg (nil:
// configurations made for this pair).
func (b *bench) tlsPair(ct bool, p profile, cfg *pairConfigs, rc, rs net.Conn) (net.Conn, net.Conn, error) {
	if cfg == nil {
		cfg = b.pairConfigs(p)
	}
	var srv net.Conn
	errc := make(chan error, 1)
	if ct {
		s := tls.Server(rs, cfg.ctServer)
		srv = s
		go func() { errc <- s.Handshake() }()
		c := tls.Client(rc, cfg.ctClient)
		if err := c.Handshake(); err != nil {
			rc.Close()
			rs.Close()
			<-errc
			return nil, nil, err
		}
		if err := <-errc; err != nil {
			rc.Close()
			return nil, nil, err
		}
		if err := checkChaCha(p, c); err != nil {
			rc.Close()
			rs.Close()
			return nil, nil, err
		}
		return c, srv, nil
	}
	go func() {
		s, err := ssl.HandshakeConn(rs, cfg.server, 10*time.Second)
		srv = s
		errc <- err
	}()
	c, err := ssl.ConnectConn(rc, cfg.client, 10*time.Second)
	if err != nil {
		rc.Close()
		rs.Close()
		<-errc
		return nil, nil, err
	}
	if err := <-errc; err != nil {
		rc.Close()
		return nil, nil, err
	}
	return c, srv, nil
}

// serveEach accepts connections on ln until it is closed, each served by
// serve on a goroutine of its own and closed after it. stop closes ln
// and waits for every connection.
func serveEach(ln net.Listener, serve func(net.Conn)) (stop func()) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				serve(c)
			}()
		}
	}()
	return func() { ln.Close(); wg.Wait() }
}
