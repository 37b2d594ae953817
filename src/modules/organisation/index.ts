import { defineModule } from "../../core/items/define";
import { measurement, objective } from "./objective";
import { policy, policyAcknowledgement } from "./policy";
import { organisationProfile } from "./profile";
import { organisationRoutes } from "./routes";

/**
 * 4.1–4.2: the organisation's profile (its name, carried by certificates, PDFs and packages),
 * the IP policy issued by the top manager and acknowledged by all staff, and the IP objectives
 * cascaded to departments, measured by hand or by indicators, with their status and evaluation.
 */
export const organisationModule = defineModule({
  name: "organisation",
  title: { zh: "方针与目标", en: "Policy and objectives" },
  recordTypes: [organisationProfile, policy, policyAcknowledgement, objective, measurement],
  extension: { routes: organisationRoutes },
});
