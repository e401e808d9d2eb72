package main

import (
	"crypto/tls"
	"fmt"
	"time"

	"github.com/gossl/ssl/redisstore"
)

// The rows of gossl bench, in the order they are printed.

// profile is a connection's parameters, for both implementations.
type profile struct {
	name    string
	v13     bool
	suite   string // gossl name: TLS 1.3 suite, or TLS 1.2 OpenSSL name
	ctSuite uint16 // crypto/tls id (TLS 1.2 only; TLS 1.3 suites are not configurable there)
	group   string // gossl name
	ctGroup tls.CurveID
	key     string
	// resume is how connections resume: "" never (servers send no
	// tickets and neither side keeps sessions: every handshake is full),
	// "ticket" (TLS 1.3 or RFC 5077 tickets) or "session-id" (TLS 1.2
	// session IDs, no tickets).
	resume string
	hib    time.Duration
	// delay turns delay_send on at gossl's ends (crypto/tls has no such
	// option).
	delay bool
	// clients is how many clients connect at once in handshake rows (0
	// or 1: one after another).
	clients int
	// srpGroup, for an SRP suite, is the group of the user gossl's
	// server knows (crypto/tls has no SRP).
	srpGroup string
	// psk: both sides have the bench's pre-shared key (bench_psk.go).
	psk bool
	// noVerify: gossl's client does not verify the server (a server in
	// a child process has a certificate of its own).
	noVerify bool
	// redis: gossl's server keeps its sessions, ticket keys and replay
	// check in this store (bench_redis.go).
	redis *redisstore.Store
}

var (
	profAES13 = profile{name: "tls13-aes128gcm", v13: true, suite: "TLS_AES_128_GCM_SHA256", group: "x25519", ctGroup: tls.X25519, key: "ecdsa"}
	profCha13 = profile{name: "tls13-chacha20", v13: true, suite: "TLS_CHACHA20_POLY1305_SHA256", group: "x25519", ctGroup: tls.X25519, key: "ecdsa"}
	profAES12 = profile{name: "tls12-ecdhe-ecdsa-aes128gcm", suite: "ECDHE-ECDSA-AES128-GCM-SHA256", ctSuite: tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, group: "x25519", ctGroup: tls.X25519, key: "ecdsa"}

	// Handshake profiles.
	hsECDSA13 = profile{v13: true, suite: "TLS_AES_128_GCM_SHA256", group: "x25519", ctGroup: tls.X25519, key: "ecdsa"}
	hsECDSA12 = profile{suite: "ECDHE-ECDSA-AES128-GCM-SHA256", ctSuite: tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, group: "x25519", ctGroup: tls.X25519, key: "ecdsa"}
)

// Names of the primitive-ceiling rows (see sealGroup).
const (
	rowSeal    = "bulk/raw-aes128gcm-seal/16k/memory"
	rowPercent = "bulk/tls13-aes128gcm/16k/pipe/percent-of-seal"
	// The sender alone, into a transport that drops its bytes.
	rowSend        = "bulk/tls13-aes128gcm/16k/send-to-memory"
	rowSendPercent = "bulk/tls13-aes128gcm/16k/send-to-memory/percent-of-seal"
)

func (b *bench) groups() []benchGroup {
	var gs []benchGroup
	// The kernel's ceiling for the loopback rows: the same writes and
	// reads with no TLS, the same code in both columns.
	for _, size := range []int{16 << 10, 1 << 10} {
		size := size
		plain := func() (meter, error) { return b.newPlainMeter("loopback", size) }
		gs = append(gs, benchGroup{names: []string{fmt.Sprintf("bulk/plain-tcp/%dk/loopback", size>>10)}, units: []string{"MB/s"},
			sliceDur: b.bulkSlice(), newG: plain, newC: plain,
			notes: []string{"TCP alone, no TLS: the same code in both columns, the ceiling of the loopback rows"}})
	}
	for _, p := range []profile{profAES13, profCha13, profAES12} {
		for _, tr := range []string{"loopback", "pipe"} {
			for _, both := range []bool{false, true} {
				for _, size := range []int{16 << 10, 1 << 10} {
					p, tr, both, size := p, tr, both, size
					name := fmt.Sprintf("bulk/%s/%dk/%s", p.name, size>>10, tr)
					if both {
						name += "/both"
					}
					if p.name == profAES13.name && tr == "pipe" && !both && size == 16<<10 {
						gs = append(gs, b.sealGroup(name, []string{rowSeal, rowPercent}, func(ct bool) (meter, error) {
							return b.newBulkMeter(ct, profAES13, "pipe", 16<<10, false)
						}))
						gs = append(gs, b.sealGroup(rowSend, []string{"", rowSendPercent}, func(ct bool) (meter, error) {
							return b.newSendMeter(ct, profAES13, 16<<10)
						}))
						continue
					}
					g := benchGroup{names: []string{name}, units: []string{"MB/s"}, sliceDur: b.bulkSlice(),
						newG: func() (meter, error) { return b.newBulkMeter(false, p, tr, size, both) },
						newC: func() (meter, error) { return b.newBulkMeter(true, p, tr, size, both) },
					}
					if p.name == profCha13.name && !inChachaChild() {
						g.inChild = true
					}
					gs = append(gs, g)
				}
			}
		}
	}
	// gossl's opt-in write-behind against crypto/tls's usual writes.
	for _, size := range []int{16 << 10, 1 << 10} {
		size := size
		p := profAES13
		p.delay = true
		gs = append(gs, benchGroup{names: []string{fmt.Sprintf("bulk/%s/%dk/loopback/delay-send", p.name, size>>10)}, units: []string{"MB/s"},
			sliceDur: b.bulkSlice(),
			newG:     func() (meter, error) { return b.newBulkMeter(false, p, "loopback", size, false) },
			newC:     func() (meter, error) { return b.newBulkMeter(true, p, "loopback", size, false) },
			notes:    []string{"gossl with delay_send (opt-in: a Send returns once its records are queued); crypto/tls has no such option, so its column is its plain row again"}})
	}
	rsa13 := hsECDSA13
	rsa13.key = "rsa"
	mlkem := hsECDSA13
	mlkem.group, mlkem.ctGroup = "x25519mlkem768", tls.X25519MLKEM768
	dhe := profile{suite: "DHE-RSA-AES128-GCM-SHA256", group: "ffdhe2048", key: "rsa"}
	rsakx := profile{suite: "AES128-GCM-SHA256", ctSuite: tls.TLS_RSA_WITH_AES_128_GCM_SHA256, group: "x25519", ctGroup: tls.X25519, key: "rsa"}
	srp := profile{suite: "SRP-AES-128-CBC-SHA", group: "x25519", ctGroup: tls.X25519, key: "ecdsa", srpGroup: "srp_2048"}
	hs := []struct {
		name string
		p    profile
	}{
		{"handshake/tls13-ecdsa-p256-x25519", hsECDSA13},
		{"handshake/tls13-rsa2048-x25519", rsa13},
		{"handshake/tls13-ecdsa-p256-x25519mlkem768", mlkem},
		{"handshake/tls12-ecdhe-ecdsa-p256-x25519", hsECDSA12},
		{"handshake/tls12-rsa-kx-rsa2048", rsakx},
		{"handshake/tls12-srp-2048", srp},
		{"handshake/tls12-dhe-rsa2048-ffdhe2048", dhe},
		{"handshake/4-clients/tls13-ecdsa-p256-x25519", withClients(hsECDSA13, 4)},
		{"handshake/4-clients/tls12-ecdhe-ecdsa-p256-x25519", withClients(hsECDSA12, 4)},
		{"resumed/tls13-ticket-ecdsa-x25519", withResume(hsECDSA13, "ticket")},
		{"resumed/tls12-session-id", withResume(hsECDSA12, "session-id")},
		{"resumed/tls12-ticket", withResume(hsECDSA12, "ticket")},
	}
	for _, h := range hs {
		p := h.p
		g := benchGroup{names: []string{h.name}, units: []string{"handshakes/s"}, sliceDur: b.hsSlice(),
			newG: func() (meter, error) { return b.newHsMeter(false, p, nil) },
			newC: func() (meter, error) { return b.newHsMeter(true, p, nil) },
		}
		if p.srpGroup != "" {
			g.naC = "no SRP"
		}
		if p.resume == "session-id" {
			g.naC = "no session-ID resumption, as client or server (it resumes TLS 1.2 only with tickets: see resumed/tls12-ticket)"
		}
		if p.suite == dhe.suite {
			g.naC = "no finite-field DHE (golang/go#31933)"
			g.newC = nil
		}
		gs = append(gs, g)
	}
	gs = append(gs, b.redisGroups()...)
	gs = append(gs, b.pskGroups()...)
	for _, hib := range []bool{false, true} {
		hib := hib
		kind := "memory"
		p := profAES13
		if hib {
			kind = "memory-hibernated"
			p.hib = 50 * time.Millisecond
		}
		names := []string{kind + "/tls13-recently-used-heap-per-side", kind + "/tls13-idle-heap-per-side", kind + "/tls13-idle-goroutines-per-conn"}
		units := []string{"KB", "KB", "goroutines"}
		pick := func(v []float64, err error) ([]float64, error) { return v, err }
		if hib {
			// Hibernated sockets are measured once idle.
			names, units = names[1:], units[1:]
			pick = func(v []float64, err error) ([]float64, error) {
				if err != nil {
					return nil, err
				}
				return v[1:], nil
			}
		}
		gs = append(gs, benchGroup{
			names:  names,
			units:  units,
			g:      func() ([]float64, error) { return pick(b.idle(false, p)) },
			c:      func() ([]float64, error) { return pick(b.idle(true, p)) },
			rounds: b.cfg.memRounds,
		})
	}
	for _, p := range []profile{profAES13, profAES12} {
		for _, size := range []int{16 << 10, 1 << 10} {
			p, size := p, size
			gs = append(gs, benchGroup{names: []string{fmt.Sprintf("allocs/%s/%dk/pipe", p.name, size>>10)}, units: []string{"allocs/record"},
				g: func() ([]float64, error) { return b.allocs(false, p, size) },
				c: func() ([]float64, error) { return b.allocs(true, p, size) },
			})
		}
	}
	gs = append(gs, b.dtlsGroups()...)
	if b.cfg.peers {
		gs = append(gs, b.peerGroups()...)
	}
	return gs
}

func withClients(p profile, n int) profile {
	p.clients = n
	return p
}

func withResume(p profile, resume string) profile {
	p.resume = resume
	return p
}

// sealGroup is a bulk row (bulk/tls13-aes128gcm/16k/pipe, or the sender
// alone) together with the primitive ceiling: in each of a side's slices,
// crypto/cipher's AES-128-GCM Seal alone is measured, then the bulk; the
// bulk figure is also given as a percentage of the round's seal speed.
// rows names the seal row ("" leaves it out: it is printed once) and the
// percentage row.
func (b *bench) sealGroup(bulkRow string, rows []string, newBulk func(ct bool) (meter, error)) benchGroup {
	withSeal := rows[0] != ""
	side := func(ct bool) (meter, error) {
		seal, err := newSealMeter(b.cfg.bulkWarm)
		if err != nil {
			return nil, err
		}
		bulk, err := newBulk(ct)
		if err != nil {
			return nil, err
		}
		return &sealBulkMeter{seal, bulk, withSeal}, nil
	}
	g := benchGroup{
		names:    []string{bulkRow, rows[1]},
		units:    []string{"MB/s", "percent"},
		sliceDur: b.bulkSlice(),
		newG:     func() (meter, error) { return side(false) },
		newC:     func() (meter, error) { return side(true) },
	}
	if withSeal {
		g.names = []string{bulkRow, rows[0], rows[1]}
		g.units = []string{"MB/s", "MB/s", "percent"}
		g.notes = []string{"", "crypto/cipher alone, the same code in both columns (measured in each side's slices)"}
	}
	return g
}

// sealBulkMeter measures the raw seal, then the bulk, in each slice.
type sealBulkMeter struct {
	seal     *sealMeter
	bulk     meter
	withSeal bool // the seal figure is a row of its own
}

func (m *sealBulkMeter) slice(d time.Duration) error {
	if err := m.seal.slice(d); err != nil {
		return err
	}
	return m.bulk.slice(d)
}

func (m *sealBulkMeter) result() []float64 {
	bulk, seal := m.bulk.result()[0], m.seal.result()[0]
	if !m.withSeal {
		return []float64{bulk, 100 * bulk / seal}
	}
	return []float64{bulk, seal, 100 * bulk / seal}
}

func (m *sealBulkMeter) close() { m.bulk.close() }

// bulkSlice and hsSlice are the lengths of a bulk row's and a handshake
// row's slices: a side's window in a round, cut in cfg.slices.
func (b *bench) bulkSlice() time.Duration { return b.cfg.bulkDur / time.Duration(b.cfg.slices) }
func (b *bench) hsSlice() time.Duration   { return b.cfg.hsDur / time.Duration(b.cfg.slices) }
