import { X509Certificate, createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from "node:crypto";
import forge from "node-forge";

/** An RSA key pair held as node:crypto KeyObjects. */
export interface RsaKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** Generates an RSA key pair with node:crypto (2048 bits unless told otherwise). */
export function generateRsaKeyPair(modulusLength = 2048): Promise<RsaKeyPair> {
  return new Promise((resolve, reject) => {
    generateKeyPair("rsa", { modulusLength, publicExponent: 0x10001 }, (error, publicKey, privateKey) => {
      if (error) reject(error);
      else resolve({ publicKey, privateKey });
    });
  });
}

/** Exports a private key as unencrypted PKCS#8 PEM. */
export function exportPrivateKeyPem(key: KeyObject): string {
  return key.export({ type: "pkcs8", format: "pem" }).toString();
}

/** Exports a private key as unencrypted PKCS#8 DER. */
export function exportPrivateKeyDer(key: KeyObject): Buffer {
  return key.export({ type: "pkcs8", format: "der" }) as Buffer;
}

/** Imports a private key from PEM (PKCS#1 or PKCS#8) or PKCS#8 DER. */
export function importPrivateKey(key: string | Uint8Array): KeyObject {
  if (typeof key === "string") return createPrivateKey(key);
  return createPrivateKey({ key: Buffer.from(key), format: "der", type: "pkcs8" });
}

/** Exports a public key as SubjectPublicKeyInfo PEM. */
export function exportPublicKeyPem(key: KeyObject): string {
  return key.export({ type: "spki", format: "pem" }).toString();
}

/** Imports a public key from SPKI PEM or DER. */
export function importPublicKey(key: string | Uint8Array): KeyObject {
  if (typeof key === "string") return createPublicKey(key);
  return createPublicKey({ key: Buffer.from(key), format: "der", type: "spki" });
}

/** The public key of a DER or PEM certificate. */
export function publicKeyOfCertificate(certificate: string | Uint8Array): KeyObject {
  return new X509Certificate(typeof certificate === "string" ? certificate : Buffer.from(certificate)).publicKey;
}

/**
 * Converts a PEM certificate (the first one, when several are concatenated) to DER.
 *
 * @throws Error when the text holds no certificate.
 */
export function certificatePemToDer(pem: string): Buffer {
  const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem);
  if (!m) throw new Error("no PEM certificate found");
  return Buffer.from(m[1]!.replace(/\s+/g, ""), "base64");
}

/** Converts a DER certificate to PEM. */
export function certificateDerToPem(der: Uint8Array): string {
  return pemWrap("CERTIFICATE", der);
}

/** Converts a DER CRL to PEM. */
export function crlDerToPem(der: Uint8Array): string {
  return pemWrap("X509 CRL", der);
}

function pemWrap(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString("base64").replace(/.{64}/g, "$&\n").replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** A node:crypto public key as a forge public key (for forge's certificate builder). */
export function toForgePublicKey(key: KeyObject): forge.pki.PublicKey {
  return forge.pki.publicKeyFromPem(exportPublicKeyPem(key));
}
