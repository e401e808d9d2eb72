package ssl

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
)

// Logging. A Go library writes nothing to the process's log unless asked:
// with Options.Logger nil (the default) a socket logs nothing at all.
// Given a Logger, a socket reports what Erlang's ssl reports, at the
// level OTP gives it, filtered by Options.LogLevel (OTP's log_level):
//
//   - alerts sent and received, at notice (OTP logs them there, which
//     is why log_level notice, OTP's default, shows them);
//   - with log_level debug, each handshake message sent and received, by
//     type and length: never its contents, which carry key shares,
//     tickets and PSK binders, and never key material (KeyLogWriter is
//     the one, explicit, way out for secrets).

// LevelNotice is OTP's notice level on the slog scale, between
// slog.LevelInfo and slog.LevelWarn: alerts are logged at it.
const LevelNotice = slog.Level(2)

// otpLevels maps OTP's log_level values (logger(3)'s levels) onto slog
// levels: debug, info, warning and error are slog's own; notice sits
// between info and warning; critical, alert and emergency go above error
// in steps of four, as slog's levels are spaced.
var otpLevels = []struct {
	name  string
	level slog.Level
}{
	{"emergency", slog.LevelError + 12},
	{"alert", slog.LevelError + 8},
	{"critical", slog.LevelError + 4},
	{"error", slog.LevelError},
	{"warning", slog.LevelWarn},
	{"notice", LevelNotice},
	{"info", slog.LevelInfo},
	{"debug", slog.LevelDebug},
}

// logLevelNone is above every level a socket logs at: log_level none.
const logLevelNone = slog.Level(1 << 20)

// LogLevel returns the slog level of an OTP log_level value ("notice",
// "debug", ...; "all" is debug and "none" is above every level), and an
// *OptionError naming the valid values for any other.
func LogLevel(otp string) (slog.Level, error) {
	switch otp {
	case "all":
		return slog.LevelDebug, nil
	case "none":
		return logLevelNone, nil
	}
	for _, l := range otpLevels {
		if l.name == otp {
			return l.level, nil
		}
	}
	names := []string{"none", "all"}
	for _, l := range otpLevels {
		names = append(names, l.name)
	}
	return 0, badOption("log_level", otp, "must be one of "+strings.Join(names, ", "))
}

// logSink is a socket's compiled logging options.
type logSink struct {
	logger   *slog.Logger // nil: log nothing
	min      slog.Level   // log_level
	noAlerts bool         // log_alert false
}

// compileLogging resolves Logger, LogLevel and LogAlert.
func (o *Options) compileLogging() (logSink, error) {
	ls := logSink{logger: o.Logger, min: LevelNotice, noAlerts: o.LogAlert != nil && !*o.LogAlert}
	if o.LogLevel != "" {
		l, err := LogLevel(o.LogLevel)
		if err != nil {
			return ls, err
		}
		ls.min = l
	}
	return ls, nil
}

// enabled says whether a record at level would be written.
func (ls *logSink) enabled(level slog.Level) bool {
	return ls.logger != nil && level >= ls.min && ls.logger.Enabled(context.Background(), level)
}

func (s *Socket) logAlert(a *Alert) { s.logAlertAs(a, "") }

// logAlertAs logs a with msg as its message ("" for a's sentence).
func (s *Socket) logAlertAs(a *Alert, msg string) {
	ls := s.conf().log
	if ls.noAlerts || !ls.enabled(LevelNotice) {
		return
	}
	attrs := []slog.Attr{slog.String("role", a.Role), slog.String("state", a.State),
		slog.Group("alert", slog.String("level", a.Level), slog.String("description", a.Description),
			slog.Int("code", int(a.Code)), slog.Bool("received", a.Received))}
	if a.Reason != "" {
		attrs = append(attrs, slog.String("reason", a.Reason))
	}
	if msg == "" {
		msg = a.sentence()
	}
	ls.logger.LogAttrs(context.Background(), LevelNotice, msg, attrs...)
}

// logHandshake reports one handshake message (its type and length only)
// at debug level.
func (s *Socket) logHandshake(dir string, msg []byte) {
	ls := s.conf().log
	if len(msg) == 0 || !ls.enabled(slog.LevelDebug) {
		return
	}
	name := handshakeName(msg[0])
	ls.logger.LogAttrs(context.Background(), slog.LevelDebug,
		fmt.Sprintf("TLS %s: %s handshake message %s (%d bytes)", s.role, dir, name, len(msg)),
		slog.String("role", s.role.String()), slog.String("direction", dir),
		slog.String("message", name), slog.Int("length", len(msg)))
}

// handshakeName names a HandshakeType (RFC 8446, Section 4; RFC 5246,
// Section 7.4; RFC 4680 for supplemental_data, NPN's draft for
// next_protocol).
func handshakeName(t byte) string {
	switch t {
	case 0:
		return "hello_request"
	case 1:
		return "client_hello"
	case 2:
		return "server_hello"
	case 3:
		return "hello_verify_request"
	case 4:
		return "new_session_ticket"
	case 5:
		return "end_of_early_data"
	case 8:
		return "encrypted_extensions"
	case 11:
		return "certificate"
	case 12:
		return "server_key_exchange"
	case 13:
		return "certificate_request"
	case 14:
		return "server_hello_done"
	case 15:
		return "certificate_verify"
	case 16:
		return "client_key_exchange"
	case 20:
		return "finished"
	case 22:
		return "certificate_status"
	case 24:
		return "key_update"
	case 67:
		return "next_protocol"
	case 254:
		return "message_hash"
	}
	return fmt.Sprintf("type_%d", t)
}
