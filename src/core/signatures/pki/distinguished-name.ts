import forge from "node-forge";
import { DerError, childAt, readOid, readString, type DerNode } from "./der-reader";

/** A subject or issuer name as Custos writes it. Chinese is fine in every field but `country`. */
export interface DistinguishedName {
  /** CN, e.g. "张三" or "Custos Root CA". */
  commonName: string;
  /** O, e.g. "北京某某科技有限公司". */
  organization?: string;
  /** OU, e.g. "法务部". */
  organizationalUnit?: string;
  /** C, two-letter ISO 3166 code (PrintableString). */
  country?: string;
  /** ST. */
  stateOrProvince?: string;
  /** L. */
  locality?: string;
  /** emailAddress (IA5String). */
  emailAddress?: string;
}

/** One attribute of a parsed name, decoded to Unicode. */
export interface NameAttribute {
  /** Attribute type OID. */
  oid: string;
  /** Short name such as CN, O, OU when known, else the OID. */
  shortName: string;
  /** Decoded value. */
  value: string;
}

/** A name read from a certificate, decoded (UTF8String, BMPString, PrintableString…). */
export interface ParsedName {
  /** Attributes in encoding order. */
  attributes: NameAttribute[];
  /** The CN, when present. */
  commonName?: string;
  /** One-line RFC 4514-like rendering, most significant first, e.g. "C=CN, O=某公司, CN=张三". */
  text: string;
}

const SHORT_NAMES: Record<string, string> = {
  "2.5.4.3": "CN",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "2.5.4.5": "serialNumber",
  "2.5.4.97": "organizationIdentifier",
  "1.2.840.113549.1.9.1": "emailAddress",
};

/**
 * Converts a name to forge certificate attributes. Every human-readable field is
 * encoded as UTF8String; forge's default (PrintableString) corrupts Chinese.
 */
export function toForgeAttributes(name: DistinguishedName): forge.pki.CertificateField[] {
  const { UTF8, PRINTABLESTRING, IA5STRING } = forge.asn1.Type;
  const fields: forge.pki.CertificateField[] = [];
  const add = (key: "shortName" | "name", id: string, value: string | undefined, tag: forge.asn1.Type): void => {
    if (value) fields.push({ [key]: id, value, valueTagClass: tag } as unknown as forge.pki.CertificateField);
  };
  add("shortName", "C", name.country, PRINTABLESTRING);
  add("shortName", "ST", name.stateOrProvince, UTF8);
  add("shortName", "L", name.locality, UTF8);
  add("shortName", "O", name.organization, UTF8);
  add("shortName", "OU", name.organizationalUnit, UTF8);
  add("shortName", "CN", name.commonName, UTF8);
  add("name", "emailAddress", name.emailAddress, IA5STRING);
  return fields;
}

/**
 * Decodes an X.501 Name (SEQUENCE OF RelativeDistinguishedName).
 *
 * @throws {@link DerError} when the structure is not a Name.
 */
export function parseName(node: DerNode): ParsedName {
  if (!node.constructed) throw new DerError("Name is not a SEQUENCE");
  const attributes: NameAttribute[] = [];
  for (const rdn of node.children) {
    for (const atv of rdn.children) {
      const oid = readOid(childAt(atv, 0));
      const value = readString(childAt(atv, 1));
      attributes.push({ oid, shortName: SHORT_NAMES[oid] ?? oid, value });
    }
  }
  const cn = attributes.find((a) => a.oid === "2.5.4.3");
  return {
    attributes,
    ...(cn ? { commonName: cn.value } : {}),
    text: attributes.map((a) => `${a.shortName}=${a.value}`).join(", "),
  };
}
