import type { Label } from "../audit/events";
import type { Classification, Principal, Role } from "../auth/permissions";
import type { TxContext } from "../context";
import type { Extension } from "../registry";
import type { Meaning } from "../signatures/sign-pdf";
import type { Field, RowOf } from "./fields";

/** A value of an item as the workflow sees it: its metadata and its typed columns. */
export interface ItemState<M> {
  id: string;
  number: string;
  state: string;
  data: M;
  createdBy: string;
  ownerId: string | null;
  /** How secret it is: what it may show of other things (a review compiled from items no more secret than itself), and the least an item an effect makes from it is classified. */
  classification: Classification;
}

/** What an item is, for lists, search, evidence and access: derived from its metadata. */
export interface ItemDescription {
  title: string;
  /** YYYY-MM-DD: what places the item in a period. */
  date: string;
  dueOn?: string | null;
  ownerId?: string | null;
  departmentId?: string | null;
  /** Everyone the item concerns (they may read it). */
  people?: (string | null | undefined)[];
  /** More words search should find. */
  searchText?: (string | null | undefined)[];
}

/** Who signs a transition: the person taking it (holding `role`), or the person named in a field. */
export interface SignerSpec<M> {
  meaning: Meaning;
  /** The person named in this field signs (and must hold `role`, if given). */
  person?: keyof M & string;
  /** The person who takes the action signs and must hold this role (without `person`). */
  role?: Role;
  /** This person may not be the one named in that field (or "actor", who took the action). */
  notThe?: (keyof M & string) | "actor" | "creator";
  /** Signers with the same step sign in parallel (default: one after another). */
  step?: number;
}

/** One move of the workflow. */
export interface Transition<M> {
  action: string;
  label: Label;
  from: string | readonly string[];
  to: string;
  /** Who may take it: holders of these roles … */
  roles?: readonly Role[];
  /** … or the person named in this field (or the item's creator / owner). */
  by?: (keyof M & string) | "creator" | "owner";
  /** Fields entered when taking it (they become part of the metadata). */
  inputs?: readonly (keyof M & string)[];
  /** Fields that must be set once it is taken. */
  requires?: readonly (keyof M & string)[];
  /** A comment is required (e.g. why something is rejected). */
  comment?: "required" | "optional";
  /** Signatures that complete it: the item's PDF is signed by these people, then the state changes. */
  sign?: readonly SignerSpec<M>[];
  /**
   * Refuses the transition with a message a person understands, or null to allow it. It may look
   * things up (through the core's services, with `t`), e.g. "no auditor audits their own department".
   */
  guard?: (item: ItemState<M>, actor: Principal, next: M, t: TxContext) => string | null | Promise<string | null>;
  /**
   * Computes metadata from live data when it is taken (inside its transaction; uses core services only,
   * e.g. `itemsWithValue`), and may record who took it (`actor`), e.g. the implementer of an action.
   */
  compute?: (t: TxContext, item: ItemState<M>, next: M, actor: Principal) => Promise<Partial<M>>;
  /**
   * Runs once the item has moved (inside the same transaction), e.g. a management review's decisions
   * become corrective actions: create items with `createItemIn`, link them with `addItemLinkIn`, and
   * so on, on behalf of `by`, who took the step.
   */
  effect?: (t: TxContext, item: ItemState<M>, by: string) => Promise<void>;
  /** Something is due this long after it (e.g. the effectiveness review 90 days after implementation): sets the due date. */
  dueAfter?: { days: number };
}

/** The states and moves of a record type. */
export interface Workflow<M> {
  initial: string;
  states: Record<string, Label>;
  /** States after which nothing more happens: reaching one declares the item's record. */
  final: readonly string[];
  /** States in which the metadata may still be edited (default: the initial state). */
  editable?: readonly string[];
  transitions: readonly Transition<M>[];
}

/** How long the records of a type are kept (it becomes a built-in class of the file plan). */
export interface RetentionSpec {
  code: string;
  name?: Label;
  period: { years: number } | { months: number } | "permanent";
  disposition: "destroy" | "review" | "transfer" | "permanent";
}

/**
 * A record type: a declaration from which the core gives storage, versions, the workflow, the
 * API, pages, signing, the record at the end with its retention, access control, search,
 * evidence and audit.
 */
export interface RecordType<F extends Record<string, Field<any>> = Record<string, Field<any>>> {
  /** `<module>.<type>`, e.g. `improvement.corrective-action`. */
  id: string;
  /** Numbers of this type start with it: CA-2026-0001. */
  numberPrefix: string;
  title: Label;
  /** What it is for, in a sentence. */
  description?: Label;
  /** The clause numbers it evidences (e.g. "13.5"); the first is its record class's clause. */
  clauses: readonly [string, ...string[]];
  fields: F;
  describe: (m: RowOf<F>) => ItemDescription;
  classification: Classification;
  retention: RetentionSpec;
  permissions: {
    /** Who may create items of this type. */
    create: readonly Role[];
    /** Who reads every item of this type (besides the people an item concerns). Default: admin, top manager, IP manager and staff. */
    read?: readonly Role[];
  };
  /** Fields shown as columns of the register. */
  columns?: readonly (keyof F & string)[];
  workflow?: Workflow<RowOf<F>>;
}

/** Declares a record type (keeps its field types for the workflow's checks). */
export function defineRecordType<F extends Record<string, Field<any>>>(spec: RecordType<F>): RecordType<F> {
  return spec;
}

/** A management-system module: its record types, and anything else it registers (jobs, indicators …). */
export interface Module {
  /** The first part of its types' ids and of its URLs (`/m/<name>/…`). */
  name: string;
  title: Label;
  recordTypes: readonly RecordType<any>[];
  /** Whatever else it plugs into the core (jobs, link kinds, evidence …). */
  extension?: Omit<Extension, "name">;
}

/** Declares a module. */
export function defineModule(spec: Module): Module {
  for (const type of spec.recordTypes) {
    if (!type.id.startsWith(`${spec.name}.`)) throw new Error(`Record type ${type.id} must start with its module's name (${spec.name}.).`);
  }
  return spec;
}

/** The roles that read every item of a type unless it says otherwise. */
export const DEFAULT_READ_ROLES: readonly Role[] = ["admin", "top-manager", "ip-manager", "ip-staff"];

/** The type's short name in URLs: `improvement.corrective-action` → module `improvement`, type `corrective-action`. */
export function splitTypeId(id: string): { module: string; type: string } {
  const dot = id.indexOf(".");
  return { module: id.slice(0, dot), type: id.slice(dot + 1) };
}

