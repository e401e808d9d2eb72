package main

import (
	"context"
	"errors"
	"io"
	"time"

	ssl "github.com/gossl/ssl"
)

// usesSocketModel reports whether --active, --packet or --mode ask for
// Erlang's socket model, where data comes as packets (Recv) or messages
// (active mode) rather than from Read.
func usesSocketModel(o *ssl.Options) bool {
	return o.Active != nil || o.Packet != nil || (o.Mode != "" && o.Mode != "binary")
}

// packetReader returns the next packet of s whatever its mode: Recv when
// passive, the next message when active, re-arming {active, once} after
// each packet and {active, N} after ssl_passive, as an Erlang owner loop
// does. wait returns the longest wait for the next packet (0: forever).
func packetReader(ctx context.Context, s *ssl.Socket, active any, wait func() time.Duration) func() ([]byte, error) {
	return func() ([]byte, error) {
		for {
			o, err := s.Getopts("active")
			if err != nil {
				return nil, err
			}
			isActive := o[0].Value != false
			if !isActive && active != nil && active != false && active != "false" {
				// once or N ran out: re-arm, as the owner loop would.
				if err := s.Setopts(ssl.SockOpt{Name: "active", Value: active}); err != nil {
					return nil, err
				}
				isActive = true
			}
			if !isActive {
				d := wait()
				if d == 0 {
					d = ssl.Infinity
				}
				return s.Recv(0, d)
			}
			var timeout <-chan time.Time
			if d := wait(); d > 0 {
				timeout = time.After(d)
			}
			select {
			case m := <-s.Messages():
				switch m := m.(type) {
				case ssl.SSLData:
					return m.Bytes(), nil
				case ssl.SSLClosed:
					return nil, ssl.ErrClosed
				case ssl.SSLError:
					return nil, m.Reason
				case ssl.SSLPassive:
					continue
				}
			case <-timeout:
				return nil, ssl.ErrTimeout
			case <-ctx.Done():
				return nil, ssl.ErrTimeout
			}
		}
	}
}

// endedQuietly reports whether err only says the session ended.
func endedQuietly(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, ssl.ErrClosed) || errors.Is(err, ssl.ErrTimeout)
}
