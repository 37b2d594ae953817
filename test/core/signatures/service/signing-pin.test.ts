import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents } from "../../../../src/db/schema/audit";
import { signerCertificates } from "../../../../src/db/schema/pki";
import { users } from "../../../../src/db/schema/users";
import { signAsSigner } from "../../../../src/core/signatures/requests/sign";
import { DomainError } from "../../../../src/core/errors";
import { contextAs, errorCode, startHarness, type Client, type TestUser } from "../../../support/app";
import { createBasePdf } from "../support/base-pdf";

const h = await startHarness();
const ipManager = await h.user({ roles: ["ip-manager"], displayName: "王芳", clearance: "confidential" });
const requester = await h.signIn(ipManager);
const adminUser = await h.user({ roles: ["admin"], clearance: "top-secret" });
const admin = await h.signIn(adminUser);

async function requestFor(user: { id: string }) {
  const upload = await requester.request("/api/v1/files?filename=d.pdf&classification=internal", {
    method: "POST",
    headers: { "content-type": "application/pdf" },
    body: new Uint8Array(await createBasePdf({ pages: 1 })),
  });
  const { id: fileId } = (await upload.json()) as { id: string };
  const res = await requester.post("/api/v1/signature-requests", { title: "声明", source: { kind: "file", fileId }, signers: [{ userId: user.id, meaning: "signed" }] });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

/** A request for `client`'s person, opened (read) and signed with `pin`. */
async function signNew(client: Client, user: { id: string }, pin: string) {
  const id = await requestFor(user);
  await client.readDocument(id);
  return { id, res: await client.post(`/api/v1/signature-requests/${id}/sign`, { pin, consent: true }) };
}

async function serialOf(res: Response): Promise<string> {
  expect(res.status).toBe(200);
  return ((await res.json()) as { certificateSerial: string }).certificateSerial;
}

async function eventsOf(userId: string, action: string) {
  return h.deps.db.select().from(auditEvents).where(and(eq(auditEvents.objectId, userId), eq(auditEvents.action, action)));
}

describe("the signing PIN", () => {
  it("is set with the login password, must differ from it, and only it opens the signing key", async () => {
    const person = await h.user({ displayName: "张伟", signingPin: false });
    const client = await h.signIn(person);
    expect(await (await client.get("/api/v1/me/signing-pin")).json()).toEqual({ set: false, setAt: null });

    // no PIN yet: signing is refused with a code and says where to set it
    const { id, res: none } = await signNew(client, person, person.password);
    expect(none.status).toBe(409);
    const body = (await none.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("SIGNING_PIN_REQUIRED");
    expect(body.error.message).toContain("/api/v1/me/signing-pin");

    const put = (input: Record<string, unknown>) => client.request("/api/v1/me/signing-pin", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(input) });
    expect(await errorCode(await put({ currentPassword: person.password, pin: "12345" }))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await put({ currentPassword: person.password, pin: person.password }))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await put({ currentPassword: "not my password", pin: "a good pin" }))).toBe("REAUTH_FAILED");
    expect(await errorCode(await put({ pin: "a good pin" }))).toBe("REAUTH_FAILED");
    expect(await errorCode(await put({ currentPassword: person.password, pin: "a good pin", userId: ipManager.id }))).toBe("VALIDATION_FAILED");
    expect((await put({ currentPassword: person.password, pin: person.pin })).status).toBe(200);
    expect(((await (await client.get("/api/v1/me/signing-pin")).json()) as { set: boolean }).set).toBe(true);
    expect((await eventsOf(person.id, "pki.signing_pin_set"))[0]!.data).toEqual({ changed: false, certificateSerial: null });

    // the login password no longer signs (REAUTH_FAILED, audited); the PIN does
    const wrong = await client.post(`/api/v1/signature-requests/${id}/sign`, { pin: person.password, consent: true });
    expect(await errorCode(wrong)).toBe("REAUTH_FAILED");
    expect((await eventsOf(person.id, "auth.reauth_failed")).some((e) => (e.data as { purpose?: string }).purpose === "signature")).toBe(true);
    await serialOf(await client.post(`/api/v1/signature-requests/${id}/sign`, { pin: person.pin, consent: true }));

    // once set, the login password cannot replace the PIN: a change needs the current PIN
    expect(await errorCode(await put({ currentPassword: person.password, pin: "another pin" }))).toBe("VALIDATION_FAILED");
  });

  it("counts wrong PINs with wrong passwords, like sign-in: five lock the person out for a while", async () => {
    const person = await h.user();
    const client = await h.signIn(person);
    const id = await requestFor(person);
    await client.readDocument(id);
    for (let i = 0; i < 5; i++) {
      expect(await errorCode(await client.post(`/api/v1/signature-requests/${id}/sign`, { pin: `guess ${i}`, consent: true }))).toBe("REAUTH_FAILED");
    }
    expect(await errorCode(await client.post(`/api/v1/signature-requests/${id}/sign`, { pin: person.pin, consent: true }))).toBe("TOO_MANY_ATTEMPTS");
    h.clock.advance(16 * 60_000);
    await serialOf(await client.post(`/api/v1/signature-requests/${id}/sign`, { pin: person.pin, consent: true }));
  });

  it("changes with the current PIN and re-wraps the same certificate: the old PIN no longer signs", async () => {
    const person = await h.user();
    const client = await h.signIn(person);
    const first = await serialOf((await signNew(client, person, person.pin)).res);
    const put = (input: Record<string, unknown>) => client.request("/api/v1/me/signing-pin", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(input) });
    expect(await errorCode(await put({ currentPin: "not my pin", pin: "brand new pin" }))).toBe("REAUTH_FAILED");
    expect(await errorCode(await put({ currentPin: person.pin, pin: person.password }))).toBe("VALIDATION_FAILED");
    expect((await put({ currentPin: person.pin, pin: "brand new pin" })).status).toBe(200);
    expect(await errorCode((await signNew(client, person, person.pin)).res)).toBe("REAUTH_FAILED");
    expect(await serialOf((await signNew(client, person, "brand new pin")).res)).toBe(first);
    const changed = (await eventsOf(person.id, "pki.signing_pin_set")).find((e) => (e.data as { changed: boolean }).changed);
    expect(changed!.data).toEqual({ changed: true, certificateSerial: first });
  });

  it("is nobody else's to set, change or reset: only an administrator clears a lost one", async () => {
    const victim = await h.user();
    const victimClient = await h.signIn(victim);
    const serial = await serialOf((await signNew(victimClient, victim, victim.pin)).res);
    const other = await h.user();
    const otherClient = await h.signIn(other);
    // the API has no way to name another person: /me is the caller; another's id is refused
    expect((await otherClient.request(`/api/v1/users/${victim.id}/signing-pin`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ currentPassword: other.password, pin: "stolen pin!" }) })).status).toBeGreaterThanOrEqual(404);
    expect(await errorCode(await otherClient.post(`/api/v1/users/${victim.id}/reset-signing-pin`))).toBe("FORBIDDEN");
    expect(await serialOf((await signNew(victimClient, victim, victim.pin)).res)).toBe(serial);

    // an administrator resets it: the certificate is revoked (audited) and the person chooses a new PIN
    expect((await admin.post(`/api/v1/users/${victim.id}/reset-signing-pin`)).status).toBe(200);
    expect((await eventsOf(victim.id, "pki.signing_pin_reset"))[0]!.data).toEqual({ revokedCertificates: [serial] });
    expect((await eventsOf(victim.id, "pki.certificate_revoked"))[0]!.data).toMatchObject({ certificateSerial: serial, note: "signing PIN reset by an administrator" });
    expect(await errorCode((await signNew(victimClient, victim, victim.pin)).res)).toBe("SIGNING_PIN_REQUIRED");
    const put = await victimClient.request("/api/v1/me/signing-pin", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ currentPassword: victim.password, pin: "my new pin" }) });
    expect(put.status).toBe(200);
    const fresh = await serialOf((await signNew(victimClient, victim, "my new pin")).res);
    expect(fresh).not.toBe(serial);
  });

  it("is refused, as is signing, to someone whose password an administrator typed, until they change it", async () => {
    const created = (await (
      await admin.post("/api/v1/users", { username: "typed.by.admin", displayName: "钱七", password: "the admin typed this", roles: ["employee"] })
    ).json()) as { user: { id: string; mustChangePassword: boolean } };
    expect(created.user.mustChangePassword).toBe(true);
    const person: TestUser = { id: created.user.id, username: "typed.by.admin", password: "the admin typed this", pin: "chosen by me", roles: ["employee"] };
    const client = await h.signIn(person);
    const put = (c: Client, input: Record<string, unknown>) => c.request("/api/v1/me/signing-pin", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(input) });
    expect(await errorCode(await put(client, { currentPassword: person.password, pin: person.pin }))).toBe("PASSWORD_CHANGE_REQUIRED");
    const id = await requestFor(person);
    expect(await errorCode(await client.post(`/api/v1/signature-requests/${id}/sign`, { pin: person.password, consent: true }))).toBe("PASSWORD_CHANGE_REQUIRED");
    // and the service refuses it too, whatever the way in
    const refused = await signAsSigner(await contextAs(h.deps, person.id), id, { pin: person.password, consent: true }).catch((e: DomainError) => e.code);
    expect(refused).toBe("PASSWORD_CHANGE_REQUIRED");

    expect((await client.post("/api/v1/me/password", { currentPassword: person.password, newPassword: "only I know this one" })).status).toBe(200);
    expect((await put(client, { currentPassword: "only I know this one", pin: person.pin })).status).toBe(200);
    await client.readDocument(id);
    await serialOf(await client.post(`/api/v1/signature-requests/${id}/sign`, { pin: person.pin, consent: true }));

    // an administrator's reset gives a password to be changed too: no signing until then
    const { password: temporary } = (await (await admin.post(`/api/v1/users/${person.id}/reset-password`)).json()) as { password: string };
    const [row] = await h.deps.db.select().from(users).where(eq(users.id, person.id));
    expect(row!.mustChangePassword).toBe(true);
    const again = await h.signIn({ username: person.username, password: temporary });
    const id2 = await requestFor(person);
    expect(await errorCode(await again.post(`/api/v1/signature-requests/${id2}/sign`, { pin: person.pin, consent: true }))).toBe("PASSWORD_CHANGE_REQUIRED");
  });

  it("supersedes a certificate whose key was wrapped under the login password (before signing PINs); its signatures still verify", async () => {
    const person = await h.user();
    const client = await h.signIn(person);
    const { id: oldRequest, res } = await signNew(client, person, person.pin);
    const legacy = await serialOf(res);
    // as the migration leaves a certificate issued before signing PINs
    await h.deps.db.update(signerCertificates).set({ keyWrap: "password" }).where(eq(signerCertificates.serialNumber, legacy));
    h.clock.advance(60_000);

    const fresh = await serialOf((await signNew(client, person, person.pin)).res);
    expect(fresh).not.toBe(legacy);
    const [old] = await h.deps.db.select().from(signerCertificates).where(eq(signerCertificates.serialNumber, legacy));
    expect(old!.revocationReason).toBe("superseded");
    const revoked = await eventsOf(person.id, "pki.certificate_revoked");
    expect(revoked.map((e) => e.data)).toContainEqual({ certificateSerial: legacy, reason: "superseded", note: "key wrapped under the login password" });

    const pdf = new Uint8Array(await (await client.get(`/api/v1/signature-requests/${oldRequest}/document?version=final`)).arrayBuffer());
    const report = (await (await client.request("/api/v1/signatures/verify", { method: "POST", headers: { "content-type": "application/pdf" }, body: pdf })).json()) as {
      signatures: { integrity: unknown; chain: string; revocation: { status: string; beforeSigning: boolean } }[];
    };
    expect(report.signatures[0]).toMatchObject({ chain: "trusted", revocation: { status: "revoked", beforeSigning: false } });
  });

  it("is set on the account page and in the ceremony, and reset on the user's admin page", async () => {
    const person = await h.user({ signingPin: false });
    const client = await h.signIn(person);
    const account = await (await client.get("/account", { accept: "text/html" })).text();
    expect(account).toContain("签名密码");
    expect(account).toContain('name="currentPassword"');
    expect((await client.form("/account/signing-pin", { currentPassword: person.password, pin: "pin one 123", confirmPin: "pin one 124" })).status).toBe(400);
    const saved = await client.form("/account/signing-pin", { currentPassword: person.password, pin: person.pin, confirmPin: person.pin });
    expect(saved.headers.get("location")).toBe("/account?msg=pin");
    expect(await (await client.get("/account", { accept: "text/html" })).text()).toContain('name="currentPin"');

    // an administrator resets it from the user's page; the ceremony then asks for a new PIN first
    const reset = await admin.form(`/admin/users/${person.id}/reset-signing-pin`, {});
    expect(reset.status).toBe(200);
    expect(await reset.text()).toContain("签名证书已吊销");
    const id = await requestFor(person);
    const ceremony = await (await client.get(`/signatures/${id}/sign`, { accept: "text/html" })).text();
    expect(ceremony).toContain("您还没有签名密码");
    expect(ceremony).not.toContain('name="consent"');
    const set = await client.form(`/signatures/${id}/signing-pin`, { currentPassword: person.password, pin: "second pin!", confirmPin: "second pin!" });
    expect(set.headers.get("location")).toBe(`/signatures/${id}/sign?msg=pin`);
    const ready = await (await client.get(`/signatures/${id}/sign?msg=pin`, { accept: "text/html" })).text();
    expect(ready).toContain("签名密码已设置");
    expect(ready).toContain('name="pin"');
  });
});
