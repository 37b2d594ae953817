import type { FC } from "hono/jsx";
import { Layout, type Flash, type PageContext } from "../layout";

/** The sign-in form. */
export const SignInPage: FC<{ page: PageContext; username?: string; flash?: Flash; next?: string }> = ({
  page,
  username,
  flash,
  next,
}) => (
  <Layout page={page} title={page.t("signIn")} flash={flash}>
    <div class="center card">
      <h1>{page.t("signIn_title")}</h1>
      <form class="stack" method="post" action="/sign-in">
        {next && <input type="hidden" name="next" value={next} />}
        <label>
          {page.t("username")}
          <input name="username" autocomplete="username" required value={username ?? ""} autofocus />
        </label>
        <label>
          {page.t("password")}
          <input name="password" type="password" autocomplete="current-password" required />
        </label>
        <button type="submit">{page.t("signIn")}</button>
      </form>
    </div>
  </Layout>
);
