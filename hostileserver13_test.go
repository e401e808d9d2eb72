package ssl

import (
	"bytes"
	"crypto/ecdh"
	"crypto/rand"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/wire"
)

// A hostile TLS 1.3 server on 127.0.0.1, written record by record: what
// a gossl client does when a server (or whoever is on the path) sends
// what no honest server would.

// readRawRecord reads one record from conn.
func readRawRecord(conn net.Conn) (rawRecord, error) {
	var hdr [5]byte
	if _, err := io.ReadFull(conn, hdr[:]); err != nil {
		return rawRecord{}, err
	}
	r := rawRecord{typ: hdr[0], version: uint16(hdr[1])<<8 | uint16(hdr[2])}
	r.payload = make([]byte, int(hdr[3])<<8|int(hdr[4]))
	_, err := io.ReadFull(conn, r.payload)
	return r, err
}

// readClientHello skips compatibility ChangeCipherSpec records and
// returns the next ClientHello, which must fit one record (gossl's do).
func readClientHello(conn net.Conn) (*wire.ClientHello, error) {
	for {
		r, err := readRawRecord(conn)
		if err != nil {
			return nil, err
		}
		if r.typ == wire.TypeChangeCipherSpec {
			continue
		}
		ch := new(wire.ClientHello)
		if r.typ != wire.TypeHandshake || !ch.Unmarshal(r.payload) {
			return nil, errors.New("not a ClientHello record")
		}
		return ch, nil
	}
}

// hostileServer accepts one connection on 127.0.0.1 and runs script on
// it; what the client sends after the script is returned on the channel
// (up to the client's close or 10 seconds).
func hostileServer(t *testing.T, script func(net.Conn) error) (port int, rest <-chan []byte) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	out := make(chan []byte, 1)
	go func() {
		defer ln.Close()
		conn, err := ln.Accept()
		if err != nil {
			out <- nil
			return
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		if err := script(conn); err != nil {
			t.Errorf("hostile server: %v", err)
			out <- nil
			return
		}
		b, _ := io.ReadAll(conn)
		out <- b
	}()
	t.Cleanup(func() { ln.Close() })
	return ln.Addr().(*net.TCPAddr).Port, out
}

// writeHandshake writes msg in one TLS 1.2-versioned handshake record.
func writeHandshake(conn net.Conn, m wire.Message) error {
	msg, err := m.Marshal()
	if err != nil {
		return err
	}
	_, err = conn.Write(tlsRecord(wire.TypeHandshake, wire.VersionTLS12, msg))
	return err
}

// A server that answers with a HelloRetryRequest and then a ServerHello
// selecting a PSK the client never offered (it had no ticket) used to
// crash the client's process: the PSK checks ran only on a ServerHello
// that came first. Now the client refuses it with illegal_parameter
// (RFC 8446, 4.2.11), in plaintext as it has no handshake keys yet.
func TestClientTLS13HostileServerPSKAfterHRR(t *testing.T) {
	port, rest := hostileServer(t, func(conn net.Conn) error {
		ch, err := readClientHello(conn)
		if err != nil {
			return err
		}
		if err := writeHandshake(conn, &wire.ServerHello{
			Version: wire.VersionTLS12, Random: wire.HelloRetryRequestRandom[:], SessionID: ch.SessionID,
			CipherSuite: 0x1301, SupportedVersion: wire.VersionTLS13, SelectedGroup: wire.GroupSecp256r1,
		}); err != nil {
			return err
		}
		ch2, err := readClientHello(conn)
		if err != nil {
			return err
		}
		if len(ch2.KeyShares) != 1 || ch2.KeyShares[0].Group != wire.GroupSecp256r1 {
			return errors.New("second ClientHello without the secp256r1 share")
		}
		key, err := ecdh.P256().GenerateKey(rand.Reader)
		if err != nil {
			return err
		}
		return writeHandshake(conn, &wire.ServerHello{
			Version: wire.VersionTLS12, Random: bytes.Repeat([]byte{7}, 32), SessionID: ch.SessionID,
			CipherSuite: 0x1301, SupportedVersion: wire.VersionTLS13,
			KeyShare:    wire.KeyShare{Group: wire.GroupSecp256r1, Data: key.PublicKey().Bytes()},
			PSKSelected: true,
		})
	})
	opts := &Options{Verify: VerifyNone, Versions: []Version{"tlsv1.3"}, LogAlert: Bool(false)}
	_, err := Connect("127.0.0.1", port, opts, 10*time.Second)
	wantSentAlert(t, err, "illegal_parameter")
	reply := <-rest
	recs, serr := splitRecords(reply)
	if serr != nil || len(recs) != 1 || recs[0].typ != wire.TypeAlert || !bytes.Equal(recs[0].payload, []byte{2, 47}) {
		t.Fatalf("client sent %x after the ServerHello; want one plaintext fatal illegal_parameter alert", reply)
	}
}
