module github.com/gossl/ssl

go 1.26.8

require (
	filippo.io/bigmod v0.1.0
	github.com/cloudflare/circl v1.6.5
	github.com/pion/dtls/v4 v4.0.1
	golang.org/x/crypto v0.59.0
	golang.org/x/net v0.63.0
)

require (
	github.com/pion/logging v0.2.4 // indirect
	github.com/pion/transport/v5 v5.1.4 // indirect
	golang.org/x/sys v0.50.0 // indirect
	golang.org/x/text v0.44.0 // indirect
)
