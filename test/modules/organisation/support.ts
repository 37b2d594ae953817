import type { Client } from "../../support/app";

/** An item as the generated API answers it. */
export interface Item {
  id: string;
  number: string;
  state: string;
  classification: string;
  pending: { action: string } | null;
  signatureRequestId: string | null;
  recordId: string | null;
  data: Record<string, any>;
}

export const api = {
  profile: "/api/v1/m/organisation/profile",
  policy: "/api/v1/m/organisation/policy",
  objective: "/api/v1/m/organisation/objective",
  measurement: "/api/v1/m/organisation/measurement",
  acknowledgement: "/api/v1/m/organisation/policy-acknowledgement",
};

/** Reads the request's document (signing needs it read first) and signs it with the password. */
export async function signAs(client: Client, requestId: string, password: string) {
  await client.readDocument(requestId);
  return client.post(`/api/v1/signature-requests/${requestId}/sign`, { pin: password, consent: true });
}
