package wire

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

// Each fuzz target checks, for every layout of its message type, that
// Unmarshal never panics and that a value it accepts marshals to bytes
// that unmarshal to an equal value and marshal to the same bytes again.
// Seeds live in testdata/fuzz/<FuzzName>/ (see TestWriteFuzzCorpus).

func checkMessage(t *testing.T, data []byte, newMsg func() Message) {
	m := newMsg()
	if !m.Unmarshal(data) {
		return
	}
	if raw := reflect.ValueOf(m).Elem().FieldByName("Raw").Bytes(); !bytes.Equal(raw, data) {
		t.Fatalf("%T: Raw is not the input", m)
	}
	b, err := m.Marshal()
	if err != nil {
		t.Fatalf("%T: Marshal of a parsed value: %v\n%+v", m, err, m)
	}
	m2 := newMsg()
	if !m2.Unmarshal(b) {
		t.Fatalf("%T: re-marshaled bytes refused: %x\nfrom %x", m, b, data)
	}
	if !reflect.DeepEqual(withoutRaw(m), withoutRaw(m2)) {
		t.Fatalf("%T: values differ\n1st %+v\n2nd %+v", m, withoutRaw(m), withoutRaw(m2))
	}
	b2, err := m2.Marshal()
	if err != nil || !bytes.Equal(b, b2) {
		t.Fatalf("%T: marshal not stable (%v)", m, err)
	}
}

func fuzzMessages(f *testing.F, variants ...func() Message) {
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, v := range variants {
			checkMessage(t, data, v)
		}
	})
}

func FuzzClientHello(f *testing.F) {
	fuzzMessages(f,
		func() Message { return &ClientHello{} },
		func() Message { return &ClientHello{DTLS: true} })
}

func FuzzServerHello(f *testing.F) {
	fuzzMessages(f, func() Message { return &ServerHello{} })
}

func FuzzCertificate(f *testing.F) {
	fuzzMessages(f,
		func() Message { return &Certificate{} },
		func() Message { return &Certificate{TLS13: true} })
}

func FuzzCertificateRequest(f *testing.F) {
	fuzzMessages(f,
		func() Message { return &CertificateRequest{} },
		func() Message { return &CertificateRequest{HasSignatureAlgorithms: true} },
		func() Message { return &CertificateRequest{TLS13: true} })
}

func FuzzCertificateVerify(f *testing.F) {
	fuzzMessages(f,
		func() Message { return &CertificateVerify{} },
		func() Message { return &CertificateVerify{HasAlgorithm: true} })
}

func FuzzKeyExchange(f *testing.F) {
	fuzzMessages(f,
		func() Message { return &ServerKeyExchange{} },
		func() Message { return &ClientKeyExchange{} })
}

func FuzzFinished(f *testing.F) {
	fuzzMessages(f, func() Message { return &Finished{} })
}

func FuzzEmptyMessages(f *testing.F) {
	fuzzMessages(f,
		func() Message { return &ServerHelloDone{} },
		func() Message { return &HelloRequest{} },
		func() Message { return &EndOfEarlyData{} })
}

func FuzzNewSessionTicket(f *testing.F) {
	fuzzMessages(f,
		func() Message { return &NewSessionTicket{} },
		func() Message { return &NewSessionTicket{TLS13: true} })
}

func FuzzEncryptedExtensions(f *testing.F) {
	fuzzMessages(f, func() Message { return &EncryptedExtensions{} })
}

func FuzzKeyUpdate(f *testing.F) {
	fuzzMessages(f, func() Message { return &KeyUpdate{} })
}

func FuzzNextProtocol(f *testing.F) {
	fuzzMessages(f, func() Message { return &NextProtocol{} })
}

func FuzzHelloVerifyRequest(f *testing.F) {
	fuzzMessages(f, func() Message { return &HelloVerifyRequest{} })
}

func FuzzCertificateStatus(f *testing.F) {
	fuzzMessages(f, func() Message { return &CertificateStatus{} })
}

func FuzzDTLSHeader(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		h, ok := ParseDTLSHeader(data)
		if !ok {
			return
		}
		if b := MarshalDTLSHeader(h); !bytes.Equal(b, data[:DTLSHeaderLen]) {
			t.Fatalf("re-marshal %x, want %x", b, data[:DTLSHeaderLen])
		}
	})
}

// FuzzHandshakeBuffer writes data in chunks whose sizes come from cuts
// (the caller's record buffer is clobbered after each Write) and checks
// that the messages come out whole, in order, unchanged by later Writes.
func FuzzHandshakeBuffer(f *testing.F) {
	f.Fuzz(func(t *testing.T, data, cuts []byte) {
		const max = 1 << 12
		var h HandshakeBuffer
		var got, want [][]byte
		rest, pos, written := data, 0, 0
		for len(rest) > 0 {
			n := len(rest)
			if pos < len(cuts) {
				n = min(n, int(cuts[pos])+1)
				pos++
			}
			rec := bytes.Clone(rest[:n])
			h.Write(rec)
			clear(rec)
			rest, written = rest[n:], written+n
			for {
				msg, ok, err := h.Next(max)
				if err != nil {
					_, l, _ := ParseHeader(data[totalLen(want):])
					if !errors.Is(err, ErrHandshakeTooLarge) || l <= max {
						t.Fatalf("Next: %v for length %d", err, l)
					}
					return
				}
				if !ok {
					break
				}
				got = append(got, msg)
				start := totalLen(want)
				_, l, _ := ParseHeader(data[start:])
				want = append(want, data[start:start+HeaderLen+l])
			}
			if h.Len() != written-totalLen(want) {
				t.Fatalf("Len = %d, want %d", h.Len(), written-totalLen(want))
			}
		}
		for i := range want {
			if !bytes.Equal(got[i], want[i]) {
				t.Fatalf("message %d = %x, want %x", i, got[i], want[i])
			}
		}
	})
}

func totalLen(msgs [][]byte) int {
	n := 0
	for _, m := range msgs {
		n += len(m)
	}
	return n
}
