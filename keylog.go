package ssl

import (
	"encoding/hex"
	"fmt"
	"sync"
)

// keyLogMu keeps lines from different connections whole in a shared writer.
var keyLogMu sync.Mutex

// logSecret writes one NSS key-log line ("LABEL <client_random> <secret>",
// the SSLKEYLOGFILE format Wireshark reads) to the KeyLogWriter and, with
// keep_secrets, keeps it for ConnectionInformation("keylog").
func (s *Socket) logSecret(label string, secret []byte) {
	c := s.conf()
	if c.keyLog == nil && !c.keepSecrets {
		return
	}
	cr := s.clientRandom()
	line := fmt.Sprintf("%s %s %s", label, hex.EncodeToString(cr), hex.EncodeToString(secret))
	if c.keepSecrets {
		if s.tls.keylog == nil {
			s.tls.keylog = new([]string)
		}
		*s.tls.keylog = append(*s.tls.keylog, line)
	}
	if c.keyLog != nil {
		keyLogMu.Lock()
		fmt.Fprintln(c.keyLog, line)
		keyLogMu.Unlock()
	}
}

// clientRandom is the running handshake's client random.
func (s *Socket) clientRandom() []byte {
	if s.tls.machine != nil {
		return s.tls.machine.Info().ClientRandom
	}
	if s.hasInfo() {
		return s.connInfo().ClientRandom
	}
	return nil
}
