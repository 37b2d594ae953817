import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { chmod, mkdir, open, readFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * The embedded default keeps its master key in `<dataDir>/keys/master.key` (0600), created once
 * on first start. A server deployment passes CUSTOS_MASTER_KEY instead.
 */
export async function loadOrCreateMasterKey(dataDir: string): Promise<{ key: Buffer; created: boolean }> {
  const dir = join(dataDir, "keys");
  const path = join(dir, "master.key");
  try {
    const text = (await readFile(path, "utf8")).trim();
    const key = Buffer.from(text, "hex");
    if (key.length !== 32) throw new Error(`${path} does not hold a 32-byte hex key`);
    return { key, created: false };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  const handle = await open(path, "wx", 0o600);
  try {
    await handle.writeFile(key.toString("hex") + "\n");
    await handle.sync();
  } finally {
    await handle.close();
  }
  await chmod(path, 0o600);
  return { key, created: true };
}

/** A purpose-bound subkey of the master key (HKDF-SHA-256), so no two uses share key material. */
export function deriveKey(masterKey: Buffer, purpose: string, salt: Buffer | string = ""): Buffer {
  return Buffer.from(hkdfSync("sha256", masterKey, salt, `custos:${purpose}`, 32));
}

/** AES-256-GCM: `v1.<iv>.<tag>.<ciphertext>` (base64url parts); `aad` binds the ciphertext to its owner. */
export function seal(key: Buffer, plaintext: Buffer, aad = ""): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return ["v1", iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
}

/** Opens what {@link seal} made; throws if the key, the aad or a byte is wrong. */
export function unseal(key: Buffer, sealed: string, aad = ""): Buffer {
  const [version, iv, tag, body] = sealed.split(".");
  if (version !== "v1" || !iv || !tag || body === undefined) throw new Error("not a sealed value");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]);
}
