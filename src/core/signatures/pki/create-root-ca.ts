import type { KeyObject } from "node:crypto";
import { buildCertificate, generateSerialNumber } from "./certificate-builder";
import type { DistinguishedName } from "./distinguished-name";
import { generateRsaKeyPair } from "./keys";

/** Input for {@link createRootCa}. */
export interface CreateRootCaInput {
  /** Subject (and issuer) name of the root, e.g. `{ commonName: "Custos 根证书", organization: "某公司" }`. */
  subject: DistinguishedName;
  /** Start of validity. */
  notBefore: Date;
  /** End of validity. */
  notAfter: Date;
  /** An existing key pair; a new RSA-2048 pair is generated when absent. */
  keyPair?: { privateKey: KeyObject; publicKey: KeyObject };
}

/** The organisation root CA. */
export interface RootCa {
  /** DER of the self-signed certificate. */
  certificate: Buffer;
  /** Serial number as lower-case hex. */
  serialNumber: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/**
 * Creates a self-signed root CA certificate (basicConstraints CA:TRUE critical,
 * keyUsage keyCertSign + cRLSign critical, subject and authority key identifiers).
 */
export async function createRootCa(input: CreateRootCaInput): Promise<RootCa> {
  const keyPair = input.keyPair ?? (await generateRsaKeyPair());
  const issued = buildCertificate({
    subject: input.subject,
    publicKey: keyPair.publicKey,
    serialNumber: generateSerialNumber(),
    notBefore: input.notBefore,
    notAfter: input.notAfter,
    selfSignKey: keyPair.privateKey,
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  return { ...issued, privateKey: keyPair.privateKey, publicKey: keyPair.publicKey };
}
