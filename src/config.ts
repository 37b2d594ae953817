import { z } from "zod";
import { parseIpRange, type IpRange } from "./lib/ip";
import { DEFAULT_TIME_ZONE, isTimeZone } from "./lib/time";

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const booleanFlag = z
  .string()
  .trim()
  .toLowerCase()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === "") return undefined;
    if (["1", "true", "yes", "on"].includes(v)) return true;
    if (["0", "false", "no", "off"].includes(v)) return false;
    ctx.addIssue({ code: "custom", message: "must be true or false" });
    return z.NEVER;
  });

/** The environment variables Custos reads, each validated once at start-up. */
export const envSchema = z.object({
  PORT: z.coerce
    .number({ message: "must be a port number" })
    .int("must be a whole number")
    .min(0, "must be between 0 and 65535")
    .max(65535, "must be between 0 and 65535")
    .default(3000),
  CUSTOS_DATA_DIR: optionalString.default("./storage"),
  DATABASE_URL: optionalString.refine(
    (v) => v === undefined || /^postgres(ql)?:\/\//.test(v),
    "must be a postgres:// or postgresql:// URL",
  ),
  S3_ENDPOINT: optionalString.refine(
    (v) => v === undefined || /^https?:\/\//.test(v),
    "must be an http:// or https:// URL",
  ),
  S3_REGION: optionalString,
  S3_BUCKET: optionalString,
  S3_ACCESS_KEY_ID: optionalString,
  S3_SECRET_ACCESS_KEY: optionalString,
  S3_FORCE_PATH_STYLE: booleanFlag,
  CUSTOS_MASTER_KEY: optionalString.refine(
    (v) => v === undefined || /^[0-9a-fA-F]{64}$/.test(v) || /^[A-Za-z0-9+/]{43}=$/.test(v),
    "must be 32 bytes as 64 hex digits or 44 base64 characters (generate one with: openssl rand -hex 32)",
  ),
  CUSTOS_TSA_URL: optionalString.refine(
    (v) => v === undefined || /^https?:\/\//.test(v),
    "must be an http:// or https:// URL of an RFC 3161 timestamp authority",
  ),
  CUSTOS_PUBLIC_URL: optionalString.refine(
    (v) => v === undefined || /^https?:\/\//.test(v),
    "must be an http:// or https:// URL",
  ),
  CUSTOS_SOFFICE: optionalString,
  CUSTOS_TIMEZONE: optionalString.refine(
    (v) => v === undefined || isTimeZone(v),
    "must be an IANA time zone name such as Asia/Shanghai",
  ),
  CUSTOS_TRUSTED_PROXIES: optionalString,
  CUSTOS_ARCHIVE_RENEWAL_DAYS: z.coerce
    .number({ message: "must be a number of days" })
    .int("must be a whole number")
    .min(30, "must be at least 30 days")
    .max(3000, "must be at most 3000 days (the built-in TSA certificate lives about 3650)")
    .default(730),
  CUSTOS_MAX_UPLOAD_MB: z.coerce
    .number({ message: "must be a number of megabytes" })
    .int("must be a whole number")
    .positive("must be positive")
    .default(2048),
});

/** S3 connection settings; present only when every required S3_* variable is set. */
export interface S3Config {
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
}

/** The validated configuration of one Custos instance. */
export interface Config {
  port: number;
  dataDir: string;
  databaseUrl?: string;
  s3?: S3Config;
  /** 32-byte key-encryption key; absent means "generate or load one in the data dir" (embedded mode). */
  masterKey?: Buffer;
  tsaUrl?: string;
  /**
   * How many days before a time stamp's TSA certificate expires the archive renews it
   * (CUSTOS_ARCHIVE_RENEWAL_DAYS, default 730): the built-in TSA gets a new certificate then, and
   * every signed result whose newest time stamp expires within this window gets a new one.
   */
  archiveRenewalDays: number;
  publicUrl?: string;
  maxUploadBytes: number;
  /** LibreOffice binary for DOCX → PDF ("none" disables conversion; unset: soffice or libreoffice on PATH). */
  soffice?: string;
  /**
   * Reverse proxies whose X-Forwarded-For is believed (CUSTOS_TRUSTED_PROXIES); empty: none, and
   * the client address is the socket's peer.
   */
  trustedProxies: IpRange[];
  /** The zone every time a person reads is shown in, labelled (CUSTOS_TIMEZONE, default Asia/Shanghai). */
  timeZone: string;
}

/** Start-up refused because a variable has a wrong value; the message names the variable. */
export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(
      "Custos cannot start, the configuration is wrong:\n" +
        problems.map((p) => `  ${p.variable}: ${p.message}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

/** Parses and validates the environment into a {@link Config}; throws {@link ConfigError}. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? "?"), message: i.message })),
    );
  }
  const e = parsed.data;
  const problems: { variable: string; message: string }[] = [];

  let s3: S3Config | undefined;
  const anyS3 = [e.S3_ENDPOINT, e.S3_REGION, e.S3_BUCKET, e.S3_ACCESS_KEY_ID, e.S3_SECRET_ACCESS_KEY].some(
    (v) => v !== undefined,
  );
  if (anyS3) {
    if (!e.S3_BUCKET) problems.push({ variable: "S3_BUCKET", message: "is required when any S3_* variable is set" });
    if ((e.S3_ACCESS_KEY_ID === undefined) !== (e.S3_SECRET_ACCESS_KEY === undefined)) {
      problems.push({
        variable: e.S3_ACCESS_KEY_ID === undefined ? "S3_ACCESS_KEY_ID" : "S3_SECRET_ACCESS_KEY",
        message: "S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together",
      });
    }
    if (e.S3_BUCKET) {
      s3 = {
        endpoint: e.S3_ENDPOINT,
        region: e.S3_REGION ?? "us-east-1",
        bucket: e.S3_BUCKET,
        accessKeyId: e.S3_ACCESS_KEY_ID,
        secretAccessKey: e.S3_SECRET_ACCESS_KEY,
        forcePathStyle: e.S3_FORCE_PATH_STYLE ?? false,
      };
    }
  }
  if (e.DATABASE_URL && !e.CUSTOS_MASTER_KEY) {
    problems.push({
      variable: "CUSTOS_MASTER_KEY",
      message:
        "is required when DATABASE_URL is set (instances share one key; generate one with: openssl rand -hex 32)",
    });
  }
  const trustedProxies: IpRange[] = [];
  for (const item of (e.CUSTOS_TRUSTED_PROXIES ?? "").split(",").map((v) => v.trim()).filter(Boolean)) {
    const range = parseIpRange(item);
    if (range) trustedProxies.push(range);
    else {
      problems.push({
        variable: "CUSTOS_TRUSTED_PROXIES",
        message: `“${item}” is not an IP address or CIDR range; list them separated by commas, e.g. 127.0.0.1,10.0.0.0/8,fd00::/8`,
      });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    port: e.PORT,
    dataDir: e.CUSTOS_DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    s3,
    masterKey: e.CUSTOS_MASTER_KEY ? decodeKey(e.CUSTOS_MASTER_KEY) : undefined,
    tsaUrl: e.CUSTOS_TSA_URL,
    archiveRenewalDays: e.CUSTOS_ARCHIVE_RENEWAL_DAYS,
    publicUrl: e.CUSTOS_PUBLIC_URL,
    maxUploadBytes: e.CUSTOS_MAX_UPLOAD_MB * 1024 * 1024,
    soffice: e.CUSTOS_SOFFICE,
    trustedProxies,
    timeZone: e.CUSTOS_TIMEZONE ?? DEFAULT_TIME_ZONE,
  };
}

function decodeKey(text: string): Buffer {
  return /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, "hex") : Buffer.from(text, "base64");
}
