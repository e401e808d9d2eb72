package main

import (
	"bytes"
	"context"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	ssl "github.com/gossl/ssl"
)

// optionFlag maps one command-line flag to one field of ssl.Options. The
// flag is the Erlang option's name with "-" for "_": {server_name_indication,
// Host} is --server-name-indication HOST.
//
// Values are passed through to Options as given; the library checks them
// when Connect or Listen compiles the options, so an unknown value or a
// planned (not yet implemented) option fails there with the library's own
// sentence. Only values that cannot be represented in the field's Go type
// (a depth that is not a number, say) are refused here, as an
// *ssl.OptionError naming the option.
type optionFlag struct {
	// name is the Erlang option name.
	name string
	// arg is the value placeholder shown in help; "" for booleans.
	arg string
	// usage is the one-line description.
	usage string
	// set stores the flag's value v into o.
	set func(o *ssl.Options, name, v string) error
	// isBool marks flags that take no value (--fallback); --name=false
	// still works.
	isBool bool
	// negatable adds --no-NAME, for the *bool options whose default is
	// true (or depends on the role), so both values can be given.
	negatable bool
}

// optionFlags is every option of ssl.Options with a scalar or list value.
// Options whose value is a function or raw DER (verify_fun, sni_fun,
// cert, key, cacerts, cb_info, ...) have no flag; their file forms
// (certfile, keyfile, cacertfile, dhfile, sni_hosts with files) do, dh
// reads its DER from a file, and
// --keylogfile stands for the KeyLogWriter.
var optionFlags = []optionFlag{
	// Protocol, versions, algorithms.
	{name: "protocol", arg: "tls|dtls", usage: "transport protocol", set: setString(func(o *ssl.Options) *string { return &o.Protocol })},
	{name: "dtls_mtu", arg: "N", usage: "DTLS: largest datagram sent (default 1400)", set: setInt(func(o *ssl.Options) *int { return &o.DTLSMTU })},
	{name: "dtls_retransmit_timeout", arg: "MS", usage: "DTLS: first handshake retransmission timeout (default 1000, doubling to 60 s)", set: setMillis(func(o *ssl.Options) *time.Duration { return &o.DTLSRetransmitTimeout })},
	{name: "use_srtp", arg: "PROFILES", usage: "DTLS: SRTP protection profiles to offer or accept, colon-separated (SRTP_AES128_CM_SHA1_80:SRTP_AEAD_AES_128_GCM)", set: setUseSRTP},
	{name: "dtls_connection_id", arg: "N", usage: "DTLS 1.2: negotiate connection IDs (RFC 9146), asking for N-byte ones (0 to 32)", set: setIntPtr(func(o *ssl.Options) **int { return &o.DTLSConnectionID })},
	{name: "versions", arg: "LIST", usage: "protocol versions, e.g. tlsv1.2,tlsv1.1,tlsv1", set: setList(",", func(o *ssl.Options) *[]ssl.Version { return &o.Versions })},
	{name: "ciphers", arg: "LIST", usage: "cipher suites in preference order, IANA or OpenSSL names, ',' or ':' separated", set: setList(",:", func(o *ssl.Options) *[]string { return &o.Ciphers })},
	{name: "eccs", arg: "LIST", usage: "ECDHE groups in preference order, e.g. x25519,secp256r1", set: setList(",", func(o *ssl.Options) *[]string { return &o.Eccs })},
	{name: "supported_groups", arg: "LIST", usage: "TLS 1.3 key-exchange groups in preference order, e.g. x25519mlkem768,x25519,secp256r1 (a client sends key shares for the first two)", set: setList(",", func(o *ssl.Options) *[]string { return &o.SupportedGroups })},
	{name: "middlebox_comp_mode", usage: "TLS 1.3 middlebox compatibility: a session ID and change_cipher_spec records (default true)", isBool: true, negatable: true, set: setBoolPtr(func(o *ssl.Options) **bool { return &o.MiddleboxCompatMode })},
	{name: "signature_algs", arg: "LIST", usage: "signature schemes (rsa_pss_rsae_sha256, ...) or TLS 1.2 pairs (sha256+rsa)", set: setList(",", func(o *ssl.Options) *[]string { return &o.SignatureAlgs })},
	{name: "signature_algs_cert", arg: "LIST", usage: "signature schemes accepted in certificates", set: setList(",", func(o *ssl.Options) *[]string { return &o.SignatureAlgsCert })},
	{name: "honor_cipher_order", usage: "server: choose the suite by its own preference", isBool: true, set: setBool(func(o *ssl.Options) *bool { return &o.HonorCipherOrder })},
	{name: "honor_ecc_order", usage: "server: choose the group by its own preference", isBool: true, set: setBool(func(o *ssl.Options) *bool { return &o.HonorECCOrder })},

	// Certificates and keys.
	{name: "certfile", arg: "FILE", usage: "PEM certificate chain, leaf first", set: setString(func(o *ssl.Options) *string { return &o.CertFile })},
	{name: "keyfile", arg: "FILE", usage: "PEM private key (defaults to the certfile)", set: setString(func(o *ssl.Options) *string { return &o.KeyFile })},
	{name: "password", arg: "PASSWORD", usage: "password of an encrypted keyfile", set: setString(func(o *ssl.Options) *string { return &o.Password })},
	{name: "certs_keys", arg: "CERTFILE[:KEYFILE],...", usage: "further certificate chains with their keys (the keyfile defaults to the certfile)", set: setCertsKeys},
	{name: "cacertfile", arg: "FILE", usage: "PEM trusted certificates", set: setString(func(o *ssl.Options) *string { return &o.CACertFile })},
	{name: "dhfile", arg: "FILE", usage: "server: PEM Diffie-Hellman parameters for DHE (default: the 2048-bit MODP group of RFC 3526)", set: setString(func(o *ssl.Options) *string { return &o.DHFile })},
	{name: "dh", arg: "FILE", usage: "server: DER (PKCS #3) Diffie-Hellman parameters for DHE, from FILE", set: setFileBytes(func(o *ssl.Options) *[]byte { return &o.DH })},
	{name: "dh_min_bits", arg: "N", usage: "client: smallest DHE prime accepted from a server (default 2048); not an Erlang option", set: setInt(func(o *ssl.Options) *int { return &o.DHMinBits })},

	// Verification.
	{name: "verify", arg: "verify_none|verify_peer", usage: "check the peer's certificate (client default verify_peer)", set: setString(func(o *ssl.Options) *ssl.VerifyType { return &o.Verify })},
	{name: "fail_if_no_peer_cert", usage: "server with verify_peer: refuse a client without certificate", isBool: true, negatable: true, set: setBoolPtr(func(o *ssl.Options) **bool { return &o.FailIfNoPeerCert })},
	{name: "depth", arg: "N", usage: "maximum intermediate certificates in the peer's chain", set: setIntPtr(func(o *ssl.Options) **int { return &o.Depth })},
	{name: "crl_check", arg: "true|peer|best_effort|false", usage: "check certificate revocation lists", set: setString(func(o *ssl.Options) *string { return &o.CRLCheck })},
	{name: "crl_cache_dir", arg: "DIR", usage: "CRLs for --crl-check from a hash directory (<hash>.rN files, as openssl rehash makes them)", set: setCRLCacheDir},
	{name: "partial_chain_anchor", arg: "FILE", usage: "PEM certificate the peer's chain may stop at, trusted as its anchor (partial_chain)", set: setPartialChainAnchor},
	{name: "server_name_indication", arg: "HOST|disable", usage: "client: SNI and hostname to check (default: the connect host)", set: setString(func(o *ssl.Options) *string { return &o.ServerNameIndication })},
	{name: "stapling", usage: "{stapling, staple}: a client asks for the server's OCSP staple and checks it (the info block gets ocsp_status); a server staples responses it fetches from its certificate's OCSP responder", isBool: true, set: setStapling},
	{name: "ocsp_response", arg: "FILE", usage: "server: DER OCSP response about the certificate, stapled for clients that ask (status_request)", set: setFileBytes(func(o *ssl.Options) *[]byte { return &o.OCSPResponse })},

	// Sessions and renegotiation.
	{name: "reuse_sessions", usage: "TLS 1.2 and older: keep and resume sessions, by ID and ticket (default true)", isBool: true, negatable: true, set: setBoolPtr(func(o *ssl.Options) **bool { return &o.ReuseSessions })},
	{name: "reuse_sessions_save", usage: "client: {reuse_sessions, save}: full handshake, session kept", isBool: true, set: setBool(func(o *ssl.Options) *bool { return &o.ReuseSessionsSave })},
	{name: "session_lifetime", arg: "MS", usage: "how long a TLS 1.2 session can be resumed (default 7200000)", set: setMillis(func(o *ssl.Options) *time.Duration { return &o.SessionLifetime })},
	{name: "session_cache_server_max", arg: "N", usage: "server: sessions in the listener's own cache (default: the shared cache of 3000)", set: setInt(func(o *ssl.Options) *int { return &o.SessionCacheServerMax })},
	{name: "secure_renegotiate", usage: "require RFC 5746 secure renegotiation (default true)", isBool: true, negatable: true, set: setBoolPtr(func(o *ssl.Options) **bool { return &o.SecureRenegotiate })},
	{name: "client_renegotiation", usage: "server: allow client-initiated renegotiation", isBool: true, negatable: true, set: setBoolPtr(func(o *ssl.Options) **bool { return &o.ClientRenegotiation })},

	// Extensions.
	{name: "alpn_advertised_protocols", arg: "LIST", usage: "client: ALPN protocols offered, e.g. h2,http/1.1", set: setList(",", func(o *ssl.Options) *[]string { return &o.ALPNAdvertisedProtocols })},
	{name: "alpn_preferred_protocols", arg: "LIST", usage: "server: ALPN protocols in preference order (no_application_protocol when none is offered)", set: setList(",", func(o *ssl.Options) *[]string { return &o.ALPNPreferredProtocols })},
	{name: "next_protocols_advertised", arg: "LIST", usage: "server: NPN protocols offered", set: setList(",", func(o *ssl.Options) *[]string { return &o.NextProtocolsAdvertised })},
	{name: "client_preferred_next_protocols", arg: "client|server:LIST[:DEFAULT]", usage: "client: NPN, e.g. server:h2,http/1.1 ({Precedence, ClientPrefs}) or client:h2:http/1.1 ({..., Default})", set: setNextProtocols},
	{name: "sni_hosts", arg: "NAME=CERTFILE[:KEYFILE],...", usage: "server: the certificate for a client asking for NAME by SNI (the keyfile defaults to the certfile); repeatable", set: setSNIHosts},
	{name: "psk_identity", arg: "ID", usage: "PSK identity", set: setString(func(o *ssl.Options) *string { return &o.PSKIdentity })},
	{name: "psk_key_exchange_modes", arg: "LIST", usage: "TLS 1.3 external PSK modes: psk_dhe_ke (default; with (EC)DHE) and/or psk_ke (the PSK alone, not forward secret); a client offers them, a server accepts them in its order; not an Erlang option", set: setList(",", func(o *ssl.Options) *[]string { return &o.PSKKeyExchangeModes })},
	{name: "srp_identity", arg: "USER:PASSWORD", usage: "client: SRP user and password", set: setSRPIdentity},

	// Legacy and limits.
	{name: "fallback", usage: "client: send TLS_FALLBACK_SCSV (RFC 7507)", isBool: true, set: setBool(func(o *ssl.Options) *bool { return &o.Fallback })},
	{name: "certificate_authorities", usage: "client: name the trusted CAs in a TLS 1.3 ClientHello (default false); server: name them in CertificateRequest (default true)", isBool: true, negatable: true, set: setBoolPtr(func(o *ssl.Options) **bool { return &o.CertificateAuthorities })},
	{name: "max_fragment_length", arg: "N", usage: "client: ask for records of at most N bytes (512, 1024, 2048, 4096; RFC 6066)", set: setInt(func(o *ssl.Options) *int { return &o.MaxFragmentLength })},
	{name: "record_size_limit", arg: "N", usage: "largest record accepted, 64 to 16385 (RFC 8449); not an Erlang option", set: setInt(func(o *ssl.Options) *int { return &o.RecordSizeLimit })},
	{name: "max_handshake_size", arg: "N", usage: "largest handshake message accepted, in bytes", set: setInt(func(o *ssl.Options) *int { return &o.MaxHandshakeSize })},
	{name: "padding_check", usage: "TLS 1.0: check the whole CBC padding (default true)", isBool: true, negatable: true, set: setBoolPtr(func(o *ssl.Options) **bool { return &o.PaddingCheck })},
	{name: "beast_mitigation", arg: "one_n_minus_one|zero_n|disabled", usage: "TLS 1.0 CBC record splitting", set: setString(func(o *ssl.Options) *string { return &o.BeastMitigation })},
	{name: "v2_hello_compatible", usage: "server: accept SSL 2.0 compatible hellos", isBool: true, set: setBool(func(o *ssl.Options) *bool { return &o.V2HelloCompatible })},
	{name: "log_alert", usage: "also log each alert on stderr as it is sent or received", isBool: true, negatable: true, set: setBoolPtr(func(o *ssl.Options) **bool { return &o.LogAlert })},
	{name: "log_level", arg: "LEVEL", usage: "OTP log level on stderr: none, all, emergency, alert, critical, error, warning, notice (alerts), info, debug (handshake messages too)", set: setString(func(o *ssl.Options) *string { return &o.LogLevel })},
	{name: "hibernate_after", arg: "MS", usage: "release buffers after this many idle milliseconds", set: setMillis(func(o *ssl.Options) *time.Duration { return &o.HibernateAfter })},
	{name: "release_idle_after", arg: "MS", usage: "release cipher state and buffers after this many idle milliseconds (default 1000; -1 never); not an Erlang option", set: setMillis(func(o *ssl.Options) *time.Duration { return &o.ReleaseIdleAfter })},
	{name: "keep_secrets", usage: "keep the secrets for connection_information", isBool: true, set: setBool(func(o *ssl.Options) *bool { return &o.KeepSecrets })},
	{name: "keylogfile", arg: "FILE", usage: "append every secret to FILE as an NSS key log (SSLKEYLOGFILE, for Wireshark); not an Erlang option", set: setKeyLogFile},
	{name: "session_tickets", arg: "disabled|stateless|stateful|auto|manual", usage: "TLS 1.3 tickets: server stateless (default), stateful or disabled; client auto (default), manual or disabled", set: setString(func(o *ssl.Options) *string { return &o.SessionTickets })},
	{name: "use_ticket", arg: "FILE", usage: "client: offer the TLS 1.3 tickets connect --ticket-out saved in FILE (session_tickets manual; repeatable)", set: setUseTicket},
	{name: "early_data", arg: "FILE", usage: "client: send FILE's bytes as TLS 1.3 0-RTT data when a ticket allows", set: setFileBytes(func(o *ssl.Options) *[]byte { return &o.EarlyData })},
	{name: "accept_early_data", usage: "server: take TLS 1.3 0-RTT data ({early_data, enabled})", isBool: true, set: setBool(func(o *ssl.Options) *bool { return &o.AcceptEarlyData })},
	{name: "max_early_data_size", arg: "N", usage: "server: most 0-RTT bytes taken (default 16384)", set: setInt(func(o *ssl.Options) *int { return &o.MaxEarlyDataSize })},
	{name: "key_update_at", arg: "N", usage: "TLS 1.3: send a KeyUpdate after this many bytes under one key", set: setInt(func(o *ssl.Options) *int { return &o.KeyUpdateAt })},
	{name: "ticket_lifetime", arg: "MS", usage: "server: how long tickets stay valid (default two hours)", set: setMillis(func(o *ssl.Options) *time.Duration { return &o.TicketLifetime })},

	// Socket options.
	{name: "ip", arg: "ADDRESS", usage: "address to listen on", set: setIP},
	{name: "active", arg: "true|false|once|N", usage: "active mode", set: setActive},
	{name: "mode", arg: "binary|list", usage: "data mode", set: setString(func(o *ssl.Options) *string { return &o.Mode })},
	{name: "packet", arg: "raw|0|1|2|4|line|...", usage: "packet framing", set: setPacket},
	{name: "header", arg: "N", usage: "bytes delivered apart at the start of each active-mode packet", set: setInt(func(o *ssl.Options) *int { return &o.Header })},
	{name: "packet_size", arg: "N", usage: "longest packet accepted (0: the default limit)", set: setInt(func(o *ssl.Options) *int { return &o.PacketSize })},
	{name: "send_timeout", arg: "MS", usage: "give up a send blocked this many milliseconds", set: setMillis(func(o *ssl.Options) *time.Duration { return &o.SendTimeout })},
	{name: "delay_send", usage: "queue sends and write them from a goroutine of the socket's, several at a time", isBool: true, set: setBool(func(o *ssl.Options) *bool { return &o.DelaySend })},
	{name: "exit_on_close", usage: "close the socket at the peer's close_notify (default true); false keeps the write side open (half-close)", isBool: true, negatable: true, set: setBoolPtr(func(o *ssl.Options) **bool { return &o.ExitOnClose })},
	{name: "nodelay", usage: "TCP_NODELAY on the transport", isBool: true, negatable: true, set: setBoolPtr(func(o *ssl.Options) **bool { return &o.NoDelay })},
	{name: "keepalive", usage: "TCP keepalive on the transport", isBool: true, negatable: true, set: setBoolPtr(func(o *ssl.Options) **bool { return &o.KeepAlive })},
	{name: "sndbuf", arg: "N", usage: "transport send buffer size", set: setInt(func(o *ssl.Options) *int { return &o.SndBuf })},
	{name: "recbuf", arg: "N", usage: "transport receive buffer size", set: setInt(func(o *ssl.Options) *int { return &o.RecBuf })},
}

// cliLogAlert turns the library's log on, to stderr (the library alone
// logs nothing). Because serve and connect already print every failure's
// sentence (which names the alert), log_alert defaults to false here
// unless --log-level is given; --log-alert adds the alert log, which also
// shows warnings and alerts after the handshake, as "log_alert: " lines.
func cliLogAlert(opts *ssl.Options, stderr *blockWriter) {
	if opts.LogAlert == nil && opts.LogLevel == "" {
		opts.LogAlert = ssl.Bool(false)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(&stderrLog{w: stderr})
	}
}

// stderrLog is the slog.Handler of serve and connect: one line per
// record, its message only, "log_alert: " before alerts (ssl.LevelNotice
// and up) as gossl always printed them, "log: " before the debug records.
// The library has already filtered by --log-level.
type stderrLog struct{ w *blockWriter }

func (h *stderrLog) Enabled(context.Context, slog.Level) bool { return true }

func (h *stderrLog) Handle(_ context.Context, r slog.Record) error {
	prefix := "log: "
	if r.Level >= ssl.LevelNotice {
		prefix = "log_alert: "
	}
	h.w.line("%s%s", prefix, r.Message)
	return nil
}

func (h *stderrLog) WithAttrs([]slog.Attr) slog.Handler { return h }

func (h *stderrLog) WithGroup(string) slog.Handler { return h }

// flagName turns an Erlang option name into its flag name.
func flagName(erlang string) string { return strings.ReplaceAll(erlang, "_", "-") }

// optionBinding is the ssl option flags of one flag set, bound to one
// Options; it remembers the first value refused while parsing.
type optionBinding struct {
	opts *ssl.Options
	err  error
}

var (
	bindingsMu sync.Mutex
	bindings   = map[*flag.FlagSet]*optionBinding{}
)

// bindOptionFlags defines every ssl option flag on fs, storing into opts.
func bindOptionFlags(fs *flag.FlagSet, opts *ssl.Options) {
	b := &optionBinding{opts: opts}
	bindingsMu.Lock()
	bindings[fs] = b
	bindingsMu.Unlock()
	for i := range optionFlags {
		f := &optionFlags[i]
		fs.Var(&optionValue{b: b, f: f}, flagName(f.name), f.usage)
		if f.negatable {
			fs.Var(&optionValue{b: b, f: f, negated: true}, "no-"+flagName(f.name), "")
		}
	}
}

// optionError returns the option value refused while fs was parsed, if
// any: parseArgs reports it as an option error (exit 1), not a usage one.
func optionError(fs *flag.FlagSet) error {
	bindingsMu.Lock()
	defer bindingsMu.Unlock()
	if b := bindings[fs]; b != nil {
		return b.err
	}
	return nil
}

// optionValue is the flag.Value of one ssl option flag.
type optionValue struct {
	b       *optionBinding
	f       *optionFlag
	negated bool // the --no-NAME form
}

func (v *optionValue) String() string   { return "" }
func (v *optionValue) IsBoolFlag() bool { return v.f.isBool }

func (v *optionValue) Set(s string) error {
	if v.negated {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return v.refuse(&ssl.OptionError{Name: v.f.name, Value: s, Reason: "must be true or false"})
		}
		s = strconv.FormatBool(!b)
	}
	if err := v.f.set(v.b.opts, v.f.name, s); err != nil {
		return v.refuse(err)
	}
	return nil
}

func (v *optionValue) refuse(err error) error {
	if v.b.err == nil {
		v.b.err = err
	}
	return errors.New(ssl.FormatError(err))
}

// printOptionFlags prints the table for "gossl help options".
func printOptionFlags(w io.Writer) {
	fmt.Fprint(w, `ssl options (serve and connect): each is the Erlang ssl option of the
same name, "-" for "_". Lists are comma-separated (ciphers also take
OpenSSL's ':'), and a later flag replaces an earlier one. Booleans take no
value (--name=false works too); --no-NAME sets false where the default is
true. Values go to the library unchanged: an unknown value, or an option
gossl does not implement yet (marked below), fails with the library's
sentence (exit 1).
log_alert defaults to false here (unless --log-level is given): serve and
connect print every failure's sentence themselves.

`)
	for _, f := range optionFlags {
		name := "--" + flagName(f.name)
		if f.negatable {
			name = "--[no-]" + flagName(f.name)
		}
		if f.arg != "" {
			name += " " + f.arg
		}
		fmt.Fprintf(w, "  %s\n      %s%s\n", name, f.usage, plannedNote(&f))
	}
}

// ---- setters: one per Go field type ----

func setString[T ~string](get func(*ssl.Options) *T) func(*ssl.Options, string, string) error {
	return func(o *ssl.Options, _, v string) error { *get(o) = T(v); return nil }
}

// setList splits on any rune of seps; "" gives an empty, non-nil list
// (which the library refuses by name, as Erlang does for []).
func setList[T ~string](seps string, get func(*ssl.Options) *[]T) func(*ssl.Options, string, string) error {
	return func(o *ssl.Options, _, v string) error {
		list := []T{}
		for _, item := range strings.FieldsFunc(v, func(r rune) bool { return strings.ContainsRune(seps, r) }) {
			if item = strings.TrimSpace(item); item != "" {
				list = append(list, T(item))
			}
		}
		*get(o) = list
		return nil
	}
}

func parseBool(name, v string) (bool, error) {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, &ssl.OptionError{Name: name, Value: v, Reason: "must be true or false"}
	}
	return b, nil
}

func setBool(get func(*ssl.Options) *bool) func(*ssl.Options, string, string) error {
	return func(o *ssl.Options, name, v string) error {
		b, err := parseBool(name, v)
		*get(o) = b
		return err
	}
}

func setBoolPtr(get func(*ssl.Options) **bool) func(*ssl.Options, string, string) error {
	return func(o *ssl.Options, name, v string) error {
		b, err := parseBool(name, v)
		if err == nil {
			*get(o) = ssl.Bool(b)
		}
		return err
	}
}

func parseInt(name, v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, &ssl.OptionError{Name: name, Value: v, Reason: "must be an integer"}
	}
	return n, nil
}

// setFileBytes reads the file named by the value into a []byte option.
func setFileBytes(get func(*ssl.Options) *[]byte) func(*ssl.Options, string, string) error {
	return func(o *ssl.Options, name, v string) error {
		b, err := os.ReadFile(v)
		if err != nil {
			return &ssl.OptionError{Name: name, Value: v, Reason: err.Error()}
		}
		*get(o) = b
		return nil
	}
}

func setInt(get func(*ssl.Options) *int) func(*ssl.Options, string, string) error {
	return func(o *ssl.Options, name, v string) error {
		n, err := parseInt(name, v)
		*get(o) = n
		return err
	}
}

func setIntPtr(get func(*ssl.Options) **int) func(*ssl.Options, string, string) error {
	return func(o *ssl.Options, name, v string) error {
		n, err := parseInt(name, v)
		if err == nil {
			*get(o) = ssl.Int(n)
		}
		return err
	}
}

// setMillis takes Erlang's milliseconds, or a Go duration ("5s").
func setMillis(get func(*ssl.Options) *time.Duration) func(*ssl.Options, string, string) error {
	return func(o *ssl.Options, name, v string) error {
		if n, err := strconv.Atoi(v); err == nil {
			*get(o) = time.Duration(n) * time.Millisecond
			return nil
		}
		d, err := time.ParseDuration(v)
		if err != nil {
			return &ssl.OptionError{Name: name, Value: v, Reason: "must be milliseconds"}
		}
		*get(o) = d
		return nil
	}
}

// setUseSRTP takes the profiles as OpenSSL's -use_srtp does: names
// separated by colons (RFC or OpenSSL names).
func setUseSRTP(o *ssl.Options, name, v string) error {
	u := &ssl.SRTPOptions{}
	for _, n := range strings.Split(v, ":") {
		p, ok := ssl.ParseSRTPProfile(strings.TrimSpace(n))
		if !ok {
			return &ssl.OptionError{Name: name, Value: v, Reason: "unknown SRTP protection profile " + n}
		}
		u.ProtectionProfiles = append(u.ProtectionProfiles, p)
	}
	o.UseSRTP = u
	return nil
}

func setSRPIdentity(o *ssl.Options, name, v string) error {
	user, pass, ok := strings.Cut(v, ":")
	if !ok {
		return &ssl.OptionError{Name: name, Value: v, Reason: "must be USER:PASSWORD"}
	}
	o.SRPIdentity = [2]string{user, pass}
	return nil
}

func setIP(o *ssl.Options, name, v string) error {
	ip := net.ParseIP(v)
	if ip == nil {
		return &ssl.OptionError{Name: name, Value: v, Reason: "must be an IP address"}
	}
	o.IP = ip
	return nil
}

// setActive gives Active Erlang's value: true, false, once or an integer.
func setActive(o *ssl.Options, _, v string) error {
	switch v {
	case "true":
		o.Active = true
	case "false":
		o.Active = false
	default:
		if n, err := strconv.Atoi(v); err == nil {
			o.Active = n
		} else {
			o.Active = v
		}
	}
	return nil
}

// setPacket gives Packet an integer for 0, 1, 2, 4 and the atom otherwise.
func setPacket(o *ssl.Options, _, v string) error {
	if n, err := strconv.Atoi(v); err == nil {
		o.Packet = n
	} else {
		o.Packet = v
	}
	return nil
}

// setCRLCacheDir is --crl-cache-dir DIR: {crl_cache, {ssl_crl_hash_dir,
// {internal, [{dir, DIR}]}}}.
// setStapling takes a boolean (--stapling, --stapling=false) or OTP's
// atoms staple and no_staple.
func setStapling(o *ssl.Options, name, v string) error {
	switch v {
	case ssl.Staple, ssl.NoStaple:
		o.Stapling = v
		return nil
	}
	on, err := parseBool(name, v)
	if err != nil {
		return err
	}
	o.Stapling = ssl.NoStaple
	if on {
		o.Stapling = ssl.Staple
	}
	return nil
}

func setCRLCacheDir(o *ssl.Options, _, v string) error {
	o.CRLCache = ssl.HashDirCRLCache(v)
	return nil
}

// setPartialChainAnchor is --partial-chain-anchor FILE: a partial_chain
// fun that makes any certificate of FILE found in the peer's chain its
// trust anchor. The file is read when the flag is parsed.
func setPartialChainAnchor(o *ssl.Options, name, v string) error {
	data, err := os.ReadFile(v)
	if err != nil {
		return &ssl.OptionError{Name: name, Value: v, Reason: err.Error()}
	}
	var anchors [][]byte
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		if b.Type == "CERTIFICATE" {
			anchors = append(anchors, b.Bytes)
		}
	}
	if len(anchors) == 0 {
		return &ssl.OptionError{Name: name, Value: v, Reason: "no CERTIFICATE in the file"}
	}
	o.PartialChain = func(chain [][]byte) ([]byte, bool) {
		for _, c := range chain {
			for _, a := range anchors {
				if bytes.Equal(c, a) {
					return c, true
				}
			}
		}
		return nil, false
	}
	return nil
}

// setCertsKeys is --certs-keys CERT[:KEY],...: certs_keys from files
// (--password applies to their keys too).
func setCertsKeys(o *ssl.Options, name, v string) error {
	for _, item := range strings.Split(v, ",") {
		if item == "" {
			continue
		}
		cert, key, _ := strings.Cut(item, ":")
		o.CertsKeys = append(o.CertsKeys, ssl.CertKeyPair{CertFile: cert, KeyFile: key})
	}
	if len(o.CertsKeys) == 0 {
		return &ssl.OptionError{Name: name, Value: v, Reason: "no certificate file given"}
	}
	return nil
}

// setSNIHosts is --sni-hosts NAME=CERTFILE[:KEYFILE],...: sni_hosts with
// the certificate and key of each name from files. Repeated flags add
// names.
func setSNIHosts(o *ssl.Options, name, v string) error {
	n := 0
	for _, item := range strings.Split(v, ",") {
		if item == "" {
			continue
		}
		host, files, ok := strings.Cut(item, "=")
		cert, key, _ := strings.Cut(files, ":")
		if !ok || host == "" || cert == "" {
			return &ssl.OptionError{Name: name, Value: v, Reason: "must be NAME=CERTFILE[:KEYFILE]"}
		}
		if o.SNIHosts == nil {
			o.SNIHosts = map[string]*ssl.Options{}
		}
		o.SNIHosts[host] = &ssl.Options{CertFile: cert, KeyFile: key}
		n++
	}
	if n == 0 {
		return &ssl.OptionError{Name: name, Value: v, Reason: "must be NAME=CERTFILE[:KEYFILE]"}
	}
	return nil
}

// setKeyLogFile is --keylogfile FILE: the file is opened (created if
// need be) for appending when the flag is parsed, and stays open while
// the command runs.
func setKeyLogFile(o *ssl.Options, name, v string) error {
	f, err := os.OpenFile(v, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return &ssl.OptionError{Name: name, Value: v, Reason: err.Error()}
	}
	o.KeyLogWriter = f
	return nil
}

// keyLogFromEnv honours SSLKEYLOGFILE, as browsers and curl do: without
// --keylogfile, the file it names receives the key log.
func keyLogFromEnv(o *ssl.Options) error {
	if path := os.Getenv("SSLKEYLOGFILE"); path != "" && o.KeyLogWriter == nil {
		return setKeyLogFile(o, "SSLKEYLOGFILE", path)
	}
	return nil
}

// setNextProtocols parses client_preferred_next_protocols as
// PRECEDENCE:LIST or PRECEDENCE:LIST:DEFAULT, OTP's {Precedence,
// ClientPrefs} and {Precedence, ClientPrefs, Default}. The precedence and
// the names are checked by the library.
func setNextProtocols(o *ssl.Options, name, v string) error {
	parts := strings.Split(v, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return &ssl.OptionError{Name: name, Value: v, Reason: "must be client|server:LIST or client|server:LIST:DEFAULT"}
	}
	pref := &ssl.NextProtocolPreference{Precedence: ssl.NPNPrecedence(parts[0])}
	setList(",", func(*ssl.Options) *[]string { return &pref.ClientPrefs })(o, name, parts[1])
	if len(parts) == 3 {
		pref.Default = parts[2]
	}
	o.ClientPreferredNextProtocols = pref
	return nil
}
