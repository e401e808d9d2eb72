package ssl

import "github.com/gossl/ssl/internal/handshake"

// NPNPrecedence is the Precedence of client_preferred_next_protocols.
type NPNPrecedence string

const (
	// NPNClient: the first protocol of the client's list that the
	// server advertises.
	NPNClient NPNPrecedence = "client"
	// NPNServer: the first protocol of the server's list that the client
	// lists.
	NPNServer NPNPrecedence = "server"
)

// NextProtocolPreference is OTP's {Precedence, ClientPrefs} (Default "")
// or {Precedence, ClientPrefs, Default}: how a client chooses among the
// protocols a server advertises with NPN. With none in common, or none
// advertised, it takes Default, or the first of ClientPrefs without one.
// A server that does not answer NPN leaves no protocol negotiated.
type NextProtocolPreference struct {
	Precedence  NPNPrecedence
	ClientPrefs []string
	Default     string
}

// resolveNPN checks next_protocols_advertised (server) and
// client_preferred_next_protocols (client) into the handshake
// configuration: protocol names of 1 to 255 bytes (the manual: "must
// not contain an empty binary"), each option in its own role.
func (o *Options) resolveNPN(cfg *handshake.Config, r role) error {
	names := func(opt string, list []string) error {
		for _, p := range list {
			if len(p) == 0 || len(p) > 255 {
				return badOption(opt, p, "a protocol name is 1 to 255 bytes")
			}
		}
		return nil
	}
	if adv := o.NextProtocolsAdvertised; adv != nil {
		if r == roleClient {
			return badOption("next_protocols_advertised", adv, "is a server option")
		}
		if err := names("next_protocols_advertised", adv); err != nil {
			return err
		}
		cfg.NextProtocols = adv
	}
	pref := o.ClientPreferredNextProtocols
	if pref == nil {
		return nil
	}
	const name = "client_preferred_next_protocols"
	if r == roleServer {
		return badOption(name, pref.Precedence, "is a client option")
	}
	if pref.Precedence != NPNClient && pref.Precedence != NPNServer {
		return badOption(name, pref.Precedence, "the precedence must be client or server")
	}
	if len(pref.ClientPrefs) == 0 {
		return badOption(name, "[]", "the list must not be empty")
	}
	if err := names(name, pref.ClientPrefs); err != nil {
		return err
	}
	if len(pref.Default) > 255 {
		return badOption(name, pref.Default, "a protocol name is 1 to 255 bytes")
	}
	cfg.NPN = &handshake.NPNPreference{ServerPrecedence: pref.Precedence == NPNServer, Prefs: pref.ClientPrefs, Default: pref.Default}
	return nil
}
