import { sql, type SQL } from "drizzle-orm";

/** postgres.js returns an array, PGlite an object with `rows`; this reads both. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/** A text array as one bound parameter (`$1::text[]`): never spliced into the SQL text. */
export function textArray(values: readonly string[]): SQL {
  return sql`${sql.param([...values])}::text[]`;
}
