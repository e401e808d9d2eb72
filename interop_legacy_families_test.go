package ssl

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// The legacy ciphers (3DES-EDE-CBC, RC4-128, DES-CBC) of the PSK, SRP and
// anonymous families: RFC 4279, RFC 5489, RFC 5054 and RFC 5246,
// Appendix A.5.

// legacyFamilyNames are those suites, in the OpenSSL spelling.
var legacyFamilyNames = []string{
	"PSK-3DES-EDE-CBC-SHA", "PSK-RC4-SHA", "DHE-PSK-3DES-EDE-CBC-SHA", "DHE-PSK-RC4-SHA",
	"ECDHE-PSK-3DES-EDE-CBC-SHA", "ECDHE-PSK-RC4-SHA", "RSA-PSK-3DES-EDE-CBC-SHA", "RSA-PSK-RC4-SHA",
	"SRP-3DES-EDE-CBC-SHA", "SRP-RSA-3DES-EDE-CBC-SHA", "SRP-DSS-3DES-EDE-CBC-SHA",
	"ADH-DES-CBC3-SHA", "ADH-RC4-MD5", "ADH-DES-CBC-SHA", "AECDH-DES-CBC3-SHA", "AECDH-RC4-SHA",
}

// legacyFamilySuite finds name in the lists OTP would put it in: "all"
// for the suites with a server certificate, "anonymous" for the others.
func legacyFamilySuite(t *testing.T, name string, v Version) (CipherSuite, bool) {
	t.Helper()
	for _, set := range []SuiteSet{SuitesAll, SuitesAnonymous} {
		for _, cs := range CipherSuites(set, v) {
			if cs.OpenSSLName == name {
				return cs, true
			}
		}
	}
	return CipherSuite{}, false
}

// legacyFamilyOpts are a gossl server's and client's options for cs at
// v: a PSK table or identity, an SRP user or identity, and a
// certificate (RSA for rsa_psk and srp_rsa, DSA for srp_dss) that the
// client verifies; none for the anonymous exchanges.
func legacyFamilyOpts(t *testing.T, p *testpeers.PKI, cs CipherSuite, v Version) (so, co *Options) {
	kx := cs.KeyExchange
	switch {
	case strings.HasSuffix(kx, "psk"):
		so = pskServerOpts(pskInteropHint, map[string][]byte{pskInteropID: pskTestKey}, cs.Name)
		co = &Options{PSKIdentity: pskInteropID, UserLookupFun: pskClientFun(pskTestKey, nil)}
	case strings.HasPrefix(kx, "srp"):
		so = srpServerOpts(t, p, "srp_1536", cs.Name, srpInteropPassword)
		co = &Options{SRPIdentity: [2]string{"alice", srpInteropPassword}}
	default:
		so, co = &Options{}, &Options{}
	}
	if kx == "rsa_psk" {
		so.CertFile, so.KeyFile = p.CertFile("rsa"), p.KeyFile("rsa")
	}
	co.CACertFile, co.ServerNameIndication = p.CAFile, "localhost"
	so.Ciphers, so.Versions = []string{cs.Name}, []Version{v}
	co.Ciphers, co.Versions = []string{cs.Name}, []Version{v}
	co.ReuseSessions = Bool(false)
	return so, co
}

// TestLegacyFamiliesLoopback: every such suite at every version it
// allows, gossl to gossl; none is in a default list.
func TestLegacyFamiliesLoopback(t *testing.T) {
	p := testpeers.NewPKI(t)
	n := 0
	for _, name := range legacyFamilyNames {
		for _, v := range []Version{TLSv1_2, TLSv1_1, TLSv1} {
			cs, ok := legacyFamilySuite(t, name, v)
			if !ok {
				if name != "ADH-DES-CBC-SHA" || v != TLSv1_2 {
					t.Errorf("%s is not listed at %s", name, v)
				}
				continue
			}
			for _, d := range CipherSuites(SuitesDefault, v) {
				if d.Name == cs.Name {
					t.Errorf("%s is a default suite at %s", cs.Name, v)
				}
			}
			n++
			t.Run(string(v)+"/"+name, func(t *testing.T) {
				so, co := legacyFamilyOpts(t, p, cs, v)
				loopbackSuite(t, suiteAt{v, cs}, so, co, func(*Socket) {})
			})
		}
	}
	if n != 3*len(legacyFamilyNames)-1 {
		t.Errorf("%d suite/version pairs", n)
	}
}

// legacyFamilyErlang are the suites OTP 25 enables, at the version its
// ssl:cipher_suites(all | anonymous, V) lists them (checked with erl):
// TLS 1.2 for most, TLS 1.0 for RSA_PSK with 3DES, the certificate SRP
// suites and DH_anon with DES, which OTP 25 lists only there. ECDH_anon
// with RC4 is in neither list (TestLegacyFamiliesLoopback has it), and
// TestInteropAnonErlang runs the anonymous TLS 1.2 suites.
var legacyFamilyErlang = []struct {
	name string
	v    Version
}{
	{"PSK-3DES-EDE-CBC-SHA", TLSv1_2}, {"PSK-RC4-SHA", TLSv1_2}, {"DHE-PSK-3DES-EDE-CBC-SHA", TLSv1_2},
	{"DHE-PSK-RC4-SHA", TLSv1_2}, {"ECDHE-PSK-3DES-EDE-CBC-SHA", TLSv1_2}, {"ECDHE-PSK-RC4-SHA", TLSv1_2},
	{"RSA-PSK-RC4-SHA", TLSv1_2}, {"RSA-PSK-3DES-EDE-CBC-SHA", TLSv1}, {"SRP-3DES-EDE-CBC-SHA", TLSv1_2},
	{"SRP-RSA-3DES-EDE-CBC-SHA", TLSv1}, {"SRP-DSS-3DES-EDE-CBC-SHA", TLSv1}, {"ADH-DES-CBC-SHA", TLSv1},
}

// erlangLegacyFamilyTerm is the Erlang option list for cs at v: the
// server's certificate or the client's trust, and one user_lookup_fun
// for PSK (the key for the identity, or for the server's hint) and SRP
// (OTP's {SRPParams, Salt, DerivedKey}, DerivedKey = SHA1(Salt |
// SHA1(User ":" Password))).
func erlangLegacyFamilyTerm(t *testing.T, p *testpeers.PKI, cs CipherSuite, v Version, server bool) string {
	key := "<<" + strings.Trim(strings.ReplaceAll(fmt.Sprint(pskTestKey), " ", ","), "[]") + ">>"
	opts := []string{fmt.Sprintf("{versions,['%s']}", v), "{ciphers,[" + cs.ErlangString() + "]}",
		fmt.Sprintf(`{user_lookup_fun,{fun(psk, _, {K, _}) -> {ok, K};
			(srp, <<"alice">>, {_, P}) -> S = <<"0123456789abcdef">>,
				{ok, {srp_3072, S, crypto:hash(sha, [S, crypto:hash(sha, [<<"alice:">>, P])])}};
			(_, _, _) -> error end, {%s, <<%q>>}}}`, key, srpInteropPassword)}
	kx := cs.KeyExchange
	if server {
		switch kx {
		case "rsa_psk", "srp_rsa":
			opts = append(opts, fmt.Sprintf("{certfile,%q},{keyfile,%q}", p.CertFile("rsa"), p.KeyFile("rsa")))
		case "srp_dss":
			c, k := p.DSAFiles(t)
			opts = append(opts, fmt.Sprintf("{certfile,%q},{keyfile,%q}", c, k))
		}
		// No hint for rsa_psk: OTP 25's rsa_psk server with
		// psk_identity sends a ServerKeyExchange with bytes after the
		// hint, which RFC 4279, Section 4 does not have (gossl's client
		// refuses it with decode_error; TestInteropRSAPSK does the same).
		if strings.HasSuffix(kx, "psk") && kx != "rsa_psk" {
			opts = append(opts, fmt.Sprintf("{psk_identity,%q}", pskInteropHint))
		}
		return "[" + strings.Join(opts, ",") + "]"
	}
	switch kx {
	case "rsa_psk", "srp_rsa", "srp_dss":
		opts = append(opts, fmt.Sprintf(`{verify,verify_peer},{cacertfile,%q},{server_name_indication,"localhost"}`, p.CAFile))
	default:
		opts = append(opts, "{verify,verify_none}")
	}
	switch {
	case strings.HasSuffix(kx, "psk"):
		opts = append(opts, fmt.Sprintf("{psk_identity,%q}", pskInteropID))
	case strings.HasPrefix(kx, "srp"):
		opts = append(opts, fmt.Sprintf(`{srp_identity,{"alice",%q}}`, srpInteropPassword))
	}
	return "[" + strings.Join(opts, ",") + "]"
}

// TestInteropLegacyFamiliesErlang: each suite OTP 25 has, in both roles
// against Erlang/OTP, which has rc4 and des_ede3_cbc in its crypto.
func TestInteropLegacyFamiliesErlang(t *testing.T) {
	p := testpeers.NewPKI(t)
	testpeers.Require(t, "erl")
	for _, tc := range legacyFamilyErlang {
		cs, ok := legacyFamilySuite(t, tc.name, tc.v)
		if !ok {
			t.Fatalf("%s not at %s", tc.name, tc.v)
		}
		t.Run("erlang-server/"+string(tc.v)+"/"+tc.name, func(t *testing.T) {
			srv, addr := testpeers.ErlangServer(t, erlangLegacyFamilyTerm(t, p, cs, tc.v, true))
			_, co := legacyFamilyOpts(t, p, cs, tc.v)
			s, err := Connect("127.0.0.1", portOf(t, addr), co, 30*time.Second)
			if err != nil {
				t.Fatalf("Connect: %v\n%s", err, srv.Output())
			}
			defer s.Close()
			if v := infoValue(t, s, "cipher_suite"); v != cs.Name {
				t.Fatalf("negotiated %v", v)
			}
			echo(t, s)
		})
		t.Run("erlang-client/"+string(tc.v)+"/"+tc.name, func(t *testing.T) {
			so, _ := legacyFamilyOpts(t, p, cs, tc.v)
			port, done := startEcho(t, so)
			c := testpeers.ErlangClient(t, fmt.Sprintf("127.0.0.1:%d", port), erlangLegacyFamilyTerm(t, p, cs, tc.v, false),
				strings.Repeat("legacy family ", 30))
			awaitErlangClient(t, c, tc.v, cs.Name, done)
		})
	}
}
