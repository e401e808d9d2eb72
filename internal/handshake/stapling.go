package handshake

import (
	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/pki"
	"github.com/gossl/ssl/internal/wire"
)

// OCSP stapling (RFC 6066, Section 8; RFC 8446, Section 4.4.2.1). A
// client with Config.Stapling sends status_request and hands what the
// server staples to the validation of its chain (Staple, through
// Config.NewVerifyFun), which checks it and decides with verify_fun. A
// server staples its CertKey's current response to a client that asked:
// in TLS 1.2 a CertificateStatus message after the Certificate (and an
// empty status_request in the ServerHello), in TLS 1.3 a status_request
// extension on the leaf's CertificateEntry.

// Staple is what a client's validation learns of the server's stapled
// OCSP response; the validation writes Status.
type Staple struct {
	// Requested: the client sent status_request.
	Requested bool
	// Response is the DER OCSPResponse the server stapled; nil when none
	// came.
	Response []byte
	// Status is set by the validation that checked Response: "good",
	// "revoked" or "unknown"; "" when none was checked.
	Status string
}

// stapleFor returns the response to staple with ck for the ClientHello
// ch: only when the client asked for one and ck has a current one.
func stapleFor(ch *wire.ClientHello, ck *CertKey) []byte {
	if ck == nil || ch == nil || !ch.StatusRequest || ck.Staple == nil {
		return nil
	}
	return ck.Staple()
}

// certificateMessage13WithStaple is the TLS 1.3 Certificate of ck with
// resp on the leaf entry (RFC 8446, Section 4.4.2.1).
func certificateMessage13WithStaple(ck *CertKey, resp []byte) (*wire.Certificate, error) {
	cm := certificateMessage(ck.Chain, true)
	ext, err := wire.StatusEntryExtension(resp)
	if err != nil {
		return nil, alert.New(alert.InternalError, "stapled OCSP response: "+err.Error())
	}
	cm.Entries[0].Extensions = []wire.Extension{ext}
	return cm, nil
}

// verifyServerChain validates the server's chain (both protocol
// families) with what the server stapled, and records the staple's
// status in Info.
func (c *Client) verifyServerChain(cm *wire.Certificate, staple []byte) error {
	if !c.cfg.checksServerCert() {
		return nil
	}
	st := &Staple{Requested: c.hello.StatusRequest, Response: staple}
	path, err := c.verifyPeer(cm, pki.ServerAuth, c.cfg.VerifyHostname, st)
	c.info.OCSPStatus = st.Status
	if err != nil {
		return err
	}
	c.info.VerifiedChain = path
	return nil
}

// handlePendingStatus12 runs when the TLS 1.2 server acknowledged
// status_request and its Certificate waits for validation: msg is the
// CertificateStatus, or (RFC 6066, Section 8: the server may still send
// none) the next message, handled after the validation without a staple.
func (c *Client) handlePendingStatus12(msg []byte) (bool, error) {
	cm := c.pendingCert
	c.pendingCert = nil
	if msg[0] != wire.TypeCertificateStatus {
		return false, c.verifyServerChain(cm, nil)
	}
	var cs wire.CertificateStatus
	if !cs.Unmarshal(msg) {
		return true, alert.New(alert.DecodeError, "malformed CertificateStatus")
	}
	if err := c.verifyServerChain(cm, cs.Response); err != nil {
		return true, err
	}
	c.record(msg)
	return true, nil
}
