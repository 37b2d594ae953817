import { audit } from "../audit/service";
import { queryEvents } from "../audit/repo";
import { inTransaction, type ServiceContext } from "../context";
import { notFound } from "../errors";
import { resolveEvidence } from "./resolve";
import type { EvidenceKind } from "./types";
import { evidenceFileDownloaded, evidenceOpened } from "./events";

/**
 * One evidence item with the full history of the objects it consists of (who did what, when,
 * before/after), newest first. Opening it is audited.
 */
export async function getEvidenceItem(ctx: ServiceContext, kind: EvidenceKind, id: string) {
  const [item] = await resolveEvidence(ctx, { refs: [{ kind, id }] });
  const events = [];
  for (const object of item!.auditObjects) events.push(...(await queryEvents(ctx.db, { objectType: object.type, objectId: object.id, limit: 500 })));
  events.sort((a, b) => b.seq - a.seq);
  await inTransaction(ctx, async (t) => audit(t, evidenceOpened, item!.auditObjects[0]!, { kind, id }));
  return { item: item!, events };
}

/** A file of an evidence item, exactly as stored; the download is audited. */
export async function openEvidenceFile(ctx: ServiceContext, kind: EvidenceKind, id: string, sha256: string) {
  const [item] = await resolveEvidence(ctx, { refs: [{ kind, id }] });
  const file = item!.files.find((f) => f.sha256 === sha256);
  if (!file) throw notFound("The file");
  const stream = await ctx.storage.get(sha256);
  await inTransaction(ctx, async (t) => audit(t, evidenceFileDownloaded, item!.auditObjects[0]!, { kind, id, sha256, role: file.role }));
  return { file, stream };
}
