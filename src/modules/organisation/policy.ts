import { defineRecordType } from "../../core/items/define";
import { date, longText, person, text } from "../../core/items/fields";

/**
 * The IP policy (4.2.1): drafted by the IP function, issued by the top manager's own signature
 * (the signed PDF becomes its record). Each issued policy is a revision; the latest issued one is
 * the current policy, which every member of staff acknowledges (see acknowledgement and coverage).
 */
export const policy = defineRecordType({
  id: "organisation.policy",
  numberPrefix: "POL",
  title: { zh: "知识产权方针", en: "IP policy" },
  clauses: ["4.2.1"],
  fields: {
    title: text({ zh: "标题", en: "Title" }, { maxLength: 200 }),
    revision: text({ zh: "版本", en: "Revision" }, { maxLength: 20 }),
    statement: longText({ zh: "方针内容", en: "Policy statement" }),
    effectiveOn: date({ zh: "发布日期", en: "Effective on" }),
    reviewBy: date({ zh: "下次评审日期", en: "Review by" }, { help: { zh: "方针应定期评审", en: "The policy is reviewed periodically" } }).optional(),
  },
  describe: (m) => ({ title: `${m.title}（${m.revision}）`, date: m.effectiveOn, dueOn: m.reviewBy, searchText: [m.statement] }),
  // posted for everyone to read and acknowledge
  classification: "public",
  retention: { code: "ORG-POLICY", period: "permanent", disposition: "permanent" },
  permissions: { create: ["ip-manager", "ip-staff"], read: ["admin", "top-manager", "ip-manager", "ip-staff", "legal", "employee"] },
  columns: ["revision", "effectiveOn", "reviewBy"],
  workflow: {
    initial: "draft",
    states: { draft: { zh: "草稿", en: "Draft" }, issued: { zh: "已发布", en: "Issued" } },
    final: ["issued"],
    transitions: [
      {
        action: "issue",
        label: { zh: "签发", en: "Issue" },
        from: "draft",
        to: "issued",
        roles: ["top-manager"],
        sign: [{ role: "top-manager", meaning: "approved" }],
      },
    ],
  },
});

/**
 * One person's acknowledgement of one revision of the policy: made only through the policy's
 * acknowledge route (which checks it is the current revision and the person's first), never
 * created directly. Kept as a record.
 */
export const policyAcknowledgement = defineRecordType({
  id: "organisation.policy-acknowledgement",
  numberPrefix: "ACK",
  title: { zh: "方针确认", en: "Policy acknowledgement" },
  clauses: ["4.2.1"],
  fields: {
    policyId: text({ zh: "方针", en: "Policy" }, { maxLength: 100 }).indexed(),
    revision: text({ zh: "版本", en: "Revision" }, { maxLength: 20 }),
    userId: person({ zh: "确认人", en: "Acknowledged by" }),
    acknowledgedOn: date({ zh: "确认日期", en: "Acknowledged on" }),
  },
  describe: (m) => ({ title: `方针确认 ${m.revision}`, date: m.acknowledgedOn, ownerId: m.userId, people: [m.userId], searchText: [m.policyId] }),
  classification: "public",
  retention: { code: "ORG-POLICY-ACK", period: { years: 10 }, disposition: "destroy" },
  permissions: { create: [], read: ["admin", "top-manager", "ip-manager", "ip-staff"] },
  columns: ["revision", "userId", "acknowledgedOn"],
});
