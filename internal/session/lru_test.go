package session

import (
	"testing"
	"time"
)

// Both client caches keep at most size servers and push out the least
// recently used one; using a server (Put) makes it the most recent.
func TestClientCachesEvictLeastRecentlyUsed(t *testing.T) {
	cs := NewClientSessions(2)
	a, b, c := &State12{SessionID: []byte("a")}, &State12{SessionID: []byte("b")}, &State12{SessionID: []byte("c")}
	cs.Put("a", a)
	cs.Put("b", b)
	cs.Put("a", a) // a is now the most recent
	cs.Put("c", c) // pushes b out
	if cs.Get("b") != nil || cs.Get("a") != a || cs.Get("c") != c {
		t.Fatalf("sessions after eviction: a=%v b=%v c=%v", cs.Get("a"), cs.Get("b"), cs.Get("c"))
	}
	if cs.ByID([]byte("c")) != c || cs.ByID([]byte("b")) != nil {
		t.Fatal("ByID finds the wrong session")
	}
	cs.Delete("a", b) // not a's session: kept
	if cs.Get("a") != a {
		t.Fatal("Delete with another session removed the entry")
	}
	cs.Delete("a", a)
	if cs.Get("a") != nil {
		t.Fatal("Delete kept the entry")
	}

	now := time.Now()
	tc := NewClientCache(2)
	ticket := func() *ClientTicket { return &ClientTicket{Received: now, Lifetime: time.Hour} }
	tc.Put("a", ticket())
	tc.Put("b", ticket())
	tc.Put("a", ticket())
	tc.Put("c", ticket()) // pushes b out
	if tc.Take("b", now) != nil {
		t.Fatal("b's ticket survived eviction")
	}
	//lint:ignore SA4000 Take has an effect: the two identical calls take a's two tickets, the third finds none
	if tc.Take("a", now) == nil || tc.Take("a", now) == nil || tc.Take("a", now) != nil {
		t.Fatal("a should hold exactly its two tickets, each taken once")
	}
	for range maxTicketsPerServer + 3 {
		tc.Put("c", ticket())
	}
	n := 0
	for tc.Take("c", now) != nil {
		n++
	}
	if n != maxTicketsPerServer {
		t.Fatalf("c held %d tickets, want at most %d", n, maxTicketsPerServer)
	}
}
