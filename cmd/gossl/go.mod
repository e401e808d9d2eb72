module github.com/gossl/ssl/cmd/gossl

go 1.26.8

require (
	github.com/gossl/ssl v0.0.0
	github.com/gossl/ssl/prometheus v0.0.0
	github.com/gossl/ssl/redisstore v0.0.0
	github.com/prometheus/client_golang v1.25.0
	golang.org/x/crypto v0.59.0
)

require (
	filippo.io/bigmod v0.1.0 // indirect
	github.com/beorn7/perks v1.0.1 // indirect
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/cloudflare/circl v1.6.5 // indirect
	github.com/munnerz/goautoneg v0.0.0-20191010083416-a7dc8b61c822 // indirect
	github.com/prometheus/client_model v0.6.3 // indirect
	github.com/prometheus/common v0.72.0 // indirect
	github.com/prometheus/procfs v0.22.0 // indirect
	github.com/redis/go-redis/v9 v9.23.0 // indirect
	go.uber.org/atomic v1.12.0 // indirect
	golang.org/x/net v0.63.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
	golang.org/x/text v0.44.0 // indirect
	google.golang.org/protobuf v1.36.12 // indirect
)

replace (
	github.com/gossl/ssl => ../..
	github.com/gossl/ssl/prometheus => ../../prometheus
	github.com/gossl/ssl/redisstore => ../../redisstore
)
