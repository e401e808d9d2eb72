package ssl

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// The NSS key log (the SSLKEYLOGFILE format): one "LABEL <client_random>
// <secret>" line per secret, hex, the client random being the one of the
// ClientHello. TLS 1.0-1.2 have one line, CLIENT_RANDOM with the master
// secret; TLS 1.3 one per traffic secret of the handshake and the
// application, and the exporter secret.

// lockedBuffer is a bytes.Buffer that both sides of a connection may log
// to at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Split(strings.TrimSuffix(l.b.String(), "\n"), "\n")
}

// keylogPair connects a gossl client and server on 127.0.0.1, each with
// its own key-log writer and keep_secrets on the client, echoes a message
// and returns the client socket (open) and both logs once the server has
// finished its handshake.
func keylogPair(t *testing.T, p *testpeers.PKI, versions []Version, ciphers []string) (cli *Socket, cliLog, srvLog *lockedBuffer) {
	t.Helper()
	cliLog, srvLog = &lockedBuffer{}, &lockedBuffer{}
	so := serverOpts(p, "ecdsa")
	so.Versions, so.Ciphers, so.KeyLogWriter = versions, ciphers, srvLog
	port, done := startEcho(t, so)
	co := clientOpts(p)
	co.Versions, co.Ciphers, co.KeyLogWriter, co.KeepSecrets = versions, ciphers, cliLog, true
	cli, err := Connect("127.0.0.1", port, co, 10*time.Second)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	t.Cleanup(func() {
		cli.Close()
		if err := <-done; err != nil {
			t.Errorf("server: %v", err)
		}
	})
	// The echo proves the server's handshake is over, so its log is
	// complete too.
	if err := cli.Send([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	if got, err := cli.Recv(4, 10*time.Second); err != nil || string(got) != "ping" {
		t.Fatalf("echo: %q, %v", got, err)
	}
	return cli, cliLog, srvLog
}

// infoString returns one string item of ConnectionInformation.
func infoString(t *testing.T, s *Socket, item string) string {
	t.Helper()
	info, err := s.ConnectionInformation(item)
	if err != nil || len(info) != 1 {
		t.Fatalf("ConnectionInformation(%s): %v, %v", item, info, err)
	}
	v, ok := info[0].Value.(string)
	if !ok {
		t.Fatalf("ConnectionInformation(%s) is %T", item, info[0].Value)
	}
	return v
}

// checkNSSLines checks that lines are NSS key-log lines with the given
// labels in order, the connection's client random and secrets of
// secretLen bytes, and returns the secrets by label.
func checkNSSLines(t *testing.T, lines []string, labels []string, clientRandom string, secretLen int) map[string]string {
	t.Helper()
	if len(lines) != len(labels) {
		t.Fatalf("%d key-log lines, want %d (%v):\n%s", len(lines), len(labels), labels, strings.Join(lines, "\n"))
	}
	secrets := map[string]string{}
	for i, line := range lines {
		f := strings.Split(line, " ")
		if len(f) != 3 {
			t.Fatalf("line %q: want three space-separated fields", line)
		}
		if f[0] != labels[i] {
			t.Errorf("line %d label %s, want %s", i, f[0], labels[i])
		}
		if f[1] != clientRandom {
			t.Errorf("%s: client random %s, want the connection's %s", f[0], f[1], clientRandom)
		}
		raw, err := hex.DecodeString(f[2])
		if err != nil || len(raw) != secretLen || f[2] != strings.ToLower(f[2]) {
			t.Errorf("%s: secret %q is not %d bytes of lower-case hex", f[0], f[2], secretLen)
		}
		if bytes.Equal(raw, make([]byte, len(raw))) {
			t.Errorf("%s: secret is all zeros", f[0])
		}
		secrets[f[0]] = f[2]
	}
	return secrets
}

var tls13KeyLogLabels = []string{
	"CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
	"CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0", "EXPORTER_SECRET",
}

func TestKeyLogFormat(t *testing.T) {
	p := testpeers.NewPKI(t)
	cases := []struct {
		name      string
		versions  []Version
		ciphers   []string
		labels    []string
		secretLen int
	}{
		{"tls12", []Version{TLSv1_2}, []string{"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"}, []string{"CLIENT_RANDOM"}, 48},
		{"tls10", []Version{TLSv1}, []string{"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"}, []string{"CLIENT_RANDOM"}, 48},
		{"tls13_sha256", []Version{TLSv1_3}, []string{"TLS_AES_128_GCM_SHA256"}, tls13KeyLogLabels, 32},
		{"tls13_sha384", []Version{TLSv1_3}, []string{"TLS_AES_256_GCM_SHA384"}, tls13KeyLogLabels, 48},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cli, cliLog, srvLog := keylogPair(t, p, c.versions, c.ciphers)
			cr := infoString(t, cli, "client_random")
			secrets := checkNSSLines(t, cliLog.lines(), c.labels, cr, c.secretLen)
			// Both ends log the same secrets.
			if srv := srvLog.lines(); !slices.Equal(srv, cliLog.lines()) {
				t.Errorf("server logged\n%s\nclient logged\n%s", strings.Join(srv, "\n"), strings.Join(cliLog.lines(), "\n"))
			}
			if c.labels[0] == "CLIENT_RANDOM" {
				if ms := infoString(t, cli, "master_secret"); secrets["CLIENT_RANDOM"] != ms {
					t.Errorf("CLIENT_RANDOM secret %s, master_secret %s", secrets["CLIENT_RANDOM"], ms)
				}
			} else {
				// The traffic secrets differ from each other.
				seen := map[string]bool{}
				for _, s := range secrets {
					if seen[s] {
						t.Errorf("a secret is logged under two labels: %s", s)
					}
					seen[s] = true
				}
			}
			// keep_secrets: connection_information's keylog item holds
			// the same lines.
			info, err := cli.ConnectionInformation("keylog")
			if err != nil || len(info) != 1 || info[0].Key != "keylog" {
				t.Fatalf("ConnectionInformation(keylog): %v, %v", info, err)
			}
			kept, ok := info[0].Value.([]string)
			if !ok || !slices.Equal(kept, cliLog.lines()) {
				t.Errorf("keylog item %v, want the written lines %v", info[0].Value, cliLog.lines())
			}
		})
	}

	t.Run("without_keep_secrets", func(t *testing.T) {
		port, done := startEcho(t, serverOpts(p, "ecdsa"))
		s, err := Connect("127.0.0.1", port, clientOpts(p), 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		info, err := s.ConnectionInformation("keylog")
		if err != nil || len(info) != 0 {
			t.Errorf("ConnectionInformation(keylog) without keep_secrets: %v, %v; want no item", info, err)
		}
		s.Close()
		<-done
	})
}

// keylogRequest and keylogResponse cross the captured connection; they
// must come out of tshark decrypted.
const (
	keylogURI      = "/gossl-keylog-proof"
	keylogRequest  = "GET " + keylogURI + " HTTP/1.1\r\nHost: localhost\r\n\r\n"
	keylogBody     = "decrypted with the NSS key log of gossl"
	keylogResponse = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 39\r\nConnection: close\r\n\r\n" + keylogBody
)

// TestKeyLogTshark captures gossl-to-gossl sessions on the loopback
// interface and has tshark decrypt them with the client's key-log file:
// the HTTP exchange inside must come out in the clear, and must not
// without the file. Capturing needs the capture privilege (root in CI).
func TestKeyLogTshark(t *testing.T) {
	testpeers.Require(t, "tshark")
	testpeers.Require(t, "dumpcap")
	p := testpeers.NewPKI(t)
	cases := []struct {
		name     string
		versions []Version
		ciphers  []string
		key      string
	}{
		{"tls12_ecdhe_ecdsa_aes128_gcm", []Version{TLSv1_2}, []string{"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"}, "ecdsa"},
		{"tls12_ecdhe_rsa_aes256_cbc_sha384", []Version{TLSv1_2}, []string{"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"}, "rsa"},
		{"tls13_aes128_gcm", []Version{TLSv1_3}, []string{"TLS_AES_128_GCM_SHA256"}, "ecdsa"},
		{"tls13_chacha20_poly1305", []Version{TLSv1_3}, []string{"TLS_CHACHA20_POLY1305_SHA256"}, "rsa"},
		{"tls13_aes128_ccm", []Version{TLSv1_3}, []string{"TLS_AES_128_CCM_SHA256"}, "ecdsa"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			capFile := filepath.Join(dir, "cap.pcapng")
			keyLogFile := filepath.Join(dir, "keylog.txt")

			so := serverOpts(p, c.key)
			so.Versions, so.Ciphers = c.versions, c.ciphers
			// ALPN http/1.1 tells tshark to dissect the decrypted
			// stream as HTTP, whatever the port.
			so.ALPNPreferredProtocols = []string{"http/1.1"}
			ls, err := Listen(0, so)
			if err != nil {
				t.Fatal(err)
			}
			defer ls.Close()
			port := ls.Port()

			dumpcap := startCapture(t, port, capFile)

			srvErr := make(chan error, 1)
			go func() { srvErr <- serveOneHTTP(ls) }()
			kl, err := os.OpenFile(keyLogFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
			if err != nil {
				t.Fatal(err)
			}
			co := clientOpts(p)
			co.Versions, co.Ciphers, co.KeyLogWriter = c.versions, c.ciphers, kl
			co.ALPNAdvertisedProtocols = []string{"http/1.1"}
			got, err := httpOverTLS(port, co)
			kl.Close()
			if err != nil {
				t.Fatalf("client: %v", err)
			}
			if got != keylogResponse {
				t.Fatalf("client read %q", got)
			}
			if err := <-srvErr; err != nil {
				t.Fatalf("server: %v", err)
			}
			stopCapture(t, dumpcap)
			if fi, err := os.Stat(capFile); err != nil || fi.Size() == 0 {
				t.Fatalf("no capture written (%v); dumpcap said:\n%s", err, dumpcap.Output())
			}
			log, _ := os.ReadFile(keyLogFile)
			t.Logf("key log:\n%s", log)

			decode := fmt.Sprintf("tcp.port==%d,tls", port)
			keylogPref := "tls.keylog_file:" + keyLogFile

			// The HTTP dissector sees the request and the response.
			fields := tshark(t, "-r", capFile, "-o", keylogPref, "-d", decode, "-Y", "http",
				"-T", "fields", "-e", "tls.record.version", "-e", "http.request.uri", "-e", "http.response.code", "-e", "http.file_data")
			if !strings.Contains(fields, keylogURI) || !strings.Contains(fields, "200") {
				t.Errorf("tshark -Y http found no decrypted request and response:\n%s", fields)
			}
			// The TLS stream, followed and decrypted, is the exchange.
			follow := tshark(t, "-r", capFile, "-o", keylogPref, "-d", decode, "-q", "-z", "follow,tls,ascii,0")
			for _, want := range []string{"GET " + keylogURI + " HTTP/1.1", "Host: localhost", "HTTP/1.1 200 OK", keylogBody} {
				if !strings.Contains(follow, want) {
					t.Errorf("followed TLS stream lacks %q:\n%s", want, follow)
				}
			}
			// The version tshark saw is the one negotiated.
			versions := tshark(t, "-r", capFile, "-o", keylogPref, "-d", decode, "-Y", "tls.handshake.type == 2",
				"-T", "fields", "-e", "tls.handshake.extensions.supported_version", "-e", "tls.handshake.version")
			wantVersion := "0x0303"
			if c.versions[0] == TLSv1_3 {
				wantVersion = "0x0304"
			}
			if !strings.Contains(versions, wantVersion) {
				t.Errorf("ServerHello versions %q, want %s", versions, wantVersion)
			}
			// Control: without the key log nothing is in the clear.
			blind := tshark(t, "-r", capFile, "-o", "tls.keylog_file:", "-d", decode, "-q", "-z", "follow,tls,ascii,0")
			if strings.Contains(blind, keylogURI) || strings.Contains(blind, keylogBody) {
				t.Errorf("plaintext visible without the key log:\n%s", blind)
			}
		})
	}
}

// startCapture starts dumpcap on the loopback interface for TCP port
// port, writing pcapng to file, and waits until it captures: it names the
// file once the capture is open.
func startCapture(t *testing.T, port int, file string) *testpeers.Proc {
	t.Helper()
	proc := testpeers.Start(t, "dumpcap", "-i", "lo", "-f", fmt.Sprintf("tcp port %d", port), "-w", file)
	if err := proc.WaitFor("File: ", 20*time.Second); err != nil {
		out := proc.Output()
		if strings.Contains(out, "ermission") || strings.Contains(out, "privilege") {
			t.Skipf("capturing on lo needs the capture privilege (CI runs as root): %s", out)
		}
		t.Fatal(err)
	}
	return proc
}

var packetsRE = regexp.MustCompile(`Packets: (\d+)`)

// stopCapture waits until the capture has written the session's packets,
// then stops dumpcap by its PID. The kernel hands captured packets over
// in blocks, after a timeout, so they reach the file some time after
// they crossed the interface; dumpcap reports a running count ("Packets:
// N") on stderr as it writes them, and the capture is complete when that
// count has held still for a while.
func stopCapture(t *testing.T, proc *testpeers.Proc) {
	t.Helper()
	const still = 1500 * time.Millisecond
	deadline := time.Now().Add(20 * time.Second)
	last, since := "", time.Now()
	for time.Now().Before(deadline) {
		m := packetsRE.FindAllStringSubmatch(proc.Output(), -1)
		n := ""
		if len(m) > 0 {
			n = m[len(m)-1][1]
		}
		if n != last {
			last, since = n, time.Now()
		} else if n != "" && time.Since(since) >= still {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	proc.Stop()
	if last == "" {
		t.Fatalf("dumpcap captured no packet; it said:\n%s", proc.Output())
	}
	t.Logf("captured %s packets", last)
}

// tshark runs tshark with args (bounded in time) and returns its
// standard output.
func tshark(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "tshark", args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("tshark %s: %v\n%s\n%s", strings.Join(args, " "), err, out.String(), errb.String())
	}
	return out.String()
}

// serveOneHTTP answers one HTTP request on ls with keylogResponse.
func serveOneHTTP(ls *ListenSocket) error {
	s, err := ls.TransportAccept(10 * time.Second)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Handshake(10 * time.Second); err != nil {
		return err
	}
	s.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(s)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return fmt.Errorf("reading the request: %w", err)
		}
		if line == "\r\n" {
			break
		}
	}
	return s.Send([]byte(keylogResponse))
}

// httpOverTLS sends keylogRequest and returns the whole response, read
// until the server closes.
func httpOverTLS(port int, opts *Options) (string, error) {
	s, err := Connect("127.0.0.1", port, opts, 10*time.Second)
	if err != nil {
		return "", err
	}
	defer s.Close()
	if p, err := s.NegotiatedProtocol(); err != nil || p != "http/1.1" {
		return "", fmt.Errorf("ALPN: %q, %v", p, err)
	}
	if err := s.Send([]byte(keylogRequest)); err != nil {
		return "", err
	}
	var resp []byte
	for {
		b, err := s.Recv(0, 10*time.Second)
		resp = append(resp, b...)
		if err == ErrClosed {
			return string(resp), nil
		}
		if err != nil {
			return string(resp), err
		}
	}
}
