package handshake

import (
	"slices"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/wire"
)

// The DTLS-only hello extensions: use_srtp (RFC 5764) and connection_id
// (RFC 9146). Both travel in the hellos' Unknown lists (wire/dtls_ext.go)
// and are negotiated anew in every handshake, full or abbreviated.
//
// use_srtp only agrees on an SRTP protection profile (and the client's
// MKI); the SRTP keys come from the exporter with the label
// "EXTRACTOR-dtls_srtp" (RFC 5764, Section 4.2), which the socket's
// ExportKeyMaterials serves.
//
// connection_id (DTLS 1.2 only) has each side name the CID it wants in
// the records it receives. Once both sent the extension, records
// protected in the epochs after the handshake's ChangeCipherSpec carry
// the receiver's CID in the tls12_cid format, unless that CID is empty
// (RFC 9146, Sections 3 and 4); Keys.CID tells the driver which.

// offerDTLSExts adds use_srtp and connection_id to a DTLS ClientHello.
func (c *Client) offerDTLSExts(ch *wire.ClientHello) error {
	cfg := c.cfg
	if !cfg.DTLS {
		return nil
	}
	if len(cfg.SRTPProfiles) > 0 {
		e, err := (&wire.UseSRTP{Profiles: cfg.SRTPProfiles, MKI: cfg.SRTPMKI}).Marshal()
		if err != nil {
			return alert.New(alert.InternalError, err.Error())
		}
		ch.Unknown = append(ch.Unknown, e)
	}
	// RFC 9146 is DTLS 1.2's; a DTLS 1.0-only client does not offer it.
	if cfg.ConnectionID && cfg.Versions[0] == wire.VersionTLS12 {
		e, err := wire.ConnectionIDExt(c.LocalCID)
		if err != nil {
			return alert.New(alert.InternalError, err.Error())
		}
		ch.Unknown = append(ch.Unknown, e)
	}
	return nil
}

// offeredExt reports whether the ClientHello carried an extension of typ.
func (c *Client) offeredExt(typ uint16) bool {
	return slices.ContainsFunc(c.hello.Unknown, func(e wire.Extension) bool { return e.Type == typ })
}

// acceptDTLSExts takes the server's answers to use_srtp and connection_id
// out of sh.Unknown. An answer to what was not offered is
// unsupported_extension (RFC 5246, Section 7.4.1.4).
func (c *Client) acceptDTLSExts(sh *wire.ServerHello) error {
	if e, ok := wire.TakeExtension(&sh.Unknown, wire.ExtUseSRTP); ok {
		if !c.offeredExt(wire.ExtUseSRTP) {
			return alert.New(alert.UnsupportedExtension, "use_srtp answered but not offered")
		}
		u, ok := wire.ParseUseSRTP(e.Data)
		if !ok {
			return alert.New(alert.DecodeError, "malformed use_srtp")
		}
		// RFC 5764, Section 4.1.1: the server answers with one profile
		// of the client's list, and an MKI that is empty or the client's.
		if len(u.Profiles) != 1 || !slices.Contains(c.cfg.SRTPProfiles, u.Profiles[0]) {
			return alert.New(alert.IllegalParameter, "use_srtp answer is not one of the offered profiles")
		}
		if len(u.MKI) > 0 && string(u.MKI) != string(c.cfg.SRTPMKI) {
			return alert.New(alert.IllegalParameter, "use_srtp answer carries another MKI")
		}
		c.info.SRTPProfile, c.info.SRTPMKI = u.Profiles[0], u.MKI
	}
	if e, ok := wire.TakeExtension(&sh.Unknown, wire.ExtConnectionID); ok {
		if !c.offeredExt(wire.ExtConnectionID) {
			return alert.New(alert.UnsupportedExtension, "connection_id answered but not offered")
		}
		cid, ok := wire.ParseConnectionID(e.Data)
		if !ok {
			return alert.New(alert.DecodeError, "malformed connection_id")
		}
		if sh.Version != wire.VersionTLS12 {
			return alert.New(alert.IllegalParameter, "connection_id is for DTLS 1.2 only")
		}
		c.info.CIDNegotiated = true
		c.info.ClientCID = append([]byte{}, c.LocalCID...)
		c.info.ServerCID = cid
	}
	return nil
}

// answerDTLSExts answers a ClientHello's use_srtp and connection_id in
// sh, when configured. With no profile in common the server leaves
// use_srtp out (RFC 5764, Section 4.1.1), and the handshake goes on
// without SRTP.
func (s *Server) answerDTLSExts(ch *wire.ClientHello, sh *wire.ServerHello) error {
	cfg := s.cfg
	if s.dtls == nil {
		return nil
	}
	for _, e := range ch.Unknown {
		switch {
		case e.Type == wire.ExtUseSRTP && len(cfg.SRTPProfiles) > 0:
			u, ok := wire.ParseUseSRTP(e.Data)
			if !ok {
				return alert.New(alert.DecodeError, "malformed use_srtp")
			}
			i := slices.IndexFunc(cfg.SRTPProfiles, func(p uint16) bool { return slices.Contains(u.Profiles, p) })
			if i < 0 {
				continue
			}
			// The client's MKI is echoed: the server will use it
			// (Section 4.1.1), and the application reads it.
			ans, err := (&wire.UseSRTP{Profiles: []uint16{cfg.SRTPProfiles[i]}, MKI: u.MKI}).Marshal()
			if err != nil {
				return alert.New(alert.InternalError, err.Error())
			}
			sh.Unknown = append(sh.Unknown, ans)
			s.info.SRTPProfile, s.info.SRTPMKI = cfg.SRTPProfiles[i], u.MKI
		case e.Type == wire.ExtConnectionID && cfg.ConnectionID && s.version == wire.VersionTLS12:
			cid, ok := wire.ParseConnectionID(e.Data)
			if !ok {
				return alert.New(alert.DecodeError, "malformed connection_id")
			}
			ans, err := wire.ConnectionIDExt(s.LocalCID)
			if err != nil {
				return alert.New(alert.InternalError, err.Error())
			}
			sh.Unknown = append(sh.Unknown, ans)
			s.info.CIDNegotiated = true
			s.info.ClientCID = cid
			s.info.ServerCID = append([]byte{}, s.LocalCID...)
		}
	}
	return nil
}
