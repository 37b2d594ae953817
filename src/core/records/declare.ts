import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { contracts } from "../../db/schema/contracts";
import { documentRevisions, documents } from "../../db/schema/documents";
import type { RecordRow } from "../../db/schema/records";
import { newId } from "../../lib/ids";
import { audit } from "../audit/service";
import { requireRole } from "../auth/guard";
import { classificationRank, clearedFor, type Classification, type Principal } from "../auth/permissions";
import { inTransaction, type ServiceContext, type TxContext } from "../context";
import { DomainError, notFound } from "../errors";
import { getFile } from "../files/service";
import { findDepartment } from "../organisation/repo";
import { findUser } from "../users/repo";
import { today } from "./dates";
import { checkContentNatures, formatMediaType, paperNatures, type FourNatures } from "./natures";
import * as repo from "./repo";
import { linkTargetVisible } from "./link-kinds";
import { retentionFor } from "./retention";
import type { DeclareRecordInput, ExternalDocumentInput, LinkInput } from "./schemas";
import { externalTypeClass, LEGAL_ROLES, RECORD_WRITE_ROLES } from "./vocabulary";
import { recordDeclared } from "./events";

/** Everything a new record needs; used by the API and by other flows (signed templates, contracts, disposals). */
export interface NewRecord {
  classId: string;
  title: string;
  description?: string | null;
  recordDate: string;
  author: string;
  departmentId?: string | null;
  classification: Classification;
  content?: { sha256: string; size: number; filename: string; mediaType: string } | null;
  paper?: { room?: string | null; cabinet?: string | null; box?: string | null };
  sourceKind: string;
  sourceId?: string | null;
  natures: FourNatures;
  links?: LinkInput[];
  /** More words search should find (an external document's issuer and reference number). */
  searchExtra?: (string | null | undefined)[];
  /** Added to the declaration's audit event (e.g. the external document's source). */
  auditExtra?: Record<string, unknown>;
  /** Who declares it when no one is signed in (a revision put in force by the hourly run: its approver). */
  declaredBy?: string;
}

/** Paper location as one line: "档案室 A · 柜 3 · 盒 12". */
export function paperLocation(p: { room?: string | null; cabinet?: string | null; box?: string | null }): string | null {
  const parts = [p.room, p.cabinet && `柜 ${p.cabinet}`, p.box && `盒 ${p.box}`].filter((x): x is string => !!x);
  return parts.length ? parts.join(" · ") : null;
}

/** Checks that each link points at something that exists; INVALID_REFERENCE names the first that does not. */
export async function validateLinks(t: Pick<TxContext, "db" | "registry" | "principal">, links: LinkInput[]): Promise<void> {
  for (const [i, link] of links.entries()) {
    const kind = t.registry.linkKind(link.kind);
    if (!kind) {
      throw new DomainError("VALIDATION_FAILED", `Link ${i + 1}: a record cannot be linked to a “${link.kind}” (known: ${t.registry.linkKindNames.join(", ")}).`, { field: `links.${i}.kind` });
    }
    if (!(await linkTargetVisible(t, kind, link.targetId))) {
      throw new DomainError("INVALID_REFERENCE", `Link ${i + 1}: no ${link.kind} ${link.targetId} exists.`, { field: `links.${i}.targetId` });
    }
  }
}

/**
 * The metadata every record must carry (DA/T 22 / GB/T 18894: class, title, date, author,
 * classification; the file's name and format for electronic content, the location for paper),
 * each with whether it is there.
 */
function requiredMetadata(input: NewRecord): [string, boolean][] {
  const given = (v: string | null | undefined) => !!v && v.trim().length > 0;
  const items: [string, boolean][] = [
    ["class", given(input.classId)],
    ["title", given(input.title)],
    ["date", /^\d{4}-\d{2}-\d{2}$/.test(input.recordDate)],
    ["author", given(input.author)],
    ["classification", given(input.classification)],
  ];
  if (input.content) items.push(["filename", given(input.content.filename)], ["format", given(input.content.mediaType)]);
  else items.push(["paper location", !!paperLocation(input.paper ?? {})]);
  return items;
}

/**
 * Inserts a declared record with its links, derives its retention and audits the declaration, in
 * the caller's transaction. The four natures must have been checked already (they need the bytes);
 * the required metadata are checked here, and what was checked is added to the integrity nature.
 */
export async function insertDeclaredRecord(t: TxContext, input: NewRecord): Promise<RecordRow> {
  const declaredBy = t.actor.userId ?? input.declaredBy;
  if (!declaredBy) throw new DomainError("UNAUTHENTICATED", "Sign in first.");
  const metadata = requiredMetadata(input);
  const missing = metadata.filter(([, ok]) => !ok).map(([name]) => name);
  if (missing.length) throw new DomainError("VALIDATION_FAILED", `Required metadata missing: ${missing.join(", ")}.`, { missing });
  const natures: FourNatures = {
    ...input.natures,
    integrity: { ...input.natures.integrity, detail: `${input.natures.integrity.detail} Required metadata present: ${metadata.map(([name]) => name).join(", ")}.` },
  };
  const cls = await repo.findClass(t.db, input.classId);
  if (!cls) throw new DomainError("INVALID_REFERENCE", "The record class does not exist; choose one from the file plan.", { field: "classId" });
  if (input.departmentId && !(await findDepartment(t.db, input.departmentId))) {
    throw new DomainError("INVALID_REFERENCE", "The department does not exist.", { field: "departmentId" });
  }
  const links = input.links ?? [];
  await validateLinks(t, links);
  const now = t.clock.now();
  const seq = await repo.nextRecordSeq(t.db);
  const number = `R${today(t.clock).slice(0, 4)}-${String(seq).padStart(6, "0")}`;
  const paper = input.paper ?? {};
  const row: RecordRow = {
    id: newId("rec"),
    number,
    classId: cls.id,
    title: input.title,
    description: input.description ?? null,
    recordDate: input.recordDate,
    author: input.author,
    departmentId: input.departmentId ?? null,
    classification: input.classification,
    contentSha256: input.content?.sha256 ?? null,
    contentFilename: input.content?.filename ?? null,
    contentMediaType: input.content?.mediaType ?? null,
    contentSize: input.content?.size ?? null,
    paperRoom: paper.room ?? null,
    paperCabinet: paper.cabinet ?? null,
    paperBox: paper.box ?? null,
    sourceKind: input.sourceKind,
    sourceId: input.sourceId ?? null,
    natures,
    status: "active",
    triggerDate: null,
    dueOn: null,
    retainUntil: null,
    retainReason: null,
    searchText: [number, input.title, input.author, input.description, ...(input.searchExtra ?? [])].filter(Boolean).join(" "),
    declaredBy,
    declaredAt: now,
    updatedAt: now,
    disposedAt: null,
  };
  if (!row.contentSha256 && !paperLocation(paper)) {
    throw new DomainError("VALIDATION_FAILED", "A record needs electronic content (a file) or a paper location (archive room, cabinet or box).");
  }
  Object.assign(row, await retentionFor(t.db, row, cls, links));
  await repo.insertRecord(t.db, row);
  await repo.insertLinks(
    t.db,
    links.map((l) => ({ id: newId("rln"), recordId: row.id, kind: l.kind, targetId: l.targetId, label: l.label ?? null, createdBy: declaredBy, createdAt: now })),
  );
  const declared = row;
  audit(t, recordDeclared, row.id, {
      number,
      classId: cls.id,
      classCode: cls.code,
      title: row.title,
      recordDate: row.recordDate,
      author: row.author,
      classification: row.classification,
      content: input.content ?? null,
      paper: paperLocation(paper),
      source: { kind: row.sourceKind, id: row.sourceId },
      links,
      natures: {
        authenticity: natures.authenticity.status,
        integrity: natures.integrity.status,
        usability: natures.usability.status,
        security: natures.security.status,
      },
      triggerDate: declared.triggerDate,
      dueOn: declared.dueOn,
      ...input.auditExtra,
    });
  return declared;
}

/** The classification a declaration uses: the given one, else the class's default; never above the caller's clearance. */
function chooseClassification(p: Principal, given: Classification | undefined, classDefault: string): Classification {
  const level = given ?? (classDefault as Classification);
  if (!clearedFor(p.clearance, level)) throw new DomainError("NOT_FOUND", "A classification level you may use was not found.");
  return level;
}

/** Loads the uploaded file behind a declaration and checks its four natures. */
async function contentFor(
  ctx: ServiceContext,
  p: Principal,
  fileId: string,
  classification: Classification,
  provenance: string,
) {
  const file = await getFile(ctx, fileId);
  if (classificationRank(classification) < classificationRank(file.classification as Classification)) {
    throw new DomainError(
      "VALIDATION_FAILED",
      `The file is classified ${file.classification}; the record cannot be classified lower.`,
      { field: "classification" },
    );
  }
  const natures = await checkContentNatures(ctx, {
    sha256: file.sha256,
    size: file.size,
    provenance: { description: `${provenance}, uploaded by ${p.displayName} (${p.username}) as ${file.filename}` },
  });
  const content = { sha256: file.sha256, size: file.size, filename: file.filename, mediaType: formatMediaType[natures.format as keyof typeof formatMediaType] ?? file.mediaType };
  return { natures, content, fileId: file.id };
}

/** Declares a record from an uploaded file (or a paper original at a location). */
export async function declareRecord(ctx: ServiceContext, input: DeclareRecordInput): Promise<RecordRow> {
  const p = requireRole(ctx, ...RECORD_WRITE_ROLES);
  const cls = await repo.findClass(ctx.db, input.classId);
  if (!cls) throw new DomainError("INVALID_REFERENCE", "The record class does not exist; choose one from the file plan.", { field: "classId" });
  const classification = chooseClassification(p, input.classification, cls.defaultClassification);
  const paper = { room: input.paperRoom, cabinet: input.paperCabinet, box: input.paperBox };
  const provenance = "declared by hand";
  let natures: FourNatures;
  let content: NewRecord["content"] = null;
  let sourceId: string | null = null;
  if (input.fileId) {
    ({ natures, content, fileId: sourceId } = await contentFor(ctx, p, input.fileId, classification, provenance));
  } else {
    const location = paperLocation(paper);
    if (!location) {
      throw new DomainError("VALIDATION_FAILED", "Upload the file, or give the paper original's location (archive room, cabinet or box).", { field: "fileId" });
    }
    natures = paperNatures(ctx, { location, provenance: { description: `${provenance} by ${p.displayName}` } });
  }
  return inTransaction(ctx, (t) =>
    insertDeclaredRecord(t, {
      classId: cls.id,
      title: input.title,
      description: input.description,
      recordDate: input.recordDate,
      author: input.author,
      departmentId: input.departmentId,
      classification,
      content,
      paper,
      sourceKind: content ? "upload" : "paper",
      sourceId,
      natures,
      links: input.links,
    }),
  );
}

/**
 * Files an external document (行政决定, 司法判决, 律师函 …) as a record with its source kept:
 * issuer, reference number, date issued, date obtained (取得时间), how it arrived, who received it,
 * and the matter (case file, contract, IP asset). Filed into an open case, it is under the case's
 * legal hold at once.
 */
export async function declareExternalDocument(ctx: ServiceContext, input: ExternalDocumentInput): Promise<RecordRow> {
  const p = requireRole(ctx, ...LEGAL_ROLES, "ip-staff");
  if ((input.docType === "court-judgment" || input.docType === "administrative-decision") && !input.referenceNumber) {
    throw new DomainError("VALIDATION_FAILED", "A court judgment or administrative decision needs its reference number (案号/文号).", { field: "referenceNumber" });
  }
  if (input.obtainedOn < input.issuedOn) {
    throw new DomainError("VALIDATION_FAILED", "The date obtained cannot be before the date issued.", { field: "obtainedOn" });
  }
  if (input.obtainedOn > today(ctx.clock)) {
    throw new DomainError("VALIDATION_FAILED", "The date obtained cannot be in the future.", { field: "obtainedOn" });
  }
  const receivedBy = input.receivedBy ?? p.id;
  const receiver = await findUser(ctx.db, receivedBy);
  if (!receiver || !receiver.active) throw new DomainError("INVALID_REFERENCE", "The person who received it is not an active user.", { field: "receivedBy" });
  if (input.caseId) {
    const c = await repo.findCase(ctx.db, input.caseId);
    if (!c || !clearedFor(p.clearance, c.classification as Classification)) throw notFound("The case file");
  }
  const classId = input.classId ?? externalTypeClass[input.docType];
  const cls = await repo.findClass(ctx.db, classId);
  if (!cls) throw new DomainError("INVALID_REFERENCE", "The record class does not exist; choose one from the file plan.", { field: "classId" });
  const classification = chooseClassification(p, input.classification, cls.defaultClassification);
  const paper = { room: input.paperRoom, cabinet: input.paperCabinet, box: input.paperBox };
  const provenance = `${input.docType} from ${input.issuer}${input.referenceNumber ? ` (${input.referenceNumber})` : ""}, issued ${input.issuedOn}, obtained ${input.obtainedOn} by ${receiver.displayName} via ${input.arrivalMethod}${input.arrivalDetail ? ` (${input.arrivalDetail})` : ""}`;
  let natures: FourNatures;
  let content: NewRecord["content"] = null;
  if (input.fileId) {
    ({ natures, content } = await contentFor(ctx, p, input.fileId, classification, provenance));
  } else {
    const location = paperLocation(paper);
    if (!location) {
      throw new DomainError("VALIDATION_FAILED", "Upload the scan, or give the paper original's location (archive room, cabinet or box).", { field: "fileId" });
    }
    natures = paperNatures(ctx, { location, provenance: { description: provenance } });
  }
  const links: LinkInput[] = [
    ...(input.caseId ? [{ kind: "case" as const, targetId: input.caseId }] : []),
    ...(input.contractId ? [{ kind: "contract" as const, targetId: input.contractId }] : []),
    ...(input.ipAsset ? [{ kind: "ip-asset" as const, targetId: input.ipAsset, label: input.ipAsset }] : []),
  ];
  const external = {
    docType: input.docType,
    issuer: input.issuer,
    referenceNumber: input.referenceNumber ?? null,
    issuedOn: input.issuedOn,
    obtainedOn: input.obtainedOn,
    arrivalMethod: input.arrivalMethod,
    arrivalDetail: input.arrivalDetail ?? null,
    receivedBy,
    caseId: input.caseId ?? null,
    contractId: input.contractId ?? null,
    ipAsset: input.ipAsset ?? null,
  };
  return inTransaction(ctx, async (t) => {
    const record = await insertDeclaredRecord(t, {
      classId,
      title: input.title,
      description: input.description,
      recordDate: input.issuedOn,
      author: input.issuer,
      departmentId: input.departmentId,
      classification,
      content,
      paper,
      sourceKind: "external-document",
      natures,
      links,
      searchExtra: [input.issuer, input.referenceNumber, input.ipAsset],
      auditExtra: { external },
    });
    await repo.insertExternalDocument(t.db, { recordId: record.id, ...external });
    return record;
  });
}
