import type { Extension } from "../registry";
import { archiveTimestampJob } from "./archive-renewal";
import { signatureEvents } from "./events";
import { signatureRequestEvidence } from "./evidence";
import { signingRemindersJob } from "./requests/reminders";
import { signatureRequestPolicy } from "./requests/view";

/** E-signatures: requests, the ceremony, certificates and verification. */
export const signaturesExtension: Extension = {
  name: "signatures",
  events: signatureEvents,
  policies: [signatureRequestPolicy],
  // a PDF someone uploaded and sent for signing: nothing happens elsewhere when it is signed
  signatureSources: [{ kind: "file" }],
  evidenceSources: [signatureRequestEvidence],
  jobs: [signingRemindersJob, archiveTimestampJob],
};
