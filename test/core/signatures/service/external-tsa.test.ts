import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asc, eq } from "drizzle-orm";
import { auditEvents } from "../../../../src/db/schema/audit";
import { signatureRequests, signatureRequestSigners, signatures } from "../../../../src/db/schema/signatures";
import { archiveTimestamps } from "../../../../src/db/schema/signatures";
import type { Logger } from "../../../../src/core/context";
import { renewArchiveTimestamps } from "../../../../src/core/signatures/archive-renewal";
import { startHarness, systemContext, type Client, type TestUser } from "../../../support/app";
import { createBasePdf } from "../support/base-pdf";
import { createTestPki, grantedTimestampReply, type TestPki } from "../support/test-pki";
import { verifyPdfSignatures } from "../../../../src/core/signatures/pdf/index";
import { certificatePemToDer, readCertificate } from "../../../../src/core/signatures/pki/index";

/**
 * CUSTOS_TSA_URL points at a real HTTP server on loopback whose behaviour each test chooses: a
 * working RFC 3161 TSA (with a test PKI), an HTTP 500, a body that is no TimeStampResp, or a
 * connection dropped without an answer.
 */
type TsaMode = "ok" | "http-500" | "garbage" | "hang-up";
let mode: TsaMode = "ok";
let pki: TestPki;

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const tsa = createServer((req, res) => {
  void readBody(req).then(async (body) => {
    if (mode === "http-500") return res.writeHead(500, { "content-type": "text/plain" }).end("TSA backend down");
    if (mode === "garbage") return res.writeHead(200, { "content-type": "application/timestamp-reply" }).end("<html>maintenance</html>");
    if (mode === "hang-up") return req.socket.destroy();
    res.writeHead(200, { "content-type": "application/timestamp-reply" }).end(await grantedTimestampReply(pki, body));
  });
});
await new Promise<void>((resolve) => tsa.listen(0, "127.0.0.1", resolve));
const tsaUrl = `http://127.0.0.1:${(tsa.address() as AddressInfo).port}/tsa`;
afterAll(async () => {
  tsa.closeAllConnections();
  await new Promise((resolve) => tsa.close(resolve));
});

const h = await startHarness({ config: { tsaUrl } });
const ipManager = await h.user({ roles: ["ip-manager"], displayName: "王芳", clearance: "confidential" });
const requester = await h.signIn(ipManager);

beforeAll(async () => {
  pki = await createTestPki();
});

async function createRequest(signers: TestUser[]) {
  const pdf = await createBasePdf({ pages: 1 });
  const upload = await requester.request("/api/v1/files?filename=declaration.pdf&classification=internal", {
    method: "POST",
    headers: { "content-type": "application/pdf" },
    body: new Uint8Array(pdf),
  });
  const { id: fileId } = (await upload.json()) as { id: string };
  const res = await requester.post("/api/v1/signature-requests", {
    title: "知识产权声明",
    source: { kind: "file", fileId },
    signers: signers.map((user) => ({ userId: user.id, meaning: "signed" })),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function sign(client: Client, requestId: string, password: string) {
  return client.post(`/api/v1/signature-requests/${requestId}/sign`, { pin: password, consent: true });
}

/** Everything signing may change: the request, its signers, its signatures and its audit trail. */
async function stateOf(requestId: string) {
  const [request] = await h.deps.db.select().from(signatureRequests).where(eq(signatureRequests.id, requestId));
  const signers = await h.deps.db.select().from(signatureRequestSigners).where(eq(signatureRequestSigners.requestId, requestId));
  const rows = await h.deps.db.select().from(signatures).where(eq(signatures.requestId, requestId));
  const events = await h.deps.db.select().from(auditEvents).where(eq(auditEvents.objectId, requestId)).orderBy(asc(auditEvents.seq));
  return { request, signers, signatures: rows, events };
}

describe("an external time-stamp service that fails", () => {
  it.each([
    ["answers HTTP 500", "http-500", /TSA answered HTTP 500/],
    ["answers something that is no TimeStampResp", "garbage", /malformed TimeStampResp/],
    ["drops the connection", "hang-up", /TSA could not be reached/],
  ] as const)("%s: signing is refused with TSA_UNAVAILABLE (502), nothing is written, and the signer can sign once it works", async (_, failure, reason) => {
    const signer = await h.user({ displayName: "张伟" });
    const client = await h.signIn(signer);
    // two signers: the first signature must not hand over to the second when it fails
    const requestId = await createRequest([signer, ipManager]);
    expect((await client.readDocument(requestId)).status).toBe(200);
    const before = await stateOf(requestId);

    mode = failure;
    const res = await sign(client, requestId, signer.pin);
    expect(res.status).toBe(502);
    const body = (await res.json()) as { error: { code: string; message: string; details: { tsaUrl: string; reason: string } } };
    expect(body.error.code).toBe("TSA_UNAVAILABLE");
    expect(body.error.message).toContain(tsaUrl);
    expect(body.error.message).toContain("CUSTOS_TSA_URL");
    expect(body.error.message).toMatch(/try again/i);
    expect(body.error.details.reason).toMatch(reason);

    // the request, the signers and the signatures are as they were; only the refusal is recorded
    const after = await stateOf(requestId);
    expect(after.request).toEqual(before.request);
    expect(after.signers).toEqual(before.signers);
    expect(after.signatures).toEqual([]);
    expect(after.events.slice(0, before.events.length)).toEqual(before.events);
    const added = after.events.slice(before.events.length);
    expect(added.map((e) => e.action)).toEqual(["signature.sign_refused"]);
    expect(added[0]!.data).toMatchObject({ code: "TSA_UNAVAILABLE" });

    mode = "ok";
    const retry = await sign(client, requestId, signer.pin);
    expect(retry.status).toBe(200);
    const done = await stateOf(requestId);
    expect(done.signatures).toHaveLength(1);
    expect(done.signers.find((s) => s.userId === signer.id)!.status).toBe("signed");
    expect(done.signers.find((s) => s.userId === ipManager.id)!.status).toBe("ready");
    // the time kept is the one the external TSA put in its token (its clock), not Custos's
    const genTime = done.signatures[0]!.timestampGenTime!;
    expect(Math.abs(genTime.getTime() - Date.now())).toBeLessThan(60_000);
    expect(genTime.getTime()).not.toBe(done.signatures[0]!.signedAt.getTime());
  });

  it("tells the signer on the ceremony page, in Chinese, what happened and what to do", async () => {
    const signer = await h.user({ displayName: "李娜" });
    const client = await h.signIn(signer);
    const requestId = await createRequest([signer]);
    await client.readDocument(requestId);
    mode = "http-500";
    const res = await client.form(`/signatures/${requestId}/sign`, { pin: signer.pin, consent: "1" });
    mode = "ok";
    expect(res.status).toBe(502);
    const html = await res.text();
    expect(html).toContain("时间戳服务暂不可用");
    expect(html).toContain(tsaUrl);
    expect((await stateOf(requestId)).request!.status).toBe("pending");
    expect((await client.form(`/signatures/${requestId}/sign`, { pin: signer.pin, consent: "1" })).status).toBe(303);
    expect((await stateOf(requestId)).request!.status).toBe("completed");
  });
});

describe("certifying a released document with an external time-stamp service", () => {
  it("refuses the submission with TSA_UNAVAILABLE while the TSA fails, changing nothing; once it works the certification carries its time stamp", async () => {
    const author = await h.signIn(await h.user({ roles: ["ip-staff"], displayName: "赵强", clearance: "confidential" }));
    const reviewer = await h.user({ roles: ["legal"], displayName: "李娜", clearance: "confidential" });
    const created = (await (await author.post("/api/v1/documents", { categoryId: "procedure", title: "专利申请程序", classification: "internal" })).json()) as {
      document: { id: string };
      revision: { id: string };
    };
    const put = await author.request(`/api/v1/revisions/${created.revision.id}/files/release?filename=p.pdf`, {
      method: "PUT",
      headers: { "content-type": "application/pdf" },
      body: new Uint8Array(await createBasePdf({ pages: 1 })),
    });
    expect(put.status).toBe(200);
    const submit = () => author.post(`/api/v1/revisions/${created.revision.id}/submit`, { reviewerIds: [reviewer.id], approverId: ipManager.id });
    const eventsOf = () => h.deps.db.select().from(auditEvents).where(eq(auditEvents.objectId, created.document.id)).orderBy(asc(auditEvents.seq));
    const before = await eventsOf();

    mode = "http-500";
    const refused = await submit();
    mode = "ok";
    expect(refused.status).toBe(502);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("TSA_UNAVAILABLE");
    expect(await eventsOf()).toEqual(before);
    const draft = (await (await author.get(`/api/v1/documents/${created.document.id}`)).json()) as { revisions: { state: string; signatureRequestId: string | null }[] };
    expect(draft.revisions[0]).toMatchObject({ state: "draft", signatureRequestId: null });

    const accepted = await submit();
    expect(accepted.status).toBe(200);
    expect(((await accepted.json()) as { certified: boolean }).certified).toBe(true);
    const reviewCopy = await (await h.signIn(reviewer)).get(`/api/v1/revisions/${created.revision.id}/review-copy`);
    const copy = new Uint8Array(await reviewCopy.arrayBuffer());
    const root = certificatePemToDer(await (await h.app.request("/pki/ca.pem")).text());
    const [certification] = verifyPdfSignatures(copy, { trustAnchors: [root, pki.root.certificate] }).signatures;
    expect(certification!.docMdp).toBe(2);
    // the external TSA (the test PKI's) stamped the certification
    expect(certification!.cms!.timestamp?.ok).toBe(true);
    expect(certification!.cms!.timestamp!.tsa!.serialNumber).toBe(readCertificate(pki.tsa.certificate).serialNumber);
  });
});

describe("archive time stamps through an external time-stamp service", () => {
  it("refuses a renewal whose new time stamp would need renewing at once, and stops the run when the TSA is down; nothing is stored either way", async () => {
    const signer = await h.user({ displayName: "陈静" });
    const client = await h.signIn(signer);
    const requestId = await createRequest([signer]);
    await client.readDocument(requestId);
    mode = "ok";
    expect((await sign(client, requestId, signer.pin)).status).toBe(200);
    const { request } = await stateOf(requestId);
    const original = request!.finalSha256!;
    const chain = () => h.deps.db.select().from(archiveTimestamps).where(eq(archiveTimestamps.originalSha256, original)).orderBy(asc(archiveTimestamps.sequence));
    await renewArchiveTimestamps(systemContext(h.deps));
    expect((await chain()).map((r) => r.tsaSerial)).toEqual([pki.tsa.serialNumber]);

    // the external TSA's certificate comes within the window; it is the only TSA there is
    h.clock.set(new Date(readCertificate(pki.tsa.certificate).notAfter.getTime() - 700 * 86_400_000));
    const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
    const logger: Logger = {
      info: (message, fields) => lines.push({ level: "info", message, fields }),
      warn: (message, fields) => lines.push({ level: "warn", message, fields }),
      error: (message, fields) => lines.push({ level: "error", message, fields }),
    };
    const refused = await renewArchiveTimestamps({ ...systemContext(h.deps), logger });
    expect(refused.renewed).toEqual([]);
    expect(refused.skipped.find((s) => s.sha256 === original)?.problem).toMatch(/would need renewing at once/);
    expect(lines.some((l) => l.level === "warn" && l.fields?.sha256 === original)).toBe(true);
    expect(await chain()).toHaveLength(1);

    mode = "http-500";
    try {
      const down = await renewArchiveTimestamps({ ...systemContext(h.deps), logger });
      expect(down.renewed).toEqual([]);
      // the first failure stops the run: the TSA is not asked once per result
      expect(down.skipped.filter((s) => /time-stamp service/.test(s.problem))).toHaveLength(1);
      expect(lines.some((l) => l.level === "error" && l.message === "archive time stamp: renewal failed")).toBe(true);
      expect(await chain()).toHaveLength(1);
      expect(await h.deps.db.select().from(auditEvents).where(eq(auditEvents.action, "signature.archive_timestamp_added"))).toEqual([]);
    } finally {
      mode = "ok";
    }
  });
});
