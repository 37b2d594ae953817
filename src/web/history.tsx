import { formatTime } from "../lib/time";
import type { Child, FC } from "hono/jsx";
import type { AuditEventType, Label } from "../core/audit/events";
import { classificationLabels, type Classification } from "../core/auth/permissions";
import type { ServiceContext } from "../core/context";
import { displayNamesOf } from "../core/users/service";
import type { AuditEventRow } from "../db/schema/audit";
import { FIELD_LABELS, OBJECT_LABELS, OBJECT_PAGES } from "./history-labels";
import { pick } from "./i18n";
import type { PageContext } from "./layout";

/** One audit event as histories show it (from an audit row, or a service's history entry). */
export interface HistoryEvent {
  seq: number;
  at: Date | string;
  actor: string;
  /** Who acted, when a person did (their name is shown instead of their user name). */
  actorId?: string | null;
  action: string;
  objectType?: string;
  objectId?: string;
  data: unknown;
  hash?: string;
  ip?: string | null;
}

/** One line of a history, in words. */
export interface HistoryLine {
  key: string | number;
  at: Date | string;
  actor: string;
  /** What happened, in words. */
  event: string;
  /** What it happened to, when the history spans several objects. */
  target?: { text: string; title: string; href: string };
  /** Fields that changed, named in words, with their values before and after (shortened). */
  changes: { field: string; before: ShortValue; after: ShortValue }[];
  /** Other things worth reading (reason, revision, file name …), named in words. */
  facts: { field: string; value: ShortValue }[];
  /** Free text (a comment) shown as written. */
  note?: string | null;
  read?: boolean;
  /** Behind "technical details": the event code, sequence, hash and raw data. */
  technical?: { code: string; seq: number; hash?: string; ip?: string | null; data: unknown };
}

/** A value shortened for a table cell, with the whole of it for a tooltip when it was cut. */
export interface ShortValue {
  text: string;
  title?: string;
  /** Shown instead of `text` when the caller renders the value itself (a record type's field). */
  node?: Child;
}

/** Turns audit rows into {@link HistoryEvent}s. */
export const historyOfRows = (rows: readonly AuditEventRow[]): HistoryEvent[] =>
  rows.map((e) => ({ seq: e.seq, at: e.occurredAt, actor: e.actorLabel, actorId: e.actorId, action: e.action, objectType: e.objectType, objectId: e.objectId, data: e.data, hash: e.hash, ip: e.ip }));

/** The events with each person who acted named by their name (the trail keeps their user name). */
export async function withActorNames<E extends { actor: string; actorId?: string | null }>(ctx: ServiceContext, events: readonly E[]): Promise<E[]> {
  const names = await displayNamesOf(ctx, events.map((e) => e.actorId ?? ""));
  return events.map((e) => (e.actorId && names.has(e.actorId) ? { ...e, actor: names.get(e.actorId)! } : e));
}

/**
 * The time of a history line: the one place histories format a time (China time, to the
 * minute).
 */
/** When an event happened, in the configured zone and labelled (the one time formatter). */
export const historyTime = (d: Date | string, locale: PageContext["locale"]) => formatTime(d, locale);

/** Bookkeeping fields a creation's "after" carries that say nothing to a reader (the event has the time and the actor). */
const HIDDEN_ON_CREATE = new Set(["id", "createdAt", "updatedAt", "createdBy", "updatedBy", "searchText", "ownerId"]);

const HASH = /^[0-9a-f]{40,}$/i;
const MAX = 60;

function shorten(text: string): ShortValue {
  if (HASH.test(text)) return { text: `${text.slice(0, 12)}…`, title: text };
  if (text.length > MAX) return { text: `${text.slice(0, MAX - 1)}…`, title: text };
  return { text };
}

function plain(page: PageContext, field: string, v: unknown): string {
  if (v === undefined || v === null || v === "") return "—";
  if (typeof v === "boolean") return page.t(v ? "hist_yes" : "hist_no");
  if (typeof v === "number") return String(v);
  if (typeof v === "string") {
    if ((field === "classification" || field === "maxClassification" || field === "clearance") && v in classificationLabels) return pick(page.locale, classificationLabels[v as Classification]);
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v)) return historyTime(v, page.locale);
    return v;
  }
  if (v instanceof Date) return historyTime(v, page.locale);
  if (Array.isArray(v)) return v.length ? v.map((x) => plain(page, field, x)).join("、") : "—";
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (typeof o.displayName === "string") return o.displayName;
    if (typeof o.name === "string" && Object.keys(o).length <= 2) return o.name;
    return Object.entries(o)
      .filter(([, x]) => x !== null && x !== undefined && x !== "")
      .map(([k, x]) => `${fieldName(page, k)}: ${plain(page, k, x)}`)
      .join("; ");
  }
  return String(v);
}

/** A value in words, shortened (long text and hashes are cut, the whole kept for a tooltip). */
export function shortValue(page: PageContext, field: string, v: unknown): ShortValue {
  return shorten(plain(page, field, v));
}

/** A field's name in words: the event's own name for it, a common one, or the field's name. */
export function fieldName(page: PageContext, field: string, own?: Readonly<Record<string, Label>>): string {
  const label = own?.[field] ?? FIELD_LABELS[field];
  return label ? pick(page.locale, label) : field;
}

/** An object type's name in words. */
export function objectTypeName(page: PageContext, type: string): string {
  const label = OBJECT_LABELS[type];
  return label ? pick(page.locale, label) : type;
}

const asObject = (v: unknown): Record<string, unknown> | null => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null);
const isShort = (v: unknown) => v === null || ["string", "number", "boolean"].includes(typeof v) || (Array.isArray(v) && v.every((x) => x === null || typeof x !== "object"));

/** What the history says of an event: its name, its changes and facts in words, its raw form for the technical details. */
export function describeEvent(page: PageContext, e: HistoryEvent, options: { target?: boolean } = {}): HistoryLine {
  const type: AuditEventType<any> | undefined = page.eventType(e.action);
  const data = asObject(e.data) ?? {};
  const before = asObject(data.before);
  const after = asObject(data.after);
  const changed = asObject(data.changes);
  const changes: HistoryLine["changes"] = [];
  const name = (k: string) => fieldName(page, k, type?.fields);
  if (before || after) {
    const empty = (v: unknown) => v === null || v === undefined || v === "" || (Array.isArray(v) && v.length === 0) || (typeof v === "object" && v !== null && Object.keys(v).length === 0);
    for (const k of new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])) {
      // a creation (no before) lists what was set, not every empty field
      if (!before && (empty(after?.[k]) || HIDDEN_ON_CREATE.has(k))) continue;
      changes.push({ field: name(k), before: before ? shortValue(page, k, before[k]) : { text: "—" }, after: after ? shortValue(page, k, after[k]) : { text: "—" } });
    }
  } else if (changed) {
    for (const [k, v] of Object.entries(changed)) {
      const pair = asObject(v);
      if (pair && ("before" in pair || "after" in pair)) changes.push({ field: name(k), before: shortValue(page, k, pair.before), after: shortValue(page, k, pair.after) });
      else changes.push({ field: name(k), before: { text: "—" }, after: shortValue(page, k, v) });
    }
  }
  if (typeof data.from === "string" && typeof data.to === "string" && !before && !after) {
    changes.unshift({ field: page.t("hist_stateField"), before: shorten(data.from), after: shorten(data.to) });
  }
  const facts: HistoryLine["facts"] = [];
  for (const [k, v] of Object.entries(data)) {
    if (["before", "after", "changes", "from", "to", "comment"].includes(k)) continue;
    if (!(type?.fields?.[k] ?? FIELD_LABELS[k]) || !isShort(v) || v === null || v === "") continue;
    facts.push({ field: name(k), value: shortValue(page, k, v) });
  }
  const target =
    options.target && e.objectType && e.objectId
      ? {
          text: `${objectTypeName(page, e.objectType)} ${e.objectId.length > 10 ? `${e.objectId.slice(0, 8)}…` : e.objectId}`,
          title: e.objectId,
          href: OBJECT_PAGES[e.objectType]?.(e.objectId) ?? `/audit?objectType=${encodeURIComponent(e.objectType)}&objectId=${encodeURIComponent(e.objectId)}`,
        }
      : undefined;
  return {
    key: e.seq,
    at: e.at,
    actor: e.actor,
    event: type ? pick(page.locale, type.label) : page.t("hist_unknown"),
    target,
    changes,
    facts,
    note: typeof data.comment === "string" ? data.comment : null,
    read: type?.read ?? false,
    technical: { code: e.action, seq: e.seq, hash: e.hash, ip: e.ip, data: e.data },
  };
}

/** Splits events into those shown and the reads hidden (unless reads are asked for). */
export function withoutReads<E extends { action: string }>(page: PageContext, events: readonly E[], showReads: boolean): { shown: E[]; hidden: number } {
  if (showReads) return { shown: [...events], hidden: 0 };
  const shown = events.filter((e) => !page.eventType(e.action)?.read);
  return { shown, hidden: events.length - shown.length };
}

/** Whether the page was asked to show reads (`?reads=1`). */
export const readsAsked = (page: PageContext) => new URLSearchParams(page.search).get("reads") === "1";

/** The lines of a history already loaded whole (a record's, a contract's …): reads left out unless asked for. */
export function historyLines(page: PageContext, events: readonly HistoryEvent[]): { lines: HistoryLine[]; reads: { shown: boolean; hidden: number } } {
  const shown = readsAsked(page);
  const kept = withoutReads(page, events, shown);
  return { lines: kept.shown.map((e) => describeEvent(page, e)), reads: { shown, hidden: kept.hidden } };
}

/** Whether the request asked for reads (`?reads=1`). */
export const wantsReads = (query: (name: string) => string | undefined) => query("reads") === "1";

/** The link that shows or hides reads on the current page, keeping its other parameters. */
function readsHref(page: PageContext, show: boolean): string {
  const params = new URLSearchParams(page.search);
  params.delete("before");
  if (show) params.set("reads", "1");
  else params.delete("reads");
  const q = params.toString();
  return `${page.path}${q ? `?${q}` : ""}#history`;
}

const Short: FC<{ v: ShortValue }> = ({ v }) => (v.node !== undefined ? <>{v.node}</> : <span title={v.title}>{v.text}</span>);

/**
 * A history in words: when, who, what happened, to what (when `target`), and what changed as a
 * before → after table; the event code and raw data only behind "technical details". Reads are
 * left out unless asked for (`reads`), with a link to show or hide them and how many were hidden.
 */
export const History: FC<{
  page: PageContext;
  lines: HistoryLine[];
  reads?: { shown: boolean; hidden: number };
  target?: boolean;
  testId?: string;
}> = ({ page, lines, reads, target, testId = "history" }) => {
  const { t } = page;
  return (
    <div class="history-block" id="history">
      {reads && (
        <p class="muted" data-testid="reads-toggle">
          {reads.shown ? t("hist_readsShown") : t("hist_hiddenReads", { n: reads.hidden })}{" "}
          <a href={readsHref(page, !reads.shown)}>{reads.shown ? t("hist_hideReads") : t("hist_showReads")}</a>
        </p>
      )}
      {lines.length === 0 ? (
        <p class="muted">{t("hist_none")}</p>
      ) : (
        <table class="history" data-testid={testId}>
          <thead>
            <tr>
              <th class="when">{t("hist_when")}</th>
              <th class="who">{t("hist_who")}</th>
              <th class="what">{t("hist_event")}</th>
              {target && <th class="target">{t("hist_target")}</th>}
              <th>{t("hist_changes")}</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((h) => (
              <tr data-read={h.read ? "1" : undefined}>
                <td class="when">{historyTime(h.at, page.locale)}</td>
                <td class="who">{h.actor}</td>
                <td class="what">
                  {h.event}
                  {h.read && <span class="tag">{t("hist_read")}</span>}
                </td>
                {target && <td class="target">{h.target && <a href={h.target.href} title={h.target.title}>{h.target.text}</a>}</td>}
                <td>
                  {h.changes.length > 0 && (
                    <table class="compact" data-testid="before-after">
                      <thead>
                        <tr>
                          <th>{t("hist_field")}</th>
                          <th>{t("hist_before")}</th>
                          <th>{t("hist_after")}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {h.changes.map((c) => (
                          <tr>
                            <td>{c.field}</td>
                            <td class="muted">
                              <Short v={c.before} />
                            </td>
                            <td>
                              <Short v={c.after} />
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  )}
                  {h.facts.length > 0 && (
                    <ul class="facts-inline">
                      {h.facts.map((f) => (
                        <li>
                          {f.field}: <Short v={f.value} />
                        </li>
                      ))}
                    </ul>
                  )}
                  {h.note && <div class="prewrap">{h.note}</div>}
                  {h.technical && (
                    <details class="technical">
                      <summary>{t("hist_technical")}</summary>
                      <dl class="facts">
                        <dt>{t("hist_code")}</dt>
                        <dd>
                          <code>{h.technical.code}</code>
                        </dd>
                        <dt>{t("hist_seq")}</dt>
                        <dd>{h.technical.seq}</dd>
                        {h.technical.hash && (
                          <>
                            <dt>{t("hist_hash")}</dt>
                            <dd>
                              <code class="hash">{h.technical.hash}</code>
                            </dd>
                          </>
                        )}
                        {h.technical.ip && (
                          <>
                            <dt>{t("hist_from")}</dt>
                            <dd>{h.technical.ip}</dd>
                          </>
                        )}
                      </dl>
                      <pre class="json">{JSON.stringify(h.technical.data, null, 1)}</pre>
                    </details>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
};
