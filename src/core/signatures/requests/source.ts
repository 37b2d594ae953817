import type { SignatureRequestRow } from "../../../db/schema/signatures";
import type { TxContext } from "../../context";

/**
 * Where signature requests of one `sourceKind` come from, and what happens there as they are
 * signed: the area that started the request takes over inside the signing transaction. A request
 * of a kind nobody registered cannot be created.
 */
export interface SignatureSource {
  /** The request's `sourceKind` (`document-revision`, `contract`, `template` …). */
  readonly kind: string;
  /** The clause its requests evidence, as items of their own (a template's requests take the template's clause). */
  readonly clause?: string;
  /** Its requests are part of the object they came from (a revision's approval, a contract's signing), not evidence items of their own. */
  readonly partOfSource?: boolean;
  /** After each signature; `stepDone` when the last signer of a step of parallel signers signed. */
  readonly afterSignature?: (t: TxContext, request: SignatureRequestRow, stepDone: boolean) => Promise<void>;
  /** The last signer has signed. */
  readonly afterCompleted?: (t: TxContext, request: SignatureRequestRow) => Promise<void>;
  /** A signer declined, or the requester withdrew the request. */
  readonly afterClosed?: (t: TxContext, request: SignatureRequestRow) => Promise<void>;
}
