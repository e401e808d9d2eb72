package main

import (
	"reflect"
	"testing"

	ssl "github.com/gossl/ssl"
)

// TestExtensionOptionFlags checks the flags of NPN (OTP's
// {Precedence, ClientPrefs[, Default]} as PRECEDENCE:LIST[:DEFAULT]),
// max_fragment_length, record_size_limit and certificate_authorities,
// and that a preference without a list is refused by name.
func TestExtensionOptionFlags(t *testing.T) {
	var o ssl.Options
	fs := newFlagSet("test")
	bindOptionFlags(fs, &o)
	args := []string{"--client-preferred-next-protocols", "server:h2,http/1.1:fallback", "--next-protocols-advertised", "h2,http/1.1",
		"--max-fragment-length", "1024", "--record-size-limit", "600", "--no-certificate-authorities"}
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	want := ssl.Options{
		ClientPreferredNextProtocols: &ssl.NextProtocolPreference{Precedence: ssl.NPNServer, ClientPrefs: []string{"h2", "http/1.1"}, Default: "fallback"},
		NextProtocolsAdvertised:      []string{"h2", "http/1.1"},
		MaxFragmentLength:            1024,
		RecordSizeLimit:              600,
		CertificateAuthorities:       ssl.Bool(false),
	}
	if !reflect.DeepEqual(o, want) {
		t.Errorf("parsed %+v\nwant   %+v", o, want)
	}
	var o2 ssl.Options
	fs = newFlagSet("test")
	bindOptionFlags(fs, &o2)
	if err := fs.Parse([]string{"--client-preferred-next-protocols", "client:h2"}); err != nil || o2.ClientPreferredNextProtocols.Default != "" {
		t.Fatalf("{client, [h2]}: %v %+v", err, o2.ClientPreferredNextProtocols)
	}
	fs = newFlagSet("test")
	bindOptionFlags(fs, &o2)
	if fs.Parse([]string{"--client-preferred-next-protocols=h2"}) == nil {
		t.Fatal("a preference without a precedence was accepted")
	}
	if oe, ok := optionError(fs).(*ssl.OptionError); !ok || oe.Name != "client_preferred_next_protocols" {
		t.Fatalf("error %v", optionError(fs))
	}
}
