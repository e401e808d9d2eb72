package prf

import (
	"crypto/md5"
	"crypto/sha1"
	"hash"
)

// SSL 3.0's Finished and CertificateVerify are not built on its PRF but on
// a nested MD5/SHA-1 construction over the master secret (RFC 6101, 5.6.8
// and 5.6.9). They are here because they need the master secret.

var (
	ssl3SenderClient = []byte{0x43, 0x4c, 0x4e, 0x54} // "CLNT"
	ssl3SenderServer = []byte{0x53, 0x52, 0x56, 0x52} // "SRVR"
)

// SSL3FinishedVerifyData returns the 36-byte SSL 3.0 Finished body
// (RFC 6101, 5.6.9): md5_hash ‖ sha_hash, each
//
//	hash(master_secret + pad2 +
//	     hash(handshake_messages + Sender + master_secret + pad1))
//
// handshakeMessages is Transcript.Bytes().
func SSL3FinishedVerifyData(master []byte, client bool, handshakeMessages []byte) []byte {
	sender := ssl3SenderServer
	if client {
		sender = ssl3SenderClient
	}
	return ssl3Mac(master, sender, handshakeMessages)
}

// SSL3CertificateVerifyHash returns the 36 bytes an SSL 3.0
// CertificateVerify signs (RFC 6101, 5.6.8): the same construction as
// Finished with no Sender. RSA keys sign all 36 bytes, DSA the SHA part.
func SSL3CertificateVerifyHash(master []byte, handshakeMessages []byte) []byte {
	return ssl3Mac(master, nil, handshakeMessages)
}

func ssl3Mac(master, sender, msgs []byte) []byte {
	out := ssl3Part(md5.New(), 48, master, sender, msgs)
	return append(out, ssl3Part(sha1.New(), 40, master, sender, msgs)...)
}

// ssl3Part is one hash of the construction; padLen is 48 for MD5 and 40
// for SHA-1 (RFC 6101, 5.2.3.1).
func ssl3Part(h hash.Hash, padLen int, master, sender, msgs []byte) []byte {
	var pad [48]byte
	for i := range pad {
		pad[i] = 0x36
	}
	h.Write(msgs)
	h.Write(sender)
	h.Write(master)
	h.Write(pad[:padLen])
	inner := h.Sum(nil)

	for i := range pad {
		pad[i] = 0x5c
	}
	h.Reset()
	h.Write(master)
	h.Write(pad[:padLen])
	h.Write(inner)
	return h.Sum(nil)
}
