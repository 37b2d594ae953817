import { sql } from "drizzle-orm";
import { bigint, index, pgSequence, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { tstz } from "../columns";
import { users } from "./users";

/**
 * The organisation's own certificate authorities: `root` (signs signer and TSA certificates and
 * the CRL) and `tsa` (RFC 3161 time stamps). Private keys are sealed under a subkey of the master key.
 */
export const pkiAuthorities = pgTable("pki_authorities", {
  id: text("id").primaryKey(),
  certificatePem: text("certificate_pem").notNull(),
  serialNumber: text("serial_number").notNull(),
  keySealed: text("key_sealed").notNull(),
  createdAt: tstz("created_at").notNull(),
});

/**
 * One signing certificate per person at a time. The private key is sealed with a key derived from
 * the person's signing PIN and the master key: the server alone cannot sign for anyone.
 */
export const signerCertificates = pgTable(
  "signer_certificates",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    serialNumber: text("serial_number").notNull().unique(),
    subject: text("subject").notNull(),
    certificatePem: text("certificate_pem").notNull(),
    keySalt: text("key_salt").notNull(),
    keySealed: text("key_sealed").notNull(),
    /**
     * What the key is wrapped under: "pin" (the signer's signing PIN) or "password" (their login
     * password, before signing PINs; such a certificate is superseded at the next signature).
     */
    keyWrap: text("key_wrap").notNull().default("password"),
    notBefore: tstz("not_before").notNull(),
    notAfter: tstz("not_after").notNull(),
    revokedAt: tstz("revoked_at"),
    revocationReason: text("revocation_reason"),
    createdAt: tstz("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("signer_certificates_one_active").on(t.userId).where(sql`${t.revokedAt} is null`),
    index("signer_certificates_user_idx").on(t.userId),
  ],
);

/** Serial numbers of the built-in TSA's tokens. */
export const tsaSerial = pgSequence("tsa_serial_seq", { startWith: 1 });

/** Every time-stamp token the built-in TSA issued. */
export const timestampTokens = pgTable("timestamp_tokens", {
  serialNumber: bigint("serial_number", { mode: "number" }).primaryKey(),
  hashAlgorithm: text("hash_algorithm").notNull(),
  messageImprint: text("message_imprint").notNull(),
  genTime: tstz("gen_time").notNull(),
  requestedVia: text("requested_via").notNull(),
});

export type SignerCertificateRow = typeof signerCertificates.$inferSelect;
