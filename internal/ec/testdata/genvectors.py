#!/usr/bin/env python3
"""Derives the known-answer vectors of vectors.json with OpenSSL 3: for every
curve two key pairs (openssl ecparam -genkey; the public point is OpenSSL's
d·G), their ECDH shared secret (openssl pkeyutl -derive) and an ECDSA
signature over SHA-256("gossl") (openssl pkeyutl -sign). Run it from this
directory; the test reads the output only. With the argument "binary" it
writes binvectors.json for the binary curves sect163k1 ... sect571r1."""
import json, os, re, subprocess, sys, tempfile

CURVES = [("secp160k1", "secp160k1"), ("secp160r1", "secp160r1"), ("secp160r2", "secp160r2"),
          ("secp192k1", "secp192k1"), ("secp192r1", "prime192v1"), ("secp224k1", "secp224k1"),
          ("secp224r1", "secp224r1"), ("secp256k1", "secp256k1"), ("brainpoolP256r1", "brainpoolP256r1"),
          ("brainpoolP384r1", "brainpoolP384r1"), ("brainpoolP512r1", "brainpoolP512r1")]

BINARY = [(n, n) for n in ("sect163k1", "sect163r1", "sect163r2", "sect193r1", "sect193r2",
                           "sect233k1", "sect233r1", "sect239k1", "sect283k1", "sect283r1",
                           "sect409k1", "sect409r1", "sect571k1", "sect571r1")]
OUT = "vectors.json"
if sys.argv[1:] == ["binary"]:
    CURVES, OUT = BINARY, "binvectors.json"

def run(*args, data=None):
    return subprocess.run(args, input=data, check=True, capture_output=True).stdout

def keyfields(path):
    t = run("openssl", "ec", "-in", path, "-text", "-noout").decode()
    f, cur = {}, None
    for line in t.splitlines():
        m = re.match(r"^(priv|pub):\s*$", line)
        if m:
            cur = m.group(1); f[cur] = ""; continue
        if cur and line.startswith(" "):
            f[cur] += line.strip().replace(":", "")
        else:
            cur = None
    return f["priv"], f["pub"]

out = []
msg = b"gossl"
with tempfile.TemporaryDirectory() as d:
    for name, osn in CURVES:
        k1, k2 = os.path.join(d, "k1.pem"), os.path.join(d, "k2.pem")
        p2 = os.path.join(d, "p2.pem")
        for k in (k1, k2):
            run("openssl", "ecparam", "-name", osn, "-genkey", "-noout", "-out", k)
        run("openssl", "ec", "-in", k2, "-pubout", "-out", p2)
        d1, q1 = keyfields(k1)
        d2, q2 = keyfields(k2)
        shared = run("openssl", "pkeyutl", "-derive", "-inkey", k1, "-peerkey", p2).hex()
        dg = run("openssl", "dgst", "-sha256", "-binary", data=msg)
        sig = run("openssl", "pkeyutl", "-sign", "-inkey", k1, "-in", "/dev/stdin", data=dg).hex()
        out.append({"curve": name, "d1": d1, "q1": q1, "d2": d2, "q2": q2, "shared": shared,
                    "msg": msg.decode(), "sig_sha256": sig})
json.dump(out, open(OUT, "w"), indent=1)
