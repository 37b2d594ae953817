import { eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { caseFiles, externalDocuments, recordClasses, recordLinks, records } from "../../db/schema/records";
import type { Classification } from "../auth/permissions";
import type { EvidenceBranch, EvidenceEnv, EvidenceSource } from "../evidence/source";
import type { EvidenceItem } from "../evidence/types";
import { displayNames } from "../users/repo";
import { recordPolicy } from "./access";
import { recordStatusLabels } from "./vocabulary";

const involves = (person: string) =>
  sql`(${records.declaredBy} = ${person} or exists (select 1 from ${recordLinks} l where l.record_id = ${records.id} and l.kind = 'user' and l.target_id = ${person}))`;
const people = (id: SQL) =>
  sql`select declared_by as person from records where id = ${id} union all select target_id from record_links where record_id = ${id} and kind = 'user'`;
const byClauses = (numbers: SQL) => sql`${records.classId} = any(array(select id from record_classes where clause = any(${numbers})))`;
const isExternal = sql`exists (select 1 from external_documents x where x.record_id = ${records.id})`;
// a released revision's record is the revision itself; a contract's own records belong to the
// contract; a module item's record is the item
const ownedElsewhere = sql`${records.sourceKind} in ('contract','contract-review','document-revision','item')`;

function recordBranch({ access }: EvidenceEnv): EvidenceBranch {
  return {
    from: sql`${records} join record_classes cl on cl.id = ${records.classId}`,
    id: sql`${records.id}`,
    reference: sql`${records.number}`,
    title: sql`${records.title}`,
    clauses: sql`array[cl.clause]`,
    classification: sql`${records.classification}`,
    date: sql`${records.recordDate}`,
    state: sql`${records.status}`,
    department: sql`${records.departmentId}`,
    search: sql`${records.searchText}`,
    involves,
    people,
    byClauses,
    visible: sql`not ${ownedElsewhere} and not ${isExternal} and ${recordPolicy.rule(access.principal)}`,
    // the grant's classes, period and ceiling apply in the generic grant rule; the same record policy keeps a released revision's PDF to the grant's categories
    auditorExtra: sql`not ${ownedElsewhere} and not ${isExternal} and ${recordPolicy.rule(access.principal)}`,
  };
}


/** Records of the file plan (4.3.2.2 and the clause of each class), except those that belong to a revision or a contract. */
export const recordEvidence: EvidenceSource = {
  kind: "record",
  label: { zh: "记录", en: "Record" },
  states: recordStatusLabels,
  branch: recordBranch,
  clausesInUse: async (db) => (await db.selectDistinct({ clause: recordClasses.clause }).from(recordClasses)).map((r) => r.clause),
  load: (db, ids) => loadRecords(db, ids),
};

/** External documents (judgments, decisions, lawyer letters) with their source and the date obtained. */
export const externalDocumentEvidence: EvidenceSource = {
  kind: "external-document",
  label: { zh: "外来文件", en: "External document" },
  states: recordStatusLabels,
  branch: ({ access }) => ({
    from: sql`external_documents x join ${records} on ${records.id} = x.record_id join record_classes cl on cl.id = ${records.classId}`,
    id: sql`${records.id}`,
    reference: sql`${records.number}`,
    title: sql`${records.title}`,
    clauses: sql`array[cl.clause]`,
    classification: sql`${records.classification}`,
    date: sql`x.obtained_on`,
    state: sql`${records.status}`,
    department: sql`${records.departmentId}`,
    search: sql`${records.searchText}`,
    involves: (person) => sql`(x.received_by = ${person} or ${involves(person)})`,
    people: (id) => sql`${people(id)} union all select received_by from external_documents where record_id = ${id}`,
    byClauses,
    visible: recordPolicy.rule(access.principal),
    auditorExtra: recordPolicy.rule(access.principal),
  }),
  load: (db, ids) => loadRecords(db, ids),
};

async function loadRecords(db: Db, ids: string[]): Promise<EvidenceItem[]> {
  if (!ids.length) return [];
  const rows = await db
    .select({ rec: records, cl: recordClasses, x: externalDocuments, cs: caseFiles })
    .from(records)
    .innerJoin(recordClasses, eq(recordClasses.id, records.classId))
    .leftJoin(externalDocuments, eq(externalDocuments.recordId, records.id))
    .leftJoin(caseFiles, eq(caseFiles.id, externalDocuments.caseId))
    .where(inArray(records.id, ids));
  const links = await db.select().from(recordLinks).where(inArray(recordLinks.recordId, ids));
  const who = await displayNames(db, [...rows.flatMap(({ rec, x }) => [rec.declaredBy, x?.receivedBy ?? ""]), ...links.filter((l) => l.kind === "user").map((l) => l.targetId)]);
  return rows.map(({ rec, cl, x, cs }): EvidenceItem => {
    const mine = links.filter((l) => l.recordId === rec.id);
    const involved = [rec.declaredBy, x?.receivedBy, ...mine.filter((l) => l.kind === "user").map((l) => l.targetId)].filter((v): v is string => !!v);
    return {
      kind: x ? "external-document" : "record",
      id: rec.id,
      reference: rec.number,
      title: rec.title,
      clauses: [cl.clause],
      classification: rec.classification as Classification,
      date: x?.obtainedOn ?? rec.recordDate,
      state: rec.status,
      people: [...new Set(involved)].map((id) => ({ id, displayName: who.get(id) ?? id })),
      departmentIds: rec.departmentId ? [rec.departmentId] : [],
      files:
        rec.contentSha256 && rec.status === "active"
          ? [{ role: "record", sha256: rec.contentSha256, size: rec.contentSize, filename: rec.contentFilename ?? `${rec.number}`, mediaType: rec.contentMediaType ?? "application/octet-stream" }]
          : [],
      metadata: {
        number: rec.number,
        recordClass: {
          code: cl.code,
          name: cl.name,
          retention: cl.retentionUnit === "permanent" ? "permanent" : `${cl.retentionAmount} ${cl.retentionUnit}`,
          trigger: cl.trigger,
          disposition: cl.disposition,
        },
        recordDate: rec.recordDate,
        author: rec.author,
        custody: { electronic: !!rec.contentSha256, paperRoom: rec.paperRoom, paperCabinet: rec.paperCabinet, paperBox: rec.paperBox },
        natures: rec.natures,
        status: rec.status,
        dueOn: rec.dueOn,
        declaredAt: rec.declaredAt,
        declaredBy: who.get(rec.declaredBy),
        links: mine.map((l) => ({ kind: l.kind, targetId: l.targetId, label: l.label })),
        ...(x
          ? {
              external: {
                type: x.docType,
                issuer: x.issuer,
                referenceNumber: x.referenceNumber,
                issuedOn: x.issuedOn,
                obtainedOn: x.obtainedOn,
                arrival: x.arrivalMethod,
                arrivalDetail: x.arrivalDetail,
                receivedBy: who.get(x.receivedBy),
                case: cs ? { number: cs.number, title: cs.title, status: cs.status } : null,
                contractId: x.contractId,
                ipAsset: x.ipAsset,
              },
            }
          : {}),
      },
      auditObjects: [{ type: "record", id: rec.id }, ...(cs ? [{ type: "case", id: cs.id }] : [])],
    };
  });
}
