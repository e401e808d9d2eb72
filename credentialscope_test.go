package ssl

import (
	"bytes"
	"testing"
)

// TestSharedSecretSessionScope: listeners A and B of one process have
// the same options apart from their user_lookup_fun, which gives the
// client's identity another secret on B (another PSK, or an SRP verifier
// with another salt). A client resumes on A, then, through the same
// forwarding address, offers A's session or ticket to B. B must not
// resume it: the session proves a secret B no longer gives that
// identity. B's full handshake, with the secret B knows, succeeds.
// (TLS 1.3 tickets after an external PSK: internal/handshake
// TestTicket13ExternalPSKCredential, as a gossl client does not offer a
// ticket beside an external PSK.)
func TestSharedSecretSessionScope(t *testing.T) {
	keyA, keyB := pskTestKey, bytes.Repeat([]byte{0x5a}, 16)
	clientKey := func(key *[]byte) *UserLookupFun {
		return &UserLookupFun{Fun: func(LookupKind, string, any) (LookupResult, error) { return PSKKey(*key), nil }}
	}
	for _, tc := range []struct {
		name   string
		server func(t *testing.T, key []byte) *Options
		client func(key *[]byte) *Options
	}{
		{"TLS 1.2 PSK", func(_ *testing.T, key []byte) *Options {
			return pskServerOpts("", map[string][]byte{"client1": key}, "PSK-AES128-GCM-SHA256")
		}, func(key *[]byte) *Options {
			return &Options{Ciphers: []string{"PSK-AES128-GCM-SHA256"}, Versions: []Version{TLSv1_2},
				PSKIdentity: "client1", UserLookupFun: clientKey(key)}
		}},
		{"TLS 1.2 ECDHE-PSK", func(_ *testing.T, key []byte) *Options {
			return pskServerOpts("hint", map[string][]byte{"client1": key}, "ECDHE-PSK-AES128-CBC-SHA256")
		}, func(key *[]byte) *Options {
			return &Options{Ciphers: []string{"ECDHE-PSK-AES128-CBC-SHA256"}, Versions: []Version{TLSv1_2},
				PSKIdentity: "client1", UserLookupFun: clientKey(key)}
		}},
		{"TLS 1.2 SRP", func(t *testing.T, _ []byte) *Options {
			// NewSRPVerifier draws a new salt: the same password, another
			// verifier.
			return srpServerOpts(t, nil, "srp_1024", "SRP-AES-128-CBC-SHA")
		}, func(*[]byte) *Options {
			return &Options{Ciphers: []string{"SRP-AES-128-CBC-SHA"}, Versions: []Version{TLSv1_2},
				SRPIdentity: [2]string{"alice", "open sesame"}}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ao, bo := tc.server(t, keyA), tc.server(t, keyB)
			for _, o := range []*Options{ao, bo} {
				o.LogAlert = Bool(false)
			}
			portA, resA := startScopeServer(t, ao)
			portB, resB := startScopeServer(t, bo)
			f := startForwarder(t)
			forgetClientSessions(f.port)
			key := keyA
			co := tc.client(&key)

			resumeOnA(t, f, portA, resA, co)

			f.target.Store(int64(portB))
			key = keyB
			resumed, _, cerr := scopeClient(t, f.port, co)
			r := nextResult(t, resB)
			if r.resumed || resumed {
				t.Fatalf("B resumed A's session (server %v, client %v)", r.resumed, resumed)
			}
			if r.err != nil || cerr != nil {
				t.Fatalf("full handshake with B: server %v, client %v", r.err, cerr)
			}
		})
	}
}

// TestClientSessionKeyNamesIdentity: a client that changes who it is
// (PSK identity, SRP user or password, certificate) gets another session
// cache key, so it never offers a session made as someone else.
func TestClientSessionKeyNamesIdentity(t *testing.T) {
	base := Options{PSKIdentity: "a", SRPIdentity: [2]string{"u", "p"}}
	seen := map[string]string{}
	for name, change := range map[string]func(o *Options){
		"same":          func(*Options) {},
		"psk identity":  func(o *Options) { o.PSKIdentity = "b" },
		"srp user":      func(o *Options) { o.SRPIdentity[0] = "v" },
		"srp password":  func(o *Options) { o.SRPIdentity[1] = "q" },
		"certificate":   func(o *Options) { o.Cert = [][]byte{{1}} },
		"certs_keys":    func(o *Options) { o.CertsKeys = []CertKeyPair{{Cert: [][]byte{{1}}}} },
		"concatenation": func(o *Options) { o.PSKIdentity, o.SRPIdentity[0] = "au", "" },
	} {
		o := base
		change(&o)
		k := o.trustKey([32]byte{})
		if other, dup := seen[k]; dup {
			t.Errorf("%s and %s give the same key", name, other)
		}
		seen[k] = name
	}
	if len(seen) != 7 {
		t.Errorf("%d distinct keys, want 7", len(seen))
	}
}
