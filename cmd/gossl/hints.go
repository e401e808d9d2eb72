package main

import (
	"errors"
	"fmt"
	"strings"

	ssl "github.com/gossl/ssl"
)

// sentence is what the command prints for err: the library's sentence
// (OTP's wording) for TLS failures, and the Go error itself for ordinary
// ones (connection refused, address in use, DNS), which FormatError
// would call "Unexpected error". For a certificate the client refused it
// adds what to do, in the command's own flags.
func sentence(err error, opts *ssl.Options) string {
	s := ssl.FormatError(err)
	if strings.HasPrefix(s, unexpected) {
		s = err.Error()
	}
	var ce *ssl.CertificateError
	if opts == nil || !errors.As(err, &ce) {
		return s
	}
	switch ce.Reason {
	case "unknown_ca", "selfsigned_peer":
		if opts.CACertFile == "" && opts.CACerts == nil {
			s += "\n - not trusted by the system roots; use --cacertfile FILE or --verify verify_none"
		} else {
			s += fmt.Sprintf("\n - not trusted by --cacertfile %s; give its issuer's certificate there, or use --verify verify_none", opts.CACertFile)
		}
	case "hostname_check_failed":
		if len(ce.Names) > 0 {
			s += "\n - the certificate covers: " + strings.Join(ce.Names, ", ") +
				"; connect by one of these names or use --server-name-indication NAME"
		}
	}
	return s
}

// unexpected is how FormatError begins for errors that are not TLS's.
const unexpected = "Unexpected error: "
