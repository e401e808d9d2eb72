"""SSL 3.0 peer for gossl's interop tests, on tlslite-ng's API.

  tlslite_ssl3.py server CERT KEY CIPHERS MACS REQCERT
  tlslite_ssl3.py client PORT CIPHERS MACS [CERT KEY]

Both sides allow SSL 3.0 only (minVersion = maxVersion = (3, 0)) with the
given tlslite cipher and MAC names (comma separated, e.g. "aes128,rc4"
and "sha,md5"). The server listens on a port of 127.0.0.1 the system
chooses, prints "READY <port>", accepts one connection, asks for a
client certificate when
REQCERT is "1", and echoes until the client closes. The client connects,
sends "ping", reads the echo and closes. Each prints
"VERSION <major>.<minor> SUITE 0x<id>" after its handshake, and
"ECHO ok" (client) when the echo came back.
"""
import socket
import sys

from tlslite.api import (HandshakeSettings, TLSConnection, X509CertChain,
                         parsePEMKey)


def settings(ciphers, macs):
    s = HandshakeSettings()
    s.minVersion = (3, 0)
    s.maxVersion = (3, 0)
    s.cipherNames = ciphers.split(",")
    s.macNames = macs.split(",")
    return s


def load(cert, key):
    chain = X509CertChain()
    chain.parsePemList(open(cert).read())
    return chain, parsePEMKey(open(key).read(), private=True,
                              implementations=["python"])


def report(conn):
    print("VERSION %d.%d SUITE 0x%04x" % (conn.version[0], conn.version[1],
                                          conn.session.cipherSuite),
          flush=True)


def server(cert, key, ciphers, macs, reqcert):
    chain, pkey = load(cert, key)
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(1)
    print("READY %d" % lsock.getsockname()[1], flush=True)
    sock, _ = lsock.accept()
    sock.settimeout(20)
    conn = TLSConnection(sock)
    conn.handshakeServer(certChain=chain, privateKey=pkey,
                         settings=settings(ciphers, macs),
                         reqCert=reqcert == "1")
    report(conn)
    if conn.session.clientCertChain:
        print("CLIENTCERT yes", flush=True)
    while True:
        data = conn.recv(16384)
        if not data:
            break
        conn.send(data)
    conn.close()


def client(port, ciphers, macs, cert=None, key=None):
    chain, pkey = (None, None)
    if cert:
        chain, pkey = load(cert, key)
    sock = socket.create_connection(("127.0.0.1", int(port)), timeout=20)
    conn = TLSConnection(sock)
    conn.handshakeClientCert(chain, pkey, settings=settings(ciphers, macs),
                             serverName="localhost")
    report(conn)
    msg = b"ping" * 500
    conn.send(msg)
    got = b""
    while len(got) < len(msg):
        data = conn.recv(len(msg) - len(got))
        if not data:
            break
        got += data
    print("ECHO %s" % ("ok" if got == msg else "bad"), flush=True)
    conn.close()


if __name__ == "__main__":
    if sys.argv[1] == "server":
        server(*sys.argv[2:7])
    else:
        client(*sys.argv[2:])
