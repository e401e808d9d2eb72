package ssl

import (
	"net"
	"net/netip"

	"github.com/gossl/ssl/internal/dtls"
)

// Connection IDs (RFC 9146) in the root: the listener gives each
// association a CID of Options.DTLSConnectionID bytes, unique among its
// associations, and routes a datagram whose first record carries a CID to
// that association whatever its source address. Such a datagram from a
// new address is delivered with that address; the association adopts it
// only once a record of it authenticates and is newer than every record
// before it (RFC 9146, Section 6), so a forged or replayed datagram
// cannot redirect the association's traffic.

// dispatchCID routes a datagram by its CID, and reports whether it was
// one for this listener's CIDs (delivered, or dropped for an unknown CID:
// a tls12_cid record is never a ClientHello, so it has nothing to screen).
func (l *dtlsListener) dispatchCID(from netip.AddrPort, d []byte) bool {
	cid, ok := dtls.CIDOf(d, l.cidLen)
	if !ok {
		return false
	}
	l.mu.Lock()
	c := l.byCID[string(cid)]
	moved := c != nil && c.key != from
	l.mu.Unlock()
	if c == nil {
		return true
	}
	if moved {
		c.deliver(d, from)
	} else {
		c.deliver(d, netip.AddrPort{})
	}
	return true
}

// assignCIDLocked gives a new association its CID, one no other
// association of the listener has (l.mu held). A random CID of a few
// bytes is unique but for a collision, which only costs a retry.
func (l *dtlsListener) assignCIDLocked(c *dtlsConn) {
	if l.cidLen < 0 {
		return
	}
	for {
		cid := newConnectionID(l.cidLen)
		if l.cidLen == 0 {
			c.localCID = cid
			return
		}
		if l.byCID[string(cid)] == nil {
			c.localCID = cid
			l.byCID[string(cid)] = c
			return
		}
	}
}

// migrate moves the association to the address its last datagram came
// from, when that datagram was routed by CID from a new address and rec,
// one of its records, authenticated as the newest yet (the caller holds
// rmu; rec was opened from the datagram c.from names).
func (c *dtlsConn) migrate(rec dtls.Record) {
	if !c.from.IsValid() || !rec.Newest || rec.Previous {
		return
	}
	to := c.from
	c.from = netip.AddrPort{}
	c.wmu.Lock()
	c.peer = net.UDPAddrFromAddrPort(to)
	c.wmu.Unlock()
	if l := c.ln; l != nil {
		l.mu.Lock()
		if l.assoc[c.key] == c {
			delete(l.assoc, c.key)
		}
		c.key = to
		l.assoc[c.key] = c
		l.mu.Unlock()
	}
}
