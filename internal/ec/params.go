package ec

import "encoding/asn1"

// The domain parameters of the prime curves, as SEC 2 v2 (secp*, sections
// 2.2 to 2.4) and RFC 5639, Section 3 (brainpool*) publish them; the
// object identifiers are those of SEC 2, Appendix A.2 and RFC 5639,
// Section 4.1, and tlsGroup is the NamedCurve of RFC 8422, 5.1.1
// (brainpool: RFC 7027, Section 2). Every one of these curves has
// cofactor 1, so its group of points has prime order n and the complete
// formulas of point.go apply (Renes, Costello, Batina, "Complete addition
// formulas for prime order elliptic curves", 2016).
var curveParams = []curveHex{
	{
		name: "secp160k1", tlsGroup: 15, oid: asn1.ObjectIdentifier{1, 3, 132, 0, 9},
		p:  "fffffffffffffffffffffffffffffffeffffac73",
		a:  "0",
		b:  "7",
		gx: "3b4c382ce37aa192a4019e763036f4f5dd4d7ebb",
		gy: "938cf935318fdced6bc28286531733c3f03c4fee",
		n:  "100000000000000000001b8fa16dfab9aca16b6b3",
	},
	{
		name: "secp160r1", tlsGroup: 16, oid: asn1.ObjectIdentifier{1, 3, 132, 0, 8},
		p:  "ffffffffffffffffffffffffffffffff7fffffff",
		a:  "ffffffffffffffffffffffffffffffff7ffffffc",
		b:  "1c97befc54bd7a8b65acf89f81d4d4adc565fa45",
		gx: "4a96b5688ef573284664698968c38bb913cbfc82",
		gy: "23a628553168947d59dcc912042351377ac5fb32",
		n:  "100000000000000000001f4c8f927aed3ca752257",
	},
	{
		name: "secp160r2", tlsGroup: 17, oid: asn1.ObjectIdentifier{1, 3, 132, 0, 30},
		p:  "fffffffffffffffffffffffffffffffeffffac73",
		a:  "fffffffffffffffffffffffffffffffeffffac70",
		b:  "b4e134d3fb59eb8bab57274904664d5af50388ba",
		gx: "52dcb034293a117e1f4ff11b30f7199d3144ce6d",
		gy: "feaffef2e331f296e071fa0df9982cfea7d43f2e",
		n:  "100000000000000000000351ee786a818f3a1a16b",
	},
	{
		name: "secp192k1", tlsGroup: 18, oid: asn1.ObjectIdentifier{1, 3, 132, 0, 31},
		p:  "fffffffffffffffffffffffffffffffffffffffeffffee37",
		a:  "0",
		b:  "3",
		gx: "db4ff10ec057e9ae26b07d0280b7f4341da5d1b1eae06c7d",
		gy: "9b2f2f6d9c5628a7844163d015be86344082aa88d95e2f9d",
		n:  "fffffffffffffffffffffffe26f2fc170f69466a74defd8d",
	},
	{
		name: "secp192r1", tlsGroup: 19, oid: asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 1},
		p:  "fffffffffffffffffffffffffffffffeffffffffffffffff",
		a:  "fffffffffffffffffffffffffffffffefffffffffffffffc",
		b:  "64210519e59c80e70fa7e9ab72243049feb8deecc146b9b1",
		gx: "188da80eb03090f67cbf20eb43a18800f4ff0afd82ff1012",
		gy: "07192b95ffc8da78631011ed6b24cdd573f977a11e794811",
		n:  "ffffffffffffffffffffffff99def836146bc9b1b4d22831",
	},
	{
		name: "secp224k1", tlsGroup: 20, oid: asn1.ObjectIdentifier{1, 3, 132, 0, 32},
		p:  "fffffffffffffffffffffffffffffffffffffffffffffffeffffe56d",
		a:  "0",
		b:  "5",
		gx: "a1455b334df099df30fc28a169a467e9e47075a90f7e650eb6b7a45c",
		gy: "7e089fed7fba344282cafbd6f7e319f7c0b0bd59e2ca4bdb556d61a5",
		n:  "10000000000000000000000000001dce8d2ec6184caf0a971769fb1f7",
	},
	{
		name: "secp224r1", tlsGroup: 21, oid: asn1.ObjectIdentifier{1, 3, 132, 0, 33},
		p:  "ffffffffffffffffffffffffffffffff000000000000000000000001",
		a:  "fffffffffffffffffffffffffffffffefffffffffffffffffffffffe",
		b:  "b4050a850c04b3abf54132565044b0b7d7bfd8ba270b39432355ffb4",
		gx: "b70e0cbd6bb4bf7f321390b94a03c1d356c21122343280d6115c1d21",
		gy: "bd376388b5f723fb4c22dfe6cd4375a05a07476444d5819985007e34",
		n:  "ffffffffffffffffffffffffffff16a2e0b8f03e13dd29455c5c2a3d",
	},
	{
		name: "secp256k1", tlsGroup: 22, oid: asn1.ObjectIdentifier{1, 3, 132, 0, 10},
		p:  "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f",
		a:  "0",
		b:  "7",
		gx: "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798",
		gy: "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8",
		n:  "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",
	},
	{
		name: "brainpoolP256r1", tlsGroup: 26, oid: asn1.ObjectIdentifier{1, 3, 36, 3, 3, 2, 8, 1, 1, 7},
		p:  "a9fb57dba1eea9bc3e660a909d838d726e3bf623d52620282013481d1f6e5377",
		a:  "7d5a0975fc2c3057eef67530417affe7fb8055c126dc5c6ce94a4b44f330b5d9",
		b:  "26dc5c6ce94a4b44f330b5d9bbd77cbf958416295cf7e1ce6bccdc18ff8c07b6",
		gx: "8bd2aeb9cb7e57cb2c4b482ffc81b7afb9de27e1e3bd23c23a4453bd9ace3262",
		gy: "547ef835c3dac4fd97f8461a14611dc9c27745132ded8e545c1d54c72f046997",
		n:  "a9fb57dba1eea9bc3e660a909d838d718c397aa3b561a6f7901e0e82974856a7",
	},
	{
		name: "brainpoolP384r1", tlsGroup: 27, oid: asn1.ObjectIdentifier{1, 3, 36, 3, 3, 2, 8, 1, 1, 11},
		p:  "8cb91e82a3386d280f5d6f7e50e641df152f7109ed5456b412b1da197fb71123acd3a729901d1a71874700133107ec53",
		a:  "7bc382c63d8c150c3c72080ace05afa0c2bea28e4fb22787139165efba91f90f8aa5814a503ad4eb04a8c7dd22ce2826",
		b:  "4a8c7dd22ce28268b39b55416f0447c2fb77de107dcd2a62e880ea53eeb62d57cb4390295dbc9943ab78696fa504c11",
		gx: "1d1c64f068cf45ffa2a63a81b7c13f6b8847a3e77ef14fe3db7fcafe0cbd10e8e826e03436d646aaef87b2e247d4af1e",
		gy: "8abe1d7520f9c2a45cb1eb8e95cfd55262b70b29feec5864e19c054ff99129280e4646217791811142820341263c5315",
		n:  "8cb91e82a3386d280f5d6f7e50e641df152f7109ed5456b31f166e6cac0425a7cf3ab6af6b7fc3103b883202e9046565",
	},
	{
		name: "brainpoolP512r1", tlsGroup: 28, oid: asn1.ObjectIdentifier{1, 3, 36, 3, 3, 2, 8, 1, 1, 13},
		p:  "aadd9db8dbe9c48b3fd4e6ae33c9fc07cb308db3b3c9d20ed6639cca703308717d4d9b009bc66842aecda12ae6a380e62881ff2f2d82c68528aa6056583a48f3",
		a:  "7830a3318b603b89e2327145ac234cc594cbdd8d3df91610a83441caea9863bc2ded5d5aa8253aa10a2ef1c98b9ac8b57f1117a72bf2c7b9e7c1ac4d77fc94ca",
		b:  "3df91610a83441caea9863bc2ded5d5aa8253aa10a2ef1c98b9ac8b57f1117a72bf2c7b9e7c1ac4d77fc94cadc083e67984050b75ebae5dd2809bd638016f723",
		gx: "81aee4bdd82ed9645a21322e9c4c6a9385ed9f70b5d916c1b43b62eef4d0098eff3b1f78e2d0d48d50d1687b93b97d5f7c6d5047406a5e688b352209bcb9f822",
		gy: "7dde385d566332ecc0eabfa9cf7822fdf209f70024a57b1aa000c55b881f8111b2dcde494a5f485e5bca4bd88a2763aed1ca2b2fa8f0540678cd1e0f3ad80892",
		n:  "aadd9db8dbe9c48b3fd4e6ae33c9fc07cb308db3b3c9d20ed6639cca70330870553e5c414ca92619418661197fac10471db1d381085ddaddb58796829ca90069",
	},
}
