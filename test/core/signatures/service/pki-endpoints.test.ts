import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { errorCode, startHarness } from "../../../support/app";
import { makeTempDir } from "../support/validators";

const h = await startHarness();
const tmp = makeTempDir("custos-pki-");
afterAll(() => tmp.cleanup());

describe("PKI endpoints", () => {
  it("publishes the root CA and the TSA certificate, which openssl accepts as a chain", async () => {
    const ca = await (await h.app.request("/pki/ca.pem")).text();
    const tsa = await (await h.app.request("/pki/tsa.pem")).text();
    writeFileSync(join(tmp.dir, "ca.pem"), ca);
    writeFileSync(join(tmp.dir, "tsa.pem"), tsa);
    const out = execFileSync("openssl", ["verify", "-CAfile", join(tmp.dir, "ca.pem"), "-purpose", "timestampsign", join(tmp.dir, "tsa.pem")], {
      encoding: "utf8",
    });
    expect(out).toContain(": OK");
    const subject = execFileSync("openssl", ["x509", "-in", join(tmp.dir, "ca.pem"), "-noout", "-subject", "-nameopt", "utf8"], { encoding: "utf8" });
    expect(subject).toContain("电子签名根证书");
  });

  it("answers RFC 3161 requests from openssl, and openssl verifies the reply", async () => {
    const client = await h.signIn(await h.user());
    const token = (await (await client.post("/api/v1/me/tokens", { name: "tsa client" })).json()) as { token: string };
    const data = join(tmp.dir, "data.txt");
    writeFileSync(data, "知识产权管理手册 第B版");
    const query = join(tmp.dir, "req.tsq");
    execFileSync("openssl", ["ts", "-query", "-data", data, "-sha256", "-cert", "-out", query]);
    const res = await h.app.request("/pki/tsa", {
      method: "POST",
      headers: { "content-type": "application/timestamp-query", authorization: `Bearer ${token.token}` },
      body: new Uint8Array(readFileSync(query)),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/timestamp-reply");
    const reply = join(tmp.dir, "reply.tsr");
    writeFileSync(reply, Buffer.from(await res.arrayBuffer()));
    writeFileSync(join(tmp.dir, "ca.pem"), await (await h.app.request("/pki/ca.pem")).text());
    const out = execFileSync("openssl", ["ts", "-verify", "-queryfile", query, "-in", reply, "-CAfile", join(tmp.dir, "ca.pem")], {
      encoding: "utf8",
    });
    expect(out).toContain("Verification: OK");
  });

  it("refuses anonymous and malformed time-stamp requests", async () => {
    const anonymous = await h.app.request("/pki/tsa", { method: "POST", headers: { "content-type": "application/timestamp-query" }, body: "x" });
    expect(anonymous.status).toBe(401);
    const client = await h.signIn(await h.user());
    const token = (await (await client.post("/api/v1/me/tokens", { name: "t" })).json()) as { token: string };
    const garbage = await h.app.request("/pki/tsa", {
      method: "POST",
      headers: { "content-type": "application/timestamp-query", authorization: `Bearer ${token.token}` },
      body: "not DER",
    });
    expect(garbage.status).toBe(200);
    const reply = join(tmp.dir, "bad.tsr");
    writeFileSync(reply, Buffer.from(await garbage.arrayBuffer()));
    const text = execFileSync("openssl", ["ts", "-reply", "-in", reply, "-text"], { encoding: "utf8" });
    expect(text).toMatch(/Status: Rejected/);
    const wrongType = await h.app.request("/pki/tsa", { method: "POST", headers: { "content-type": "text/plain", authorization: `Bearer ${token.token}` }, body: "x" });
    expect(await errorCode(wrongType)).toBe("UNSUPPORTED_MEDIA_TYPE");
  });

  it("serves a CRL signed by the root", async () => {
    const crl = join(tmp.dir, "crl.der");
    writeFileSync(crl, Buffer.from(await (await h.app.request("/pki/crl")).arrayBuffer()));
    writeFileSync(join(tmp.dir, "ca.pem"), await (await h.app.request("/pki/ca.pem")).text());
    const out = execFileSync("openssl", ["crl", "-inform", "DER", "-in", crl, "-CAfile", join(tmp.dir, "ca.pem"), "-noout"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    expect(out).toBe("");
  });
});

describe("verification of foreign and broken PDFs over HTTP", () => {
  it("answers every corpus file with a report or a clear 4xx, never a 500", async () => {
    const { readdir, readFile } = await import("node:fs/promises");
    const dir = new URL("../../../fixtures/pdf/", import.meta.url);
    const client = await h.signIn(await h.user());
    const files = (await readdir(dir)).filter((f) => f.endsWith(".pdf"));
    expect(files.length).toBeGreaterThan(20);
    const outcomes: Record<string, string> = {};
    for (const name of files) {
      const res = await client.request("/api/v1/signatures/verify", {
        method: "POST",
        headers: { "content-type": "application/pdf" },
        body: new Uint8Array(await readFile(new URL(name, dir))),
      });
      expect(res.status, name).toBeLessThan(500);
      const body = (await res.json()) as { ok?: boolean; error?: { code: string } };
      outcomes[name] = res.status === 200 ? (body.ok ? "valid" : "invalid") : body.error!.code;
    }
    expect(outcomes["pyhanko-minimal-aes256.pdf"]).toBe("PDF_ENCRYPTED");
    expect(outcomes["qpdf-bad1.pdf"]).toBe("NOT_A_PDF");
    expect(outcomes["pyhanko-minimal.pdf"]).toBe("NO_SIGNATURES");
    // signed by other tools with certificates Custos does not trust: a report, not valid
    expect(outcomes["node-signpdf-signed.pdf"]).toBe("invalid");
    expect(outcomes["pyhanko-coverage-anomalies-tail-uncovered.pdf"]).toBe("invalid");
  });
});
