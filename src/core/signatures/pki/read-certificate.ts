import { createHash } from "node:crypto";
import { parseName, type ParsedName } from "./distinguished-name";
import {
  UniversalTag,
  childAt,
  contentOf,
  encodingOf,
  isContext,
  isUniversal,
  parseDer,
  parseDerExact,
  readIntegerBytes,
  readIntegerHex,
  readOid,
  readTime,
  type DerNode,
} from "./der-reader";

/** What a certificate says, decoded for people and for the verifier. */
export interface CertificateSummary {
  /** DER encoding. */
  der: Buffer;
  subject: ParsedName;
  issuer: ParsedName;
  /** Serial number, lower-case hex without leading zeros. */
  serialNumber: string;
  /** Raw INTEGER content octets of the serial (for exact comparisons). */
  serialBytes: Buffer;
  /** DER of the issuer Name (for exact comparisons). */
  issuerNameDer: Buffer;
  /** DER of the subject Name. */
  subjectNameDer: Buffer;
  notBefore: Date;
  notAfter: Date;
  /** basicConstraints cA. */
  isCa: boolean;
  /** keyUsage bits by name, when the extension is present. */
  keyUsage?: string[];
  /** extendedKeyUsage OIDs, when the extension is present. */
  extendedKeyUsage?: string[];
  /** Whether extendedKeyUsage is marked critical. */
  extendedKeyUsageCritical: boolean;
  /** subjectKeyIdentifier, when present. */
  subjectKeyIdentifier?: Buffer;
  /** SHA-256 of the DER, lower-case hex. */
  sha256: string;
}

const KEY_USAGE_NAMES = [
  "digitalSignature",
  "nonRepudiation",
  "keyEncipherment",
  "dataEncipherment",
  "keyAgreement",
  "keyCertSign",
  "cRLSign",
  "encipherOnly",
  "decipherOnly",
];

/**
 * Decodes a DER certificate: names (UTF8String, BMPString… decoded to Unicode),
 * serial, validity, CA flag, key usages.
 *
 * @throws {@link DerError} when the bytes are not an X.509 certificate.
 */
export function readCertificate(der: Uint8Array): CertificateSummary {
  const root = parseDerExact(der);
  return summarise(root);
}

/** Like {@link readCertificate} for a certificate node inside a larger structure. */
export function readCertificateNode(node: DerNode): CertificateSummary {
  return summarise(parseDerExact(encodingOf(node)));
}

function summarise(root: DerNode): CertificateSummary {
  const tbs = childAt(root, 0, UniversalTag.sequence);
  const o = isContext(tbs.children[0], 0) ? 1 : 0;
  const serial = childAt(tbs, o, UniversalTag.integer);
  const issuer = childAt(tbs, o + 2, UniversalTag.sequence);
  const validity = childAt(tbs, o + 3, UniversalTag.sequence);
  const subject = childAt(tbs, o + 4, UniversalTag.sequence);
  const summary: CertificateSummary = {
    der: Buffer.from(encodingOf(root)),
    subject: parseName(subject),
    issuer: parseName(issuer),
    serialNumber: readIntegerHex(serial),
    serialBytes: Buffer.from(readIntegerBytes(serial)),
    issuerNameDer: Buffer.from(encodingOf(issuer)),
    subjectNameDer: Buffer.from(encodingOf(subject)),
    notBefore: readTime(childAt(validity, 0)),
    notAfter: readTime(childAt(validity, 1)),
    isCa: false,
    extendedKeyUsageCritical: false,
    sha256: createHash("sha256").update(encodingOf(root)).digest("hex"),
  };
  const extensions = tbs.children.find((c) => isContext(c, 3));
  const list = extensions?.children[0];
  for (const ext of list?.children ?? []) {
    const id = readOid(childAt(ext, 0));
    const critical = isUniversal(ext.children[1], UniversalTag.boolean) && contentOf(ext.children[1]!)[0] !== 0;
    const value = ext.children[ext.children.length - 1];
    if (!isUniversal(value, UniversalTag.octetString)) continue;
    const inner = parseDer(contentOf(value));
    if (id === "2.5.29.19") {
      const flag = inner.children[0];
      summary.isCa = isUniversal(flag, UniversalTag.boolean) && contentOf(flag)[0] !== 0;
    } else if (id === "2.5.29.15") {
      const bits = contentOf(inner);
      const names: string[] = [];
      KEY_USAGE_NAMES.forEach((name, i) => {
        const byte = bits[1 + (i >> 3)] ?? 0;
        if (byte & (0x80 >> (i & 7))) names.push(name);
      });
      summary.keyUsage = names;
    } else if (id === "2.5.29.14") {
      summary.subjectKeyIdentifier = Buffer.from(contentOf(inner));
    } else if (id === "2.5.29.37") {
      summary.extendedKeyUsage = inner.children.map((c) => readOid(c));
      summary.extendedKeyUsageCritical = critical;
    }
  }
  return summary;
}
