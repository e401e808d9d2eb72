package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	ssl "github.com/gossl/ssl"
)

// noFlagFields are the Options fields without a flag: their values are
// functions, DER blobs, Go objects, or custom transports.
var noFlagFields = map[string]bool{
	"Cert": true, "Key": true, "KeyDER": true, "CACerts": true,
	"VerifyFun": true, "PartialChain": true, "CustomizeHostnameCheck": true,
	"ReuseSession": true, "SNIFun": true, "UserLookupFun": true,
	"CbInfo": true, "Rand": true, "Time": true, "Logger": true, "Metrics": true,
	"ReuseSessionID": true, "ReuseSessionData": true, "SessionStore": true,
	"TicketKeys": true, "AntiReplay": true, // Go objects; serve --session-store sets both
	"CipherSuites": true, // typed values; --ciphers takes the names
}

// sampleValue is a value each flag accepts.
func sampleValue(f optionFlag) string {
	switch {
	case f.isBool:
		return "true"
	case f.arg == "N" || f.arg == "MS":
		return "3"
	case f.name == "ip":
		return "127.0.0.1"
	case f.name == "srp_identity":
		return "user:secret"
	case f.name == "sni_hosts":
		return "a.example=a.pem:a.key"
	case f.name == "client_preferred_next_protocols":
		return "client:a,b"
	case f.name == "use_srtp":
		return "SRTP_AES128_CM_SHA1_80:SRTP_AEAD_AES_128_GCM"
	}
	return "a,b"
}

// sampleCertFile writes a PEM certificate (a self-signed one, generated
// here) for the flags that read one.
func sampleCertFile(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "anchor"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "anchor.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestEveryOptionHasAFlag sets each flag on a fresh Options and checks
// which field changed: every scalar or list field of ssl.Options must be
// reached by exactly one flag, so no option is out of reach of the
// command line. A new Options field needs a row in optionFlags (or, if it
// cannot be a flag, in noFlagFields).
func TestEveryOptionHasAFlag(t *testing.T) {
	covered := map[string]string{}
	for _, f := range optionFlags {
		var o ssl.Options
		fs := newFlagSet("test")
		bindOptionFlags(fs, &o)
		val := sampleValue(f)
		switch f.name {
		case "partial_chain_anchor":
			val = sampleCertFile(t)
		case "keylogfile":
			val = filepath.Join(t.TempDir(), "keylog")
		case "use_ticket":
			val = sampleTicketFile(t)
		case "early_data", "dh", "ocsp_response":
			val = sampleCertFile(t) // any readable file
		}
		if err := fs.Parse([]string{"--" + flagName(f.name) + "=" + val}); err != nil {
			t.Errorf("--%s: %v", flagName(f.name), err)
			continue
		}
		v := reflect.ValueOf(o)
		var changed []string
		for i := 0; i < v.NumField(); i++ {
			if !v.Field(i).IsZero() {
				changed = append(changed, v.Type().Field(i).Name)
			}
		}
		if len(changed) != 1 {
			t.Errorf("--%s changed fields %v, want exactly one", flagName(f.name), changed)
			continue
		}
		if prev, dup := covered[changed[0]]; dup {
			t.Errorf("--%s and --%s both set %s", prev, flagName(f.name), changed[0])
		}
		covered[changed[0]] = flagName(f.name)
	}
	typ := reflect.TypeOf(ssl.Options{})
	for i := 0; i < typ.NumField(); i++ {
		name := typ.Field(i).Name
		if covered[name] == "" && !noFlagFields[name] {
			t.Errorf("ssl.Options.%s has no flag: add it to optionFlags", name)
		}
	}
}

// TestOptionFlagValues checks the parsing of each kind of value.
func TestOptionFlagValues(t *testing.T) {
	var o ssl.Options
	fs := newFlagSet("test")
	bindOptionFlags(fs, &o)
	args := []string{
		"--versions", "tlsv1.2, tlsv1.1", "--ciphers", "ECDHE-RSA-AES128-SHA:TLS_RSA_WITH_AES_128_GCM_SHA256,AES256-SHA",
		"--no-secure-renegotiate", "--fail-if-no-peer-cert", "--depth", "0", "--fallback",
		"--hibernate-after", "1500", "--active", "once", "--packet", "4", "--log-alert=false", "--eccs", "",
	}
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	want := ssl.Options{
		Versions:          []ssl.Version{ssl.TLSv1_2, ssl.TLSv1_1},
		Ciphers:           []string{"ECDHE-RSA-AES128-SHA", "TLS_RSA_WITH_AES_128_GCM_SHA256", "AES256-SHA"},
		SecureRenegotiate: ssl.Bool(false),
		FailIfNoPeerCert:  ssl.Bool(true),
		Depth:             ssl.Int(0),
		Fallback:          true,
		HibernateAfter:    1500 * time.Millisecond,
		Active:            "once",
		Packet:            4,
		LogAlert:          ssl.Bool(false),
		Eccs:              []string{},
	}
	if !reflect.DeepEqual(o, want) {
		t.Errorf("parsed %+v\nwant   %+v", o, want)
	}
}

// TestOptionFlagRefused checks that a value the field cannot hold is an
// *ssl.OptionError naming the Erlang option.
func TestOptionFlagRefused(t *testing.T) {
	for _, arg := range []string{"--depth=x", "--max-handshake-size=big", "--ip=nowhere", "--srp-identity=nocolon",
		"--fallback=maybe", "--no-reuse-sessions=perhaps", "--sni-hosts=a.example", "--sni-hosts==a.pem",
		"--keylogfile=" + filepath.Join(t.TempDir(), "no-such-dir", "keylog"), "--use-srtp=SRTP_NOPE"} {
		var o ssl.Options
		fs := newFlagSet("test")
		bindOptionFlags(fs, &o)
		if fs.Parse([]string{arg}) == nil {
			t.Errorf("%s: accepted", arg)
			continue
		}
		oe, ok := optionError(fs).(*ssl.OptionError)
		name := strings.ReplaceAll(strings.TrimPrefix(strings.SplitN(arg, "=", 2)[0], "--"), "-", "_")
		name = strings.TrimPrefix(name, "no_")
		if !ok || oe.Name != name {
			t.Errorf("%s: error %v, want an OptionError for %s", arg, optionError(fs), name)
		}
	}
}

// TestTLS13OptionFlags checks the flags of the TLS 1.3 and negotiation
// options: groups, middlebox_comp_mode, ALPN, sni_hosts (repeatable).
func TestTLS13OptionFlags(t *testing.T) {
	var o ssl.Options
	fs := newFlagSet("test")
	bindOptionFlags(fs, &o)
	args := []string{
		"--supported-groups", "x25519mlkem768,secp384r1", "--no-middlebox-comp-mode",
		"--alpn-advertised-protocols", "h2,http/1.1", "--alpn-preferred-protocols", "http/1.1",
		"--sni-hosts", "a.example=a.pem:a.key,b.example=b.pem", "--sni-hosts", "c.example=c.pem:c.key",
		"--keep-secrets",
	}
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	want := ssl.Options{
		SupportedGroups:         []string{"x25519mlkem768", "secp384r1"},
		MiddleboxCompatMode:     ssl.Bool(false),
		ALPNAdvertisedProtocols: []string{"h2", "http/1.1"},
		ALPNPreferredProtocols:  []string{"http/1.1"},
		SNIHosts: map[string]*ssl.Options{
			"a.example": {CertFile: "a.pem", KeyFile: "a.key"},
			"b.example": {CertFile: "b.pem"},
			"c.example": {CertFile: "c.pem", KeyFile: "c.key"},
		},
		KeepSecrets: true,
	}
	if !reflect.DeepEqual(o, want) {
		t.Errorf("parsed %+v\nwant   %+v", o, want)
	}
}

// TestKeyLogFileFlag checks that --keylogfile appends to the file.
func TestKeyLogFileFlag(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keylog")
	if err := os.WriteFile(path, []byte("CLIENT_RANDOM earlier line\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var o ssl.Options
	fs := newFlagSet("test")
	bindOptionFlags(fs, &o)
	if err := fs.Parse([]string{"--keylogfile", path}); err != nil {
		t.Fatal(err)
	}
	f, ok := o.KeyLogWriter.(*os.File)
	if !ok {
		t.Fatalf("KeyLogWriter is %T", o.KeyLogWriter)
	}
	io.WriteString(f, "CLIENT_RANDOM new line\n")
	f.Close()
	if b, _ := os.ReadFile(path); string(b) != "CLIENT_RANDOM earlier line\nCLIENT_RANDOM new line\n" {
		t.Errorf("file holds %q; want the new line appended", b)
	}
}
