package redisstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/redis/go-redis/v9"
)

// FirstUse is the fleet's TLS 1.3 0-RTT replay check (ssl.AntiReplay):
// one SET NX PX, atomic in Redis, so that of two servers given the same
// ClientHello only one takes its early data (RFC 8446, 8). The key is a
// hash of the binder. When Redis cannot answer within Timeout, FirstUse
// returns the error and the server rejects the early data: 0-RTT is
// refused rather than accepted without the fleet-wide guarantee.
func (s *Store) FirstUse(key []byte, window time.Duration) (bool, error) {
	h := sha256.Sum256(key)
	name := s.prefix + "r:" + hex.EncodeToString(h[:16])
	var first bool
	err := s.do(func(ctx context.Context, rdb *redis.Client) (err error) {
		first, err = rdb.SetNX(ctx, name, "1", window).Result()
		return err
	})
	if err != nil {
		return false, err
	}
	return first, nil
}
