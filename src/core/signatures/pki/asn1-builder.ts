import forge from "node-forge";
import { parseDer } from "./der-reader";

/** A forge ASN.1 node. */
export type Asn1Node = forge.asn1.Asn1;

const { asn1 } = forge;
const U = asn1.Class.UNIVERSAL;
const T = asn1.Type;

/** SEQUENCE of the given nodes (undefined entries are dropped). */
export function seq(...items: (Asn1Node | undefined)[]): Asn1Node {
  return asn1.create(U, T.SEQUENCE, true, items.filter((i): i is Asn1Node => i !== undefined));
}

/** SET of the given nodes, in the order given. */
export function setOf(...items: Asn1Node[]): Asn1Node {
  return asn1.create(U, T.SET, true, items);
}

/**
 * DER SET OF: the elements sorted by their encodings (X.690 §11.6), as required for
 * signed attributes (CMS §5.4 hashes the DER encoding).
 */
export function derSetOf(items: Asn1Node[]): Asn1Node {
  const encoded = items.map((node) => ({ node, der: toDer(node) }));
  encoded.sort((a, b) => Buffer.compare(a.der, b.der));
  return asn1.create(U, T.SET, true, encoded.map((e) => e.node));
}

/** OBJECT IDENTIFIER from dotted form. */
export function oid(dotted: string): Asn1Node {
  return asn1.create(U, T.OID, false, asn1.oidToDer(dotted).getBytes());
}

/** INTEGER from a non-negative number. */
export function integer(value: number): Asn1Node {
  return asn1.create(U, T.INTEGER, false, asn1.integerToDer(value).getBytes());
}

/** INTEGER from a magnitude in hex or bytes; a leading zero octet is added when the top bit is set. */
export function unsignedInteger(value: string | Uint8Array): Asn1Node {
  let bytes = typeof value === "string" ? Buffer.from(value.length % 2 ? `0${value}` : value, "hex") : Buffer.from(value);
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0 && bytes[i + 1]! < 0x80) i++;
  bytes = bytes.subarray(i);
  if (bytes.length === 0) bytes = Buffer.from([0]);
  if (bytes[0]! >= 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return asn1.create(U, T.INTEGER, false, bytes.toString("binary"));
}

/** OCTET STRING. */
export function octetString(bytes: Uint8Array): Asn1Node {
  return asn1.create(U, T.OCTETSTRING, false, Buffer.from(bytes).toString("binary"));
}

/** BIT STRING; `unusedBits` counts the unused trailing bits of the last octet. */
export function bitString(bytes: Uint8Array, unusedBits = 0): Asn1Node {
  return asn1.create(U, T.BITSTRING, false, `${String.fromCharCode(unusedBits)}${Buffer.from(bytes).toString("binary")}`);
}

/** NULL. */
export function nullValue(): Asn1Node {
  return asn1.create(U, T.NULL, false, "");
}

/** BOOLEAN. */
export function boolean(value: boolean): Asn1Node {
  return asn1.create(U, T.BOOLEAN, false, value ? "\u00ff" : "\u0000");
}

/** UTF8String. */
export function utf8String(value: string): Asn1Node {
  return asn1.create(U, T.UTF8, false, Buffer.from(value, "utf8").toString("binary"));
}

/** ENUMERATED from a small number. */
export function enumerated(value: number): Asn1Node {
  return asn1.create(U, T.ENUMERATED, false, asn1.integerToDer(value).getBytes());
}

/** Context-specific constructed `[tag]` around the given nodes (EXPLICIT tagging or IMPLICIT SET/SEQUENCE). */
export function contextConstructed(tag: number, ...items: Asn1Node[]): Asn1Node {
  return asn1.create(asn1.Class.CONTEXT_SPECIFIC, tag, true, items);
}

/** Context-specific primitive `[tag]` with raw content bytes (IMPLICIT primitive types). */
export function contextPrimitive(tag: number, content: Uint8Array): Asn1Node {
  return asn1.create(asn1.Class.CONTEXT_SPECIFIC, tag, false, Buffer.from(content).toString("binary"));
}

/** GeneralizedTime in UTC with optional milliseconds, e.g. 20261125060312.123Z. */
export function generalizedTime(date: Date, withMilliseconds = false): Asn1Node {
  const iso = date.toISOString();
  const base = iso.slice(0, 19).replace(/[-:T]/g, "");
  const ms = withMilliseconds ? `.${iso.slice(20, 23)}`.replace(/\.?0+$/, "") : "";
  return asn1.create(U, T.GENERALIZEDTIME, false, `${base}${ms}Z`);
}

/** X.509 Time: UTCTime up to 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5). */
export function x509Time(date: Date): Asn1Node {
  if (date.getUTCFullYear() < 2050) return asn1.create(U, T.UTCTIME, false, asn1.dateToUtcTime(date));
  return generalizedTime(date);
}

/** AlgorithmIdentifier with NULL parameters (RSA algorithms, SHA-2 digests). */
export function algorithmIdentifier(algorithm: string, withNullParameters = true): Asn1Node {
  return seq(oid(algorithm), withNullParameters ? nullValue() : undefined);
}

/**
 * Wraps an existing encoding so it is written byte for byte (certificates, tokens,
 * names), never re-encoded.
 *
 * @throws {@link DerError} when the bytes are not one ASN.1 element.
 */
export function rawElement(encoding: Uint8Array): Asn1Node {
  const node = parseDer(encoding);
  const source = node.source;
  if ((source[node.start]! & 0x1f) === 0x1f) throw new Error("rawElement does not support high tag numbers");
  // forge writes the identifier octet as tagClass | type; passing the whole identifier
  // (constructed bit included) as the type and a byte string as the value makes it
  // emit the original content unchanged.
  const identifier = source[node.start]!;
  const content = source.subarray(node.contentStart, node.contentEnd).toString("binary");
  return asn1.create(identifier & 0xc0, identifier & 0x3f, false, content);
}

/** DER bytes of a forge node. */
export function toDer(node: Asn1Node): Buffer {
  return Buffer.from(asn1.toDer(node).getBytes(), "binary");
}

/** INTEGER from a bigint, in minimal two's complement. */
export function bigInteger(value: bigint): Asn1Node {
  if (value >= 0n) return unsignedInteger(value.toString(16));
  let bytes = 1;
  while (value < -(1n << BigInt(bytes * 8 - 1))) bytes++;
  const twos = (1n << BigInt(bytes * 8)) + value;
  return asn1.create(U, T.INTEGER, false, Buffer.from(twos.toString(16).padStart(bytes * 2, "0"), "hex").toString("binary"));
}
