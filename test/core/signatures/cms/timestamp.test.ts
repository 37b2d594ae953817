import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  TimestampError,
  buildTimeStampReq,
  buildTimeStampResp,
  parseTimeStampReq,
  parseTimeStampResp,
  requestTimestamp,
  verifyTimestampToken,
} from "../../../../src/core/signatures/cms";
import { certificateDerToPem } from "../../../../src/core/signatures/pki";
import { createTestPki, grantedTimestampReply, type TestPki } from "../support/test-pki";
import { makeTempDir } from "../support/validators";

let pki: TestPki;
let server: Server;
let url: string;
const tmp = makeTempDir();
const path = (name: string) => join(tmp.dir, name);
/** The in-process TSA the tests talk to over real HTTP. */
async function answer(body: Buffer): Promise<Buffer> {
  try {
    return await grantedTimestampReply(pki, body);
  } catch (error) {
    const failure = error instanceof TimestampError ? error.failure : "systemFailure";
    return buildTimeStampResp({ status: "rejection", statusText: (error as Error).message, failInfo: failure });
  }
}

beforeAll(async () => {
  pki = await createTestPki();
  writeFileSync(path("root.pem"), certificateDerToPem(pki.root.certificate));
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.headers["content-type"] !== "application/timestamp-query") {
        res.writeHead(415).end();
        return;
      }
      void answer(Buffer.concat(chunks)).then((reply) => res.writeHead(200, { "content-type": "application/timestamp-reply" }).end(reply));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsa`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  tmp.cleanup();
});

describe("RFC 3161 time-stamp authority", () => {
  it("answers an openssl ts -query request with a response openssl ts -verify accepts", async () => {
    writeFileSync(path("data.txt"), "签名值 signature value");
    execFileSync("openssl", ["ts", "-query", "-data", path("data.txt"), "-sha256", "-cert", "-out", path("req.tsq")], { stdio: "pipe" });
    const request = parseTimeStampReq(readFileSync(path("req.tsq")));
    expect(request).toMatchObject({ hashAlgorithm: "sha256", certReq: true, hasExtensions: false });
    expect(request.messageImprint.equals(createHash("sha256").update("签名值 signature value").digest())).toBe(true);
    expect(typeof request.nonce).toBe("bigint");
    writeFileSync(path("resp.tsr"), await answer(readFileSync(path("req.tsq"))));
    const verify = spawnSync("openssl", ["ts", "-verify", "-in", path("resp.tsr"), "-queryfile", path("req.tsq"), "-CAfile", path("root.pem")], { encoding: "utf8" });
    expect(verify.stdout).toContain("Verification: OK");
    const text = execFileSync("openssl", ["ts", "-reply", "-in", path("resp.tsr"), "-text"], { encoding: "utf8", stdio: "pipe" });
    expect(text).toContain("Status: Granted.");
    expect(text).toContain("Policy OID: 1.3.6.1.4.1.57264.1.1");
    expect(text).toMatch(/TSA: DirName:.*CN ?= ?Custos/);
  });

  it("rejects a request for an unsupported digest with failInfo badAlg", async () => {
    writeFileSync(path("data2.txt"), "x");
    execFileSync("openssl", ["ts", "-query", "-data", path("data2.txt"), "-md5", "-out", path("md5.tsq")], { stdio: "pipe" });
    expect(() => parseTimeStampReq(readFileSync(path("md5.tsq")))).toThrow(TimestampError);
    const reply = parseTimeStampResp(await answer(readFileSync(path("md5.tsq"))));
    expect(reply.status).toBe("rejection");
    expect(reply.failInfo).toEqual(["badAlg"]);
    expect(reply.token).toBeUndefined();
    writeFileSync(path("rej.tsr"), await answer(readFileSync(path("md5.tsq"))));
    expect(execFileSync("openssl", ["ts", "-reply", "-in", path("rej.tsr"), "-text"], { encoding: "utf8", stdio: "pipe" })).toMatch(/Status: Rejected[\s\S]*unrecognized or unsupported algorithm/);
    try {
      parseTimeStampReq(Buffer.from("garbage"));
      expect.unreachable();
    } catch (error) {
      expect((error as TimestampError).failure).toBe("badDataFormat");
    }
  });

  it("requestTimestamp gets a token from a TSA over HTTP and checks imprint and nonce", async () => {
    const signatureValue = Buffer.from("the signature value bytes");
    const digest = createHash("sha256").update(signatureValue).digest();
    const token = await requestTimestamp(url, digest);
    const report = verifyTimestampToken({ token, data: signatureValue, trustAnchors: [pki.root.certificate] });
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, signatureValid: true, messageImprintMatches: true });
    expect(report.info?.nonce).toMatch(/^[0-9a-f]+$/);
    const wrong = verifyTimestampToken({ token, data: Buffer.from("other data"), trustAnchors: [pki.root.certificate] });
    expect(wrong.problems.map((p) => p.code)).toContain("TIMESTAMP_IMPRINT_MISMATCH");
  });

  it("requestTimestamp reports a refusing or failing TSA as a TimestampError", async () => {
    const refusing = async () => ({
      ok: true,
      status: 200,
      headers: { get: () => "application/timestamp-reply" },
      arrayBuffer: async () => {
        const b = buildTimeStampResp({ status: "rejection", statusText: "policy not accepted", failInfo: "unacceptedPolicy" });
        return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
      },
    });
    await expect(requestTimestamp(url, createHash("sha256").update("x").digest(), { fetch: refusing })).rejects.toThrow(/rejection \(policy not accepted\) \[unacceptedPolicy\]/);
    // a port that was just free: nothing listens there any more
    const gone = createServer();
    await new Promise<void>((resolve) => gone.listen(0, "127.0.0.1", resolve));
    const port = (gone.address() as AddressInfo).port;
    await new Promise((resolve) => gone.close(resolve));
    const refused = requestTimestamp(`http://127.0.0.1:${port}/tsa`, createHash("sha256").update("x").digest());
    await expect(refused).rejects.toThrow(TimestampError);
    await expect(refused).rejects.toThrow(/TSA could not be reached \(ECONNREFUSED\)/);
  });

  it("requestTimestamp gives up on a TSA that never answers", async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const started = Date.now();
      const pending = requestTimestamp(`http://127.0.0.1:${(silent.address() as AddressInfo).port}/tsa`, createHash("sha256").update("x").digest(), { timeoutMs: 200 });
      await expect(pending).rejects.toThrow(TimestampError);
      await expect(pending).rejects.toThrow("TSA did not answer within 0.2 s");
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it("builds requests that round-trip through the parser", () => {
    const imprint = createHash("sha512").update("x").digest();
    const { der, nonce } = buildTimeStampReq({ hashAlgorithm: "sha512", messageImprint: imprint, policyOid: "1.2.3.4" });
    expect(parseTimeStampReq(der)).toEqual({ hashAlgorithm: "sha512", messageImprint: imprint, policyOid: "1.2.3.4", nonce, certReq: true, hasExtensions: false });
  });
});
