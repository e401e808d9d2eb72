package main

import (
	"errors"
	"flag"
	"fmt"
	"os"

	ssl "github.com/gossl/ssl"
	"github.com/gossl/ssl/redisstore"
)

// storeConfig is serve's --session-store: the TLS state of a fleet of
// servers in Redis (package redisstore).
type storeConfig struct {
	url     string
	keyFile string
	store   *redisstore.Store
}

func (c *storeConfig) define(fs *flag.FlagSet) {
	fs.StringVar(&c.url, "session-store", "", "keep TLS 1.2 sessions, ticket keys and the 0-RTT replay check in the Redis at `redis://HOST:PORT`, shared by a fleet")
	fs.StringVar(&c.keyFile, "session-store-key", "", "derive the key that seals what goes to Redis from `FILE` (default: the --keyfile)")
}

// apply opens the store and gives opts its sessions, ticket keys and
// anti-replay check. What goes to Redis is sealed with a key derived
// from a file every server of the fleet holds and Redis does not: the
// private key they all serve, unless --session-store-key names another.
func (c *storeConfig) apply(opts *ssl.Options) error {
	if c.url == "" {
		if c.keyFile != "" {
			return errors.New("--session-store-key needs --session-store")
		}
		return nil
	}
	file := c.keyFile
	if file == "" {
		file = opts.KeyFile
	}
	if file == "" {
		return errors.New("--session-store needs --keyfile or --session-store-key FILE: the servers of a fleet seal what they put in Redis with a key derived from a secret they share")
	}
	secret, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	key, err := redisstore.SealKeyFrom(secret)
	if err != nil {
		return fmt.Errorf("--session-store: %s: %w", file, err)
	}
	c.store, err = redisstore.New(redisstore.Config{URL: c.url, SealKey: key})
	if err != nil {
		return err
	}
	c.store.Apply(opts)
	return nil
}

// close stops the store, if one was opened.
func (c *storeConfig) close() {
	if c.store != nil {
		c.store.Close()
	}
}
