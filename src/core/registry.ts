import type { OpenAPIHono } from "@hono/zod-openapi";
import { sql, type SQL } from "drizzle-orm";
import type { AppEnv } from "../http/env";
import { failClosed, type AccessPolicy } from "./access/policy";
import type { AuditEventType, Label } from "./audit/events";
import type { Principal } from "./auth/permissions";
import type { EvidenceSource } from "./evidence/source";
import type { RecordType } from "./items/define";
import type { JobDefinition } from "./jobs/define";
import type { LinkKind } from "./records/link-kinds";
import type { SignatureSource } from "./signatures/requests/source";
import type { ServiceContext } from "./context";
import type { WorkContribution } from "./work";

/**
 * What one area of Custos (a core area such as records, or a management-system module) plugs into
 * the core: the access policy of each object type it owns, its audit event types, what happens
 * when a signature request it started is signed, its evidence, its background jobs and the kinds
 * of link a record may carry to its objects. The core iterates these; it never switches on a kind.
 */
export interface Extension {
  /** A short name for messages ("records", "improvement" …). */
  readonly name: string;
  /** Its name for people (a module's, shown on its pages). */
  readonly title?: Label;
  readonly policies?: readonly AccessPolicy[];
  readonly events?: readonly AuditEventType<any>[];
  readonly signatureSources?: readonly SignatureSource[];
  readonly evidenceSources?: readonly EvidenceSource[];
  readonly jobs?: readonly JobDefinition<any>[];
  readonly linkKinds?: readonly LinkKind[];
  /** A module's record types: the core gives each storage, workflow, API, pages, records, evidence and audit. */
  readonly recordTypes?: readonly RecordType<any>[];
  /**
   * A module's own JSON routes (a coverage report, a measurement computed from live data …), mounted
   * under `/api/v1/m/<name>` beside its types' generated ones. They call the core's services, which
   * check the caller as always.
   */
  readonly routes?: () => OpenAPIHono<AppEnv>;
  /**
   * Work it has for the signed-in person beyond its record types' workflow steps (which the
   * dashboard lists already): a plan not yet made, a deadline of its own. Shown on the dashboard's
   * work list; it calls the core's services, which check the caller as always.
   */
  readonly workItems?: (ctx: ServiceContext) => Promise<WorkContribution>;
}

/** Thrown at start-up when two extensions claim the same kind of thing. */
export class RegistryError extends Error {
  override name = "RegistryError";
}

function indexBy<T>(what: string, items: { ext: string; item: T }[], key: (item: T) => string): Map<string, T> {
  const map = new Map<string, T>();
  const owner = new Map<string, string>();
  for (const { ext, item } of items) {
    const k = key(item);
    if (map.has(k)) throw new RegistryError(`${what} “${k}” is declared twice (by ${owner.get(k)} and ${ext}).`);
    map.set(k, item);
    owner.set(k, ext);
  }
  return map;
}

/** The registries of one running Custos, built once from its extensions. */
export class Registry {
  readonly extensions: readonly Extension[];
  private readonly policies: Map<string, AccessPolicy>;
  private readonly events: Map<string, AuditEventType<any>>;
  private readonly sourcesByKind: Map<string, SignatureSource>;
  private readonly jobs: Map<string, JobDefinition<any>>;
  private readonly linkKindsByName: Map<string, LinkKind>;
  private readonly recordTypesById: Map<string, RecordType<any>>;
  readonly evidenceSources: readonly EvidenceSource[];

  constructor(extensions: readonly Extension[]) {
    this.extensions = extensions;
    const all = <T>(pick: (e: Extension) => readonly T[] | undefined) => extensions.flatMap((e) => (pick(e) ?? []).map((item) => ({ ext: e.name, item })));
    this.policies = indexBy("The access policy of", all((e) => e.policies), (p) => p.objectType);
    this.events = indexBy("The audit event", all((e) => e.events), (e) => e.action);
    this.sourcesByKind = indexBy("The signature source", all((e) => e.signatureSources), (s) => s.kind);
    this.jobs = indexBy("The job", all((e) => e.jobs), (j) => j.kind);
    this.linkKindsByName = indexBy("The link kind", all((e) => e.linkKinds), (l) => l.kind);
    this.recordTypesById = indexBy("The record type", all((e) => e.recordTypes), (t) => t.id);
    this.evidenceSources = [...indexBy("The evidence source", all((e) => e.evidenceSources), (s) => s.kind).values()];
    for (const event of this.events.values()) {
      if (!event.label?.zh?.trim() || !event.label?.en?.trim()) {
        throw new RegistryError(`The audit event “${event.action}” has no label in both Chinese and English.`);
      }
      for (const objectType of [event.objectType, ...(event.alsoOn ?? [])]) {
        if (!this.policies.has(objectType)) {
          throw new RegistryError(`The audit event “${event.action}” names object type “${objectType}”, which has no access policy.`);
        }
      }
    }
  }

  policy(objectType: string): AccessPolicy | undefined {
    return this.policies.get(objectType);
  }

  /** The policy of an object type the caller owns; a missing one is a programming error. */
  requirePolicy(objectType: string): AccessPolicy {
    const policy = this.policies.get(objectType);
    if (!policy) throw new RegistryError(`No access policy is registered for “${objectType}”.`);
    return policy;
  }

  get objectTypes(): string[] {
    return [...this.policies.keys()];
  }

  auditEvent(action: string): AuditEventType<any> | undefined {
    return this.events.get(action);
  }

  get auditEvents(): AuditEventType<any>[] {
    return [...this.events.values()];
  }

  /** The actions of the events declared as reads (viewed, opened, downloaded …), which histories hide unless asked. */
  get readActions(): string[] {
    return [...this.events.values()].filter((e) => e.read).map((e) => e.action);
  }

  signatureSource(kind: string): SignatureSource | undefined {
    return this.sourcesByKind.get(kind);
  }

  get signatureSources(): SignatureSource[] {
    return [...this.sourcesByKind.values()];
  }

  job(kind: string): JobDefinition<any> | undefined {
    return this.jobs.get(kind);
  }

  get jobDefinitions(): JobDefinition<any>[] {
    return [...this.jobs.values()];
  }

  linkKind(kind: string): LinkKind | undefined {
    return this.linkKindsByName.get(kind);
  }

  get linkKinds(): LinkKind[] {
    return [...this.linkKindsByName.values()];
  }

  recordType(id: string): RecordType<any> | undefined {
    return this.recordTypesById.get(id);
  }

  get recordTypes(): RecordType<any>[] {
    return [...this.recordTypesById.values()];
  }

  get linkKindNames(): string[] {
    return [...this.linkKindsByName.keys()];
  }

  /**
   * In SQL: the object (`objectType`, `objectId`) is one `p` may see, by its type's policy. A type
   * without a policy fails closed: only administrators cleared top-secret see it.
   */
  objectVisible(p: Principal, objectType: SQL, objectId: SQL): SQL {
    const branches = [...this.policies.values()].map((policy) => sql`when ${policy.objectType} then ${policy.visibleId(p, objectId)}`);
    const otherwise = failClosed(p) ? sql`true` : sql`false`;
    if (branches.length === 0) return otherwise;
    return sql`(case ${objectType} ${sql.join(branches, sql` `)} else ${otherwise} end)`;
  }

  /** In SQL: the classification of the object (`objectType`, `objectId`), from its policy; null when its type has none. */
  objectClassification(objectType: SQL, objectId: SQL): SQL {
    const branches = [...this.policies.values()]
      .filter((policy) => policy.classificationOf)
      .map((policy) => sql`when ${policy.objectType} then ${policy.classificationOf!(objectId)}`);
    if (branches.length === 0) return sql`null::text`;
    return sql`(case ${objectType} ${sql.join(branches, sql` `)} else null::text end)`;
  }
}
