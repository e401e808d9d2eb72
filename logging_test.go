package ssl

import (
	"bytes"
	"context"
	"errors"
	"log"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// recordLog is a slog.Handler that keeps every record, for the tests.
type recordLog struct {
	mu   sync.Mutex
	recs []slog.Record
}

func (h *recordLog) Enabled(context.Context, slog.Level) bool { return true }
func (h *recordLog) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.recs = append(h.recs, r.Clone())
	return nil
}
func (h *recordLog) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *recordLog) WithGroup(string) slog.Handler      { return h }

func (h *recordLog) records() []slog.Record {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]slog.Record(nil), h.recs...)
}

// failUnknownCA runs one handshake that the client ends with unknown_ca
// (it trusts the intermediate CA alone, the server's certificate comes
// from the root) and waits for both sides to finish.
func failUnknownCA(t *testing.T, so, co *Options) {
	t.Helper()
	p := testpeers.NewPKI(t)
	s := serverOpts(p, "ecdsa")
	s.Logger, s.LogLevel, s.LogAlert = so.Logger, so.LogLevel, so.LogAlert
	c := &Options{CACerts: [][]byte{p.Intermediate.Raw}, ServerNameIndication: "localhost"}
	c.Logger, c.LogLevel, c.LogAlert = co.Logger, co.LogLevel, co.LogAlert
	c.ReuseSessions = Bool(false)
	port, done := startEcho(t, s)
	if _, err := Connect("127.0.0.1", port, c, 10*time.Second); err == nil {
		t.Fatal("Connect trusted a certificate its CA did not issue")
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not end its handshake")
	}
}

// TestLogQuietByDefault: a library connection whose handshake fails, on
// both sides with the default options (Logger nil, log_alert true),
// writes nothing to the process's log (the standard log package, which
// slog's default logger writes through too).
func TestLogQuietByDefault(t *testing.T) {
	var buf bytes.Buffer
	out, flags := log.Writer(), log.Flags()
	log.SetOutput(&buf)
	t.Cleanup(func() { log.SetOutput(out); log.SetFlags(flags) })
	failUnknownCA(t, &Options{}, &Options{})
	if buf.Len() != 0 {
		t.Errorf("the library wrote to the process log:\n%s", buf.String())
	}
}

// TestLogAlertLevels: with a Logger, the alerts of a failed handshake
// are logged at LevelNotice with OTP's sentence on both sides; log_level
// warning (and log_alert false) hide them; log_level debug adds the
// handshake messages by type and length, with no other attribute.
func TestLogAlertLevels(t *testing.T) {
	run := func(level string, logAlert *bool) (client, server []slog.Record) {
		ch, sh := &recordLog{}, &recordLog{}
		failUnknownCA(t, &Options{Logger: slog.New(sh), LogLevel: level, LogAlert: logAlert},
			&Options{Logger: slog.New(ch), LogLevel: level, LogAlert: logAlert})
		return ch.records(), sh.records()
	}
	only := func(recs []slog.Record, level slog.Level) (out []slog.Record) {
		for _, r := range recs {
			if r.Level == level {
				out = append(out, r)
			}
		}
		return out
	}

	c, s := run("", nil)
	if len(c) != 1 || c[0].Level != LevelNotice || !strings.Contains(c[0].Message, "generated CLIENT ALERT: Fatal - Unknown CA") {
		t.Errorf("client records at the default level: %v", c)
	}
	if len(s) != 1 || s[0].Level != LevelNotice || !strings.Contains(s[0].Message, "received CLIENT ALERT: Fatal - Unknown CA") {
		t.Errorf("server records at the default level: %v", s)
	}
	var desc string
	c[0].Attrs(func(a slog.Attr) bool {
		if a.Key == "alert" {
			for _, g := range a.Value.Group() {
				if g.Key == "description" {
					desc = g.Value.String()
				}
			}
		}
		return true
	})
	if desc != "unknown_ca" {
		t.Errorf("alert.description attribute %q, want unknown_ca", desc)
	}

	if c, s := run("warning", nil); len(c)+len(s) != 0 {
		t.Errorf("log_level warning still logged %v %v", c, s)
	}
	if c, s := run("", Bool(false)); len(c)+len(s) != 0 {
		t.Errorf("log_alert false still logged %v %v", c, s)
	}

	c, s = run("debug", Bool(false))
	if len(only(c, LevelNotice)) != 0 || len(only(s, LevelNotice)) != 0 {
		t.Error("log_alert false with log_level debug logged an alert")
	}
	var sent []string
	for _, r := range only(c, slog.LevelDebug) {
		r.Attrs(func(a slog.Attr) bool {
			switch a.Key {
			case "role", "direction", "length":
			case "message":
				if strings.HasPrefix(r.Message, "TLS client: sent") {
					sent = append(sent, a.Value.String())
				}
			default:
				t.Errorf("debug record has attribute %s", a.Key)
			}
			return true
		})
	}
	if len(sent) == 0 || sent[0] != "client_hello" {
		t.Errorf("client debug records sent %v, want client_hello first", sent)
	}
	if len(only(s, slog.LevelDebug)) == 0 {
		t.Error("no server debug records")
	}
}

// TestLogLevelValues: OTP's levels map onto slog's, and an unknown one is
// refused with the list of valid values.
func TestLogLevelValues(t *testing.T) {
	for otp, want := range map[string]slog.Level{"debug": slog.LevelDebug, "all": slog.LevelDebug,
		"info": slog.LevelInfo, "notice": LevelNotice, "warning": slog.LevelWarn, "error": slog.LevelError} {
		if got, err := LogLevel(otp); err != nil || got != want {
			t.Errorf("LogLevel(%q) = %v, %v; want %v", otp, got, err, want)
		}
	}
	if e, _ := LogLevel("emergency"); e <= slog.LevelError {
		t.Errorf("emergency is %v, not above error", e)
	}
	_, err := (&Options{LogLevel: "verbose"}).compile(roleClient, "localhost")
	var oe *OptionError
	if !errors.As(err, &oe) || oe.Name != "log_level" || !strings.Contains(err.Error(), "notice") {
		t.Errorf("log_level verbose: %v", err)
	}
}
