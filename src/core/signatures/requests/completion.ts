import type { SignatureRequestRow } from "../../../db/schema/signatures";
import type { TxContext } from "../../context";
import type { SignatureSource } from "./source";

/** The source that started a request; a request of an unregistered kind is a programming error. */
export function signatureSourceOf(t: Pick<TxContext, "registry">, kind: string): SignatureSource {
  const source = t.registry.signatureSource(kind);
  if (!source) throw new Error(`No signature source “${kind}” is registered.`);
  return source;
}

/**
 * Where the area a request came from takes over, inside the signing transaction: after each
 * signature, when the last signer has signed, and when the request is declined or withdrawn. The
 * signature core knows nothing of documents, records or contracts: each registers its source.
 */
export async function afterSignature(t: TxContext, request: SignatureRequestRow, stepDone: boolean): Promise<void> {
  await signatureSourceOf(t, request.sourceKind).afterSignature?.(t, request, stepDone);
}

/** The last signer has signed. */
export async function afterRequestCompleted(t: TxContext, request: SignatureRequestRow): Promise<void> {
  await signatureSourceOf(t, request.sourceKind).afterCompleted?.(t, request);
}

/** A signer declined, or the requester withdrew the request. */
export async function afterRequestClosed(t: TxContext, request: SignatureRequestRow): Promise<void> {
  await signatureSourceOf(t, request.sourceKind).afterClosed?.(t, request);
}
