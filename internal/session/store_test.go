package session

import (
	"bytes"
	"fmt"
	"testing"
	"time"
)

func TestMemoryStoreLimits(t *testing.T) {
	now := time.Unix(1000, 0)
	m := NewMemoryStore(3, func() time.Time { return now })
	for i := 0; i < 5; i++ {
		m.Put([]byte(fmt.Sprint(i)), []byte{byte(i)}, now.Add(time.Hour))
	}
	if m.Len() != 3 {
		t.Fatalf("len %d, want 3", m.Len())
	}
	if _, ok := m.Get([]byte("0")); ok {
		t.Fatal("the oldest session survived a full cache")
	}
	if b, ok := m.Get([]byte("4")); !ok || b[0] != 4 {
		t.Fatal("the newest session is missing")
	}
	now = now.Add(2 * time.Hour)
	if _, ok := m.Get([]byte("4")); ok {
		t.Fatal("an expired session was returned")
	}
	m.Delete([]byte("3"))
	if _, ok := m.Get([]byte("3")); ok {
		t.Fatal("Delete")
	}
}

func TestState12RoundTrip(t *testing.T) {
	st := State12{Version: 0x0303, Suite: 0xc02f, Master: bytes.Repeat([]byte{9}, 48), EMS: true, ServerName: "a.example",
		Created: time.Unix(1234, 0), Lifetime: time.Hour, PeerCerts: [][]byte{{1, 2}}, ConfigKey: "k", SessionID: []byte{5}, Ticket: []byte{6, 7}}
	b, err := st.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var got State12
	if !got.Unmarshal(b) || got.ServerName != st.ServerName || !got.EMS || !bytes.Equal(got.Master, st.Master) ||
		!got.Created.Equal(st.Created) || got.Lifetime != st.Lifetime || len(got.PeerCerts) != 1 || !bytes.Equal(got.Ticket, st.Ticket) {
		t.Fatalf("round trip: %+v", got)
	}
	if got.Unmarshal(b[:len(b)-1]) || got.Unmarshal(append(b, 0)) {
		t.Fatal("truncated or extended state accepted")
	}
	if !st.Expired(time.Unix(1234, 0).Add(2*time.Hour), 0) || st.Expired(time.Unix(1300, 0), 2*time.Hour) {
		t.Fatal("Expired")
	}
}

// TestClientCachesForget: Forget drops the entries of the keys with the
// prefix, and only those.
func TestClientCachesForget(t *testing.T) {
	sessions := NewClientSessions(8)
	tickets := NewClientCache(8)
	for _, k := range []string{"127.0.0.1:443|a", "127.0.0.1:443|b", "127.0.0.1:4430|a"} {
		sessions.Put(k, &State12{SessionID: []byte(k)})
		tickets.Put(k, &ClientTicket{Ticket: []byte(k), Lifetime: time.Hour, Received: time.Now()})
	}
	sessions.Forget("127.0.0.1:443|")
	tickets.Forget("127.0.0.1:443|")
	for k, want := range map[string]bool{"127.0.0.1:443|a": false, "127.0.0.1:443|b": false, "127.0.0.1:4430|a": true} {
		if got := sessions.Get(k) != nil; got != want {
			t.Errorf("session %s kept: %v, want %v", k, got, want)
		}
		if got := tickets.Take(k, time.Now()) != nil; got != want {
			t.Errorf("ticket %s kept: %v, want %v", k, got, want)
		}
	}
	// The recency list went with the entries: new ones still fit.
	for i := range 8 {
		sessions.Put(string(rune('a'+i)), &State12{})
	}
}
