package ssl

import (
	"crypto/x509"

	"github.com/gossl/ssl/internal/pki"
)

// The client's check of a stapled OCSP response, a step of the server's
// path validation as in OTP: once verify_fun has found the peer
// certificate valid (valid_peer), the staple is checked against it and
// its issuer (pki.CheckOCSP: signature by the issuer or a responder it
// authorised with id-kp-OCSPSigning, the CertID, thisUpdate and
// nextUpdate with a few minutes of skew) and anything but a good status
// goes to verify_fun as a bad_cert event it may accept, as crl_check's
// failures do:
//
//   - {bad_cert, {revoked, Reason}}: certificate_revoked;
//   - {bad_cert, revocation_status_undetermined}: the responder does not
//     know the certificate; bad_certificate;
//   - {bad_cert, invalid_ocsp_response}: the response fails a check;
//     bad_certificate_status_response (RFC 6066, Section 8);
//   - {bad_cert, missing_ocsp_staple}: the server stapled nothing (OTP's
//     reason); bad_certificate_status_response.
//
// verify_none's default fun accepts them all, and the status is still
// recorded for the ocsp_status item.

// checkStaple runs the staple check for the peer cert, issued by issuer
// (nil when the peer is itself trusted: a response cannot be checked
// then).
func (r *verifyRun) checkStaple(cert, issuer *x509.Certificate) (pki.Verdict, error) {
	st := r.staple
	var bad *pki.BadCertError
	switch {
	case st.Response == nil:
		bad = &pki.BadCertError{Reason: pki.ReasonMissingOCSPStaple, Cert: cert, Detail: "the server stapled no OCSP response"}
	case issuer == nil:
		bad = &pki.BadCertError{Reason: pki.ReasonInvalidOCSPResponse, Cert: cert, Detail: "the certificate has no issuer to check the OCSP response against"}
	default:
		var status pki.OCSPStatus
		status, bad = pki.CheckOCSP(st.Response, cert, issuer, r.now)
		if bad == nil || bad.Reason != pki.ReasonInvalidOCSPResponse {
			st.Status = status.String()
		}
	}
	if bad == nil {
		return pki.VerdictValid, nil
	}
	verdict, err := r.call(cert, badEvent(bad), bad)
	if verdict == pki.VerdictUnknown {
		verdict = pki.VerdictValid
	}
	return verdict, err
}
