import type { ZodError } from "zod";
/**
 * Every error a caller can see has a stable code. This table is the only place a code meets an
 * HTTP status; services throw {@link DomainError} and never think about HTTP.
 */
export const errorStatus = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  REAUTH_FAILED: 401,
  CSRF_FAILED: 403,
  FORBIDDEN: 403,
  PASSWORD_CHANGE_REQUIRED: 403,
  AUDIT_GRANT_REQUIRED: 403,
  OUTSIDE_GRANT: 403,
  OWN_PROPOSAL: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  ALREADY_EXISTS: 409,
  INVALID_STATE: 409,
  UNDER_LEGAL_HOLD: 409,
  NOT_DUE: 409,
  IP_REVIEW_REQUIRED: 409,
  IN_USE: 409,
  INTEGRITY_FAILURE: 409,
  NOT_YOUR_TURN: 409,
  DOCUMENT_NOT_READ: 409,
  SIGNING_PIN_REQUIRED: 409,
  LINK_EXPIRED: 410,
  LINK_USED: 410,
  CONTENT_DESTROYED: 410,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  DIGEST_MISMATCH: 422,
  INVALID_REFERENCE: 422,
  UNPROCESSABLE: 422,
  NOT_A_PDF: 422,
  PDF_ENCRYPTED: 422,
  PDF_DAMAGED: 422,
  NO_SIGNATURES: 422,
  UNREADABLE_CONTENT: 422,
  BAD_ENCODING: 422,
  MISSING_COLUMNS: 422,
  CONVERSION_UNAVAILABLE: 422,
  TOO_MANY_ATTEMPTS: 429,
  INTERNAL: 500,
  TSA_UNAVAILABLE: 502,
  UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;

/** A failure the caller can understand and act on. `message` is written for a person. */
export class DomainError extends Error {
  override name = "DomainError";
  /** For VALIDATION_FAILED from a schema: zod's issues whole (code, limits), so a page can say them in the reader's language. */
  validationIssues?: readonly ValidationIssue[];
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  get status(): number {
    return errorStatus[this.code];
  }
}

/** Shorthand for the most common refusal: the object does not exist, or the caller may not know it does. */
export function notFound(what: string): DomainError {
  return new DomainError("NOT_FOUND", `${what} was not found.`);
}

/** People-readable messages for unique constraints, by constraint name. */
const uniqueMessages: Record<string, string> = {
  users_username_unique: "This username is already taken; choose another.",
  departments_code_unique: "A department with this code already exists.",
  record_classes_code_unique: "A record class with this code already exists; choose another code.",
  record_classes_template_id_unique: "Another record class already receives this template's signed documents.",
  contracts_number_unique: "A contract with this number is already in the register.",
  case_files_number_unique: "A case file with this number already exists.",
};

/**
 * Maps PostgreSQL error codes (from postgres.js or PGlite, possibly wrapped by drizzle) to domain
 * errors; anything else is returned unchanged.
 */
export function mapDatabaseError(err: unknown): unknown {
  if (err instanceof DomainError) return err;
  const pg = findPgError(err);
  if (!pg) return err;
  switch (pg.code) {
    case "23505":
      return new DomainError(
        "ALREADY_EXISTS",
        uniqueMessages[pg.constraint_name ?? pg.constraint ?? ""] ?? "An object with the same unique value already exists.",
        { constraint: pg.constraint_name ?? pg.constraint },
      );
    case "23503":
      return new DomainError("INVALID_REFERENCE", "The request refers to an object that does not exist.", {
        constraint: pg.constraint_name ?? pg.constraint,
      });
    case "23514":
      return new DomainError("VALIDATION_FAILED", "A value is outside what is allowed.", {
        constraint: pg.constraint_name ?? pg.constraint,
      });
    case "22P02":
      // invalid_text_representation: e.g. jsonb given a lone surrogate ("\udfff"), a number column given letters
      return new DomainError(
        "VALIDATION_FAILED",
        "A value is not in the form its field needs (for example text with a broken character, or letters where a number belongs).",
      );
    case "22021":
    case "22P05":
      return new DomainError("VALIDATION_FAILED", "A text value contains a character that cannot be stored (e.g. a NUL byte).");
    case "40001":
    case "40P01":
      return new DomainError("CONFLICT", "Another change happened at the same moment; try again.");
    default:
      return err;
  }
}

interface PgErrorLike {
  code: string;
  constraint_name?: string;
  constraint?: string;
}

function findPgError(err: unknown): PgErrorLike | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current && typeof current === "object"; depth++) {
    const c = current as { code?: unknown; cause?: unknown };
    if (typeof c.code === "string" && /^[0-9A-Z]{5}$/.test(c.code)) return c as PgErrorLike;
    current = c.cause;
  }
  return undefined;
}

/** A zod issue as kept for rendering: its code and limits (what zod v4 puts in `error.issues`). */
export type ValidationIssue = { path: readonly PropertyKey[]; message: string; code?: string } & Record<string, unknown>;

/** A zod failure as VALIDATION_FAILED, naming each field. */
export function validationError(err: ZodError): DomainError {
  const issues = err.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
  const first = issues[0];
  const e = new DomainError(
    "VALIDATION_FAILED",
    first ? `${first.path ? `${first.path}: ` : ""}${first.message}` : "The input is not valid.",
    { issues },
  );
  e.validationIssues = err.issues.map((i) => ({ ...i, path: i.path.map((p) => (typeof p === "symbol" ? String(p) : p)) }) as ValidationIssue);
  return e;
}
