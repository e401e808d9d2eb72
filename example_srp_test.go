package ssl_test

import (
	"bytes"
	"errors"
	"fmt"
	"log"
	"net"
	"time"

	ssl "github.com/gossl/ssl"
)

// ExampleNewSRPVerifier makes the record an SRP server keeps for a user
// (a salt and the DerivedKey of RFC 5054, never the password), serves it
// through a user_lookup_fun, and logs in with srp_identity over the
// certificate-less srp_anon suite.
func ExampleNewSRPVerifier() {
	// Once, when the user registers: keep v.Params, v.Salt and
	// v.DerivedKey in the user database.
	v, err := ssl.NewSRPVerifier("srp_2048", "alice", "open sesame")
	if err != nil {
		log.Fatal(err)
	}
	// The same DerivedKey, from the stored salt:
	fmt.Println(bytes.Equal(v.DerivedKey, ssl.SRPDerivedKey(v.Salt, "alice", "open sesame")))

	users := map[string]ssl.SRPVerifier{"alice": v}
	lookup := &ssl.UserLookupFun{Fun: func(kind ssl.LookupKind, user string, state any) (ssl.LookupResult, error) {
		if rec, ok := state.(map[string]ssl.SRPVerifier)[user]; ok && kind == ssl.LookupSRP {
			return rec, nil
		}
		return nil, errors.New("no such user")
	}, UserState: users}

	ls, err := ssl.Listen(0, &ssl.Options{IP: net.IPv4(127, 0, 0, 1), UserLookupFun: lookup,
		Ciphers: []string{"TLS_SRP_SHA_WITH_AES_128_CBC_SHA"}})
	if err != nil {
		log.Fatal(err)
	}
	defer ls.Close()
	go func() {
		s, err := ls.TransportAccept(10 * time.Second)
		if err != nil {
			return
		}
		defer s.Close()
		if s.Handshake(10*time.Second) == nil {
			s.Send([]byte("hello, alice"))
		}
	}()

	s, err := ssl.Connect("127.0.0.1", ls.Port(), &ssl.Options{Ciphers: []string{"SRP-AES-128-CBC-SHA"},
		SRPIdentity: [2]string{"alice", "open sesame"}}, 10*time.Second)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	msg, err := s.Recv(0, 10*time.Second)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(msg))
	// Output:
	// true
	// hello, alice
}
