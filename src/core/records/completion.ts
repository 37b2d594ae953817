import type { SignatureRequestRow } from "../../db/schema/signatures";
import type { Classification } from "../auth/permissions";
import type { TxContext } from "../context";
import { listSigners } from "../signatures/repo";
import { getTemplate } from "../templates/index";
import { findUser } from "../users/repo";
import { compareClauses } from "./file-plan";
import { today } from "./dates";
import { insertDeclaredRecord } from "./declare";
import { checkContentNatures } from "./natures";
import * as repo from "./repo";

/**
 * A signature request made from a template has completed (inside the signing transaction): the
 * signed PDF becomes a record in the class that receives that template (else the first class
 * evidencing the template's clause), linked to the person it is about (or, without one, to its signers). An IP
 * declaration thus becomes a 7.3.2.4 record whose retention runs from the employee's leaving.
 */
export async function declareSignedTemplate(t: TxContext, request: SignatureRequestRow): Promise<void> {
  if (!request.templateId || !request.finalSha256) return;
  if (await repo.findRecordBySource(t.db, "signature-request", request.id)) return;
  const template = await getTemplate(request.templateId, request.templateRevision ?? undefined);
  const cls =
    (await repo.findClassByTemplate(t.db, template.id)) ??
    (await repo.listClasses(t.db)).filter((c) => c.clause === template.clause).sort((a, b) => compareClauses(a.clause, b.clause) || a.code.localeCompare(b.code))[0];
  if (!cls) {
    t.logger.warn("no record class for a signed template; nothing declared", { requestId: request.id, templateId: template.id, clause: template.clause });
    return;
  }
  const signers = await listSigners(t.db, request.id);
  const subject = request.subjectUserId ? await findUser(t.db, request.subjectUserId) : undefined;
  const size = (await t.storage.stat(request.finalSha256))?.size ?? 0;
  const natures = await checkContentNatures(t, {
    sha256: request.finalSha256,
    size,
    provenance: { description: `signed in Custos from template ${template.id} revision ${template.revision} (request ${request.id}) by ${signers.map((s) => s.user.displayName).join(", ")}` },
  });
  // the person the document is about; only without one, its signers (a company signatory's leaving must not start the clock)
  const people = new Set(request.subjectUserId ? [request.subjectUserId] : signers.map((s) => s.signer.userId));
  await insertDeclaredRecord(t, {
    classId: cls.id,
    title: request.title,
    recordDate: today(t.clock),
    author: subject?.displayName ?? signers[0]?.user.displayName ?? request.requestedBy,
    departmentId: subject?.departmentId ?? null,
    classification: request.classification as Classification,
    content: { sha256: request.finalSha256, size, filename: `${request.title}（已签署）.pdf`, mediaType: "application/pdf" },
    sourceKind: "signature-request",
    sourceId: request.id,
    natures,
    links: [...people].map((userId) => ({ kind: "user" as const, targetId: userId })),
    searchExtra: [template.title.zh, template.title.en],
  });
}
