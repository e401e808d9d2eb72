package kx

import (
	"crypto/rand"
	"testing"
)

// Fuzz targets for the SRP parsers; seeds in testdata/fuzz/FuzzSRP*.

func FuzzSRPProcessServerParams(f *testing.F) {
	srv, _ := NewSRPServer(testSRPUser("srp_1024", "u", "p"), rand.Reader)
	p, _ := srv.ServerParams()
	f.Add(p)
	f.Fuzz(func(t *testing.T, body []byte) {
		cli := NewSRPClient("u", "p", rand.Reader)
		n, err := cli.ProcessServerParams(body)
		if err != nil {
			mustAlert(t, err)
			return
		}
		if n < 8 || n > len(body) {
			t.Fatalf("params length %d of %d", n, len(body))
		}
		cke, pm, err := cli.ClientKeyExchange()
		if err != nil {
			mustAlert(t, err)
			return
		}
		if len(cke) < 3 || len(pm) == 0 {
			t.Fatal("empty ClientKeyExchange or premaster")
		}
	})
}

func FuzzSRPProcessClientKeyExchange(f *testing.F) {
	user := testSRPUser("srp_1024", "u", "p")
	grp := user.Group
	body, _, _ := srpRun(f, user, "u", "p")
	f.Add(body)
	f.Fuzz(func(t *testing.T, body []byte) {
		srv, err := NewSRPServer(user, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		pm, err := srv.ProcessClientKeyExchange(body)
		if err != nil {
			mustAlert(t, err)
			return
		}
		if len(pm) == 0 || len(pm) > len(grp.n) {
			t.Fatalf("premaster of %d bytes", len(pm))
		}
	})
}
