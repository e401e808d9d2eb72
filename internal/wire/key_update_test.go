package wire

import "testing"

// KeyUpdateValueIllegal tells a well-formed KeyUpdate with a
// request_update other than 0 or 1 (illegal_parameter, RFC 8446, 4.6.3)
// from a malformed one (decode_error) and from a good one.
func TestKeyUpdateValueIllegal(t *testing.T) {
	for _, tc := range []struct {
		msg     []byte
		illegal bool
	}{
		{Frame(TypeKeyUpdate, []byte{0}), false},
		{Frame(TypeKeyUpdate, []byte{1}), false},
		{Frame(TypeKeyUpdate, []byte{2}), true},
		{Frame(TypeKeyUpdate, []byte{255}), true},
		{Frame(TypeKeyUpdate, nil), false},
		{Frame(TypeKeyUpdate, []byte{2, 0}), false},
		{Frame(TypeFinished, []byte{2}), false},
	} {
		if got := KeyUpdateValueIllegal(tc.msg); got != tc.illegal {
			t.Errorf("%x: illegal %v, want %v", tc.msg, got, tc.illegal)
		}
		var ku KeyUpdate
		if ok := ku.Unmarshal(tc.msg); ok && tc.illegal {
			t.Errorf("%x: Unmarshal accepts an illegal value", tc.msg)
		}
	}
}
