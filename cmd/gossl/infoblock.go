package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	ssl "github.com/gossl/ssl"
)

// infoBlock renders a connection's information block: one "key: value"
// line per item of Socket.ConnectionInformation, with Erlang's item
// names, in the order the library returns them (without the items that
// do not apply to TLS 1.3, on a TLS 1.3 connection). negotiated_protocol is
// added at the end when ALPN or NPN agreed on one and the default items
// do not already carry it, and ocsp_status (good, revoked, unknown or
// none) for a client with --stapling.
func infoBlock(s *ssl.Socket) (string, error) {
	items, err := s.ConnectionInformation()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	seen := map[string]bool{}
	tls13 := len(items) > 0 && items[0].Key == "protocol" && items[0].Value == string(ssl.TLSv1_3)
	for _, it := range items {
		seen[it.Key] = true
		if tls13 && notIn13[it.Key] {
			continue
		}
		fmt.Fprintf(&b, "%s: %s\n", it.Key, infoValue(it.Value))
	}
	// A client with stapling: what the server's staple said.
	if st, err := s.ConnectionInformation("ocsp_status"); err == nil && len(st) == 1 {
		fmt.Fprintf(&b, "ocsp_status: %s\n", infoValue(st[0].Value))
	}
	if !seen["negotiated_protocol"] {
		if p, err := s.NegotiatedProtocol(); err == nil && p != "" {
			fmt.Fprintf(&b, "negotiated_protocol: %s\n", p)
		}
	}
	return b.String(), nil
}

// infoValue formats one item's value on one line: lists are
// comma-separated, everything else as Go prints it.
func infoValue(v any) string {
	var s string
	switch v := v.(type) {
	case string:
		s = v
	case []string:
		s = strings.Join(v, ",")
	case []ssl.Version:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = string(x)
		}
		s = strings.Join(parts, ",")
	default:
		s = fmt.Sprint(v)
	}
	// One item, one line, whatever the value holds.
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
}

// blockWriter writes whole information blocks, each followed by a blank
// line, so that blocks of concurrent connections never interleave.
type blockWriter struct {
	mu sync.Mutex
	w  io.Writer
}

// write prints block and a blank line in one Write.
func (bw *blockWriter) write(block string) {
	bw.mu.Lock()
	defer bw.mu.Unlock()
	io.WriteString(bw.w, block+"\n")
}

// line prints one line in one Write.
func (bw *blockWriter) line(format string, args ...any) {
	bw.mu.Lock()
	defer bw.mu.Unlock()
	fmt.Fprintf(bw.w, format+"\n", args...)
}

// notIn13 are the default items that do not apply to TLS 1.3 (it has no
// renegotiation, and its key schedule always binds the transcript, RFC
// 8446, Section 7.1): a TLS 1.3 block leaves them out rather than print
// false.
var notIn13 = map[string]bool{"secure_renegotiation": true, "extended_master_secret": true}

// verifyResult is connect's "verify_result:" line.
func verifyResult(s *ssl.Socket, opts *ssl.Options) string {
	switch {
	case opts.Verify == ssl.VerifyNone:
		return "verify_result: not verified (verify_none)\n"
	case len(s.ConnectionState().PeerCertificates) == 0:
		return "verify_result: no certificate\n"
	}
	return "verify_result: ok\n"
}

// chainLines is --showcerts: one line per certificate the peer sent.
func chainLines(s *ssl.Socket) string {
	var b strings.Builder
	for i, c := range s.ConnectionState().PeerCertificates {
		fmt.Fprintf(&b, "chain_%d: subject=%s; issuer=%s; not_before=%s; not_after=%s\n", i,
			infoValue(c.Subject.String()), infoValue(c.Issuer.String()),
			c.NotBefore.UTC().Format(time.RFC3339), c.NotAfter.UTC().Format(time.RFC3339))
	}
	return b.String()
}
