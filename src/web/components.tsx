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

/**
 * Previous / next links under a register that shows `limit` rows from `offset` of `total`; each
 * link keeps the register's filters (`query`). Nothing is shown when everything fits on one page.
 */
export const Pager: FC<{ page: PageContext; path: string; query: Record<string, string>; total: number; offset: number; limit: number }> = ({
  page,
  path,
  query,
  total,
  offset,
  limit,
}) => {
  if (total <= limit && offset === 0) return null;
  const href = (o: number) => `${path}?${new URLSearchParams({ ...query, offset: String(o) }).toString()}`;
  return (
    <nav class="pager" data-testid="pager">
      {offset > 0 && <a href={href(Math.max(0, offset - limit))} rel="prev">{page.t("pager_previous")}</a>}{" "}
      <span>{page.t("pager_range", { from: Math.min(total, offset + 1), to: Math.min(total, offset + limit), total })}</span>{" "}
      {offset + limit < total && <a href={href(offset + limit)} rel="next">{page.t("pager_next")}</a>}
    </nav>
  );
};
