package prf

import (
	"crypto"
	"fmt"
)

// Labels of the TLS 1.3 key schedule (RFC 8446, 7.1), without the
// "tls13 " prefix that HKDFExpandLabel adds.
const (
	labelExtBinder        = "ext binder"
	labelResBinder        = "res binder"
	labelClientEarly      = "c e traffic"
	labelEarlyExporter    = "e exp master"
	labelDerived          = "derived"
	labelClientHandshake  = "c hs traffic"
	labelServerHandshake  = "s hs traffic"
	labelClientTraffic    = "c ap traffic"
	labelServerTraffic    = "s ap traffic"
	labelExporterMaster   = "exp master"
	labelResumptionMaster = "res master"
)

// stage13 is where a Schedule13 stands in RFC 8446, 7.1's diagram.
type stage13 uint8

const (
	stageEarly stage13 = iota + 1
	stageHandshake
	stageMaster
	stageZeroized
)

func (s stage13) String() string {
	switch s {
	case stageEarly:
		return "early"
	case stageHandshake:
		return "handshake"
	case stageMaster:
		return "master"
	case stageZeroized:
		return "zeroized"
	}
	return "invalid"
}

// Schedule13 walks the TLS 1.3 key schedule of RFC 8446, 7.1:
//
//	             0
//	             |
//	             v
//	   PSK ->  HKDF-Extract = Early Secret          (NewSchedule13)
//	             |
//	             +-----> Derive-Secret(., "ext binder" | "res binder", "")
//	             +-----> Derive-Secret(., "c e traffic", ClientHello)
//	             +-----> Derive-Secret(., "e exp master", ClientHello)
//	             v
//	       Derive-Secret(., "derived", "")
//	             |
//	             v
//	(EC)DHE -> HKDF-Extract = Handshake Secret      (SetSharedSecret)
//	             |
//	             +-----> Derive-Secret(., "c hs traffic", ClientHello...ServerHello)
//	             +-----> Derive-Secret(., "s hs traffic", ClientHello...ServerHello)
//	             v
//	       Derive-Secret(., "derived", "")
//	             |
//	             v
//	   0 -> HKDF-Extract = Master Secret            (SetMaster)
//	             |
//	             +-----> Derive-Secret(., "c ap traffic", ClientHello...server Finished)
//	             +-----> Derive-Secret(., "s ap traffic", ClientHello...server Finished)
//	             +-----> Derive-Secret(., "exp master", ClientHello...server Finished)
//	             +-----> Derive-Secret(., "res master", ClientHello...client Finished)
//
// It holds only the secret of its current stage: moving on erases the
// previous one, so derive what a stage gives before leaving it. Asking a
// stage for what another stage gives is a programming error and panics.
// The transcript hashes passed in are Transcript.Sum(h) at the point the
// RFC names.
//
// A Schedule13 is used by one connection at a time. Its String and
// GoString never show the secret; Zeroize erases it when the handshake is
// done.
type Schedule13 struct {
	h      crypto.Hash
	stage  stage13
	secret []byte
}

// NewSchedule13 starts the schedule with the suite's hash h and computes
// the early secret, HKDF-Extract(0, PSK) (RFC 8446, 7.1). A nil psk (no
// PSK in use) means Hash.len zero bytes.
func NewSchedule13(h crypto.Hash, psk []byte) *Schedule13 {
	if psk == nil {
		psk = make([]byte, h.Size())
	}
	return &Schedule13{h: h, stage: stageEarly, secret: hkdfExtract(h, nil, psk)}
}

// Hash returns the schedule's hash.
func (s *Schedule13) Hash() crypto.Hash { return s.h }

func (s *Schedule13) need(st stage13, what string) {
	if s.stage != st {
		panic("prf: " + what + " asked of the TLS 1.3 key schedule at stage " + s.stage.String())
	}
}

// BinderKey returns binder_key (RFC 8446, 7.1): Derive-Secret(Early
// Secret, "res binder", "") for a resumption PSK (one from a
// NewSessionTicket), "ext binder" for an external PSK. The binder itself is
// FinishedVerifyData13(h, binderKey, Transcript-Hash(truncated
// ClientHello)) (RFC 8446, 4.2.11.2).
func (s *Schedule13) BinderKey(resumption bool) []byte {
	s.need(stageEarly, "binder key")
	label := labelExtBinder
	if resumption {
		label = labelResBinder
	}
	return DeriveSecret(s.h, s.secret, label, EmptyHash(s.h))
}

// ClientEarlyTrafficSecret returns client_early_traffic_secret, the key of
// 0-RTT data, over the hash of the whole ClientHello (binders included).
func (s *Schedule13) ClientEarlyTrafficSecret(chHash []byte) []byte {
	s.need(stageEarly, "client early traffic secret")
	return DeriveSecret(s.h, s.secret, labelClientEarly, chHash)
}

// EarlyExporterMasterSecret returns early_exporter_master_secret, over the
// hash of the whole ClientHello.
func (s *Schedule13) EarlyExporterMasterSecret(chHash []byte) []byte {
	s.need(stageEarly, "early exporter master secret")
	return DeriveSecret(s.h, s.secret, labelEarlyExporter, chHash)
}

// SetSharedSecret moves to the handshake secret:
//
//	HKDF-Extract(Derive-Secret(Early Secret, "derived", ""), (EC)DHE)
//
// ecdhe is the key share's shared secret; nil (psk_ke, no (EC)DHE) means
// Hash.len zero bytes (RFC 8446, 7.1). The early secret is erased.
func (s *Schedule13) SetSharedSecret(ecdhe []byte) {
	s.need(stageEarly, "handshake secret")
	if ecdhe == nil {
		ecdhe = make([]byte, s.h.Size())
	}
	s.advance(ecdhe, stageHandshake)
}

// HandshakeTrafficSecrets returns client_ and
// server_handshake_traffic_secret over Transcript-Hash(ClientHello ...
// ServerHello).
func (s *Schedule13) HandshakeTrafficSecrets(chShHash []byte) (client, server []byte) {
	s.need(stageHandshake, "handshake traffic secrets")
	return DeriveSecret(s.h, s.secret, labelClientHandshake, chShHash),
		DeriveSecret(s.h, s.secret, labelServerHandshake, chShHash)
}

// SetMaster moves to the master secret:
//
//	HKDF-Extract(Derive-Secret(Handshake Secret, "derived", ""), 0)
//
// and erases the handshake secret.
func (s *Schedule13) SetMaster() {
	s.need(stageHandshake, "master secret")
	s.advance(make([]byte, s.h.Size()), stageMaster)
}

// advance is the "derived" step then HKDF-Extract with ikm.
func (s *Schedule13) advance(ikm []byte, next stage13) {
	salt := DeriveSecret(s.h, s.secret, labelDerived, EmptyHash(s.h))
	secret := hkdfExtract(s.h, salt, ikm)
	clear(salt)
	clear(s.secret)
	s.secret, s.stage = secret, next
}

// ApplicationTrafficSecrets returns client_ and
// server_application_traffic_secret_0 over Transcript-Hash(ClientHello ...
// server Finished).
func (s *Schedule13) ApplicationTrafficSecrets(chSfHash []byte) (client, server []byte) {
	s.need(stageMaster, "application traffic secrets")
	return DeriveSecret(s.h, s.secret, labelClientTraffic, chSfHash),
		DeriveSecret(s.h, s.secret, labelServerTraffic, chSfHash)
}

// ExporterMasterSecret returns exporter_master_secret over
// Transcript-Hash(ClientHello ... server Finished); see Export13.
func (s *Schedule13) ExporterMasterSecret(chSfHash []byte) []byte {
	s.need(stageMaster, "exporter master secret")
	return DeriveSecret(s.h, s.secret, labelExporterMaster, chSfHash)
}

// ResumptionMasterSecret returns resumption_master_secret over
// Transcript-Hash(ClientHello ... client Finished); see ResumptionPSK.
func (s *Schedule13) ResumptionMasterSecret(chCfHash []byte) []byte {
	s.need(stageMaster, "resumption master secret")
	return DeriveSecret(s.h, s.secret, labelResumptionMaster, chCfHash)
}

// Zeroize erases the current secret; the schedule cannot be used after.
func (s *Schedule13) Zeroize() {
	clear(s.secret)
	s.secret, s.stage = nil, stageZeroized
}

// String describes the schedule without its secret.
func (s *Schedule13) String() string {
	return fmt.Sprintf("prf.Schedule13{hash: %v, stage: %v}", s.h, s.stage)
}

// GoString is String, so that %#v does not print the secret either.
func (s *Schedule13) GoString() string { return s.String() }

// Zeroize overwrites each of secrets with zeros: traffic secrets, keys and
// IVs once they have been handed to the record layer, binder and finished
// keys once used.
func Zeroize(secrets ...[]byte) {
	for _, b := range secrets {
		clear(b)
	}
}
