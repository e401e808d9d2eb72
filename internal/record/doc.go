// Package record is the TLS record layer: framing (RFC 5246, Section 6.2;
// RFC 8446, Section 5.1), record protection with AEAD and CBC+HMAC ciphers
// for TLS 1.0–1.2 (RFC 5246, Section 6.2.3; RFC 4346; RFC 2246) and with
// the AEADs of TLS 1.3 (RFC 8446, Section 5.2–5.5; AES-CCM, in ccm.go,
// serves both, with TLS 1.2's GCM record format, RFC 6655),
// sequence numbers, and the pieces DTLS will need (RFC 6347: a 64-bit
// sequence input that carries the epoch, and the anti-replay window in
// replay.go).
//
// Records are opened and sealed in place in pooled buffers, so the data
// path allocates nothing per record.
//
// # Driving the record layer
//
// A connection has one Reader and one Writer. The driver (the code that
// runs a handshake machine over them) tells each the version and installs
// a Protector per direction and key; the record layer never decides
// either by itself.
//
// TLS 1.0–1.2: before the hellos, a Writer writes 0x0301 and a Reader
// accepts any 3.x. Once the ServerHello fixes the version, SetVersion(v)
// on both. At each ChangeCipherSpec, NewProtector(suite, v, key, macKey,
// iv) and SetProtector: on the Writer right after writing the
// ChangeCipherSpec, on the Reader right after reading it.
//
// TLS 1.3 (RFC 8446; the calls are the same for client and server, only
// their moments differ):
//
//  1. The first ClientHello is written and read with version 0 (0x0301 on
//     the wire, any 3.x accepted). A Reader in version 0 also reads the
//     ServerHello or HelloRetryRequest.
//  2. As soon as TLS 1.3 is chosen (the server: before writing its
//     ServerHello or HelloRetryRequest; the client: on reading one that
//     selects 1.3), SetVersion(wire.VersionTLS13) on both the Reader and
//     the Writer. From then on headers carry 0x0303; the Reader still
//     accepts 0x0301 on plaintext records (a second ClientHello or an
//     alert) until it has keys.
//  3. Middlebox-compatibility change_cipher_spec records (Appendix D.4)
//     are written with WriteRecord(wire.TypeChangeCipherSpec, []byte{1})
//     and always go out in plaintext, whatever protector is installed.
//     The Reader returns a plaintext change_cipher_spec of the single
//     byte 1 as it is, protector or not, without using a sequence
//     number: the driver drops it, and must treat one arriving before
//     the first ClientHello or after the peer's Finished as
//     unexpected_message (Section 5), which the record layer cannot
//     know. Any other change_cipher_spec, or any unprotected record but
//     that one once keys are installed, is unexpected_message.
//  4. For each traffic secret (handshake, application, and each
//     KeyUpdate, Section 4.6.3), NewTLS13Protector(suite, key, iv) with
//     key and iv from HKDF-Expand-Label(secret, "key"/"iv", "",
//     Cipher.Info().KeyLen / Cipher.Info().IVLen13()) (Section 7.3), then
//     SetProtector on the Writer before the first record under the new
//     key, and on the Reader after the last record under the old one
//     (the handshake message that announced the change). The sequence
//     number restarts at zero (Section 5.3). Records the Writer sealed
//     before SetProtector keep their key even if not yet flushed, so a
//     KeyUpdate or Finished written just before goes out correctly.
//     Handshake messages must not span a key change (Section 5.1): the
//     driver checks its reassembly buffer is empty before SetProtector
//     on the Reader.
//  5. ReadRecord then returns the inner content type and content of each
//     record (Section 5.4). WriteRecord takes the real content type and
//     writes application_data records; SetPadding sets an optional
//     padding policy. A peer's record_size_limit (RFC 8449, Section 4)
//     counts the inner content type, so it becomes SetMaxFragment(limit-1).
//  6. Writer.Seq and Reader.Seq count the records under the current key;
//     the driver sends a KeyUpdate before the AEAD's limit (Section 5.5:
//     2^24.5 full records for AES-GCM) and well before the 2^64-1 at which
//     ErrSequenceOverflow stops the connection.
//
// A Reader or Writer in TLS 1.3 mode refuses a TLS 1.2 Protector, and one
// in an earlier version a TLS 1.3 Protector, with internal_error: the two
// frame records differently and mixing them is a driver bug.
package record
