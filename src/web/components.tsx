import type { FC } from "hono/jsx";
import { CLASSIFICATIONS, classificationLabels } from "../core/auth/permissions";
import { pick } from "./i18n";
import type { PageContext } from "./layout";

/** A select of the five classification levels in the page's language; `blank` adds an "any" option first. */
export const ClassificationSelect: FC<{ page: PageContext; name?: string; value?: string; blank?: string }> = ({
  page,
  name = "classification",
  value,
  blank,
}) => (
  <select name={name}>
    {blank !== undefined && <option value="">{blank}</option>}
    {CLASSIFICATIONS.map((c) => (
      <option value={c} selected={value === c}>
        {pick(page.locale, classificationLabels[c])}
      </option>
    ))}
  </select>
);
