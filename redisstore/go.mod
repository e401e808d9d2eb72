module github.com/gossl/ssl/redisstore

go 1.26.8

require (
	github.com/gossl/ssl v0.0.0
	github.com/redis/go-redis/v9 v9.23.0
)

require (
	filippo.io/bigmod v0.1.0 // indirect
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/cloudflare/circl v1.6.5 // indirect
	go.uber.org/atomic v1.12.0 // indirect
	golang.org/x/crypto v0.59.0 // indirect
	golang.org/x/net v0.63.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
	golang.org/x/text v0.44.0 // indirect
)

replace github.com/gossl/ssl => ../
