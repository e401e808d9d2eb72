package record

import (
	"bytes"
	"crypto/aes"
	"encoding/hex"
	"testing"

	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

type ccmVector struct {
	name                  string
	key, nonce, ad, plain string
	tagSize               int
	out                   string // ciphertext ‖ tag
}

// adRepeat is Example 4's associated data: 00 01 ... ff, 256 times
// (524288 bits), which takes the 0xfffe ‖ 4-byte length encoding.
var adRepeat = func() []byte {
	b := make([]byte, 65536)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}()

var ccmVectors = []ccmVector{
	// NIST SP 800-38C, Appendix C, Examples 1-3 (Example 3 has the
	// 12-byte nonce TLS uses); Example 4 is below, its AD is built.
	{"SP 800-38C C.1", "404142434445464748494a4b4c4d4e4f", "10111213141516", "0001020304050607", "20212223", 4,
		"7162015b4dac255d"},
	{"SP 800-38C C.2", "404142434445464748494a4b4c4d4e4f", "1011121314151617", "000102030405060708090a0b0c0d0e0f",
		"202122232425262728292a2b2c2d2e2f", 6, "d2a1f0e051ea5f62081a7792073d593d1fc64fbfaccd"},
	{"SP 800-38C C.3", "404142434445464748494a4b4c4d4e4f", "101112131415161718191a1b", "000102030405060708090a0b0c0d0e0f10111213",
		"202122232425262728292a2b2c2d2e2f3031323334353637", 8, "e3b201a9f5b71a7a9b1ceaeccd97e70b6176aad9a4428aa5484392fbc1b09951"},
	// RFC 3610, Section 8, Packet Vectors #1-#4 and #7 (13-byte nonce,
	// L = 2): the first 8 or 12 bytes of the packet are the AD.
	{"RFC 3610 #1", "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf", "00000003020100a0a1a2a3a4a5", "0001020304050607",
		"08090a0b0c0d0e0f101112131415161718191a1b1c1d1e", 8, "588c979a61c663d2f066d0c2c0f989806d5f6b61dac38417e8d12cfdf926e0"},
	{"RFC 3610 #2", "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf", "00000004030201a0a1a2a3a4a5", "0001020304050607",
		"08090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", 8, "72c91a36e135f8cf291ca894085c87e3cc15c439c9e43a3ba091d56e10400916"},
	{"RFC 3610 #3", "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf", "00000005040302a0a1a2a3a4a5", "0001020304050607",
		"08090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20", 8, "51b1e5f44a197d1da46b0f8e2d282ae871e838bb64da8596574adaa76fbd9fb0c5"},
	{"RFC 3610 #4", "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf", "00000006050403a0a1a2a3a4a5", "000102030405060708090a0b",
		"0c0d0e0f101112131415161718191a1b1c1d1e", 8, "a28c6865939a9a79faaa5c4c2a9d4a91cdac8c96c861b9c9e61ef1"},
	{"RFC 3610 #7", "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf", "00000009080706a0a1a2a3a4a5", "0001020304050607",
		"08090a0b0c0d0e0f101112131415161718191a1b1c1d1e", 10, "0135d1b2c95f41d5d1d4fec185d166b8094e999dfed96c048c56602c97acbb7490"},
	// TLS 1.3 shapes: 12-byte nonce, a 5-byte record header as AD, 16-
	// and 8-byte tags, empty to multi-block messages. Outputs computed
	// with OpenSSL 3.0's AES-CCM (EVP, through pyca/cryptography's
	// AESCCM); key 10..1f, nonce a0..ab, message byte i = 7i+3.
	{"OpenSSL 16/0", "101112131415161718191a1b1c1d1e1f", "a0a1a2a3a4a5a6a7a8a9aaab", "1703030010", "", 16,
		"0daf1bb793028d9b073ff9ccc90fd561"},
	{"OpenSSL 16/1", "101112131415161718191a1b1c1d1e1f", "a0a1a2a3a4a5a6a7a8a9aaab", "1703030011", "03", 16,
		"fea4a10c6c6b3d9a195817c0040d3bd858"},
	{"OpenSSL 16/16", "101112131415161718191a1b1c1d1e1f", "a0a1a2a3a4a5a6a7a8a9aaab", "1703030020", msg(16), 16,
		"fe6117f1e1ff39b1092fe3f5d6a274873e268c72399039ebbb928bd54df31c26"},
	{"OpenSSL 16/17", "101112131415161718191a1b1c1d1e1f", "a0a1a2a3a4a5a6a7a8a9aaab", "1703030021", msg(17), 16,
		"fe6117f1e1ff39b1092fe3f5d6a27487bddae2b1c8b39737049706e04e9b208692"},
	{"OpenSSL 16/31", "101112131415161718191a1b1c1d1e1f", "a0a1a2a3a4a5a6a7a8a9aaab", "170303002f", msg(31), 16,
		"fe6117f1e1ff39b1092fe3f5d6a27487bdad035425190b5a97fd7f3fb84d081420fb8f78773081443e2e9e04ddd874"},
	{"OpenSSL 16/257", "101112131415161718191a1b1c1d1e1f", "a0a1a2a3a4a5a6a7a8a9aaab", "1703030111", msg(257), 16,
		"fe6117f1e1ff39b1092fe3f5d6a27487bdad035425190b5a97fd7f3fb84d086dd2cd1513b3460bc29f04792128942ac6aa38b10c5b4a" +
			"097b513a3d99515f31b3ab4cfb1fa240d96466aff440d482e7f26b663809e62c5cefe6f60f634e29bf5473127405fe81b6fc5bd3a2aa" +
			"6fab6d87a4dc364d26b6ec7114db7caec0957572e00f8e8e667b560ddef8916714ac2da43fd7b8d172c129b82f92ed7c86aa3807415f" +
			"1ea5197fc804befbcc32f1a0dd14c99f19ab353527b78b0833e8f341bc96541904e7d973a495a2978a65ea4693201c7fb31db690ae0b" +
			"246e313214fbb9b1eaf5f4b7b3c4d962f32b1426e566d2ecdc42200dbf8d10607216b11a633d7113179d7f359197c08378e8b026b89c" +
			"5f1bbf"},
	{"OpenSSL 8/0", "101112131415161718191a1b1c1d1e1f", "a0a1a2a3a4a5a6a7a8a9aaab", "1703030008", "", 8,
		"c6b58b15bdff6168"},
	{"OpenSSL 8/1", "101112131415161718191a1b1c1d1e1f", "a0a1a2a3a4a5a6a7a8a9aaab", "1703030009", "03", 8,
		"fee5d47db16bfb810a"},
	{"OpenSSL 8/16", "101112131415161718191a1b1c1d1e1f", "a0a1a2a3a4a5a6a7a8a9aaab", "1703030018", msg(16), 8,
		"fe6117f1e1ff39b1092fe3f5d6a2748727e7d06d124ce50d"},
	{"OpenSSL 8/17", "101112131415161718191a1b1c1d1e1f", "a0a1a2a3a4a5a6a7a8a9aaab", "1703030019", msg(17), 8,
		"fe6117f1e1ff39b1092fe3f5d6a27487bdf92c78954a4f7d59"},
	{"OpenSSL 8/31", "101112131415161718191a1b1c1d1e1f", "a0a1a2a3a4a5a6a7a8a9aaab", "1703030027", msg(31), 8,
		"fe6117f1e1ff39b1092fe3f5d6a27487bdad035425190b5a97fd7f3fb84d08731fbec1ea66c616"},
}

// msg is the hex of the OpenSSL vectors' messages: byte i is 7i+3.
func msg(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + 3)
	}
	return hex.EncodeToString(b)
}

func checkCCM(t *testing.T, name string, key, nonce, ad, plain []byte, tagSize int, want []byte) {
	t.Helper()
	block, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := newCCM(block, len(nonce), tagSize)
	if err != nil {
		t.Fatal(err)
	}
	got := c.Seal(nil, nonce, plain, ad)
	if !bytes.Equal(got, want) {
		t.Fatalf("%s: sealed %x\n want %x", name, got, want)
	}
	// In place, both ways, with the capacity to spare.
	buf := make([]byte, len(plain), len(plain)+tagSize)
	copy(buf, plain)
	if got := c.Seal(buf[:0], nonce, buf, ad); !bytes.Equal(got, want) || &got[0] != &buf[:1][0] {
		t.Fatalf("%s: in-place seal %x", name, got)
	}
	pt, err := c.Open(buf[:0], nonce, buf[:len(want)], ad)
	if err != nil || !bytes.Equal(pt, plain) {
		t.Fatalf("%s: open: %v %x", name, err, pt)
	}
	// Any flipped bit of ciphertext, tag, AD or nonce fails, and the
	// output is wiped.
	for i := 0; i < len(want); i++ {
		bad := bytes.Clone(want)
		bad[i] ^= 0x10
		if out, err := c.Open(bad[:0], nonce, bad, ad); err == nil || out != nil {
			t.Fatalf("%s: byte %d flipped, opened", name, i)
		}
		if !bytes.Equal(bad[:len(plain)], make([]byte, len(plain))) {
			t.Fatalf("%s: failed open left plaintext behind", name)
		}
	}
	if len(ad) > 0 {
		bad := bytes.Clone(ad)
		bad[len(bad)-1] ^= 1
		if _, err := c.Open(nil, nonce, want, bad); err == nil {
			t.Fatalf("%s: AD change accepted", name)
		}
	}
	bad := bytes.Clone(nonce)
	bad[0] ^= 1
	if _, err := c.Open(nil, bad, want, ad); err == nil {
		t.Fatalf("%s: nonce change accepted", name)
	}
	if _, err := c.Open(nil, nonce, want[:tagSize-1], ad); err == nil {
		t.Fatalf("%s: short input accepted", name)
	}
}

func TestCCMVectors(t *testing.T) {
	for _, v := range ccmVectors {
		checkCCM(t, v.name, unhex(v.key), unhex(v.nonce), unhex(v.ad), unhex(v.plain), v.tagSize, unhex(v.out))
	}
	// NIST SP 800-38C, Appendix C, Example 4: 13-byte nonce, 64 KiB of
	// AD (the long length encoding), 14-byte tag.
	checkCCM(t, "SP 800-38C C.4", unhex("404142434445464748494a4b4c4d4e4f"), unhex("101112131415161718191a1b1c"),
		adRepeat, unhex("202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"), 14,
		unhex("69915dad1e84c6376a68c2967e4dab615ae0fd1faec44cc484828529463ccf72b4ac6bec93e8598e7f0dadbcea5b"))
}

func TestCCMParameters(t *testing.T) {
	block, _ := aes.NewCipher(make([]byte, 16))
	for _, c := range []struct{ nonce, tag int }{{6, 16}, {14, 16}, {12, 3}, {12, 18}, {12, 7}} {
		if _, err := newCCM(block, c.nonce, c.tag); err == nil {
			t.Errorf("nonce %d, tag %d accepted", c.nonce, c.tag)
		}
	}
	c, _ := newCCM(block, 13, 16)
	if c.maxLen() != 1<<16-1 {
		t.Fatalf("L=2 limit %d", c.maxLen())
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("a 2^16-byte message sealed with L=2")
			}
		}()
		c.Seal(nil, make([]byte, 13), make([]byte, 1<<16), nil)
	}()
	func() {
		defer func() {
			if recover() == nil {
				t.Error("overlapping output accepted")
			}
		}()
		buf := make([]byte, 64)
		c.Seal(buf[1:1], make([]byte, 13), buf[:32], nil)
	}()
}

// TestTLS13RecordsOpenSSL: one record per suite, sealed by our Writer and
// compared with the same record computed by OpenSSL 3.0's AEADs (through
// pyca/cryptography), from the RFC 8446, Section 5.2-5.3 construction
// written out by hand: key byte i = 1+i, iv byte i = 0x81+i, sequence
// number 5, content "hello" of type application_data, no padding.
// (AES-128-GCM is covered by the RFC 8448 records.)
func TestTLS13RecordsOpenSSL(t *testing.T) {
	want := map[uint16]string{
		0x1302: "170303001683271137af57a4b6dbea5057632cce5c46656e50023f",
		0x1303: "17030300165773dde89719456e65d780a592435fdd92269ce4864e",
		0x1304: "17030300169846ee7ceed25e2dc59cda41443a3dab571728e70d50",
		0x1305: "170303000e9846ee7ceed223be29c637f3ecae",
	}
	for id, rec := range want {
		s := suites.ByID(id)
		var out bytes.Buffer
		w := NewWriter(&out)
		w.SetVersion(wire.VersionTLS13)
		w.SetProtector(protector13(t, s, 1))
		w.seq = 5
		w.WriteRecord(wire.TypeApplicationData, []byte("hello"))
		w.Flush()
		if got := hex.EncodeToString(out.Bytes()); got != rec {
			t.Errorf("%s: %s\n want %s", s.Name, got, rec)
		}
		r := reader13(unhex(rec), protector13(t, s, 1))
		r.seq = 5
		if typ, data, err := r.ReadRecord(); err != nil || typ != wire.TypeApplicationData || string(data) != "hello" {
			t.Errorf("%s: open: %v", s.Name, err)
		}
	}
}
