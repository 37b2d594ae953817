import { X509Certificate, constants, createVerify, verify as verifyOneShot, type KeyObject } from "node:crypto";
import { isContext, readOid, readSmallInteger, type DerNode } from "../pki/der-reader";
import { Oid, hashAlgorithmOf, type HashAlgorithm } from "./oids";

/** Outcome of checking one signature value. */
export type SignatureCheck = { valid: true; algorithm: string } | { valid: false; algorithm: string; unsupported?: boolean; reason: string };

const RSA_WITH: Record<string, HashAlgorithm> = {
  [Oid.sha1WithRsa]: "sha1",
  [Oid.sha256WithRsa]: "sha256",
  [Oid.sha384WithRsa]: "sha384",
  [Oid.sha512WithRsa]: "sha512",
};
const ECDSA_WITH: Record<string, HashAlgorithm> = {
  [Oid.ecdsaWithSha1]: "sha1",
  [Oid.ecdsaWithSha256]: "sha256",
  [Oid.ecdsaWithSha384]: "sha384",
  [Oid.ecdsaWithSha512]: "sha512",
};

/**
 * Verifies a CMS signature value over `data` (one buffer or several chunks, hashed in
 * order without concatenation) with the certificate's key. Supports RSA PKCS#1 v1.5,
 * RSASSA-PSS, ECDSA and Ed25519. Never throws.
 */
export function checkSignatureValue(options: {
  certificate: Uint8Array;
  signatureAlgorithmOid: string;
  signatureAlgorithmParameters?: DerNode;
  digestAlgorithmOid: string;
  data: Uint8Array | readonly Uint8Array[];
  signature: Buffer;
}): SignatureCheck {
  const chunks = Array.isArray(options.data) ? (options.data as readonly Uint8Array[]) : [options.data as Uint8Array];
  const sigOid = options.signatureAlgorithmOid;
  let key: KeyObject;
  try {
    key = new X509Certificate(Buffer.from(options.certificate)).publicKey;
  } catch (error) {
    return { valid: false, algorithm: sigOid, reason: `cannot read the signer's public key: ${(error as Error).message}` };
  }
  const digest = hashAlgorithmOf(options.digestAlgorithmOid);
  try {
    if (sigOid === Oid.rsaEncryption || RSA_WITH[sigOid]) {
      const hash = RSA_WITH[sigOid] ?? digest;
      if (!hash) return unsupported(sigOid, `digest ${options.digestAlgorithmOid}`);
      return result(`${hash}WithRSA`, streamVerify(hash, chunks, { key, padding: constants.RSA_PKCS1_PADDING }, options.signature));
    }
    if (sigOid === Oid.rsassaPss) {
      const pss = readPssParameters(options.signatureAlgorithmParameters);
      if (!pss) return unsupported(sigOid, "RSASSA-PSS parameters");
      return result(`RSASSA-PSS/${pss.hash}`, streamVerify(pss.hash, chunks, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: pss.saltLength }, options.signature));
    }
    if (ECDSA_WITH[sigOid] || sigOid === Oid.ecPublicKey) {
      const hash = ECDSA_WITH[sigOid] ?? digest;
      if (!hash) return unsupported(sigOid, `digest ${options.digestAlgorithmOid}`);
      return result(`ecdsa-with-${hash}`, streamVerify(hash, chunks, { key, dsaEncoding: "der" }, options.signature));
    }
    if (sigOid === Oid.ed25519) {
      return result("Ed25519", verifyOneShot(null, Buffer.concat(chunks), key, options.signature));
    }
    return unsupported(sigOid, "signature algorithm");
  } catch (error) {
    return { valid: false, algorithm: sigOid, reason: `verification failed: ${(error as Error).message}` };
  }
}

function streamVerify(
  hash: HashAlgorithm,
  chunks: readonly Uint8Array[],
  key: { key: KeyObject; padding?: number; saltLength?: number; dsaEncoding?: "der" },
  signature: Buffer,
): boolean {
  const verifier = createVerify(hash);
  for (const c of chunks) verifier.update(c);
  return verifier.verify(key, signature);
}

function result(algorithm: string, valid: boolean): SignatureCheck {
  return valid ? { valid, algorithm } : { valid, algorithm, reason: "the signature value does not match" };
}

function unsupported(algorithm: string, what: string): SignatureCheck {
  return { valid: false, algorithm, unsupported: true, reason: `unsupported ${what}` };
}

function readPssParameters(node: DerNode | undefined): { hash: HashAlgorithm; saltLength: number } | undefined {
  let hash: HashAlgorithm | undefined = "sha1";
  let saltLength = 20;
  for (const child of node?.children ?? []) {
    if (isContext(child, 0)) hash = hashAlgorithmOf(readOid(child.children[0]!.children[0]!));
    if (isContext(child, 2)) saltLength = readSmallInteger(child.children[0]!);
  }
  return hash ? { hash, saltLength } : undefined;
}
