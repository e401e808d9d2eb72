package wire

import "testing"

// TestServerNameListRules: RFC 6066, Section 3. Entries of an unknown
// name_type are stepped over by their 16-bit length; a second host_name,
// or a host name that is not printable ASCII, parses but is reported for
// the server to refuse with illegal_parameter (tlsfuzzer's
// test-invalid-server-name-extension: "multiple types in SNI", "SNI name
// with NULL / BEL / ANSI color escapes / UTF-8", "multiple host_names").
func TestServerNameListRules(t *testing.T) {
	for _, tc := range []struct {
		name    string
		list    []byte // server_name_list's contents
		want    string
		invalid bool
	}{
		{"one host_name", []byte{0, 0, 5, 'a', '.', 'c', 'o', 'm'}, "a.com", false},
		{"unknown type first", []byte{7, 0, 2, 0xff, 0xfe, 0, 0, 1, 'a'}, "a", false},
		{"unknown type last", []byte{0, 0, 1, 'a', 9, 0, 0}, "a", false},
		{"two host_names", []byte{0, 0, 1, 'a', 0, 0, 1, 'b'}, "a", true},
		{"NUL", []byte{0, 0, 3, 'a', 0, 'b'}, "a\x00b", true},
		{"BEL", []byte{0, 0, 2, 'a', 7}, "a\x07", true},
		{"escape", []byte{0, 0, 4, 0x1b, '[', '1', 'm'}, "\x1b[1m", true},
		{"newline", []byte{0, 0, 3, 'a', '\n', 'b'}, "a\nb", true},
		{"UTF-8", []byte{0, 0, 3, 'a', 0xc3, 0xa9}, "a\xc3\xa9", true},
	} {
		body := append([]byte{byte(len(tc.list) >> 8), byte(len(tc.list))}, tc.list...)
		var ch ClientHello
		if !ch.Unmarshal(clientParts(ext(ExtServerName, body...)).bytes()) {
			t.Errorf("%s: ClientHello refused as malformed", tc.name)
			continue
		}
		if ch.ServerName != tc.want || (ch.ServerNameInvalid != "") != tc.invalid {
			t.Errorf("%s: name %q, invalid %q; want %q, invalid %v", tc.name, ch.ServerName, ch.ServerNameInvalid, tc.want, tc.invalid)
		}
	}
}
