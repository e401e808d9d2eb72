package ssl

import (
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"
)

// TestHibernateHeap measures the heap held per idle connection with and
// without hibernate_after: N client/server pairs in one process, the
// server sockets in active mode (their reader blocked waiting for data),
// the clients passive, each after one exchange. GOSSL_HEAP_N sets N (the
// README's figures use 1000); the default is small.
func TestHibernateHeap(t *testing.T) {
	n := 100
	if v := os.Getenv("GOSSL_HEAP_N"); v != "" {
		n, _ = strconv.Atoi(v)
	} else if testing.Short() {
		t.Skip("short")
	}
	off := heapPerPair(t, n, 0)
	on := heapPerPair(t, n, 20*time.Millisecond)
	t.Logf("N=%d pairs: heap per idle socket %.1f KiB without hibernate_after, %.1f KiB with",
		n, off/2/1024, on/2/1024)
	// An idle socket gives its record buffers back with or without
	// hibernate_after (a reader blocked on a TCP socket waits without
	// one); hibernation also drops the ciphers' state. Either way no
	// socket may still hold a 37 KiB read or 82 KiB write buffer, and
	// hibernating may not cost memory.
	if raceEnabled {
		return // heap figures under the race detector mean little
	}
	if off/2 > 16<<10 || on/2 > 16<<10 {
		t.Errorf("idle sockets hold record buffers: %.0f bytes per pair without hibernate_after, %.0f with", off, on)
	}
	if on > off {
		t.Errorf("hibernate_after costs memory: %.0f -> %.0f bytes per pair", off, on)
	}
}

func heapPerPair(t *testing.T, n int, hib time.Duration) float64 {
	so, co := modelOpts(t)
	so.Active = true
	so.HibernateAfter, co.HibernateAfter = hib, hib
	ls, err := Listen(0, so)
	if err != nil {
		t.Fatal(err)
	}
	defer ls.Close()
	base := heapNow()
	servers := make(chan *Socket, n)
	go func() {
		for i := 0; i < n; i++ {
			s, err := ls.TransportAccept(10 * time.Second)
			if err != nil {
				servers <- nil
				return
			}
			go func() {
				if s.Handshake(10*time.Second) != nil {
					s = nil
				}
				servers <- s
			}()
		}
	}()
	var all []*Socket
	defer func() {
		for _, s := range all {
			s.Close()
		}
	}()
	clients := make([]*Socket, 0, n)
	for i := 0; i < n; i++ {
		c, err := Connect("127.0.0.1", ls.Port(), co, 10*time.Second)
		if err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		clients = append(clients, c)
		all = append(all, c)
	}
	msg := make([]byte, 1024)
	for i := 0; i < n; i++ {
		s := <-servers
		if s == nil {
			t.Fatal("server handshake failed")
		}
		all = append(all, s)
	}
	for _, c := range clients {
		c.Send(msg)
	}
	for _, s := range all[n:] {
		s.Send(msg)
		recvMsg(t, s.Messages())
	}
	for _, c := range clients {
		if _, err := c.Recv(len(msg), 10*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(10*hib + 100*time.Millisecond)
	return float64(heapNow()-base) / float64(n)
}

func heapNow() uint64 {
	var ms runtime.MemStats
	for i := 0; i < 3; i++ {
		runtime.GC()
	}
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}
