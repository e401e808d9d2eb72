package handshake

import (
	"bytes"
	"crypto"
	"errors"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/kx"
	sess "github.com/gossl/ssl/internal/session"
	"github.com/gossl/ssl/internal/suites"
)

// A TLS 1.3 ticket issued after an external-PSK handshake resumes only
// while the server still gives the PSK's identity the same key and hash.
// (A gossl client does not offer tickets beside an external PSK; other
// clients do, so the ticket is put in the client's cache by hand.)
func TestTicket13ExternalPSKCredential(t *testing.T) {
	keyA := bytes.Repeat([]byte{1}, 32)
	// known answers for dev-1 only: the ticket itself is also looked up
	// as an identity once it is refused.
	known := func(key []byte, hash crypto.Hash) func([]byte) (*ExternalPSK13, error) {
		return func(id []byte) (*ExternalPSK13, error) {
			if string(id) != "dev-1" {
				return nil, nil
			}
			return &ExternalPSK13{Identity: id, Key: key, Hash: hash}, nil
		}
	}
	for _, tc := range []struct {
		name   string
		lookup func(id []byte) (*ExternalPSK13, error)
		resume bool
	}{
		{"same key", known(keyA, crypto.SHA256), true},
		{"other key", known(bytes.Repeat([]byte{2}, 32), crypto.SHA256), false},
		{"other hash", known(keyA, crypto.SHA384), false},
		{"identity gone", func([]byte) (*ExternalPSK13, error) { return nil, nil }, false},
		{"lookup fails", func([]byte) (*ExternalPSK13, error) { return nil, errors.New("down") }, false},
		{"no external PSKs", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cc, sc := ticketPair(t)
			cc.Suites = []*suites.Suite{suites.ByID(0x1301)} // the ticket's
			sc.ServerPSK13 = tc.lookup
			psk := bytes.Repeat([]byte{3}, 32)
			st := &sess.State13{Suite: 0x1301, PSK: psk, Created: time.Now(), Lifetime: time.Hour, ConfigKey: sc.ConfigKey,
				Credential: sess.Credential{Identity: []byte("dev-1"), Digest: externalPSKDigest(keyA, crypto.SHA256)}}
			sealed := sealState(t, sc, st)
			cc.TicketCache.Put(cc.CacheKey, &sess.ClientTicket{Ticket: sealed, Suite: 0x1301, PSK: psk,
				Received: time.Now(), Lifetime: time.Hour})
			c, s, err := pairOrFail(t, cc, sc)
			if err != nil {
				t.Fatal(err)
			}
			if c.Info().Resumed != tc.resume || s.Info().Resumed != tc.resume {
				t.Fatalf("resumed %v/%v, want %v", c.Info().Resumed, s.Info().Resumed, tc.resume)
			}
		})
	}
}

// credentialHolds: a TLS 1.2 PSK or SRP session resumes only while its
// identity looks up to the same secret, and a session of any other key
// exchange never carries a credential.
func TestCredentialHolds12(t *testing.T) {
	psk := suites.ByID(0x00a8)   // TLS_PSK_WITH_AES_128_GCM_SHA256
	srp := suites.ByID(0xc01d)   // TLS_SRP_SHA_WITH_AES_128_CBC_SHA
	ecdhe := suites.ByID(0xc02f) // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
	if psk == nil || srp == nil || ecdhe == nil {
		t.Fatal("suite missing")
	}
	key := []byte("0123456789abcdef")
	s := &Server{}
	s.cfg = &Config{ServerPSK: func(id []byte) ([]byte, error) {
		if string(id) == "client1" {
			return key, nil
		}
		return nil, nil
	}}
	good := sess.Credential{Identity: []byte("client1"), Digest: kx.PSKDigest(key)}
	for _, tc := range []struct {
		name  string
		suite *suites.Suite
		c     sess.Credential
		want  bool
	}{
		{"PSK, same key", psk, good, true},
		{"PSK, other key", psk, sess.Credential{Identity: []byte("client1"), Digest: kx.PSKDigest([]byte("other"))}, false},
		{"PSK, unknown identity", psk, sess.Credential{Identity: []byte("nobody"), Digest: kx.PSKDigest(key)}, false},
		{"PSK, no credential", psk, sess.Credential{}, false},
		{"SRP without a lookup", srp, good, false},
		{"ECDHE with a credential", ecdhe, good, false},
		{"ECDHE without", ecdhe, sess.Credential{}, true},
	} {
		if got := s.credentialHolds(tc.suite, tc.c); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
