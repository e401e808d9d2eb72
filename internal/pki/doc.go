// Package pki loads certificates and private keys (PEM, DER, encrypted
// PKCS#8), caches PEM files, validates certification paths (RFC 5280,
// Section 6) with Erlang/OTP's per-certificate events, and checks host names
// (RFC 6125) the way public_key:pkix_verify_hostname/2 does.
//
// Path validation is written here rather than delegated to crypto/x509's
// Verify, so that every finding can be handed to Erlang's verify_fun as an
// event (VerifyFun): {bad_cert, Reason}, {extension, Ext}, valid and
// valid_peer, in path order from the certificate below the trust anchor down
// to the peer. crypto/x509 is used to parse DER and to check single
// signatures.
//
// Decisions worth knowing:
//
//   - Only the self-issued certificates of a trust store (roots) are
//     anchors, as in Erlang's ssl; the store's other certificates only help
//     build paths, and a pinned leaf or a listed intermediate is an anchor
//     only when PartialChain picks it (else unknown_ca). Anchors are
//     matched by subject name and public key; a presented certificate equal
//     to an anchor in both is replaced by it, so the peer may send the root
//     or not, and a trusted self-signed peer ends the path.
//   - The anchor's signature and extensions are not checked (RFC 5280,
//     Section 6.1.1 (d)); its pathLenConstraint and name constraints apply
//     (RFC 5937) and, as in Erlang/OTP's ssl, an expired anchor fails with
//     root_cert_expired. Because every path is tried, an expired root that
//     has a cross-signed alternative does not stop validation.
//   - Erlang's depth counts non-self-issued intermediates only (0: the peer
//     is signed by the anchor); it and every pathLenConstraint report
//     max_path_length_reached.
//   - extKeyUsage: the peer must list the purpose or anyExtendedKeyUsage
//     (invalid_ext_keyusage); a CA with an extKeyUsage must list the purpose,
//     or anyExtendedKeyUsage with AllowAnyCAPurpose (ca_invalid_ext_keyusage),
//     as Erlang's ssl does. Erlang refuses anyExtendedKeyUsage alone on a
//     peer; gossl follows RFC 5280, Section 4.2.1.12 and accepts it.
//   - SHA-1 certificate signatures fail with unsupported_signature unless
//     AllowSHA1; MD5 and MD2 always do.
//   - Certificate policies are not processed (initial-policy-set
//     any-policy, no explicit policy): certificatePolicies is accepted;
//     policyConstraints, policyMappings and inhibitAnyPolicy are extension
//     events, fatal when critical unless a VerifyFun knows them.
//   - When the hostname check falls back to the common name (no dNSName),
//     the common name must satisfy the path's DNS name constraints
//     (name_not_permitted); OTP 25 does not check this.
//   - CRLs count only within their scope (crlscope.go: RFC 5280, 6.3.3);
//     delta CRLs only add revocations, indirect CRLs are not used.
//   - Alerts follow Erlang's ssl_handshake: see BadCertError.Alert.
package pki
