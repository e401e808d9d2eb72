package kx

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"io"

	"filippo.io/bigmod"
	"golang.org/x/crypto/cryptobyte"

	"github.com/gossl/ssl/internal/alert"
)

// SRP (RFC 5054). The server sends
//
//	struct {
//	    opaque srp_N<1..2^16-1>;
//	    opaque srp_g<1..2^16-1>;
//	    opaque srp_s<1..2^8-1>;
//	    opaque srp_B<1..2^16-1>;
//	} ServerSRPParams;
//
// in ServerKeyExchange (2.7; signed for SRP_SHA_RSA and SRP_SHA_DSS, bare
// for SRP_SHA), and the client answers with opaque srp_A<1..2^16-1> in
// ClientKeyExchange. With
//
//	x = SHA1(s | SHA1(I | ":" | P))      (2.4; OTP's DerivedKey)
//	v = g^x % N                          (the verifier)
//	k = SHA1(N | PAD(g))
//	u = SHA1(PAD(A) | PAD(B))
//	A = g^a % N,  B = k*v + g^b % N
//
// the client computes S = (B - k*g^x)^(a + u*x) % N and the server
// S = (A * v^u)^b % N (2.6), and S is the premaster secret.
//
// Every exponentiation with a secret exponent (x, a, b) goes through
// filippo.io/bigmod, whose Exp takes time that depends only on the
// lengths of its operands, not their values. The client splits
// (B - k*g^x)^(a + u*x) into base^a * (base^u)^x so that no secret
// exponent is ever built with variable-time big-integer arithmetic.

// srpSecretLen is the length of the secret exponents a and b: RFC 5054,
// 2.5.3 and 2.5.4 ask for at least 256 bits.
const srpSecretLen = 32

// MaxSRPUser bounds the SRP username: srp_I<1..2^8-1> (RFC 5054, 2.8.1).
const MaxSRPUser = 255

// SRPGroup is one of the groups of RFC 5054, Appendix A.
type SRPGroup struct {
	// Name is OTP's name for it: srp_1024 ... srp_8192.
	Name string
	n, g []byte // big-endian, no leading zeros
	mod  *bigmod.Modulus
	k    *bigmod.Nat // SHA1(N | PAD(g))
	gNat *bigmod.Nat
}

var srpGroups = func() []*SRPGroup {
	out := make([]*SRPGroup, 0, len(srpGroupHex))
	for _, h := range srpGroupHex {
		n, err1 := hex.DecodeString(h.n)
		g, err2 := hex.DecodeString(h.g)
		if err1 != nil || err2 != nil {
			panic("kx: bad SRP group " + h.name)
		}
		mod, err := bigmod.NewModulus(n)
		if err != nil {
			panic("kx: bad SRP group " + h.name)
		}
		grp := &SRPGroup{Name: h.name, n: n, g: g, mod: mod}
		grp.gNat = mustNat(g, mod)
		kh := sha1.New()
		kh.Write(n)
		kh.Write(grp.pad(g))
		grp.k = mustNat(kh.Sum(nil), mod)
		out = append(out, grp)
	}
	return out
}()

func mustNat(b []byte, m *bigmod.Modulus) *bigmod.Nat {
	x, err := bigmod.NewNat().SetBytes(b, m)
	if err != nil {
		panic("kx: SRP constant out of range")
	}
	return x
}

// SRPGroups returns the groups of RFC 5054, Appendix A, smallest first.
func SRPGroups() []*SRPGroup { return srpGroups }

// SRPGroupByName returns the group OTP calls name (srp_1024 ...
// srp_8192), or nil.
func SRPGroupByName(name string) *SRPGroup {
	for _, g := range srpGroups {
		if g.Name == name {
			return g
		}
	}
	return nil
}

// srpGroupFor finds the group with prime n and generator g, ignoring
// leading zeros; nil if they are not one of RFC 5054's.
func srpGroupFor(n, g []byte) *SRPGroup {
	n, g = trimZeros(n), trimZeros(g)
	for _, grp := range srpGroups {
		if string(grp.n) == string(n) && string(grp.g) == string(g) {
			return grp
		}
	}
	return nil
}

func trimZeros(b []byte) []byte {
	for len(b) > 0 && b[0] == 0 {
		b = b[1:]
	}
	return b
}

// pad left-pads b with zeros to the length of N: RFC 5054's PAD().
func (grp *SRPGroup) pad(b []byte) []byte {
	if len(b) >= len(grp.n) {
		return b
	}
	out := make([]byte, len(grp.n))
	copy(out[len(out)-len(b):], b)
	return out
}

// PrimeBits is the size of N in bits.
func (grp *SRPGroup) PrimeBits() int { return grp.mod.BitLen() }

// SRPDerivedKey returns x = SHA1(salt | SHA1(user | ":" | password)) (RFC
// 5054, 2.4): what OTP's user_lookup_fun returns as DerivedKey.
func SRPDerivedKey(salt []byte, user, password string) []byte {
	inner := sha1.New()
	inner.Write([]byte(user))
	inner.Write([]byte{':'})
	inner.Write([]byte(password))
	outer := sha1.New()
	outer.Write(salt)
	outer.Write(inner.Sum(nil))
	return outer.Sum(nil)
}

// Verifier returns v = g^x % N for the derived key x (RFC 5054, 2.4),
// padded to the length of N.
func (grp *SRPGroup) Verifier(x []byte) []byte {
	return bigmod.NewNat().Exp(grp.gNat, x, grp.mod).Bytes(grp.mod)
}

// srpScrambler returns u = SHA1(PAD(A) | PAD(B)) (RFC 5054, 2.6).
func (grp *SRPGroup) scrambler(a, b []byte) []byte {
	h := sha1.New()
	h.Write(grp.pad(a))
	h.Write(grp.pad(b))
	return h.Sum(nil)
}

// publicValue parses a peer's A or B: 0 < value < N. RFC 5054, 2.5.3 and
// 2.5.4 make a value ≡ 0 mod N fatal (it would fix the premaster secret);
// a value at or above N is refused too rather than reduced, since an
// honest peer only ever sends one reduced mod N.
func (grp *SRPGroup) publicValue(b []byte, what string) (*bigmod.Nat, error) {
	b = trimZeros(b)
	if len(b) == 0 || len(b) > len(grp.n) {
		return nil, illegalParameter("SRP " + what + " is 0 or not below N")
	}
	x, err := bigmod.NewNat().SetBytes(b, grp.mod)
	if err != nil || x.IsZero() == 1 {
		return nil, illegalParameter("SRP " + what + " is 0 or not below N")
	}
	return x, nil
}

// premaster is S as the premaster secret: big-endian without leading
// zeros, as GnuTLS and OTP (through OpenSSL's BN_bn2bin) encode it.
func (grp *SRPGroup) premaster(s *bigmod.Nat) []byte {
	return trimZeros(s.Bytes(grp.mod))
}

func srpSecret(rand io.Reader) ([]byte, error) {
	e := make([]byte, srpSecretLen)
	if _, err := io.ReadFull(rand, e); err != nil {
		return nil, internalError("SRP: no randomness")
	}
	return e, nil
}

// SRPUser is what a server knows of one SRP user: the group, the salt
// and the verifier v.
type SRPUser struct {
	Group    *SRPGroup
	Salt     []byte
	Verifier []byte
}

// CheckSRPUser checks a user's record before it is used: a known group,
// a salt of 1 to 255 bytes (srp_s<1..2^8-1>) and 0 < v < N.
func CheckSRPUser(u *SRPUser) error {
	if u == nil || u.Group == nil {
		return internalError("SRP user without a group")
	}
	if len(u.Salt) == 0 || len(u.Salt) > 255 {
		return internalError("SRP salt must be 1 to 255 bytes")
	}
	if _, err := u.Group.publicValue(u.Verifier, "verifier"); err != nil {
		return internalError("SRP verifier is 0 or not below N")
	}
	return nil
}

// SimulatedSRPUser makes up a salt and verifier for a username the
// server does not know, as RFC 5054, 2.5.1.3 allows: both derive from key
// (the server's secret) and the name, so that asking twice gives the same
// salt, and the handshake then fails at the client's Finished exactly as
// it does for a wrong password. Making one costs one exponentiation, as
// a real lookup does.
func SimulatedSRPUser(key []byte, grp *SRPGroup, user []byte) *SRPUser {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("srp salt\x00"))
	mac.Write(user)
	salt := mac.Sum(nil)[:16]
	mac.Reset()
	mac.Write([]byte("srp x\x00"))
	mac.Write(user)
	x := mac.Sum(nil)[:sha1.Size]
	return &SRPUser{Group: grp, Salt: salt, Verifier: grp.Verifier(x)}
}

type srpServer struct {
	user *SRPUser
	v    *bigmod.Nat
	b    []byte
	pubB []byte
}

// NewSRPServer starts the server side of SRP for user, whose record
// CheckSRPUser has accepted, with a fresh secret b from rand.
func NewSRPServer(user *SRPUser, rand io.Reader) (ServerKeyExchanger, error) {
	if err := CheckSRPUser(user); err != nil {
		return nil, err
	}
	b, err := srpSecret(rand)
	if err != nil {
		return nil, err
	}
	return newSRPServer(user, b), nil
}

func newSRPServer(user *SRPUser, b []byte) *srpServer {
	grp := user.Group
	v := mustNat(trimZeros(user.Verifier), grp.mod)
	// B = k*v + g^b % N (RFC 5054, 2.5.3).
	pubB := bigmod.NewNat().Exp(grp.gNat, b, grp.mod)
	kv := bigmod.NewNat().Mod(grp.k, grp.mod).Mul(v, grp.mod)
	pubB.Add(kv, grp.mod)
	return &srpServer{user: user, v: v, b: b, pubB: trimZeros(pubB.Bytes(grp.mod))}
}

// ServerParams returns ServerSRPParams (RFC 5054, 2.7).
func (s *srpServer) ServerParams() ([]byte, error) {
	var bld cryptobyte.Builder
	bld.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(s.user.Group.n) })
	bld.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(s.user.Group.g) })
	bld.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(s.user.Salt) })
	bld.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(s.pubB) })
	return bld.Bytes()
}

// ProcessClientKeyExchange parses srp_A and returns S = (A * v^u)^b % N.
// A ≡ 0 mod N is refused with illegal_parameter (RFC 5054, 2.5.4).
func (s *srpServer) ProcessClientKeyExchange(body []byte) ([]byte, error) {
	in := cryptobyte.String(body)
	var a cryptobyte.String
	if !in.ReadUint16LengthPrefixed(&a) || !in.Empty() || len(a) == 0 {
		return nil, decodeError("malformed SRP ClientKeyExchange")
	}
	grp := s.user.Group
	pubA, err := grp.publicValue(a, "A")
	if err != nil {
		return nil, err
	}
	u := grp.scrambler(trimZeros(a), s.pubB)
	base := bigmod.NewNat().Exp(s.v, u, grp.mod)
	base.Mul(pubA, grp.mod)
	pm := grp.premaster(bigmod.NewNat().Exp(base, s.b, grp.mod))
	clear(s.b)
	return pm, nil
}

type srpClient struct {
	user, password string
	rand           io.Reader
	a              []byte // the secret, when fixed by a test
	grp            *SRPGroup
	salt, pubB     []byte
	b              *bigmod.Nat
}

// NewSRPClient starts the client side of SRP for user and password.
func NewSRPClient(user, password string, rand io.Reader) ClientKeyExchanger {
	return &srpClient{user: user, password: password, rand: rand}
}

// ProcessServerParams parses ServerSRPParams. The client accepts only the
// groups of RFC 5054, Appendix A: RFC 5054, 2.5.3 requires it to check
// that N is a large safe prime and g a generator, and comparing with the
// known groups is the check it allows in place of a primality test; any
// other group gets insufficient_security. B ≡ 0 mod N is refused with
// illegal_parameter (2.5.3).
func (c *srpClient) ProcessServerParams(body []byte) (int, error) {
	in := cryptobyte.String(body)
	var n, g, salt, b cryptobyte.String
	if !in.ReadUint16LengthPrefixed(&n) || !in.ReadUint16LengthPrefixed(&g) ||
		!in.ReadUint8LengthPrefixed(&salt) || !in.ReadUint16LengthPrefixed(&b) ||
		len(n) == 0 || len(g) == 0 || len(salt) == 0 || len(b) == 0 {
		return 0, decodeError("malformed ServerSRPParams")
	}
	grp := srpGroupFor(n, g)
	if grp == nil {
		return 0, alert.New(alert.InsufficientSecurity, "SRP group is not one of RFC 5054's")
	}
	pubB, err := grp.publicValue(b, "B")
	if err != nil {
		return 0, err
	}
	c.grp, c.salt, c.pubB, c.b = grp, append([]byte(nil), salt...), trimZeros(append([]byte(nil), b...)), pubB
	return len(body) - len(in), nil
}

// Bits reports the SRP group's size in bits, once the server chose one.
func (c *srpClient) Bits() int {
	if c.grp == nil {
		return 0
	}
	return c.grp.PrimeBits()
}

// ClientKeyExchange returns srp_A and the premaster secret
// S = (B - k*g^x)^(a + u*x) % N, computed as base^a * (base^u)^x.
func (c *srpClient) ClientKeyExchange() ([]byte, []byte, error) {
	if c.grp == nil {
		return nil, nil, alertUnexpected("SRP ClientKeyExchange before ServerKeyExchange")
	}
	grp := c.grp
	a := c.a
	if a == nil {
		var err error
		if a, err = srpSecret(c.rand); err != nil {
			return nil, nil, err
		}
	}
	pubA := trimZeros(bigmod.NewNat().Exp(grp.gNat, a, grp.mod).Bytes(grp.mod))
	u := grp.scrambler(pubA, c.pubB)
	if subtle.ConstantTimeCompare(u, make([]byte, len(u))) == 1 {
		// RFC 2945, 3: u = 0 would make S independent of x.
		return nil, nil, illegalParameter("SRP scrambling parameter u is 0")
	}
	x := SRPDerivedKey(c.salt, c.user, c.password)
	kgx := bigmod.NewNat().Exp(grp.gNat, x, grp.mod)
	kgx.Mul(grp.k, grp.mod)
	base := bigmod.NewNat().Mod(c.b, grp.mod).Sub(kgx, grp.mod)
	s := bigmod.NewNat().Exp(base, a, grp.mod)
	bu := bigmod.NewNat().Exp(base, u, grp.mod)
	s.Mul(bigmod.NewNat().Exp(bu, x, grp.mod), grp.mod)
	clear(x)
	clear(a)
	var bld cryptobyte.Builder
	bld.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(pubA) })
	body, err := bld.Bytes()
	if err != nil {
		return nil, nil, internalError("SRP ClientKeyExchange: " + err.Error())
	}
	return body, grp.premaster(s), nil
}
