package ssl

import (
	"net"
	"sync/atomic"
	"syscall"

	"github.com/gossl/ssl/internal/record"
)

// sockStats are the getstat counters, counted where the socket meets its
// transport (so they include TLS overhead, as Erlang's ssl:getstat
// reports the underlying TCP socket's). Atomics only: nothing is
// allocated per record.
type sockStats struct {
	src statReader
	dst statWriter
}

type counters struct {
	cnt atomic.Uint64
	oct atomic.Uint64
	max atomic.Uint64
}

func (c *counters) add(n int) {
	if n <= 0 {
		return
	}
	c.cnt.Add(1)
	c.oct.Add(uint64(n))
	for {
		m := c.max.Load()
		if uint64(n) <= m || c.max.CompareAndSwap(m, uint64(n)) {
			return
		}
	}
}

// statReader is the record reader's source: the transport, counted, with
// the byte a hibernating reader waited for (see waitReadable) in front.
type statReader struct {
	s       *Socket // reads its conn
	c       counters
	peek    [1]byte
	hasPeek bool
}

func (r *statReader) init(s *Socket, _ net.Conn) { r.s = s }

func (r *statReader) Read(p []byte) (int, error) {
	if r.hasPeek && len(p) > 0 {
		p[0] = r.peek[0]
		r.hasPeek = false
		return 1, nil
	}
	n, err := r.s.conn.Read(p)
	r.c.add(n)
	return n, err
}

// rawConn returns the raw connection of a TCP or unix-domain transport,
// which the record reader reads directly so that it holds no buffer while
// it waits (record.Reader.SetRawConn); nil for any other transport,
// whose Read may do more than read the socket.
func rawConn(c net.Conn) record.RawConn {
	var sc syscall.Conn
	switch t := c.(type) {
	case *net.TCPConn:
		sc = t
	case *net.UnixConn:
		sc = t
	default:
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	return rc
}

// Count counts a read the record reader made on the raw connection.
func (r *statReader) Count(n int) { r.c.add(n) }

// statWriter is the record writer's destination: the transport, counted.
type statWriter struct {
	s *Socket // writes its conn
	c counters
}

func (w *statWriter) init(s *Socket, _ net.Conn) { w.s = s }

func (w *statWriter) Write(p []byte) (int, error) {
	if q := w.s.sendQ.Load(); q != nil {
		return q.enqueue(p) // delay_send: counted when written
	}
	n, err := w.s.conn.Write(p)
	w.c.add(n)
	return n, err
}

// TakeBuffer hands a record writer's buffer to the delay_send queue, if
// the socket has one (record.BufferTaker).
func (w *statWriter) TakeBuffer(buf *record.WriteBuffer, n int) (bool, error) {
	if q := w.s.sendQ.Load(); q != nil {
		return q.TakeBuffer(buf, n)
	}
	return false, nil
}

// StatItem is one {Name, Value} pair of getstat.
type StatItem struct {
	Name  string
	Value uint64
}

// statNames are getstat's options, in the order Getstat returns them.
var statNames = []string{"recv_cnt", "recv_oct", "recv_max", "recv_avg", "send_cnt", "send_oct", "send_max", "send_avg", "send_pend"}

// Getstat returns statistics of the transport: ssl:getstat/1,2. With no
// names, all of them. recv_cnt and send_cnt count reads and writes on the
// transport, recv_oct and send_oct their bytes (TLS records, headers and
// all), recv_max and send_max the largest, recv_avg and send_avg the mean
// size; send_pend is the bytes queued and not yet written with
// delay_send, always 0 without it (a Send returns once its records are
// written).
func (s *Socket) Getstat(names ...string) ([]StatItem, error) {
	if len(names) == 0 {
		names = statNames
	}
	r, w := &s.stats.src.c, &s.stats.dst.c
	avg := func(c *counters) uint64 {
		if n := c.cnt.Load(); n > 0 {
			return c.oct.Load() / n
		}
		return 0
	}
	out := make([]StatItem, 0, len(names))
	for _, n := range names {
		var v uint64
		switch n {
		case "recv_cnt":
			v = r.cnt.Load()
		case "recv_oct":
			v = r.oct.Load()
		case "recv_max":
			v = r.max.Load()
		case "recv_avg":
			v = avg(r)
		case "send_cnt":
			v = w.cnt.Load()
		case "send_oct":
			v = w.oct.Load()
		case "send_max":
			v = w.max.Load()
		case "send_avg":
			v = avg(w)
		case "send_pend":
			if q := s.sendQ.Load(); q != nil {
				v = uint64(q.pending())
			}
		default:
			return nil, badOption("getstat", n, "unknown statistic")
		}
		out = append(out, StatItem{n, v})
	}
	return out, nil
}
