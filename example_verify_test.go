package ssl_test

import (
	"bytes"
	"crypto/x509"
	"fmt"

	ssl "github.com/gossl/ssl"
)

// A verify_fun that accepts one known self-signed server certificate
// (pinning) and otherwise behaves like the default of verify_peer. The
// user state counts the events seen; each handshake starts from State.
func ExampleVerifyFun() {
	var pinned []byte // the DER of the certificate to accept
	opts := &ssl.Options{
		VerifyFun: &ssl.VerifyFun{
			State: 0,
			Fun: func(cert *x509.Certificate, ev ssl.VerifyEvent, n any) (ssl.VerifyResult, any) {
				n = n.(int) + 1
				switch ev.Kind {
				case ssl.EventBadCert:
					if ev.Reason == "selfsigned_peer" && bytes.Equal(cert.Raw, pinned) {
						return ssl.VerifyValid, n
					}
					return ssl.VerifyFail(ev.Reason), n
				case ssl.EventExtension:
					return ssl.VerifyUnknown, n
				}
				return ssl.VerifyValid, n
			},
		},
	}
	_ = opts // ssl.Connect("example.com", 443, opts, 10*time.Second)

	// The funs the manual prints are there too:
	res, _ := ssl.DefaultVerifyPeerFun.Fun(nil, ssl.VerifyEvent{Kind: ssl.EventBadCert, Reason: "unknown_ca"}, nil)
	fmt.Println(res)
	res, _ = ssl.DefaultVerifyNoneFun.Fun(nil, ssl.VerifyEvent{Kind: ssl.EventBadCert, Reason: "unknown_ca"}, nil)
	fmt.Println(res)
	// Output:
	// {fail,unknown_ca}
	// valid
}
