import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { ensurePackageSeal } from "../../../src/core/audit-package/seal";
import { ensureOrganisationSeal } from "../../../src/core/signatures/organisation-seal";
import { readCertificate, certificatePemToDer } from "../../../src/core/signatures/pki/index";
import { auditEvents } from "../../../src/db/schema/audit";
import { signerCertificates } from "../../../src/db/schema/pki";
import { organisationModule } from "../../../src/modules/organisation";
import { errorCode, startHarness } from "../../support/app";
import { expectJson } from "../../core/records/support";
import { api, signAs, type Item } from "./support";

/**
 * The organisation's name is a real setting: an admin names it (directly or by adopting a
 * profile), and what is issued afterwards — signer certificates, the package seal — carries it,
 * while what was signed before still verifies.
 */
const h = await startHarness({ modules: [organisationModule] });
const adminUser = await h.user({ roles: ["admin"], displayName: "管理员", clearance: "top-secret" });
const topUser = await h.user({ roles: ["top-manager"], displayName: "陈总", clearance: "secret" });
const managerUser = await h.user({ roles: ["ip-manager"], displayName: "王芳", clearance: "secret" });
const admin = await h.signIn(adminUser);
const top = await h.signIn(topUser);
const manager = await h.signIn(managerUser);

const organisationOf = (pem: string) => readCertificate(certificatePemToDer(pem)).subject.attributes.find((a) => a.shortName === "O")?.value;

async function issuePolicy(revision: string) {
  const draft = await expectJson<Item>(await manager.post(api.policy, { data: { title: "知识产权方针", revision, statement: "激励创造，规范管理，有效运用。", effectiveOn: "2026-01-05" } }), 201);
  const waiting = await expectJson<Item>(await top.post(`${api.policy}/${draft.id}/actions/issue`, {}), 200);
  expect((await signAs(top, waiting.signatureRequestId!, topUser.pin)).status).toBe(200);
  const final = await top.get(`/api/v1/signature-requests/${waiting.signatureRequestId}/document?version=final`);
  expect(final.status).toBe(200);
  return new Uint8Array(await final.arrayBuffer());
}

async function verify(pdf: Uint8Array) {
  const res = await top.request("/api/v1/signatures/verify", { method: "POST", headers: { "content-type": "application/pdf" }, body: new Uint8Array(pdf) });
  expect(res.status).toBe(200);
  return (await res.json()) as { ok: boolean; signatures: { chain: string }[] };
}

describe("the organisation's name", () => {
  it("starts unnamed, with the default name, and only an admin names it; bad names are refused", async () => {
    expect(await expectJson(await manager.get("/api/v1/organisation"), 200)).toEqual({ name: "Custos 示例企业", nameEn: "Custos Example Co.", named: false });
    expect(await errorCode(await manager.request("/api/v1/organisation", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "某公司" }) }))).toBe("FORBIDDEN");
    expect(await errorCode(await admin.request("/api/v1/organisation", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "  " }) }))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await admin.request("/api/v1/organisation", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "甲\u202e乙" }) }))).toBe("VALIDATION_FAILED");
    expect((await h.anonymous().get("/api/v1/organisation")).status).toBe(401);
    expect((await expectJson<{ named: boolean }>(await manager.get("/api/v1/organisation"), 200)).named).toBe(false);
  });

  it("renamed by adopting a profile: later certificates and the seal carry the new name, earlier signatures still verify", async () => {
    const before = await issuePolicy("A/0");
    const [first] = await h.deps.db.select().from(signerCertificates).where(eq(signerCertificates.userId, topUser.id));
    expect(organisationOf(first!.certificatePem)).toBe("Custos 示例企业");
    const sealBefore = await ensurePackageSeal(h.deps);
    expect(readCertificate(sealBefore.certificate).subject.attributes.find((a) => a.shortName === "O")?.value).toBe("Custos 示例企业");
    const orgSealBefore = await ensureOrganisationSeal(h.deps);
    expect(readCertificate(orgSealBefore.certificate).subject.commonName).toBe("Custos 示例企业 电子印章 Organisation seal");
    expect(readCertificate(orgSealBefore.certificate).keyUsage).toEqual(expect.arrayContaining(["digitalSignature", "nonRepudiation"]));
    // made once, then reused
    expect((await ensureOrganisationSeal(h.deps)).serialNumber).toBe(orgSealBefore.serialNumber);

    h.clock.advance(3_600_000);
    const profile = await expectJson<Item>(
      await manager.post(api.profile, { data: { name: "北京智创科技有限公司", nameEn: "Beijing Zhichuang Technology Co., Ltd.", industry: "软件和信息技术服务业", size: "small", stage: "pilot", effectiveOn: "2026-01-10" } }),
      201,
    );
    // only an admin adopts it; a bad stage is refused before anything is made
    expect(await errorCode(await manager.post(`${api.profile}/${profile.id}/actions/adopt`, {}))).toBe("FORBIDDEN");
    expect(await errorCode(await manager.post(api.profile, { data: { name: "某公司", industry: "制造业", size: "small", stage: "growth", effectiveOn: "2026-01-10" } }))).toBe("VALIDATION_FAILED");
    const adopted = await expectJson<Item>(await admin.post(`${api.profile}/${profile.id}/actions/adopt`, {}), 200);
    expect(adopted.state).toBe("adopted");
    expect(adopted.recordId).toBeTruthy();
    expect(await expectJson(await manager.get("/api/v1/organisation"), 200)).toEqual({ name: "北京智创科技有限公司", nameEn: "Beijing Zhichuang Technology Co., Ltd.", named: true });
    const renamed = await h.deps.db.select().from(auditEvents).where(eq(auditEvents.action, "organisation.updated"));
    expect(renamed).toHaveLength(1);

    // the top manager's next signature is made with a new certificate in the new name
    const after = await issuePolicy("A/1");
    const certs = await h.deps.db.select().from(signerCertificates).where(eq(signerCertificates.userId, topUser.id));
    expect(certs).toHaveLength(2);
    const current = certs.find((c) => !c.revokedAt)!;
    expect(organisationOf(current.certificatePem)).toBe("北京智创科技有限公司");
    expect(certs.find((c) => c.revokedAt)).toMatchObject({ id: first!.id, revocationReason: "superseded" });
    expect((await verify(after)).ok).toBe(true);
    // what was signed under the former name still verifies
    const old = await verify(before);
    expect(old.ok, JSON.stringify(old)).toBe(true);
    expect(old.signatures[0]!.chain).toBe("trusted");

    // the package seal is reissued in the new name
    const sealAfter = await ensurePackageSeal(h.deps);
    expect(readCertificate(sealAfter.certificate).subject.attributes.find((a) => a.shortName === "O")?.value).toBe("北京智创科技有限公司");
    expect(Buffer.compare(sealAfter.certificate, sealBefore.certificate)).not.toBe(0);
    // and so is the organisation seal that certifies released documents
    const orgSealAfter = await ensureOrganisationSeal(h.deps);
    expect(readCertificate(orgSealAfter.certificate).subject.attributes.find((a) => a.shortName === "O")?.value).toBe("北京智创科技有限公司");
    expect(orgSealAfter.serialNumber).not.toBe(orgSealBefore.serialNumber);
  });

  it("can be set directly by an admin (the first-run step), audited", async () => {
    const res = await admin.request("/api/v1/organisation", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "北京智创科技股份有限公司", nameEn: null }) });
    expect(await expectJson(res, 200)).toEqual({ name: "北京智创科技股份有限公司", nameEn: null, named: true });
    const renamed = await h.deps.db.select().from(auditEvents).where(eq(auditEvents.action, "organisation.updated"));
    expect(renamed).toHaveLength(2);
  });
});
