/**
 * A small, defensive DER/BER reader that keeps byte offsets.
 *
 * forge's ASN.1 parser rebuilds values from parsed trees, which loses the exact
 * bytes; verification must hash the original encoding (signed attributes,
 * TSTInfo, TBSCertificate), so reading goes through this reader, which also
 * accepts BER indefinite lengths that some signers emit.
 */

/** ASN.1 tag classes as they appear in the top two bits of the identifier. */
export const TagClass = {
  universal: 0,
  application: 1,
  contextSpecific: 2,
  private: 3,
} as const;

/** Universal tag numbers used by the signature code. */
export const UniversalTag = {
  boolean: 1,
  integer: 2,
  bitString: 3,
  octetString: 4,
  null: 5,
  oid: 6,
  utf8String: 12,
  sequence: 16,
  set: 17,
  printableString: 19,
  t61String: 20,
  ia5String: 22,
  utcTime: 23,
  generalizedTime: 24,
  visibleString: 26,
  universalString: 28,
  bmpString: 30,
} as const;

/** One parsed TLV with its position in the source buffer. */
export interface DerNode {
  /** Tag class (see {@link TagClass}). */
  tagClass: number;
  /** Whether the encoding is constructed. */
  constructed: boolean;
  /** Tag number. */
  tag: number;
  /** Offset of the identifier octet. */
  start: number;
  /** Offset of the first content octet. */
  contentStart: number;
  /** Offset just after the content (before an end-of-contents marker, if any). */
  contentEnd: number;
  /** Offset just after the whole element. */
  end: number;
  /** Children of a constructed element, in order. */
  children: DerNode[];
  /** The buffer the offsets refer to. */
  source: Buffer;
}

/** Raised for malformed ASN.1 input. */
export class DerError extends Error {
  override name = "DerError";
}

const MAX_DEPTH = 48;

/**
 * Parses one ASN.1 element at `offset` (default 0) and all its descendants.
 *
 * @throws {@link DerError} when the encoding is malformed or truncated.
 */
export function parseDer(input: Uint8Array, offset = 0): DerNode {
  const source = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  return readNode(source, offset, source.length, 0);
}

/**
 * Parses one element and requires that it spans exactly the whole input.
 *
 * @throws {@link DerError} on malformed input or trailing bytes.
 */
export function parseDerExact(input: Uint8Array): DerNode {
  const node = parseDer(input);
  if (node.end !== input.length) throw new DerError(`trailing ${input.length - node.end} bytes after ASN.1 element`);
  return node;
}

function readNode(source: Buffer, offset: number, limit: number, depth: number): DerNode {
  if (depth > MAX_DEPTH) throw new DerError("ASN.1 nesting too deep");
  let pos = offset;
  if (pos >= limit) throw new DerError(`truncated ASN.1 at ${pos}`);
  const first = source[pos++]!;
  const tagClass = first >> 6;
  const constructed = (first & 0x20) !== 0;
  let tag = first & 0x1f;
  if (tag === 0x1f) {
    tag = 0;
    for (let i = 0; ; i++) {
      if (pos >= limit || i > 4) throw new DerError("bad high tag number");
      const b = source[pos++]!;
      tag = tag * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
  }
  if (pos >= limit) throw new DerError("truncated ASN.1 length");
  const lengthByte = source[pos++]!;
  const children: DerNode[] = [];
  if (lengthByte === 0x80) {
    if (!constructed) throw new DerError("indefinite length on primitive element");
    const contentStart = pos;
    for (;;) {
      if (pos + 1 >= limit) throw new DerError("missing end-of-contents");
      if (source[pos] === 0 && source[pos + 1] === 0) break;
      const child = readNode(source, pos, limit, depth + 1);
      children.push(child);
      pos = child.end;
    }
    return { tagClass, constructed, tag, start: offset, contentStart, contentEnd: pos, end: pos + 2, children, source };
  }
  let length = lengthByte;
  if (lengthByte & 0x80) {
    const count = lengthByte & 0x7f;
    if (count > 4) throw new DerError("ASN.1 length too large");
    length = 0;
    for (let i = 0; i < count; i++) {
      if (pos >= limit) throw new DerError("truncated ASN.1 length");
      length = length * 256 + source[pos++]!;
    }
  }
  const contentStart = pos;
  const contentEnd = pos + length;
  if (contentEnd > limit) throw new DerError(`ASN.1 element overruns its container at ${offset}`);
  if (constructed) {
    let p = contentStart;
    while (p < contentEnd) {
      const child = readNode(source, p, contentEnd, depth + 1);
      children.push(child);
      p = child.end;
    }
  }
  return { tagClass, constructed, tag, start: offset, contentStart, contentEnd, end: contentEnd, children, source };
}

/** The content octets of a node (a view, not a copy). */
export function contentOf(node: DerNode): Buffer {
  return node.source.subarray(node.contentStart, node.contentEnd);
}

/** The complete encoding of a node, header included (a view, not a copy). */
export function encodingOf(node: DerNode): Buffer {
  return node.source.subarray(node.start, node.end);
}

/** Whether the node has the given universal tag. */
export function isUniversal(node: DerNode | undefined, tag: number): node is DerNode & { tagClass: 0 } {
  return node !== undefined && node.tagClass === TagClass.universal && node.tag === tag;
}

/** Whether the node is context-specific `[tag]`. */
export function isContext(node: DerNode | undefined, tag: number): node is DerNode & { tagClass: 2 } {
  return node !== undefined && node.tagClass === TagClass.contextSpecific && node.tag === tag;
}

/**
 * Returns child `index`, checking it exists and (optionally) has a universal tag.
 *
 * @throws {@link DerError} when the child is missing or has another tag.
 */
export function childAt(node: DerNode, index: number, universalTag?: number): DerNode {
  const child = node.children[index];
  if (!child) throw new DerError(`expected element #${index} missing`);
  if (universalTag !== undefined && (child.tagClass !== TagClass.universal || child.tag !== universalTag)) {
    throw new DerError(`element #${index} has tag ${child.tagClass}/${child.tag}, expected universal ${universalTag}`);
  }
  return child;
}

/**
 * Decodes an OBJECT IDENTIFIER to dotted form.
 *
 * @throws {@link DerError} when the node is not an OID.
 */
export function readOid(node: DerNode): string {
  if (!isUniversal(node, UniversalTag.oid)) throw new DerError("expected OBJECT IDENTIFIER");
  const bytes = contentOf(node);
  if (bytes.length === 0) throw new DerError("empty OBJECT IDENTIFIER");
  const parts: number[] = [];
  let value = 0;
  for (const b of bytes) {
    value = value * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      parts.push(value);
      value = 0;
    }
  }
  const head = parts.shift() ?? 0;
  const first = head < 80 ? Math.floor(head / 40) : 2;
  return [first, head - first * 40, ...parts].join(".");
}

/**
 * Returns the content bytes of an INTEGER (two's complement, big-endian).
 *
 * @throws {@link DerError} when the node is not an INTEGER.
 */
export function readIntegerBytes(node: DerNode): Buffer {
  if (!isUniversal(node, UniversalTag.integer)) throw new DerError("expected INTEGER");
  return contentOf(node);
}

/** Lower-case hex of an INTEGER's magnitude, without leading zero octets. */
export function readIntegerHex(node: DerNode): string {
  const bytes = readIntegerBytes(node);
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return bytes.subarray(i).toString("hex");
}

/** Small non-negative INTEGER as a number. */
export function readSmallInteger(node: DerNode): number {
  const bytes = readIntegerBytes(node);
  if (bytes.length > 6) throw new DerError("INTEGER too large");
  let v = 0;
  for (const b of bytes) v = v * 256 + b;
  return v;
}

/**
 * Decodes UTCTime or GeneralizedTime.
 *
 * @throws {@link DerError} when the node is not a time or cannot be parsed.
 */
export function readTime(node: DerNode): Date {
  const text = contentOf(node).toString("latin1");
  let m: RegExpExecArray | null;
  if (isUniversal(node, UniversalTag.utcTime)) {
    m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(Z|[+-]\d{4})$/.exec(text);
    if (!m) throw new DerError(`bad UTCTime ${text}`);
    const yy = Number(m[1]);
    return buildDate(yy >= 50 ? 1900 + yy : 2000 + yy, m[2]!, m[3]!, m[4]!, m[5]!, m[6] ?? "00", "", m[7]!);
  }
  if (isUniversal(node, UniversalTag.generalizedTime)) {
    m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:[.,](\d+))?(Z|[+-]\d{4})?$/.exec(text);
    if (!m) throw new DerError(`bad GeneralizedTime ${text}`);
    return buildDate(Number(m[1]), m[2]!, m[3]!, m[4]!, m[5]!, m[6] ?? "00", m[7] ?? "", m[8] ?? "Z");
  }
  throw new DerError("expected a time");
}

function buildDate(year: number, mo: string, d: string, h: string, mi: string, s: string, frac: string, zone: string): Date {
  const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
  let t = Date.UTC(year, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  if (zone !== "Z") {
    const sign = zone[0] === "-" ? -1 : 1;
    t -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5))) * 60_000;
  }
  const date = new Date(t);
  if (Number.isNaN(date.getTime())) throw new DerError("invalid date");
  return date;
}

/** Decodes any of the ASN.1 character string types to a JavaScript string. */
export function readString(node: DerNode): string {
  const bytes = contentOf(node);
  if (node.tagClass !== TagClass.universal) return bytes.toString("latin1");
  switch (node.tag) {
    case UniversalTag.utf8String:
      return bytes.toString("utf8");
    case UniversalTag.bmpString: {
      let s = "";
      for (let i = 0; i + 1 < bytes.length; i += 2) s += String.fromCharCode((bytes[i]! << 8) | bytes[i + 1]!);
      return s;
    }
    case UniversalTag.universalString: {
      let s = "";
      for (let i = 0; i + 3 < bytes.length; i += 4) s += String.fromCodePoint(bytes.readUInt32BE(i) % 0x110000);
      return s;
    }
    case UniversalTag.t61String:
      return bytes.toString("latin1");
    default:
      return bytes.toString("latin1");
  }
}
