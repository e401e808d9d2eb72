package main

import (
	"strings"
	"testing"

	ssl "github.com/gossl/ssl"
)

func TestCiphers(t *testing.T) {
	for _, c := range []struct {
		args []string
		want []ssl.CipherSuite
	}{
		{[]string{"ciphers", "all"}, ssl.CipherSuites(ssl.SuitesAll, "")},
		{[]string{"ciphers"}, ssl.CipherSuites(ssl.SuitesDefault, "")},
		{[]string{"ciphers", "--versions", "tlsv1.1", "all"}, ssl.CipherSuites(ssl.SuitesAll, ssl.TLSv1_1)},
	} {
		r := gossl(t, "", c.args...)
		if r.code != 0 {
			t.Fatalf("gossl %v: exit %d: %s", c.args, r.code, r.stderr)
		}
		lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
		if len(lines) != len(c.want) || len(c.want) == 0 {
			t.Fatalf("gossl %v: %d lines, want %d", c.args, len(lines), len(c.want))
		}
		for i, s := range c.want {
			if want := s.Name + "\t" + s.OpenSSLName + "\t" + s.ErlangString(); lines[i] != want {
				t.Errorf("line %d: %q, want %q", i, lines[i], want)
			}
		}
	}
}
