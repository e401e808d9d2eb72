package main

import (
	"fmt"
	"io"
	"strings"
	"sync"

	ssl "github.com/gossl/ssl"
)

// infoBlock renders a connection's information block: one "key: value"
// line per item of Socket.ConnectionInformation, with Erlang's item
// names, in the order the library returns them. negotiated_protocol is
// added at the end when ALPN or NPN agreed on one and the default items
// do not already carry it.
func infoBlock(s *ssl.Socket) (string, error) {
	items, err := s.ConnectionInformation()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	seen := map[string]bool{}
	for _, it := range items {
		seen[it.Key] = true
		fmt.Fprintf(&b, "%s: %s\n", it.Key, infoValue(it.Value))
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
