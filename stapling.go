package ssl

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gossl/ssl/internal/handshake"
	"github.com/gossl/ssl/internal/pki"
)

// OCSP stapling (RFC 6066, Section 8; RFC 8446, Section 4.4.2.1), OTP's
// {stapling, staple | no_staple} in both roles.
//
// A client with Stapling "staple" sends status_request and checks what
// the server staples while it validates the server's chain (see
// stapling_verify.go). A server staples, for a client that asks, the
// response configured with a certificate (OCSPResponse, or a
// CertKeyPair's) or, with Stapling "staple", one it fetches from the
// certificate's OCSP responder (its authorityInfoAccess) and refreshes
// before nextUpdate. A handshake never waits for a fetch: it staples what
// is there, or nothing.

// Stapling values.
const (
	Staple   = "staple"
	NoStaple = "no_staple"
)

// OCSPFetchTimeout bounds one fetch of a server's OCSP response from its
// responder; maxOCSPResponse bounds its size.
const (
	OCSPFetchTimeout = 5 * time.Second
	maxOCSPResponse  = 1 << 20
	// ocspRetry is how long a server waits after a failed fetch.
	ocspRetry = 30 * time.Second
)

// resolveStapling applies stapling and ocsp_response to cfg.
func (o *Options) resolveStapling(cfg *handshake.Config, r role) error {
	switch o.Stapling {
	case "", NoStaple, Staple:
	default:
		return badOption("stapling", o.Stapling, "must be staple or no_staple")
	}
	on := o.Stapling == Staple
	if r == roleClient {
		if o.OCSPResponse != nil {
			return badOption("ocsp_response", "<<...>>", "a client staples no response (it is a server option)")
		}
		cfg.Stapling = on
		return nil
	}
	responses := []*[]byte{&o.OCSPResponse}
	for i := range o.CertsKeys {
		responses = append(responses, &o.CertsKeys[i].OCSPResponse)
	}
	// cfg.Certs holds the Cert/CertFile chain first when there is one,
	// then certs_keys in order (loadCertificates).
	if len(cfg.Certs) == len(o.CertsKeys) {
		if o.OCSPResponse != nil {
			return badOption("ocsp_response", "<<...>>", "there is no cert or certfile to staple it with")
		}
		responses = responses[1:]
	}
	for i := range cfg.Certs {
		ck := &cfg.Certs[i]
		der := *responses[i]
		switch {
		case der != nil:
			s, err := newFileStapler(ck, der)
			if err != nil {
				return badOption("ocsp_response", "<<...>>", err.Error())
			}
			ck.Staple = s.current
		case on:
			s, err := fetchStapler(ck)
			if err != nil {
				return badOption("stapling", Staple, err.Error())
			}
			ck.Staple = s.current
		}
	}
	return nil
}

// stapled is one response a server staples.
type stapled struct {
	der        []byte
	nextUpdate time.Time // zero: none; past it the response is not stapled
	refresh    time.Time // when to fetch a newer one (zero: never)
}

// stapler holds a chain's current response.
type stapler struct {
	leaf, issuer *x509.Certificate
	url          string // "" for a configured response: never fetched
	cur          atomic.Pointer[stapled]
	busy         atomic.Bool
	retryAt      atomic.Int64 // unix nanoseconds: no fetch before
	client       *http.Client
}

// current is CertKey.Staple: the response to staple now, or nil. It
// starts a fetch in the background when one is due and never waits for
// it.
func (s *stapler) current() []byte {
	now := time.Now()
	cur := s.cur.Load()
	if s.url != "" && (cur == nil || !cur.refresh.IsZero() && !now.Before(cur.refresh)) && now.UnixNano() >= s.retryAt.Load() {
		s.kick()
	}
	if cur == nil || !cur.nextUpdate.IsZero() && now.After(cur.nextUpdate) {
		return nil
	}
	return cur.der
}

// issuerOf returns the chain's issuer of the leaf: the next certificate.
func issuerOf(ck *handshake.CertKey) (*x509.Certificate, error) {
	if len(ck.Chain) < 2 {
		return nil, errors.New("the certificate chain must hold the leaf's issuer, to check OCSP responses against it")
	}
	return pki.ParseCertificate(ck.Chain[1])
}

// newFileStapler checks a configured response: successful, about the
// chain's leaf (and issuer, when the chain has it), and still fresh.
func newFileStapler(ck *handshake.CertKey, der []byte) (*stapler, error) {
	s := &stapler{leaf: ck.Leaf}
	r, err := pki.ParseOCSPResponse(der)
	if err != nil {
		return nil, err
	}
	var sr *pki.OCSPSingleResponse
	if issuer, err := issuerOf(ck); err == nil {
		if _, bad := pki.CheckOCSP(der, ck.Leaf, issuer, time.Now()); bad != nil && bad.Reason == pki.ReasonInvalidOCSPResponse {
			return nil, errors.New("the OCSP response does not check out: " + bad.Detail)
		}
		sr = r.FindOCSPSingle(ck.Leaf, issuer)
	} else {
		for i := range r.Responses {
			if r.Responses[i].Serial.Cmp(ck.Leaf.SerialNumber) == 0 {
				sr = &r.Responses[i]
			}
		}
	}
	if sr == nil {
		return nil, errors.New("the OCSP response is not about the certificate")
	}
	s.cur.Store(&stapled{der: bytes.Clone(der), nextUpdate: sr.NextUpdate})
	return s, nil
}

// staplers are the fetching staplers by leaf and issuer: the options of a
// listener are compiled again for SNI hosts and on every new Listen, and
// one responder is asked once per refresh for all of them.
var staplers sync.Map // [32]byte -> *stapler

func fetchStapler(ck *handshake.CertKey) (*stapler, error) {
	issuer, err := issuerOf(ck)
	if err != nil {
		return nil, err
	}
	url := ""
	for _, u := range ck.Leaf.OCSPServer {
		if strings.HasPrefix(strings.ToLower(u), "http://") {
			url = u
			break
		}
	}
	if url == "" {
		return nil, errors.New("the certificate names no http:// OCSP responder (authorityInfoAccess) to fetch a response from")
	}
	key := sha256.Sum256(append(append([]byte(nil), ck.Leaf.Raw...), issuer.Raw...))
	s := &stapler{leaf: ck.Leaf, issuer: issuer, url: url, client: &http.Client{Timeout: OCSPFetchTimeout}}
	if old, loaded := staplers.LoadOrStore(key, s); loaded {
		return old.(*stapler), nil
	}
	s.kick()
	return s, nil
}

// kick starts one fetch unless one is under way.
func (s *stapler) kick() {
	if !s.busy.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer s.busy.Store(false)
		if err := s.fetch(); err != nil {
			s.retryAt.Store(time.Now().Add(ocspRetry).UnixNano())
		}
	}()
}

// fetch asks the responder (RFC 6960, Appendix A.1: an HTTP POST of the
// DER request) and keeps the answer when it checks out.
func (s *stapler) fetch() error {
	req, err := pki.MarshalOCSPRequest(s.leaf, s.issuer)
	if err != nil {
		return err
	}
	resp, err := s.client.Post(s.url, "application/ocsp-request", bytes.NewReader(req))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("OCSP responder %s: %s", s.url, resp.Status)
	}
	der, err := io.ReadAll(io.LimitReader(resp.Body, maxOCSPResponse+1))
	if err != nil {
		return err
	}
	if len(der) > maxOCSPResponse {
		return fmt.Errorf("OCSP responder %s: response larger than %d bytes", s.url, maxOCSPResponse)
	}
	now := time.Now()
	if _, bad := pki.CheckOCSP(der, s.leaf, s.issuer, now); bad != nil && bad.Reason == pki.ReasonInvalidOCSPResponse {
		return errors.New(bad.Error())
	}
	r, err := pki.ParseOCSPResponse(der)
	if err != nil {
		return err
	}
	sr := r.FindOCSPSingle(s.leaf, s.issuer)
	refresh := pki.OCSPRefresh(sr)
	if refresh.IsZero() {
		refresh = now.Add(time.Hour) // no nextUpdate: ask again hourly
	}
	s.cur.Store(&stapled{der: der, nextUpdate: sr.NextUpdate, refresh: refresh})
	return nil
}
