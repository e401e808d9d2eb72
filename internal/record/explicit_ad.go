package record

// ADProtector protects records whose additional data is not TLS's
// seq_num ‖ type ‖ version ‖ length. DTLS 1.2 records with a connection
// ID authenticate
//
//	seq_num_placeholder ‖ tls12_cid ‖ cid_length ‖ tls12_cid ‖
//	version ‖ epoch ‖ sequence_number ‖ cid ‖ length_of_DTLSInnerPlaintext
//
// instead (RFC 9146, Section 5: as AEAD additional_data, and as the start
// of the MAC input for block ciphers). prefix is all of it but the final
// two length bytes, which depend on the plaintext and are added here; seq
// still forms the nonce (GCM's explicit part, ChaCha20-Poly1305's XOR).
// The AEAD and CBC protectors implement it; with encrypt-then-MAC the
// final length is that of the IV and ciphertext the MAC covers, as in
// RFC 7366 (RFC 9146, Section 5.2's MAC input).
type ADProtector interface {
	SealAD(frag []byte, seq uint64, prefix []byte) ([]byte, error)
	OpenAD(frag []byte, seq uint64, prefix []byte) ([]byte, error)
}

// explicitAD is what a protector keeps for ADProtector: the prefix of the
// record being handled (nil outside SealAD and OpenAD, so Seal and Open
// use TLS's 13 bytes) and a buffer the full data is formed in, grown once.
type explicitAD struct {
	prefix []byte
	buf    []byte
}

// with returns prefix ‖ uint16(n).
func (e *explicitAD) with(n int) []byte {
	e.buf = append(append(e.buf[:0], e.prefix...), byte(n>>8), byte(n))
	return e.buf
}

// adLen is the length of the additional data: 13 for TLS's.
func (e *explicitAD) adLen() int {
	if e.prefix == nil {
		return 13
	}
	return len(e.prefix) + 2
}

// withPrefix runs one Seal or Open of a protector with prefix as the
// additional data's start.
func withPrefix(x *explicitAD, prefix []byte, run func([]byte, uint64, uint8, uint16) ([]byte, error), frag []byte, seq uint64) ([]byte, error) {
	x.prefix = prefix
	out, err := run(frag, seq, 0, 0)
	x.prefix = nil
	return out, err
}

func (p *aeadProtector) SealAD(frag []byte, seq uint64, prefix []byte) ([]byte, error) {
	return withPrefix(&p.x, prefix, p.Seal, frag, seq)
}

func (p *aeadProtector) OpenAD(frag []byte, seq uint64, prefix []byte) ([]byte, error) {
	return withPrefix(&p.x, prefix, p.Open, frag, seq)
}

func (p *cbcProtector) SealAD(frag []byte, seq uint64, prefix []byte) ([]byte, error) {
	return withPrefix(&p.x, prefix, p.Seal, frag, seq)
}

func (p *cbcProtector) OpenAD(frag []byte, seq uint64, prefix []byte) ([]byte, error) {
	return withPrefix(&p.x, prefix, p.Open, frag, seq)
}

// recordAD is the additional data of the record being protected: the
// explicit one during SealAD/OpenAD, TLS's 13 bytes (in ad) otherwise.
func recordAD(x *explicitAD, ad *[13]byte, seq uint64, typ uint8, vers uint16, n int) []byte {
	if x.prefix != nil {
		return x.with(n)
	}
	additionalData(ad, seq, typ, vers, n)
	return ad[:]
}

// macInput is what the CBC MAC covers before the data: RFC 9146's
// additional data during SealAD/OpenAD, SSL 3.0's or TLS's header
// otherwise.
func (p *cbcProtector) macInput(seq uint64, typ uint8, vers uint16, n int) []byte {
	if p.x.prefix != nil {
		return p.x.with(n)
	}
	return macHeader(&p.ad, p.ssl3, seq, typ, vers, n)
}
