package prf

import (
	"bytes"
	"crypto"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"testing"
)

// The TLS 1.3 key schedule against the traces of RFC 8448: every secret,
// key, IV and verify_data the trace prints for section 3 (Simple 1-RTT
// Handshake, TLS_AES_128_GCM_SHA256), and the resumption PSK, early
// secret, binder key, binder, early traffic secret, early exporter master
// secret and early keys of section 4 (Resumed 0-RTT Handshake).

// readMessages reads testdata/name: paragraphs of hex, '#' lines ignored.
func readMessages(t testing.TB, name string) [][]byte {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, unhex(t, cur.String()))
			cur.Reset()
		}
	}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "#"):
		case line == "":
			flush()
		default:
			cur.WriteString(line)
		}
	}
	flush()
	return out
}

func check(t *testing.T, what string, got []byte, want string) {
	t.Helper()
	if w := unhex(t, want); !bytes.Equal(got, w) {
		t.Errorf("%s:\n got %x\nwant %x", what, got, w)
	}
}

func TestRFC8448Simple1RTT(t *testing.T) {
	h := crypto.SHA256
	msgs := readMessages(t, "rfc8448_s3.txt")
	if len(msgs) != 7 {
		t.Fatalf("%d messages in trace", len(msgs))
	}
	ch, sh, ee, cert, cv, sfin, cfin := msgs[0], msgs[1], msgs[2], msgs[3], msgs[4], msgs[5], msgs[6]
	for i, n := range []int{196, 90, 40, 445, 136, 36, 36} {
		if len(msgs[i]) != n {
			t.Fatalf("message %d is %d bytes, want %d", i, len(msgs[i]), n)
		}
	}
	var tr Transcript
	tr.Write(ch)
	tr.Write(sh)
	chSh := tr.Sum(h)
	check(t, "hash(CH..SH)", chSh, "860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8")

	s := NewSchedule13(h, nil)
	check(t, "early secret", s.secret, "33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a")
	check(t, "derived (early)", DeriveSecret(h, s.secret, "derived", EmptyHash(h)),
		"6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba")

	ecdhe := unhex(t, "8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d")
	s.SetSharedSecret(ecdhe)
	check(t, "handshake secret", s.secret, "1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac")
	cHS, sHS := s.HandshakeTrafficSecrets(chSh)
	check(t, "c hs traffic", cHS, "b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21")
	check(t, "s hs traffic", sHS, "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38")
	check(t, "derived (handshake)", DeriveSecret(h, s.secret, "derived", EmptyHash(h)),
		"43de77e0c77713859a944db9db2590b53190a65b3ee2e4f12dd7a0bb7ce254b4")

	key, iv := TrafficKeys(h, sHS, 16, 12)
	check(t, "server handshake key", key, "3fce516009c21727d0f2e4e86ee403bc")
	check(t, "server handshake iv", iv, "5d313eb2671276ee13000b30")
	key, iv = TrafficKeys(h, cHS, 16, 12)
	check(t, "client handshake key", key, "dbfaa693d1762c5b666af5d950258d01")
	check(t, "client handshake iv", iv, "5bd3c71b836e0b76bb73265f")

	s.SetMaster()
	check(t, "master secret", s.secret, "18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919")

	tr.Write(ee)
	tr.Write(cert)
	tr.Write(cv)
	check(t, "server finished_key", finishedKey(h, sHS), "008d3b66f816ea559f96b537e885c31fc068bf492c652f01f288a1d8cdc19fc8")
	sfVD := FinishedVerifyData13(h, sHS, tr.Sum(h))
	check(t, "server Finished verify_data", sfVD, "9b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718")
	if !bytes.Equal(sfin[4:], sfVD) {
		t.Error("server Finished message does not carry the computed verify_data")
	}
	if !VerifyFinished13(h, sHS, tr.Sum(h), sfin[4:]) || VerifyFinished13(h, cHS, tr.Sum(h), sfin[4:]) {
		t.Error("VerifyFinished13")
	}

	tr.Write(sfin)
	chSf := tr.Sum(h)
	check(t, "hash(CH..server Finished)", chSf, "9608102a0f1ccc6db6250b7b7e417b1a000eaada3daae4777a7686c9ff83df13")
	cAP, sAP := s.ApplicationTrafficSecrets(chSf)
	check(t, "c ap traffic", cAP, "9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5")
	check(t, "s ap traffic", sAP, "a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643")
	check(t, "exp master", s.ExporterMasterSecret(chSf), "fe22f881176eda18eb8f44529e6792c50c9a3f89452f68d8ae311b4309d3cf50")

	key, iv = TrafficKeys(h, sAP, 16, 12)
	check(t, "server application key", key, "9f02283b6c9c07efc26bb9f2ac92e356")
	check(t, "server application iv", iv, "cf782b88dd83549aadf1e984")
	key, iv = TrafficKeys(h, cAP, 16, 12)
	check(t, "client application key", key, "17422dda596ed5d9acd890e3c63f5051")
	check(t, "client application iv", iv, "5b78923dee08579033e523d9")

	// The client's Finished covers CH..server Finished (RFC 8446, 4.4.4).
	check(t, "client finished_key", finishedKey(h, cHS), "b80ad01015fb2f0bd65ff7d4da5d6bf83f84821d1f87fdc7d3c75b5a7b42d9c4")
	cfVD := FinishedVerifyData13(h, cHS, chSf)
	check(t, "client Finished verify_data", cfVD, "a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61")
	if !bytes.Equal(cfin[4:], cfVD) {
		t.Error("client Finished message does not carry the computed verify_data")
	}

	tr.Write(cfin)
	chCf := tr.Sum(h)
	check(t, "hash(CH..client Finished)", chCf, "209145a96ee8e2a122ff810047cc952684658d6049e86429426db87c54ad143d")
	rms := s.ResumptionMasterSecret(chCf)
	check(t, "res master", rms, "7df235f2031d2a051287d02b0241b0bfdaf86cc856231f2d5aba46c434ec196c")

	// Section 3's NewSessionTicket has ticket_nonce 00 00; its PSK is
	// section 4's.
	check(t, "resumption PSK", ResumptionPSK(h, rms, []byte{0, 0}),
		"4ecd0eb6ec3b4d87f5d6028f922ca4c5851a277fd41311c9e62d2c9492e1c4f3")

	s.Zeroize()
	if s.secret != nil || !strings.Contains(s.String(), "zeroized") {
		t.Error("Zeroize left the secret")
	}
}

func TestRFC8448Resumed0RTT(t *testing.T) {
	h := crypto.SHA256
	msgs := readMessages(t, "rfc8448_s4_ch.txt")
	if len(msgs) != 1 || len(msgs[0]) != 512 {
		t.Fatalf("ClientHello not read")
	}
	ch := msgs[0]
	psk := unhex(t, "4ecd0eb6ec3b4d87f5d6028f922ca4c5851a277fd41311c9e62d2c9492e1c4f3")
	s := NewSchedule13(h, psk)
	check(t, "early secret", s.secret, "9b2188e9b2fc6d64d71dc329900e20bb41915000f678aa839cbb797cb7d8332c")

	binderKey := s.BinderKey(true)
	check(t, "binder key (res binder)", binderKey, "69fe131a3bbad5d63c64eebcc30e395b9d8107726a13d074e389dbc8a4e47256")
	check(t, "binder finished_key", finishedKey(h, binderKey), "5588673e72cb59c87d220caffe94f2dea9a3b1609f7d50e90a48227db9ed7eaa")

	// The binder covers the ClientHello up to, not including, the
	// binders list: 512 - (2 + 1 + 32) = 477 bytes (RFC 8446, 4.2.11.2).
	var tr Transcript
	truncated := ch[:477]
	binderHash := tr.SumWith(h, truncated)
	check(t, "binder hash", binderHash, "63224b2e4573f2d3454ca84b9d009a04f6be9e05711a8396473aefa01e924a14")
	binder := FinishedVerifyData13(h, binderKey, binderHash)
	check(t, "PSK binder", binder, "3add4fb2d8fdf822a0ca3cf7678ef5e88dae990141c5924d57bb6fa31b9e5f9d")
	if !bytes.Equal(ch[512-32:], binder) {
		t.Error("ClientHello does not carry the computed binder")
	}
	if tr.Len() != 0 {
		t.Error("SumWith wrote to the transcript")
	}

	tr.Write(ch)
	chHash := tr.Sum(h)
	check(t, "hash(CH)", chHash, "08ad0fa05d7c7233b1775ba2ff9f4c5b8b59276b7f227f13a976245f5d960913")
	cET := s.ClientEarlyTrafficSecret(chHash)
	check(t, "c e traffic", cET, "3fbbe6a60deb66c30a32795aba0eff7eaa10105586e7be5c09678d63b6caab62")
	check(t, "e exp master", s.EarlyExporterMasterSecret(chHash), "b2026866610937d7423e5be90862ccf24c0e6091186d34f812089ff5be2ef7df")
	key, iv := TrafficKeys(h, cET, 16, 12)
	check(t, "client early key", key, "920205a5b7bf2115e6fc5c2942834f54")
	check(t, "client early iv", iv, "6d475f0993c8e564610db2b9")
}

func TestHKDFExpandLabelInfo(t *testing.T) {
	// The info bytes of RFC 8448's "derived" step:
	// 00 20 0d "tls13 derived" 20 Hash("").
	h := crypto.SHA256
	early := unhex(t, "33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a")
	check(t, "derived", HKDFExpandLabel(h, early, "derived", EmptyHash(h), 32),
		"6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba")
	// A different length changes the output (it is in HkdfLabel), not just
	// truncates it.
	a := HKDFExpandLabel(h, early, "derived", nil, 16)
	b := HKDFExpandLabel(h, early, "derived", nil, 32)
	if bytes.Equal(a, b[:16]) {
		t.Error("length not bound into HkdfLabel")
	}
	for _, bad := range []func(){
		func() { HKDFExpandLabel(h, early, strings.Repeat("x", 250), nil, 32) },
		func() { HKDFExpandLabel(h, early, "x", make([]byte, 256), 32) },
		func() { HKDFExpandLabel(h, early, "x", nil, 255*32+1) },
		func() { HKDFExpandLabel(h, early, "x", nil, -1) },
	} {
		func() {
			defer func() {
				if r := recover(); r == nil {
					t.Error("out-of-range argument did not panic")
				}
			}()
			bad()
		}()
	}
	if n := len(HKDFExpandLabel(h, early, strings.Repeat("x", 249), make([]byte, 255), 255*32)); n != 255*32 {
		t.Errorf("longest output %d", n)
	}
}

func TestSchedule13SHA384(t *testing.T) {
	// TLS_AES_256_GCM_SHA384: every output is 48 bytes, and the zero PSK
	// and zero IKM are 48 bytes too.
	h := crypto.SHA384
	s := NewSchedule13(h, nil)
	z := NewSchedule13(h, make([]byte, 48))
	if !bytes.Equal(s.secret, z.secret) || len(s.secret) != 48 {
		t.Fatal("nil PSK is not Hash.len zeros")
	}
	th := EmptyHash(h)
	if len(s.BinderKey(false)) != 48 || bytes.Equal(s.BinderKey(false), s.BinderKey(true)) {
		t.Error("binder keys")
	}
	s.SetSharedSecret(nil)
	c, sv := s.HandshakeTrafficSecrets(th)
	if len(c) != 48 || bytes.Equal(c, sv) {
		t.Error("handshake traffic secrets")
	}
	s.SetMaster()
	c, sv = s.ApplicationTrafficSecrets(th)
	if len(c) != 48 || bytes.Equal(c, sv) {
		t.Error("application traffic secrets")
	}
	k, iv := TrafficKeys(h, c, 32, 12)
	if len(k) != 32 || len(iv) != 12 {
		t.Error("traffic key sizes")
	}
	if len(FinishedVerifyData13(h, c, th)) != 48 {
		t.Error("verify_data size")
	}
}

func TestSchedule13StageMisuse(t *testing.T) {
	h := crypto.SHA256
	th := EmptyHash(h)
	for name, f := range map[string]func(s *Schedule13){
		"hs secrets at early":   func(s *Schedule13) { s.HandshakeTrafficSecrets(th) },
		"master at early":       func(s *Schedule13) { s.SetMaster() },
		"ap secrets at early":   func(s *Schedule13) { s.ApplicationTrafficSecrets(th) },
		"binder at handshake":   func(s *Schedule13) { s.SetSharedSecret(nil); s.BinderKey(true) },
		"early at handshake":    func(s *Schedule13) { s.SetSharedSecret(nil); s.ClientEarlyTrafficSecret(th) },
		"shared twice":          func(s *Schedule13) { s.SetSharedSecret(nil); s.SetSharedSecret(nil) },
		"hs secrets at master":  func(s *Schedule13) { s.SetSharedSecret(nil); s.SetMaster(); s.HandshakeTrafficSecrets(th) },
		"anything after zeroed": func(s *Schedule13) { s.Zeroize(); s.BinderKey(false) },
	} {
		func() {
			defer func() {
				r := recover()
				if r == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f(NewSchedule13(h, nil))
		}()
	}
}

func TestSchedule13NoSecretInString(t *testing.T) {
	psk := bytes.Repeat([]byte{0xab}, 32)
	s := NewSchedule13(crypto.SHA256, psk)
	secretHex := hex.EncodeToString(s.secret)
	for _, format := range []string{"%v", "%+v", "%#v", "%s", "%x"} {
		out := fmt.Sprintf(format, s)
		if strings.Contains(out, secretHex) || strings.Contains(strings.ToLower(out), "abab") ||
			strings.Contains(out, fmt.Sprint(s.secret[:4])) {
			t.Errorf("%s shows the secret: %s", format, out)
		}
	}
}

func TestNextTrafficSecret(t *testing.T) {
	h := crypto.SHA256
	cur := unhex(t, "9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5")
	next := NextTrafficSecret(h, cur)
	if !bytes.Equal(next, HKDFExpandLabel(h, cur, "traffic upd", nil, 32)) || bytes.Equal(next, cur) {
		t.Error("traffic upd")
	}
}

func TestExport13(t *testing.T) {
	h := crypto.SHA256
	em := unhex(t, "fe22f881176eda18eb8f44529e6792c50c9a3f89452f68d8ae311b4309d3cf50")
	// RFC 8446, 7.5, written out step by step.
	sec := DeriveSecret(h, em, "EXPERIMENTAL-gossl", EmptyHash(h))
	ctx := []byte("context")
	ch := h.New()
	ch.Write(ctx)
	want := HKDFExpandLabel(h, sec, "exporter", ch.Sum(nil), 40)
	got, err := Export13(h, em, "EXPERIMENTAL-gossl", ctx, 40)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("Export13 = %x, %v", got, err)
	}
	// No context and an empty context are the same in TLS 1.3.
	a, _ := Export13(h, em, "x", nil, 16)
	b, _ := Export13(h, em, "x", []byte{}, 16)
	if !bytes.Equal(a, b) {
		t.Error("nil and empty context differ")
	}
	c, _ := Export13(h, em, "y", nil, 16)
	if bytes.Equal(a, c) {
		t.Error("label ignored")
	}
	if _, err := Export13(h, em, strings.Repeat("l", 250), nil, 16); err == nil {
		t.Error("long label accepted")
	}
	if _, err := Export13(h, em, "x", nil, 255*32+1); err == nil {
		t.Error("long output accepted")
	}
	if _, err := Export13(h, em, "x", nil, -1); err == nil {
		t.Error("negative length accepted")
	}
	if _, err := Export13(h, em, "x", nil, 16); err != nil {
		t.Error(err)
	}
}

func TestTranscriptMessageHash(t *testing.T) {
	ch1 := []byte{1, 0, 0, 3, 0xaa, 0xbb, 0xcc}
	for _, h := range []crypto.Hash{crypto.SHA256, crypto.SHA384} {
		var tr Transcript
		tr.Write(ch1)
		tr.ReplaceWithMessageHash(h)
		d := h.New()
		d.Write(ch1)
		want := append([]byte{254, 0, 0, byte(h.Size())}, d.Sum(nil)...)
		if !bytes.Equal(tr.Bytes(), want) {
			t.Errorf("%v: message_hash = %x", h, tr.Bytes())
		}
		hrr := []byte{2, 0, 0, 1, 9}
		tr.Write(hrr)
		d = h.New()
		d.Write(want)
		d.Write(hrr)
		if !bytes.Equal(tr.Sum(h), d.Sum(nil)) {
			t.Errorf("%v: transcript after HelloRetryRequest", h)
		}
	}
}

func TestTranscriptSumWith(t *testing.T) {
	var tr Transcript
	tr.Write([]byte("abc"))
	for _, h := range []crypto.Hash{0, crypto.SHA256, crypto.SHA384} {
		var full Transcript
		full.Write([]byte("abcdef"))
		if !bytes.Equal(tr.SumWith(h, []byte("def")), full.Sum(h)) {
			t.Errorf("%v: SumWith", h)
		}
	}
	if tr.Len() != 3 {
		t.Error("SumWith wrote")
	}
}
