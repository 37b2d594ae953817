import { createHash } from "node:crypto";
import { audit } from "../audit/service";
import { formatTimeWithOffset } from "../../lib/time";
import { inTransaction, type ServiceContext } from "../context";
import { DomainError, notFound } from "../errors";
import { latestArchivedVersion } from "../signatures/archive-chain";
import { markEveryPage, PdfStructureError, type PageMarks } from "../signatures/pdf/index";
import { loadVisibleDocument } from "./access";
import { effectiveDateOf } from "./numbering";
import * as repo from "./repo";
import { documentCopyIssued, documentSignedOriginalTaken } from "./events";

const RED: [number, number, number] = [0.75, 0.1, 0.1];
const GREY: [number, number, number] = [0.45, 0.45, 0.45];

/**
 * A copy of a revision for reading or printing, marked on every page according to its state at
 * this moment: 草稿 DRAFT, 已批准待生效, 已替代 SUPERSEDED (when and by which revision), 已作废
 * OBSOLETE; an effective copy carries the 受控副本 CONTROLLED COPY footer with number, revision,
 * effective date and who downloaded it when. The stored original is never altered; the marks are
 * an incremental update, so the embedded signatures still verify for the revision they signed
 * (a certification reports the marks as a change: the verifier recognises the copy as issued by
 * Custos from the SHA-256 kept with the audit event). Every copy issued is audited.
 */
export async function issueMarkedCopy(ctx: ServiceContext, revisionId: string) {
  const revision = await repo.findRevision(ctx.db, revisionId);
  if (!revision) throw notFound("The revision");
  const { p, doc } = await loadVisibleDocument(ctx, revision.documentId);
  // a signed revision: the newest version of its archive time-stamp chain
  const sha256 = revision.signedSha256 ? await latestArchivedVersion(ctx.db, revision.signedSha256) : revision.releaseSha256;
  if (!sha256) throw new DomainError("INVALID_STATE", `Revision ${revision.label} has no PDF yet.`);
  const now = ctx.clock.now();
  const when = formatTimeWithOffset(now);
  const id = `${doc.number} ${revision.label}版 / rev. ${revision.label}`;
  const issued = `下载 Issued to ${p.displayName} · ${when}`;
  let marks: PageMarks;
  switch (revision.state) {
    case "effective":
      marks = { footer: [`受控副本 CONTROLLED COPY · ${id} · 生效 Effective ${effectiveDateOf(revision)} · ${issued}`] };
      break;
    case "superseded": {
      const by = revision.supersededByRevisionId ? await repo.findRevision(ctx.db, revision.supersededByRevisionId) : undefined;
      const date = formatTimeWithOffset(revision.supersededAt!).slice(0, 10);
      marks = {
        watermark: { lines: ["已替代 SUPERSEDED", `${date} 由 ${by?.label ?? "?"} 版替代`], color: RED },
        header: { lines: [`已替代 SUPERSEDED · ${id} · 于 ${date} 由 ${by?.label ?? "?"} 版替代 Superseded on ${date} by revision ${by?.label ?? "?"} · 仅供参考，不得使用 For reference only`], color: RED },
        footer: [`非受控副本 UNCONTROLLED COPY · ${issued}`],
      };
      break;
    }
    case "obsolete": {
      const date = formatTimeWithOffset(revision.obsoletedAt!).slice(0, 10);
      marks = {
        watermark: { lines: ["已作废 OBSOLETE", date], color: RED },
        header: { lines: [`已作废 OBSOLETE · ${id} · 于 ${date} 作废 Withdrawn on ${date}${revision.obsoleteReason ? ` · ${revision.obsoleteReason}` : ""} · 不得使用 Do not use`], color: RED },
        footer: [`非受控副本 UNCONTROLLED COPY · ${issued}`],
      };
      break;
    }
    case "approved":
      marks = {
        watermark: { lines: ["已批准 待生效", "APPROVED – NOT YET EFFECTIVE"], color: GREY },
        header: { lines: [`已批准，${revision.effectiveDate} 生效 Approved, effective ${revision.effectiveDate} · ${id}`], color: GREY },
        footer: [`非受控副本 UNCONTROLLED COPY · ${issued}`],
      };
      break;
    default:
      marks = {
        watermark: { lines: ["草稿 DRAFT", "未经批准 NOT APPROVED"], color: GREY },
        header: { lines: [`草稿 DRAFT · ${id} · 未经批准，不得使用 Not approved – do not use`], color: GREY },
        footer: [`非受控副本 UNCONTROLLED COPY · ${issued}`],
      };
  }
  let marked: Uint8Array;
  try {
    marked = await markEveryPage(await ctx.storage.getBytes(sha256), marks);
  } catch (err) {
    if (err instanceof PdfStructureError) throw new DomainError("PDF_DAMAGED", "The stored PDF cannot be marked; contact the IP manager.");
    throw err;
  }
  await inTransaction(ctx, async (t) =>
    audit(t, documentCopyIssued, doc.id, { revisionId, label: revision.label, state: revision.state, sha256, copySha256: createHash("sha256").update(marked).digest("hex") }),
  );
  return { bytes: marked, filename: `${doc.number}-${revision.label}-${revision.state}.pdf`, document: doc, revision };
}

/**
 * The signed master of a revision exactly as Custos holds it (certified by the organisation seal,
 * signed by its reviewers and approver, with validation data and a document timestamp), unmarked:
 * for archives and validators, which a marked copy's page marks would not satisfy. Whoever may read
 * the revision may take it; every download is audited.
 */
export async function openSignedOriginal(ctx: ServiceContext, revisionId: string) {
  const revision = await repo.findRevision(ctx.db, revisionId);
  if (!revision) throw notFound("The revision");
  const { doc } = await loadVisibleDocument(ctx, revision.documentId);
  const sha256 = revision.signedSha256;
  if (!sha256) throw new DomainError("INVALID_STATE", `Revision ${revision.label} has not been signed yet: there is no signed original.`);
  const bytes = await ctx.storage.getBytes(sha256);
  await inTransaction(ctx, async (t) => audit(t, documentSignedOriginalTaken, doc.id, { revisionId, label: revision.label, state: revision.state, sha256 }));
  return { bytes, sha256, filename: `${doc.number}-${revision.label}-signed.pdf` };
}
