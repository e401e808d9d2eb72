package ssl

import (
	"net"
	"strconv"

	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

// isDTLS reports whether o asks for DTLS ({protocol, dtls}).
func (o *Options) isDTLS() bool { return o != nil && o.Protocol == "dtls" }

// defaultDTLSVersions is {versions, ...} for DTLS when not given: DTLS
// 1.2 only, as in OTP.
var defaultDTLSVersions = []Version{DTLSv1_2}

// resolveDTLSVersions turns DTLS versions into the TLS versions the
// handshake machines run inside (DTLS 1.2 is TLS 1.2, DTLS 1.0 is TLS
// 1.1: handshake.Config.DTLS), highest first.
func resolveDTLSVersions(vs []Version) ([]uint16, error) {
	if vs == nil {
		vs = defaultDTLSVersions
	}
	if len(vs) == 0 {
		return nil, badOption("versions", "[]", "no version given")
	}
	var out []uint16
	for _, v := range vs {
		switch v {
		case DTLSv1_2:
			out = append(out, wire.VersionTLS12)
		case DTLSv1:
			out = append(out, wire.VersionTLS11)
		default:
			if knownVersions[v] {
				return nil, badOption("versions", v, "not a DTLS version: {protocol, dtls} takes dtlsv1.2 and dtlsv1")
			}
			return nil, badOption("versions", v, "unknown protocol version")
		}
	}
	sortDescUnique(&out)
	return out, nil
}

// checkTLSVersions refuses DTLS versions without {protocol, dtls}.
func checkTLSVersions(vs []Version) error {
	for _, v := range vs {
		if v == DTLSv1 || v == DTLSv1_2 {
			return badOption("versions", v, "a DTLS version needs {protocol, dtls}")
		}
	}
	return nil
}

// dtlsSuites leaves out the suites DTLS cannot use: stream ciphers,
// whose key stream a lost datagram would desynchronise (RFC 6347,
// Section 4.1.2.2).
func dtlsSuites(list []*suites.Suite) ([]*suites.Suite, error) {
	var out []*suites.Suite
	for _, s := range list {
		if info := s.Cipher.Info(); info.AEAD || info.BlockSize > 0 {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil, badOption("ciphers", "", "no cipher suite usable with DTLS (stream ciphers are not)")
	}
	return out, nil
}

// checkDTLSSocketOptions refuses the socket options a DTLS socket does
// not take: a datagram protocol keeps its own message boundaries (one
// record per Recv or active message), so packet is raw only, and it
// writes each record at once (no delay_send). Active modes, mode and
// header work as for TLS.
func (o *Options) checkDTLSSocketOptions() error {
	if o.DTLSMTU < 0 || o.DTLSMTU > 65507 {
		return badOption("dtls_mtu", o.DTLSMTU, "must be 0 (the default) up to 65507")
	}
	if o.DTLSRetransmitTimeout < 0 {
		return badOption("dtls_retransmit_timeout", o.DTLSRetransmitTimeout, "must be a non-negative duration")
	}
	st, err := o.initialSockState()
	if err != nil {
		return err
	}
	if err := checkDTLSSockState(st); err != nil {
		return err
	}
	if o.CbInfo != nil {
		return notSupported("cb_info", "with {protocol, dtls}")
	}
	return nil
}

// dialDTLS opens a client association to host:port over a connected UDP
// socket (RFC 6347 runs over any datagram transport; UDP is the one
// Connect uses).
func dialDTLS(host string, port int, local net.IP, o *Options, res *resolved) (net.Conn, error) {
	d := net.Dialer{}
	if local != nil {
		d.LocalAddr = &net.UDPAddr{IP: local}
	}
	conn, err := d.Dial("udp", net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		return nil, err
	}
	return dtlsOver(conn, o, res), nil
}

// dtlsOver makes a DTLS association over a connected datagram transport
// of the caller's (ConnectConn, HandshakeConn: cb_info's custom
// transports). A net.Conn that is not a net.PacketConn is taken to keep
// message boundaries, each Write one datagram and each Read one whole
// datagram (a connected UDP socket, a pipe read with room enough). No
// cookie exchange: the transport is the caller's, and so is the peer.
func dtlsOver(conn net.Conn, o *Options, res *resolved) *dtlsConn {
	pc, ok := conn.(net.PacketConn)
	if !ok {
		pc = datagramConn{conn}
	}
	c := newDTLSConn(pc, conn.RemoteAddr(), o.DTLSMTU, o.DTLSRetransmitTimeout, res.hs.MaxHandshakeSize)
	c.owned = true
	if o.DTLSConnectionID != nil {
		c.localCID = newConnectionID(*o.DTLSConnectionID)
	}
	return c
}

// datagramConn is a message-preserving net.Conn seen as a
// net.PacketConn whose only peer is the connection's.
type datagramConn struct{ net.Conn }

func (d datagramConn) ReadFrom(p []byte) (int, net.Addr, error) {
	n, err := d.Read(p)
	return n, d.RemoteAddr(), err
}

func (d datagramConn) WriteTo(p []byte, _ net.Addr) (int, error) { return d.Write(p) }

// checkDTLSSockState refuses the socket options a DTLS socket does not
// take, at Connect and Listen and at Setopts.
func checkDTLSSockState(st sockState) error {
	switch {
	case st.packet != packetRaw:
		return badOption("packet", packetName(st.packet), "a DTLS socket takes packet raw (0) only: each record is one message already")
	case st.delaySend:
		return notSupportedBecause("delay_send", true, "not with {protocol, dtls}: each record is a datagram, sent at once")
	}
	return nil
}

// packetName is the packet option's value as Getopts reports it.
func packetName(p int) any {
	switch p {
	case packetRaw:
		return 0
	case packetLine:
		return "line"
	}
	if name := headerPacketName(p); name != "" {
		return name
	}
	return p
}
