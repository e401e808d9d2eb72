package prf

import (
	"errors"
	"strings"
)

// Sizes fixed by the protocol.
const (
	// MasterSecretLen is the length of the master secret (RFC 5246, 8.1).
	MasterSecretLen = 48
	// VerifyDataLen is the length of Finished.verify_data before TLS 1.3
	// for every suite gossl implements (RFC 5246, 7.4.9).
	VerifyDataLen = 12
)

// Labels (RFC 5246, 8.1, 6.3 and 7.4.9; RFC 7627, 4).
const (
	labelMaster         = "master secret"
	labelExtendedMaster = "extended master secret"
	labelKeyExpansion   = "key expansion"
	labelClientFinished = "client finished"
	labelServerFinished = "server finished"
)

// MasterSecret derives the 48-byte master secret (RFC 5246, 8.1):
//
//	PRF(pre_master_secret, "master secret",
//	    ClientHello.random + ServerHello.random)[0..47]
func MasterSecret(f Func, premaster, clientRandom, serverRandom []byte) []byte {
	out := make([]byte, MasterSecretLen)
	f(premaster, labelMaster, concat(clientRandom, serverRandom), out)
	return out
}

// ExtendedMasterSecret derives the master secret bound to the handshake
// (RFC 7627, 4): PRF(pre_master_secret, "extended master secret",
// session_hash)[0..47], where session_hash is the transcript hash up to and
// including ClientKeyExchange, taken with HashForVersion's hash.
func ExtendedMasterSecret(f Func, premaster, sessionHash []byte) []byte {
	out := make([]byte, MasterSecretLen)
	f(premaster, labelExtendedMaster, sessionHash, out)
	return out
}

// KeyBlock is the key material of RFC 5246, 6.3, already cut into its
// parts. A part the suite does not use (the MACs of an AEAD, the IVs of a
// TLS 1.1+ CBC suite) has length zero.
type KeyBlock struct {
	ClientMAC, ServerMAC []byte
	ClientKey, ServerKey []byte
	ClientIV, ServerIV   []byte
}

// Keys runs key expansion (RFC 5246, 6.3):
//
//	key_block = PRF(master_secret, "key expansion",
//	                server_random + client_random)
//
// and partitions it as client MAC, server MAC, client key, server key,
// client IV, server IV, with the given lengths. Note the seed order, the
// reverse of MasterSecret's.
func Keys(f Func, master, clientRandom, serverRandom []byte, macLen, keyLen, ivLen int) KeyBlock {
	block := make([]byte, 2*(macLen+keyLen+ivLen))
	f(master, labelKeyExpansion, concat(serverRandom, clientRandom), block)
	next := func(n int) []byte {
		// Full slice expressions keep one part from growing into the next.
		p := block[:n:n]
		block = block[n:]
		return p
	}
	var kb KeyBlock
	kb.ClientMAC = next(macLen)
	kb.ServerMAC = next(macLen)
	kb.ClientKey = next(keyLen)
	kb.ServerKey = next(keyLen)
	kb.ClientIV = next(ivLen)
	kb.ServerIV = next(ivLen)
	return kb
}

// FinishedVerifyData computes Finished.verify_data (RFC 5246, 7.4.9):
//
//	PRF(master_secret, finished_label, Hash(handshake_messages))[0..11]
//
// with finished_label "client finished" or "server finished" for the side
// that sends it. handshakeHash is Transcript.Sum(HashForVersion(...)).
func FinishedVerifyData(f Func, master []byte, client bool, handshakeHash []byte) []byte {
	label := labelServerFinished
	if client {
		label = labelClientFinished
	}
	out := make([]byte, VerifyDataLen)
	f(master, label, handshakeHash, out)
	return out
}

// reservedLabels are the PRF labels of RFC 5705, 4 that an exporter must
// not use, because their output is the connection's own secrets or
// Finished values.
var reservedLabels = []string{
	labelClientFinished,
	labelServerFinished,
	labelMaster,
	labelExtendedMaster,
	labelKeyExpansion,
}

// Export is the keying-material exporter of RFC 5705, 4:
//
//	PRF(SecurityParameters.master_secret, label,
//	    SecurityParameters.client_random +
//	    SecurityParameters.server_random [+ context_value_length +
//	    context_value])[length]
//
// hasContext tells "no context" (nothing appended) from an empty context
// (a zero length appended), which RFC 5705 keeps distinct. The labels the
// handshake itself uses are refused, and so is a context of 2^16 bytes or
// more, which the 16-bit length cannot express. Exporters exist only from
// TLS 1.0 on: do not call Export with SSL 3.0's Func, which ignores labels.
func Export(f Func, master, clientRandom, serverRandom []byte, label string, context []byte, hasContext bool, n int) ([]byte, error) {
	if f == nil {
		return nil, errors.New("prf: exporter not defined for this protocol version")
	}
	for _, r := range reservedLabels {
		if strings.EqualFold(label, r) {
			return nil, errors.New("prf: exporter label is reserved")
		}
	}
	if n < 0 {
		return nil, errors.New("prf: negative exporter length")
	}
	seed := concat(clientRandom, serverRandom)
	if hasContext {
		if len(context) >= 1<<16 {
			return nil, errors.New("prf: exporter context too long")
		}
		seed = append(seed, byte(len(context)>>8), byte(len(context)))
		seed = append(seed, context...)
	}
	out := make([]byte, n)
	f(master, label, seed, out)
	return out, nil
}

func concat(a, b []byte) []byte {
	out := make([]byte, 0, len(a)+len(b)+2)
	return append(append(out, a...), b...)
}
