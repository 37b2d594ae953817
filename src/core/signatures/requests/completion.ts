import type { SignatureRequestRow } from "../../../db/schema/signatures";
import type { TxContext } from "../../context";

/**
 * What happens when the last signer has signed, inside the same transaction: the module a request
 * came from takes over (a signed template becomes a record, an approved revision becomes approved,
 * a signed contract is filed …). Each module adds its case here; the signature core knows nothing
 * of documents, records or contracts otherwise.
 */
export async function afterRequestCompleted(t: TxContext, request: SignatureRequestRow): Promise<void> {
  switch (request.sourceKind) {
    default:
      return;
  }
}
