import type { FC } from "hono/jsx";
import type { ErrorCode } from "../../core/errors";
import { errorsZh } from "../messages/errors";
import { Layout, type PageContext } from "../layout";

/**
 * The HTML error page: what went wrong in the reader's language (on Chinese pages the meaning of
 * the code in Chinese first), the same code the JSON API would give, and the request id.
 */
export const ErrorPage: FC<{ page: PageContext; status: number; code: string; message: string; requestId: string }> = (
  props,
) => {
  const { page } = props;
  const title = props.status === 404 ? page.t("notFound_title") : props.status === 403 ? page.t("forbidden_title") : page.t("error_title");
  const meaning = page.locale === "zh-CN" ? errorsZh[props.code as ErrorCode] : undefined;
  const notFound = props.status === 404 && props.code === "NOT_FOUND";
  return (
    <Layout page={page} title={title}>
      <div class="card">
        <h1>{title}</h1>
        {notFound ? (
          <p>{page.t("notFound_body")}</p>
        ) : meaning ? (
          <>
            <p>{meaning}。</p>
            <p class="muted">{page.t("error_detail")}{props.message}</p>
          </>
        ) : (
          <p>{props.message}</p>
        )}
        <p class="muted">
          {props.code} · {props.status} · {page.t("error_requestId")} {props.requestId}
        </p>
        <p>
          <a href="/">{page.t("error_back")}</a>
        </p>
      </div>
    </Layout>
  );
};
