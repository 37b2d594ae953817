import { createHash, randomBytes } from "node:crypto";
import { installedModules } from "../../src/modules";
import { beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Client, type TestUser } from "../support/app";
import type { JsonSchema } from "../support/json-schema";
import { qualityModule } from "../modules/inspection";
import { createBasePdf } from "../core/signatures/support/base-pdf";
import { procedurePdf } from "../core/documents/fixtures";
import { declare, upload } from "../core/records/support";

/**
 * The security sweep every route gets without a line of its own: it walks every operation of the
 * OpenAPI document and
 *  - calls it anonymously: 401 (the few public operations are listed below, with why);
 *  - calls it as a plain employee (no role beyond `employee`, cleared `public`): never a 2xx on a
 *    write unless listed as open to every signed-in person, never a 5xx;
 *  - calls every read (lists, details, search, the audit trail, downloads) as people cleared
 *    `public` (one holding every role but auditor, one auditor with a grant up to `public`), with
 *    path and query parameters taken from the ids of `secret` fixtures by name, and asserts that no
 *    marker of those fixtures appears in any answer and that no secret file's bytes are served.
 * Path parameters come from fixture ids by parameter name, bodies from the request schemas.
 */
// the test module and every installed module: their generated and their own routes are swept too
const h = await startHarness({ modules: [qualityModule, ...installedModules] });
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type J = any;
interface Operation {
  parameters?: { name: string; in: string; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}
const doc = (await (await h.app.request("/api/openapi.json")).json()) as OpenApi;
const operations = Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ method: method.toUpperCase(), path, op, key: `${method.toUpperCase()} ${path}` })));

/** Operations anyone may call without signing in, and why. */
const PUBLIC: Record<string, string> = {
  "POST /api/v1/auth/sign-in": "signing in is how a session starts",
  "POST /api/v1/auth/sign-out": "signing out without a session is harmless and answers ok",
};

/** Operations that end or replace the caller's own session: the sweep makes them with a session of their own. */
const OWN_SESSION = new Set(["POST /api/v1/auth/sign-in", "POST /api/v1/auth/sign-out", "POST /api/v1/me/password"]);

/** Writes every signed-in person may make, whatever their role, and why. */
const OPEN_TO_EVERY_USER: Record<string, string> = {
  "POST /api/v1/me/tokens": "a person's own API tokens",
  "POST /api/v1/me/password": "a person's own password",
  "PUT /api/v1/me/signing-pin": "a person's own signing PIN",
  "POST /api/v1/auth/sign-out": "a person's own session",
  "POST /api/v1/auth/sign-in": "signing in",
  "POST /api/v1/files": "anyone may upload a file (it is theirs until attached to something)",
  "POST /api/v1/signatures/verify": "anyone may check the signatures of a PDF they hold",
  "POST /api/v1/templates/{id}/render": "a preview of a template with the values given, nothing stored",
  "POST /api/v1/evidence/resolve": "answers only what the reader may see (an empty list here)",
};

const M = `ZQX${randomBytes(4).toString("hex").toUpperCase()}`;
/** Unique strings that appear in the secret fixtures' titles and names, and nowhere else. */
const marker = (what: string) => `${M}-${what}`;
const markers: string[] = [];
const mark = (what: string) => {
  const m = marker(what);
  markers.push(m);
  return m;
};

/** Ids of secret fixtures (and of what they hang off), the candidate values of path and id parameters. */
const ids = new Set<string>();
const numbers = new Set<string>();
const shas = new Set<string>();
const kinds = new Set<string>(["document-revision", "record", "external-document", "contract", "signature-request", "audit-event", "quality.inspection"]);
const objectTypes = new Set<string>();
const extras: Record<string, Set<string>> = { signerId: new Set(), token: new Set(), linkId: new Set() };
const secretBlobs = new Set<string>();

let adminUser: TestUser, managerUser: TestUser, topUser: TestUser, legalUser: TestUser, staffUser: TestUser;
let admin: Client, manager: Client, top: Client, legal: Client, staff: Client;
let readers: [string, Client][] = [];
let employee: Client;
let sessionOfItsOwn: () => Promise<Client>;
let adminTop: Client;

async function j(res: Response, status: number): Promise<J> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return JSON.parse(text);
}
const put = (client: Client, path: string, bytes: Uint8Array, type = "application/pdf") => client.request(path, { method: "PUT", headers: { "content-type": type }, body: new Uint8Array(bytes) });
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

beforeAll(async () => {
  adminUser = await h.user({ roles: ["admin"], clearance: "top-secret" });
  managerUser = await h.user({ roles: ["ip-manager"], clearance: "top-secret" });
  topUser = await h.user({ roles: ["top-manager"], clearance: "top-secret" });
  legalUser = await h.user({ roles: ["legal"], clearance: "top-secret" });
  staffUser = await h.user({ roles: ["ip-staff"], clearance: "top-secret" });
  admin = await h.signIn(adminUser);
  manager = await h.signIn(managerUser);
  top = await h.signIn(topUser);
  legal = await h.signIn(legalUser);
  staff = await h.signIn(staffUser);

  // a secret controlled document, in force
  const docTitle = mark("document");
  const created = await j(await staff.post("/api/v1/documents", { categoryId: "procedure", title: docTitle, classification: "secret", keywords: [mark("keyword")] }), 201);
  ids.add(created.document.id).add(created.revision.id);
  numbers.add(created.document.number);
  const releasePdf = await procedurePdf(docTitle, "正文");
  await j(await put(staff, `/api/v1/revisions/${created.revision.id}/files/release?filename=${encodeURIComponent(mark("release") + ".pdf")}`, releasePdf), 200);
  secretBlobs.add(sha256(releasePdf));
  await j(await staff.post(`/api/v1/revisions/${created.revision.id}/submit`, { reviewerIds: [managerUser.id], approverId: topUser.id, changeSummary: mark("change") }), 200);
  await manager.readRevision(created.revision.id);
  await j(await manager.post(`/api/v1/revisions/${created.revision.id}/decision`, { decision: "approve", pin: managerUser.pin, comments: mark("review-comment") }), 200);
  await top.readRevision(created.revision.id);
  await j(await top.post(`/api/v1/revisions/${created.revision.id}/decision`, { decision: "approve", pin: topUser.pin }), 200);
  const draft = await j(await staff.post(`/api/v1/documents/${created.document.id}/revisions`, {}), 201);
  ids.add(draft.id ?? draft.revision?.id);

  // a secret file, record (with bytes), external document, case (and its hold), contract
  const fileBytes = await createBasePdf({ pages: 5 });
  const fileId = await upload(manager, fileBytes, `${mark("file")}.pdf`, "secret");
  ids.add(fileId);
  secretBlobs.add(sha256(fileBytes));
  const recordBytes = await createBasePdf({ pages: 6 });
  const record = await declare(manager, { classId: "rcl_13_4_01", title: mark("record"), description: mark("record-description"), classification: "secret" }, { bytes: recordBytes, name: `${mark("record-file")}.pdf` });
  ids.add(record.id);
  numbers.add(record.number);
  shas.add(record.contentSha256!);
  secretBlobs.add(record.contentSha256!);
  const external = await j(
    await legal.post("/api/v1/external-documents", { docType: "lawyer-letter", title: mark("external"), issuer: mark("issuer"), issuedOn: "2026-01-05", obtainedOn: "2026-01-08", arrivalMethod: "post", paperRoom: "档案室 A", classification: "secret" }),
    201,
  );
  ids.add(external.id ?? external.record?.id);
  const secretCase = await j(await legal.post("/api/v1/cases", { title: mark("case"), kind: "litigation", counterparty: mark("counterparty"), openedOn: "2026-01-10", classification: "secret" }), 201);
  ids.add(secretCase.id);
  numbers.add(secretCase.number);
  await declare(legal, { classId: "rcl_13_4_01", title: "涉案函件（内部）", classification: "internal", links: [{ kind: "case", targetId: secretCase.id }] });
  for (const hold of await j(await legal.get("/api/v1/legal-holds"), 200)) ids.add(hold.id);
  const contract = await j(
    await legal.post("/api/v1/contracts", { title: mark("contract"), type: "joint-development", counterparties: [{ name: mark("party") }], classification: "secret", effectiveOn: "2026-03-01", endOn: "2028-02-29", notes: mark("contract-notes") }),
    201,
  );
  ids.add(contract.id);
  numbers.add(contract.number);
  const contractDraft = await upload(legal, await createBasePdf({ pages: 7 }), `${mark("contract-file")}.pdf`, "secret");
  await j(await legal.request(`/api/v1/contracts/${contract.id}/draft`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ fileId: contractDraft }) }), 200);

  // a secret signature request to a top-secret signer, with a signing link
  const requestFile = await upload(manager, await createBasePdf({ pages: 8 }), "request.pdf", "secret");
  const request = await j(await manager.post("/api/v1/signature-requests", { title: mark("signature-request"), classification: "secret", source: { kind: "file", fileId: requestFile }, signers: [{ userId: topUser.id, meaning: "approved" }] }), 201);
  ids.add(request.id);
  extras.signerId!.add(request.signers[0].id);
  extras.token!.add((await j(await manager.post(`/api/v1/signature-requests/${request.id}/signers/${request.signers[0].id}/link`), 201)).token);

  // a secret disposal proposed for a secret record long due
  const old = await declare(manager, { classId: "rcl_13_4_01", title: mark("old-record"), classification: "secret", recordDate: "2010-03-01" }, { bytes: await createBasePdf({ pages: 9 }), name: "old.pdf" });
  ids.add(old.id);
  const disposal = await j(await manager.post("/api/v1/disposals", { action: "destroy", recordIds: [old.id], reason: mark("disposal-reason") }), 201);
  ids.add(disposal.id);
  numbers.add(disposal.number);
  // the IP-manager approval comes from an IP manager other than the proposer
  const manager2User = await h.user({ roles: ["ip-manager"], clearance: "top-secret" });
  await j(await (await h.signIn(manager2User)).post(`/api/v1/disposals/${disposal.id}/decision`, { decision: "approved", password: manager2User.password, comment: mark("disposal-comment") }), 200);
  await j(await legal.post(`/api/v1/disposals/${disposal.id}/decision`, { decision: "approved", password: legalUser.password }), 200);

  // a secret module item with a link, and a record link
  const item = await j(await manager.post("/api/v1/m/quality/inspection", { data: { subject: mark("inspection"), plannedOn: "2026-03-10", inspectorId: managerUser.id, findings: mark("findings") }, classification: "secret" }), 201);
  ids.add(item.id);
  numbers.add(item.number);
  const itemLink = await j(await manager.post(`/api/v1/m/quality/inspection/${item.id}/links`, { kind: "record", targetId: record.id }), 201);
  extras.linkId!.add(itemLink.id);
  const recordLink = await j(await manager.post(`/api/v1/records/${record.id}/links`, { kind: "contract", targetId: contract.id, label: mark("link-label") }), 201);
  extras.linkId!.add(recordLink.id);

  // an audit package of the secret record, and an import whose failed row is secret
  const pkg = await j(await manager.post("/api/v1/audit/packages", { refs: [{ kind: "record", id: record.id }] }), 202);
  ids.add(pkg.id);
  const csv = ["类别代码,题名,日期,责任者,密级,库房", `R-13.4-01,${mark("import-row")},2021-03-01,内审组,秘密,`].join("\r\n");
  const started = await j(
    await manager.request(`/api/v1/imports?kind=records&mode=valid-rows&filename=${encodeURIComponent(mark("import") + ".csv")}`, { method: "POST", headers: { "content-type": "text/csv" }, body: new TextEncoder().encode(csv) }),
    202,
  );
  ids.add(started.batch.id);
  await h.deps.jobs.runDue();

  // what the trail and the evidence index call these objects
  for (const e of (await j(await admin.get("/api/v1/audit/events?limit=500"), 200)).events) objectTypes.add(e.objectType);
  for (const hit of (await j(await admin.get("/api/v1/evidence/search?limit=100"), 200)).hits ?? []) kinds.add(hit.kind);

  // the readers: cleared `public`, one with every role but auditor, one auditor granted up to public
  const everyRole = await h.user({ roles: ["admin", "top-manager", "ip-manager", "ip-staff", "legal", "employee"], clearance: "public" });
  const auditorUser = await h.user({ roles: ["auditor"], clearance: "public" });
  await j(await manager.post("/api/v1/audit/grants", { auditorId: auditorUser.id, purpose: "全面审核", endsAt: "2027-12-31T00:00:00+08:00", periodFrom: "2000-01-01", maxClassification: "public" }), 201);
  readers = [
    ["every role, cleared public", await h.signIn(everyRole)],
    ["auditor granted up to public", await h.signIn(auditorUser)],
  ];
  employee = await h.signIn(await h.user({ roles: ["employee"], clearance: "public" }));
  sessionOfItsOwn = async () => h.signIn(await h.user({ roles: ["employee"], clearance: "public" }));
  adminTop = admin;
}, 300_000);

/** Candidate values of a parameter, by its name. */
function candidates(name: string, schema: JsonSchema | undefined): string[] {
  if (Array.isArray(schema?.enum)) return (schema.enum as unknown[]).map(String);
  if (name === "number") return [...numbers];
  if (name === "sha256") return [...shas];
  if (name === "kind") return [...kinds];
  if (name === "objectType") return [...objectTypes];
  if (name in extras) return [...extras[name]!];
  if (name === "q") return [M, ...markers.slice(0, 3)];
  if (name === "id" || /Id$/.test(name) || name === "person" || name === "owner") return [...ids];
  if (name === "classification") return ["secret"];
  if (name === "format") return ["json"];
  if (name === "version") return ["current", "final", "original"];
  if (Array.isArray(schema?.enum)) return (schema.enum as unknown[]).map(String);
  return [];
}

/** URLs to read for an operation: every path-parameter combination, then each query parameter alone. */
function urls(path: string, op: Operation): string[] {
  const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  let filled = [path];
  for (const p of pathParams) {
    const values = candidates(p, op.parameters?.find((x) => x.name === p)?.schema);
    filled = filled.flatMap((u) => (values.length ? values : ["unknown"]).map((v) => u.replace(`{${p}}`, encodeURIComponent(v))));
  }
  const out: string[] = [];
  const limit = op.parameters?.find((x) => x.name === "limit" && x.in === "query");
  const base = limit ? `limit=${Math.min(Number(limit.schema?.maximum ?? 100), 500)}` : "";
  for (const u of filled) {
    out.push(base ? `${u}?${base}` : u);
    for (const q of op.parameters?.filter((x) => x.in === "query" && x.name !== "limit") ?? []) {
      for (const v of candidates(q.name, q.schema)) out.push(`${u}?${base ? base + "&" : ""}${q.name}=${encodeURIComponent(v)}`);
    }
  }
  return out;
}

/** A body for a write, made from its request schema (required fields, plausible values). */
function sample(schema: JsonSchema | undefined, name = "", depth = 0): unknown {
  const named = doc.components?.schemas ?? {};
  let s = schema ?? {};
  while (typeof s.$ref === "string") s = named[s.$ref.replace("#/components/schemas/", "")] ?? {};
  if (depth > 6) return null;
  if ("const" in s) return s.const;
  if (Array.isArray(s.enum)) return s.enum[0];
  if (s.anyOf || s.oneOf) return sample(((s.anyOf ?? s.oneOf) as JsonSchema[])[0], name, depth + 1);
  const type = Array.isArray(s.type) ? (s.type as string[]).find((t) => t !== "null") : (s.type as string | undefined);
  switch (type) {
    case "object": {
      const out: Record<string, unknown> = {};
      const properties = Object.entries((s.properties as Record<string, JsonSchema>) ?? {});
      const required = (s.required as string[]) ?? [];
      // a patch with nothing required still has to change something
      for (const [k, v] of required.length ? properties.filter(([k]) => required.includes(k)) : properties.slice(0, 1)) out[k] = sample(v, k, depth + 1);
      return out;
    }
    case "array":
      return [sample(s.items as JsonSchema, name.replace(/s$/, ""), depth + 1)];
    case "integer":
    case "number":
      return Math.max(1, Number(s.minimum ?? 1));
    case "boolean":
      return true;
    case "string":
      if (s.format === "date" || /(On|Date|From|To)$/.test(name)) return "2026-01-15";
      if (s.format === "date-time" || /At$/.test(name)) return "2026-12-31T00:00:00+08:00";
      if (name === "id") return "sweep-id";
      if (/Id$/.test(name)) return [...ids][0];
      if (name === "password" || name === "currentPassword") return "correct horse battery";
      if (name === "numberPattern") return "SW-{seq:3}";
      if (name === "clause") return "13.4";
      if (name === "sha256") return "0".repeat(64);
      if (name === "filename") return "sweep.pdf";
      return "sweep";
    default:
      return {};
  }
}

function request(client: Client, method: string, target: string, op: Operation): Promise<Response> {
  const content = op.requestBody?.content ?? {};
  let url = target;
  const required = (op.parameters ?? []).filter((p) => p.in === "query" && p.required && !url.includes(`${p.name}=`));
  if (required.length) url += (url.includes("?") ? "&" : "?") + required.map((p) => `${p.name}=${encodeURIComponent(String(sample(p.schema, p.name)))}`).join("&");
  if (method === "GET") return client.get(url);
  if ("application/json" in content) {
    return client.request(url, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(sample(content["application/json"]!.schema)) });
  }
  const type = Object.keys(content)[0];
  return client.request(url, type ? { method, headers: { "content-type": type }, body: new Uint8Array([37, 80, 68, 70]) } : { method });
}

const fill = (path: string) => path.replace(/\{(\w+)\}/g, (_m, p: string) => encodeURIComponent(candidates(p, undefined)[0] ?? "unknown"));

describe("the security sweep", () => {
  it("refuses every operation to anonymous callers with 401 (but the public ones)", async () => {
    const problems: string[] = [];
    for (const { method, path, op, key } of operations) {
      if (key in PUBLIC) continue;
      const res = await request(h.anonymous(), method, fill(path), op);
      if (res.status !== 401) problems.push(`${key}: anonymous → ${res.status} ${(await res.text()).slice(0, 200)}`);
    }
    expect(problems).toEqual([]);
  }, 120_000);

  it("(the markers are really there: an admin cleared top-secret sees them through many operations)", async () => {
    const showing = new Set<string>();
    const expected = ["GET /api/v1/documents", "GET /api/v1/records/{id}", "GET /api/v1/contracts", "GET /api/v1/cases/{id}", "GET /api/v1/disposals/{id}", "GET /api/v1/audit/events", "GET /api/v1/evidence/search", "GET /api/v1/m/quality/inspection", "GET /api/v1/signature-requests/{id}"];
    for (const { path, op, key } of operations.filter((o) => expected.includes(o.key))) {
      for (const url of urls(path, op)) if ((await (await adminTop.get(url)).text()).includes(M)) showing.add(key);
    }
    expect([...showing].sort()).toEqual([...expected].sort());
  }, 300_000);

  it("never shows a person cleared public any marker of a secret fixture: lists, details, search, audit trail, downloads", async () => {
    const problems: string[] = [];
    let requests = 0;
    for (const { method, path, op, key } of operations) {
      if (method !== "GET") continue;
      for (const url of urls(path, op)) {
        for (const [who, client] of readers) {
          requests++;
          const res = await client.get(url);
          if (res.status >= 500) {
            problems.push(`${key} ${url} as ${who}: ${res.status}`);
            continue;
          }
          const bytes = new Uint8Array(await res.arrayBuffer());
          const text = new TextDecoder().decode(bytes);
          const seen = markers.filter((m) => text.includes(m));
          if (text.includes(M) && !seen.length) seen.push(M);
          if (seen.length) problems.push(`${key} ${url} as ${who}: ${res.status} shows ${seen.map((m) => m.slice(M.length + 1) || m).join(", ")}`);
          if (res.status < 300 && secretBlobs.has(sha256(bytes))) problems.push(`${key} ${url} as ${who}: serves a secret file's bytes`);
        }
      }
    }
    expect(requests).toBeGreaterThan(200);
    expect(problems).toEqual([]);
  }, 300_000);

  it("refuses every write to a person without the needed role (403/404, never 2xx or 5xx) and never answers a read with a 5xx", async () => {
    const problems: string[] = [];
    for (const { method, path, op, key } of operations) {
      const targets = method === "GET" ? [fill(path)] : urls(path, op).filter((u) => !u.includes("?")).slice(0, 40);
      for (const url of targets) {
        const res = await request(OWN_SESSION.has(key) ? await sessionOfItsOwn() : employee, method, url, op);
        if (res.status >= 500) problems.push(`${key} ${url}: ${res.status} ${(await res.text()).slice(0, 200)}`);
        else if (method !== "GET" && res.status < 300 && !(key in OPEN_TO_EVERY_USER)) problems.push(`${key} ${url}: a plain employee got ${res.status}`);
        else if (method !== "GET" && res.status === 401 && key !== "POST /api/v1/auth/sign-in") problems.push(`${key} ${url}: a signed-in employee got 401`);
        else if (method !== "GET" && !(key in OPEN_TO_EVERY_USER) && ![403, 404].includes(res.status)) problems.push(`${key} ${url}: a plain employee got ${res.status}, not 403 or 404: ${(await res.text()).slice(0, 160)}`);
      }
    }
    expect(problems).toEqual([]);
  }, 300_000);
});
