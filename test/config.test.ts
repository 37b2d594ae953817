import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config";

function problems(env: Record<string, string>) {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

describe("configuration", () => {
  it("defaults to the embedded setup", () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, dataDir: "./storage", databaseUrl: undefined, s3: undefined, masterKey: undefined });
  });

  it("names the variable that is wrong", () => {
    expect(problems({ PORT: "eighty" }).map((p) => p.variable)).toEqual(["PORT"]);
    expect(problems({ PORT: "70000" })[0]!.variable).toBe("PORT");
    expect(problems({ DATABASE_URL: "mysql://x" })[0]!.variable).toBe("DATABASE_URL");
    expect(problems({ CUSTOS_MASTER_KEY: "short" })[0]!.variable).toBe("CUSTOS_MASTER_KEY");
    expect(problems({ S3_FORCE_PATH_STYLE: "maybe" })[0]!.variable).toBe("S3_FORCE_PATH_STYLE");
    const err = (() => {
      try {
        loadConfig({ PORT: "x" });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err?.message).toContain("PORT");
  });

  it("renews archive time stamps 730 days before a TSA certificate ends unless told otherwise, and refuses a window that makes no sense", () => {
    expect(loadConfig({}).archiveRenewalDays).toBe(730);
    expect(loadConfig({ CUSTOS_ARCHIVE_RENEWAL_DAYS: "365" }).archiveRenewalDays).toBe(365);
    for (const bad of ["0", "-5", "1.5", "soon", "3651"]) expect(problems({ CUSTOS_ARCHIVE_RENEWAL_DAYS: bad }).map((p) => p.variable)).toEqual(["CUSTOS_ARCHIVE_RENEWAL_DAYS"]);
  });

  it("needs the bucket and both credentials together for S3", () => {
    expect(problems({ S3_ENDPOINT: "http://127.0.0.1:9000" }).map((p) => p.variable)).toContain("S3_BUCKET");
    expect(problems({ S3_BUCKET: "b", S3_ACCESS_KEY_ID: "k" }).map((p) => p.variable)).toContain("S3_SECRET_ACCESS_KEY");
    const c = loadConfig({ S3_BUCKET: "b", S3_ENDPOINT: "http://127.0.0.1:9000", S3_FORCE_PATH_STYLE: "true" });
    expect(c.s3).toMatchObject({ bucket: "b", region: "us-east-1", forcePathStyle: true });
  });

  it("reads trusted proxies as IP addresses and CIDR ranges, none by default, and names a bad entry", () => {
    expect(loadConfig({}).trustedProxies).toEqual([]);
    const c = loadConfig({ CUSTOS_TRUSTED_PROXIES: " 127.0.0.1, 10.0.0.0/8 ,::1,fd00::/8," });
    expect(c.trustedProxies.map((r) => [r.family, r.prefix])).toEqual([
      [4, 32],
      [4, 8],
      [6, 128],
      [6, 8],
    ]);
    for (const bad of ["10.0.0.300", "10.0.0.0/33", "localhost", "10.0.0.0/8/1", "::1::2"]) {
      const found = problems({ CUSTOS_TRUSTED_PROXIES: `127.0.0.1,${bad}` });
      expect(found.map((p) => p.variable)).toEqual(["CUSTOS_TRUSTED_PROXIES"]);
      expect(found[0]!.message).toContain(`“${bad}”`);
    }
  });

  it("needs a master key shared by instances when DATABASE_URL is set", () => {
    expect(problems({ DATABASE_URL: "postgres://localhost/custos" })[0]!.variable).toBe("CUSTOS_MASTER_KEY");
    const key = "ab".repeat(32);
    const c = loadConfig({ DATABASE_URL: "postgres://localhost/custos", CUSTOS_MASTER_KEY: key });
    expect(c.masterKey!.toString("hex")).toBe(key);
  });
});
