import type { FC } from "hono/jsx";
import { pick } from "../i18n";
import { Layout, type PageContext } from "../layout";

/** The OpenAPI tags in words; a tag not listed here (a module's) is shown as it is. */
const TAG_NAMES: Record<string, { zh: string; en: string }> = {
  auth: { zh: "登录与令牌", en: "Sign-in and tokens" },
  users: { zh: "用户", en: "Users" },
  organisation: { zh: "组织与部门", en: "Organisation and departments" },
  documents: { zh: "受控文件", en: "Controlled documents" },
  signatures: { zh: "电子签名", en: "E-signatures" },
  contracts: { zh: "合同", en: "Contracts" },
  records: { zh: "记录", en: "Records" },
  "external documents": { zh: "外来文件", en: "External documents" },
  "file plan": { zh: "归档方案（记录类别）", en: "File plan (record classes)" },
  retention: { zh: "保存期限", en: "Retention" },
  disposal: { zh: "到期处置", en: "Disposal" },
  "legal holds": { zh: "法律保全", en: "Legal holds" },
  cases: { zh: "案件", en: "Cases" },
  import: { zh: "批量导入", en: "Bulk import" },
  fixity: { zh: "完整性校验", en: "Fixity checks" },
  files: { zh: "文件", en: "Files" },
  templates: { zh: "文书模板", en: "Templates" },
  audit: { zh: "审计追踪", en: "Audit trail" },
  "audit retrieval": { zh: "审核取证", en: "Audit retrieval" },
  modules: { zh: "模块", en: "Modules" },
  improvement: { zh: "改进模块（审核、不符合、纠正措施、管理评审）", en: "Improvement module (audits, nonconformities, corrective actions, management review)" },
  other: { zh: "其他", en: "Other" },
};

interface Operation {
  method: string;
  path: string;
  summary?: string;
  tags?: string[];
  parameters?: { name: string; in: string; required?: boolean; description?: string }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string }>;
}

/**
 * The API reference rendered on the server from /api/openapi.json (no script from a CDN, so it
 * works offline and inside closed networks).
 */
export const ApiDocsPage: FC<{ page: PageContext; title: string; operations: Operation[] }> = ({ page, title, operations }) => {
  const groups = new Map<string, Operation[]>();
  for (const op of operations) {
    const tag = op.tags?.[0] ?? "other";
    groups.set(tag, [...(groups.get(tag) ?? []), op]);
  }
  return (
    <Layout page={page} title={title}>
      <h1>{title}</h1>
      <p>
        OpenAPI: <a href="/api/openapi.json">/api/openapi.json</a>. {page.t("api_auth")} <code>Authorization: Bearer cat_…</code>
        {page.t("api_authOr")} <code>X-CSRF-Token</code>
        {page.t("api_authEnd")}
      </p>
      <p class="muted">{page.t("api_summaries")}</p>
      {[...groups.entries()].map(([tag, ops]) => (
        <section class="card">
          <h2>{TAG_NAMES[tag] ? pick(page.locale, TAG_NAMES[tag]) : tag}</h2>
          <table>
            <tbody>
              {ops.map((op) => (
                <tr>
                  <td>
                    <code>{op.method.toUpperCase()}</code>
                  </td>
                  <td>
                    <code>{op.path}</code>
                    <div class="muted">{op.summary ?? ""}</div>
                    {op.parameters && op.parameters.length > 0 && (
                      <div class="muted">
                        {op.parameters.map((p) => (
                          <span class="tag">
                            {p.in}:{p.name}
                            {p.required ? "*" : ""}
                          </span>
                        ))}
                      </div>
                    )}
                    {op.requestBody?.content && (
                      <details>
                        <summary>
                          {page.t("api_body")}: {Object.keys(op.requestBody.content).join(", ")}
                        </summary>
                        <pre class="json">{JSON.stringify(Object.values(op.requestBody.content)[0]?.schema ?? {}, null, 2)}</pre>
                      </details>
                    )}
                  </td>
                  <td class="muted">
                    {Object.entries(op.responses ?? {}).map(([code, r]) => (
                      <div>
                        {code} {r.description ?? ""}
                      </div>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </Layout>
  );
};
