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

/**
 * A select of departments ("code · name", the English name on English pages where there is one);
 * `blank` is the label of the empty first option ("any", "none" or "—").
 */
export const DepartmentSelect: FC<{
  page: PageContext;
  name: string;
  departments: { id: string; code: string; name: string; nameEn?: string | null }[];
  value?: string | null;
  blank: string;
}> = ({ page, name, departments, value, blank }) => (
  <select name={name}>
    <option value="">{blank}</option>
    {departments.map((d) => (
      <option value={d.id} selected={value === d.id}>
        {d.code} · {page.locale === "en" && d.nameEn ? d.nameEn : d.name}
      </option>
    ))}
  </select>
);
