import type { FC } from "hono/jsx";
import { Layout, type PageContext } from "../layout";

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
        OpenAPI: <a href="/api/openapi.json">/api/openapi.json</a>. Authenticate with <code>Authorization: Bearer cat_…</code> (API
        token) or the session cookie plus <code>X-CSRF-Token</code>.
      </p>
      {[...groups.entries()].map(([tag, ops]) => (
        <section class="card">
          <h2>{tag}</h2>
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
                        <summary>body: {Object.keys(op.requestBody.content).join(", ")}</summary>
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
