import type { FC } from "hono/jsx";
import { Layout, type PageContext } from "../layout";

/** The HTML error page: the same code and message the JSON API would give, and the request id. */
export const ErrorPage: FC<{ page: PageContext; status: number; code: string; message: string; requestId: string }> = (
  props,
) => {
  const { page } = props;
  const title = props.status === 404 ? page.t("notFound_title") : page.t("error_title");
  return (
    <Layout page={page} title={title}>
      <div class="card">
        <h1>{title}</h1>
        <p>{props.status === 404 && props.code === "NOT_FOUND" ? page.t("notFound_body") : props.message}</p>
        <p class="muted">
          {props.code} · {props.status} · request {props.requestId}
        </p>
        <p>
          <a href="/">{page.t("error_back")}</a>
        </p>
      </div>
    </Layout>
  );
};
