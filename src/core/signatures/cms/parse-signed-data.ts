import {
  DerError,
  UniversalTag,
  childAt,
  contentOf,
  encodingOf,
  isContext,
  isUniversal,
  parseDer,
  readIntegerBytes,
  readOid,
  readSmallInteger,
  type DerNode,
} from "../pki/der-reader";
import { Oid } from "./oids";

/** How a SignerInfo names its certificate. */
export type SignerIdentifier =
  | { kind: "issuerAndSerial"; issuerNameDer: Buffer; serialBytes: Buffer }
  | { kind: "subjectKeyIdentifier"; keyIdentifier: Buffer };

/** One attribute: its type and encoded values. */
export interface ParsedAttribute {
  oid: string;
  values: DerNode[];
}

/** A SignerInfo with the exact bytes needed for verification. */
export interface ParsedSignerInfo {
  version: number;
  sid: SignerIdentifier;
  digestAlgorithmOid: string;
  /** Signed attributes, in encoded order; undefined when the SignerInfo has none. */
  signedAttributes?: ParsedAttribute[];
  /** The signed attributes re-tagged as SET (0x31): the bytes the signature covers. */
  signedAttributesDer?: Buffer;
  signatureAlgorithmOid: string;
  /** Parameters of the signature algorithm (RSASSA-PSS), when present. */
  signatureAlgorithmParameters?: DerNode;
  signature: Buffer;
  unsignedAttributes: ParsedAttribute[];
}

/** A parsed CMS SignedData (inside its ContentInfo). */
export interface ParsedSignedData {
  version: number;
  /** eContentType. */
  contentType: string;
  /** eContent octets when encapsulated; undefined when detached. */
  content?: Buffer;
  /** The certificates field, each element's encoding (non-X.509 choices skipped). */
  certificates: Buffer[];
  signerInfos: ParsedSignerInfo[];
}

/**
 * Parses a DER/BER ContentInfo holding SignedData. Trailing zero padding (as in a PDF
 * /Contents placeholder) is ignored.
 *
 * @throws {@link DerError} when the structure is not a SignedData.
 */
export function parseSignedData(input: Uint8Array): ParsedSignedData {
  const root = parseDer(input);
  for (let i = root.end; i < input.length; i++) {
    if (input[i] !== 0) throw new DerError("data after the CMS structure");
  }
  if (!isUniversal(root, UniversalTag.sequence)) throw new DerError("ContentInfo is not a SEQUENCE");
  const type = readOid(childAt(root, 0));
  if (type !== Oid.signedData) throw new DerError(`ContentInfo holds ${type}, not SignedData`);
  const explicit = childAt(root, 1);
  if (!isContext(explicit, 0)) throw new DerError("ContentInfo content is not [0]");
  const sd = childAt(explicit, 0, UniversalTag.sequence);
  const version = readSmallInteger(childAt(sd, 0, UniversalTag.integer));
  childAt(sd, 1, UniversalTag.set);
  const encap = childAt(sd, 2, UniversalTag.sequence);
  const contentType = readOid(childAt(encap, 0));
  let content: Buffer | undefined;
  const wrapped = encap.children[1];
  if (wrapped) {
    if (!isContext(wrapped, 0)) throw new DerError("eContent is not [0]");
    const octets = childAt(wrapped, 0);
    content = octets.constructed ? Buffer.concat(octets.children.map((c) => contentOf(c))) : Buffer.from(contentOf(octets));
  }
  const certificates: Buffer[] = [];
  let signerInfosNode: DerNode | undefined;
  for (const node of sd.children.slice(3)) {
    if (isContext(node, 0)) {
      for (const c of node.children) if (isUniversal(c, UniversalTag.sequence)) certificates.push(Buffer.from(encodingOf(c)));
    } else if (isUniversal(node, UniversalTag.set)) {
      signerInfosNode = node;
    }
  }
  if (!signerInfosNode) throw new DerError("SignedData has no signerInfos");
  return { version, contentType, ...(content ? { content } : {}), certificates, signerInfos: signerInfosNode.children.map(parseSignerInfo) };
}

function parseSignerInfo(node: DerNode): ParsedSignerInfo {
  const version = readSmallInteger(childAt(node, 0, UniversalTag.integer));
  const sidNode = childAt(node, 1);
  let sid: SignerIdentifier;
  if (isUniversal(sidNode, UniversalTag.sequence)) {
    sid = {
      kind: "issuerAndSerial",
      issuerNameDer: Buffer.from(encodingOf(childAt(sidNode, 0, UniversalTag.sequence))),
      serialBytes: Buffer.from(readIntegerBytes(childAt(sidNode, 1))),
    };
  } else if (isContext(sidNode, 0)) {
    sid = { kind: "subjectKeyIdentifier", keyIdentifier: Buffer.from(contentOf(sidNode)) };
  } else {
    throw new DerError("unknown SignerIdentifier");
  }
  const digestAlgorithmOid = readOid(childAt(childAt(node, 2, UniversalTag.sequence), 0));
  let index = 3;
  let signedAttributes: ParsedAttribute[] | undefined;
  let signedAttributesDer: Buffer | undefined;
  const maybeSigned = node.children[index];
  if (isContext(maybeSigned, 0)) {
    signedAttributes = maybeSigned.children.map(parseAttribute);
    signedAttributesDer = Buffer.from(encodingOf(maybeSigned));
    signedAttributesDer[0] = 0x31;
    index++;
  }
  const sigAlg = childAt(node, index++, UniversalTag.sequence);
  const signatureAlgorithmOid = readOid(childAt(sigAlg, 0));
  const signatureAlgorithmParameters = sigAlg.children[1];
  const signature = Buffer.from(contentOf(childAt(node, index++, UniversalTag.octetString)));
  const unsignedNode = node.children[index];
  const unsignedAttributes = isContext(unsignedNode, 1) ? unsignedNode.children.map(parseAttribute) : [];
  return {
    version,
    sid,
    digestAlgorithmOid,
    ...(signedAttributes ? { signedAttributes, signedAttributesDer: signedAttributesDer! } : {}),
    signatureAlgorithmOid,
    ...(signatureAlgorithmParameters ? { signatureAlgorithmParameters } : {}),
    signature,
    unsignedAttributes,
  };
}

function parseAttribute(node: DerNode): ParsedAttribute {
  return { oid: readOid(childAt(node, 0)), values: childAt(node, 1, UniversalTag.set).children };
}
