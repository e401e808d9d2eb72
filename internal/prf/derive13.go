package prf

import (
	"crypto"
	"crypto/hmac"
	"errors"
)

// What TLS 1.3 derives from a traffic secret or another schedule output
// (RFC 8446, 4.4.4, 4.6.1, 4.6.3, 7.3 and 7.5).

// TrafficKeys derives the record protection key and IV from a traffic
// secret (RFC 8446, 7.3):
//
//	[sender]_write_key = HKDF-Expand-Label(Secret, "key", "", key_length)
//	[sender]_write_iv  = HKDF-Expand-Label(Secret, "iv", "", iv_length)
func TrafficKeys(h crypto.Hash, secret []byte, keyLen, ivLen int) (key, iv []byte) {
	return HKDFExpandLabel(h, secret, "key", nil, keyLen),
		HKDFExpandLabel(h, secret, "iv", nil, ivLen)
}

// finishedKey is HKDF-Expand-Label(BaseKey, "finished", "", Hash.length)
// (RFC 8446, 4.4.4).
func finishedKey(h crypto.Hash, baseKey []byte) []byte {
	return HKDFExpandLabel(h, baseKey, "finished", nil, h.Size())
}

// FinishedVerifyData13 computes Finished.verify_data (RFC 8446, 4.4.4):
//
//	finished_key = HKDF-Expand-Label(BaseKey, "finished", "", Hash.length)
//	verify_data  = HMAC(finished_key, Transcript-Hash(Handshake Context,
//	                    Certificate*, CertificateVerify*))
//
// baseKey is the sender's handshake traffic secret for the handshake
// Finished messages, the sender's application traffic secret for
// post-handshake authentication, or the binder key for a PSK binder
// (RFC 8446, 4.2.11.2), whose hash is over the truncated ClientHello.
func FinishedVerifyData13(h crypto.Hash, baseKey, transcriptHash []byte) []byte {
	fk := finishedKey(h, baseKey)
	defer clear(fk)
	if out, ok := hmacInto(nil, h, fk, transcriptHash); ok {
		return out
	}
	mac := hmac.New(h.New, fk)
	mac.Write(transcriptHash)
	return mac.Sum(nil)
}

// VerifyFinished13 reports, in constant time, whether verifyData is the
// Finished.verify_data (or PSK binder) that FinishedVerifyData13 gives.
// A false result calls for a decrypt_error alert (RFC 8446, 4.4.4,
// 4.2.11).
func VerifyFinished13(h crypto.Hash, baseKey, transcriptHash, verifyData []byte) bool {
	want := FinishedVerifyData13(h, baseKey, transcriptHash)
	return hmac.Equal(want, verifyData)
}

// NextTrafficSecret is the KeyUpdate step (RFC 8446, 7.2):
//
//	application_traffic_secret_N+1 =
//	    HKDF-Expand-Label(application_traffic_secret_N, "traffic upd", "", Hash.length)
func NextTrafficSecret(h crypto.Hash, secret []byte) []byte {
	return HKDFExpandLabel(h, secret, "traffic upd", nil, h.Size())
}

// ResumptionPSK derives the PSK of one NewSessionTicket (RFC 8446, 4.6.1):
//
//	HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length)
//
// The nonce is at most 255 bytes (its wire length prefix is one byte).
func ResumptionPSK(h crypto.Hash, resumptionMaster, nonce []byte) []byte {
	return HKDFExpandLabel(h, resumptionMaster, "resumption", nonce, h.Size())
}

// Export13 is the TLS 1.3 exporter (RFC 8446, 7.5):
//
//	TLS-Exporter(label, context_value, key_length) =
//	    HKDF-Expand-Label(Derive-Secret(Secret, label, ""),
//	                      "exporter", Hash(context_value), key_length)
//
// with Secret the exporter_master_secret, or the
// early_exporter_master_secret for 0-RTT exporters. In TLS 1.3 no context
// and an empty context are the same thing. Unlike the other functions here,
// label and length come from the application (ssl:export_key_materials),
// so out-of-range values are errors, not panics: the label may be at most
// 249 bytes and the length at most 255 × Hash.len.
func Export13(h crypto.Hash, exporterMaster []byte, label string, context []byte, length int) ([]byte, error) {
	if len(labelPrefix)+len(label) > 255 {
		return nil, errors.New("prf: exporter label too long")
	}
	if length < 0 || length > 255*h.Size() {
		return nil, errors.New("prf: exporter length out of range")
	}
	secret := DeriveSecret(h, exporterMaster, label, EmptyHash(h))
	ch := h.New()
	ch.Write(context)
	out := HKDFExpandLabel(h, secret, "exporter", ch.Sum(nil), length)
	clear(secret)
	return out, nil
}
