import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { files } from "../../src/db/schema/files";
import { createBasePdf } from "./signatures/support/base-pdf";
import { startHarness, type Client } from "../support/app";

const h = await startHarness();
const ipManager = await h.user({ roles: ["ip-manager", "legal"], displayName: "王芳", clearance: "confidential" });
const ipm = await h.signIn(ipManager);

/** U+202E then "fdp.exe" displays as "exe.pdf": the right-to-left override reverses what follows it. */
const RLO = "\u202E";

interface ErrorJson {
  error: { code: string; message: string; details?: { issues?: { path: string; message: string }[] } };
}

async function refused(res: Response): Promise<ErrorJson["error"]> {
  const text = await res.text();
  expect(res.status, text).toBe(400);
  const body = JSON.parse(text) as ErrorJson;
  expect(body.error.code).toBe("VALIDATION_FAILED");
  return body.error;
}

async function blobFiles(): Promise<number> {
  return (await readdir(join(h.dataDir, "blobs"), { recursive: true, withFileTypes: true }).catch(() => [])).filter((e) => e.isFile()).length;
}

/** A browser form post (CSRF token first, then the fields, then the file). */
function browserForm(client: Client, path: string, fields: Record<string, string>, file: { name: string; bytes: Uint8Array }) {
  const form = new FormData();
  form.append("_csrf", client.csrfToken!);
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append("file", new File([new Uint8Array(file.bytes)], file.name, { type: "application/pdf" }));
  return client.request(path, { method: "POST", body: form, headers: { accept: "text/html", "x-csrf-token": "" } });
}

describe("bidirectional control characters (an attacker's U+202E + “fdp.exe” shows as “exe.pdf”)", () => {
  it("are refused in the file name of an upload through the API, naming the field, and nothing is stored", async () => {
    const blobsBefore = await blobFiles();
    const filesBefore = (await h.deps.db.select().from(files)).length;
    for (const [name, code] of [[`${RLO}fdp.exe`, "U+202E"], ["合同\u2066.pdf", "U+2066"], ["\u200Fscan.pdf", "U+200F"], ["\u061Cx.pdf", "U+061C"]] as const) {
      const res = await ipm.request(`/api/v1/files?filename=${encodeURIComponent(name)}&classification=internal`, {
        method: "POST",
        headers: { "content-type": "application/pdf" },
        body: new Uint8Array(await createBasePdf({ pages: 1 })),
      });
      const error = await refused(res);
      expect(error.message).toBe(`filename: contains ${code}, an invisible character that changes the direction of the text (so a name such as “exe.pdf” can really be “fdp.exe”); remove it`);
    }
    expect(await blobFiles()).toBe(blobsBefore);
    expect(await h.deps.db.select().from(files)).toHaveLength(filesBefore);
  });

  it("are refused in the file name of a browser form before a byte of the file is stored", async () => {
    const blobsBefore = await blobFiles();
    const pdf = await createBasePdf({ pages: 1 });
    const res = await browserForm(ipm, "/records/new", { classId: "rcl_13_2_01", title: "发票", recordDate: "2026-01-05", author: "财务部" }, { name: `invoice${RLO}fdp.exe`, bytes: pdf });
    const page = await res.text();
    expect(res.status, page.slice(0, 500)).toBe(400);
    expect(page).toContain("The name of the file in “file”: contains U+202E, an invisible character that changes the direction of the text");
    expect(await blobFiles()).toBe(blobsBefore);
    // the same file under an honest name goes in
    const ok = await browserForm(ipm, "/records/new", { classId: "rcl_13_2_01", title: "发票", recordDate: "2026-01-05", author: "财务部" }, { name: "invoice.pdf", bytes: pdf });
    expect(ok.status).toBe(303);
  });

  it("are refused in the titles and names of records, documents, contracts, cases, holds and signature requests, naming the field", async () => {
    const attempts: [string, Record<string, unknown>, string][] = [
      ["/api/v1/records", { classId: "rcl_13_2_01", title: `培训记录${RLO}fdp.exe`, author: "人事部", recordDate: "2026-01-05", paperRoom: "档案室 A" }, "title"],
      ["/api/v1/records", { classId: "rcl_13_2_01", title: "培训记录", author: `人事部\u202B`, recordDate: "2026-01-05", paperRoom: "档案室 A" }, "author"],
      ["/api/v1/documents", { categoryId: "procedure", title: `知识产权管理程序\u2067` }, "title"],
      ["/api/v1/documents", { categoryId: "procedure", title: "知识产权管理程序", titleEn: `IP procedure\u200E` }, "titleEn"],
      [
        "/api/v1/contracts",
        { title: `技术开发合同${RLO}`, type: "joint-development", counterparties: [{ name: "某某大学" }], classification: "internal", ipTerms: {} },
        "title",
      ],
      [
        "/api/v1/contracts",
        { title: "技术开发合同", type: "joint-development", counterparties: [{ name: `某某大学\u202A` }], classification: "internal", ipTerms: {} },
        "counterparties.0.name",
      ],
      ["/api/v1/cases", { title: `专利无效宣告${RLO}`, kind: "litigation", openedOn: "2026-01-10" }, "title"],
      ["/api/v1/legal-holds", { matter: `商业秘密调查\u2069`, reason: "保全", scope: { kind: "list", recordIds: ["rec_x"] } }, "matter"],
      [
        "/api/v1/signature-requests",
        { title: `竞业限制协议${RLO}`, source: { kind: "file", fileId: "fil_x" }, signers: [{ userId: ipManager.id, meaning: "signed" }] },
        "title",
      ],
    ];
    for (const [path, body, field] of attempts) {
      const error = await refused(await ipm.post(path, body));
      expect(error.message, `${path} ${field}`).toMatch(new RegExp(`^${field.replace(/\./g, "\\.")}: contains U\\+[0-9A-F]{4}, an invisible character that changes the direction of the text`));
    }
    // right-to-left script itself is text like any other
    const arabic = await ipm.post("/api/v1/records", { classId: "rcl_13_2_01", title: "براءة اختراع 专利证书", author: "人事部", recordDate: "2026-01-05", paperRoom: "档案室 A" });
    expect(arabic.status, await arabic.clone().text()).toBe(201);
  });
});
