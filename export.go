package ssl

import (
	"errors"

	"github.com/gossl/ssl/internal/prf"
	"github.com/gossl/ssl/internal/wire"
)

// ExportKeyMaterials derives keying material bound to the connection:
// ssl:export_key_materials/4. TLS 1.3 uses the exporter of RFC 8446,
// 7.5; TLS 1.0–1.2 that of RFC 5705. Each label gets its context (nil
// means none, which in TLS 1.2 differs from an empty one) and length.
func (s *Socket) ExportKeyMaterials(labels []string, contexts [][]byte, lengths []int) ([][]byte, error) {
	if !s.hsDone.Load() || s.hsErr != nil || !s.hasInfo() {
		return nil, ErrClosed
	}
	if len(labels) != len(contexts) || len(labels) != len(lengths) {
		return nil, errors.New("badarg: labels, contexts and lengths differ in length")
	}
	info := s.connInfo()
	if info.Version == wire.VersionSSL30 {
		return nil, errNoPRF30
	}
	out := make([][]byte, len(labels))
	for i, label := range labels {
		var err error
		if info.Version == wire.VersionTLS13 {
			out[i], err = prf.Export13(info.Hash, info.ExporterMasterSecret, label, contexts[i], lengths[i])
		} else {
			f := prf.ForVersion(info.Version, info.Suite)
			out[i], err = prf.Export(f, info.MasterSecret, info.ClientRandom, info.ServerRandom, label, contexts[i], contexts[i] != nil, lengths[i])
		}
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// PRF runs the connection's TLS PRF: ssl:prf/5. secret nil means the
// master_secret; seed parts may be the strings "client_random" or
// "server_random", standing for those values. TLS 1.3 has no PRF: use
// ExportKeyMaterials.
func (s *Socket) PRF(secret []byte, label string, seed []any, length int) ([]byte, error) {
	if !s.hsDone.Load() || s.hsErr != nil || !s.hasInfo() {
		return nil, ErrClosed
	}
	info := s.connInfo()
	if info.Version == wire.VersionTLS13 {
		return nil, errors.New("undefined: TLS 1.3 has no PRF; use ExportKeyMaterials")
	}
	if info.Version == wire.VersionSSL30 {
		return nil, errNoPRF30
	}
	if secret == nil {
		secret = info.MasterSecret
	}
	var sd []byte
	for _, p := range seed {
		switch v := p.(type) {
		case []byte:
			sd = append(sd, v...)
		case string:
			switch v {
			case "client_random":
				sd = append(sd, info.ClientRandom...)
			case "server_random":
				sd = append(sd, info.ServerRandom...)
			default:
				return nil, badOption("seed", v, "a seed part is []byte, \"client_random\" or \"server_random\"")
			}
		default:
			return nil, badOption("seed", p, "a seed part is []byte, \"client_random\" or \"server_random\"")
		}
	}
	out := make([]byte, length)
	prf.ForVersion(info.Version, info.Suite)(secret, label, sd, out)
	return out, nil
}

// errNoPRF30: SSL 3.0's key derivation (RFC 6101, 6.1) takes no label, so
// neither the PRF of ssl:prf/5 nor an RFC 5705 exporter exists for it.
var errNoPRF30 = errors.New("undefined: SSL 3.0 has no labelled PRF and no exporter (RFC 6101, 6.1; RFC 5705 starts at TLS 1.0)")
