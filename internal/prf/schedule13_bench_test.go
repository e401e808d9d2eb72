package prf

import (
	"crypto"
	"testing"
)

// BenchmarkSchedule13 runs the whole TLS 1.3 key schedule of one full
// handshake: early, handshake and master secrets, the four traffic
// secrets with their keys, both Finished values, exporter and resumption
// master secrets.
func BenchmarkSchedule13(b *testing.B) {
	for _, h := range []crypto.Hash{crypto.SHA256, crypto.SHA384} {
		b.Run(h.String(), func(b *testing.B) {
			th := EmptyHash(h)
			shared := make([]byte, 32)
			for b.Loop() {
				s := NewSchedule13(h, nil)
				s.SetSharedSecret(shared)
				c, sv := s.HandshakeTrafficSecrets(th)
				TrafficKeys(h, c, 16, 12)
				TrafficKeys(h, sv, 16, 12)
				FinishedVerifyData13(h, sv, th)
				FinishedVerifyData13(h, c, th)
				s.SetMaster()
				c, sv = s.ApplicationTrafficSecrets(th)
				TrafficKeys(h, c, 16, 12)
				TrafficKeys(h, sv, 16, 12)
				s.ExporterMasterSecret(th)
				s.ResumptionMasterSecret(th)
				s.Zeroize()
			}
		})
	}
}
