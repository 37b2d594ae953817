import type { FC } from "hono/jsx";
import { formatTime as fmtTime } from "../../lib/time";
import { API_TOKEN_LIFETIME } from "../../core/auth/service";
import { CsrfField, Layout, type Flash, type PageContext } from "../layout";

interface TokenView {
  id: string;
  name: string;
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}


/**
 * Set a first signing PIN (proving the login password) or change it (proving the current PIN).
 * `next` (a page of ours) is where to go once it is set, e.g. back to the signing ceremony.
 */
export const SigningPinForm: FC<{ page: PageContext; action: string; pinSetAt: Date | null }> = ({ page, action, pinSetAt }) => {
  const { t } = page;
  return (
    <form class="stack card" method="post" action={action} data-testid="signing-pin-form">
      <CsrfField page={page} />
      <p class="muted">{t("account_pinHelp")}</p>
      <p>{pinSetAt ? t("account_pinSetAt", { at: fmtTime(pinSetAt, page.locale) }) : t("account_pinNotSet")}</p>
      {pinSetAt ? (
        <label>
          {t("account_pinCurrent")}
          <input name="currentPin" type="password" autocomplete="off" required />
        </label>
      ) : (
        <label>
          {t("account_pinLoginPassword")}
          <input name="currentPassword" type="password" autocomplete="current-password" required />
        </label>
      )}
      <label>
        {t("account_pinNew")}
        <input name="pin" type="password" autocomplete="off" required minlength={6} maxlength={128} />
      </label>
      <label>
        {t("account_pinConfirm")}
        <input name="confirmPin" type="password" autocomplete="off" required minlength={6} maxlength={128} />
      </label>
      {pinSetAt && <p class="muted">{t("account_pinLost")}</p>}
      <button type="submit">{pinSetAt ? t("account_pinChange") : t("account_pinSet")}</button>
    </form>
  );
};

/** Change your password; set or change your signing PIN; manage your API tokens. */
export const AccountPage: FC<{ page: PageContext; tokens: TokenView[]; mustChange: boolean; pinSetAt: Date | null; now: Date; flash?: Flash }> = ({
  page,
  tokens,
  mustChange,
  pinSetAt,
  now,
  flash,
}) => {
  const { t } = page;
  return (
    <Layout page={page} title={t("account_title")} flash={flash ?? (mustChange ? { kind: "error", text: t("account_mustChange") } : undefined)}>
      <h1>{t("account_title")}</h1>
      <h2>{t("account_changePassword")}</h2>
      <form class="stack card" method="post" action="/account/password">
        <CsrfField page={page} />
        <label>
          {t("account_current")}
          <input name="currentPassword" type="password" autocomplete="current-password" required />
        </label>
        <label>
          {t("account_new")}
          <input name="newPassword" type="password" autocomplete="new-password" required minlength={10} />
        </label>
        <label>
          {t("account_confirm")}
          <input name="confirmPassword" type="password" autocomplete="new-password" required minlength={10} />
        </label>
        {!mustChange && <p class="muted">{t("account_tokenEndNote")}</p>}
        <button type="submit">{t("account_changePassword")}</button>
      </form>
      {!mustChange && (
        <>
          <h2 id="signing-pin">{t("account_pinTitle")}</h2>
          <SigningPinForm page={page} action="/account/signing-pin" pinSetAt={pinSetAt} />
          <h2>{t("account_tokens")}</h2>
          <table>
            <thead>
              <tr>
                <th>{t("account_tokenName")}</th>
                <th>{t("created")}</th>
                <th>{t("account_tokenExpires")}</th>
                <th>{t("actions")}</th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((tk) => (
                <tr>
                  <td>{tk.name}</td>
                  <td>{fmtTime(tk.createdAt, page.locale)}</td>
                  <td>{fmtTime(tk.expiresAt, page.locale)}</td>
                  <td>
                    {tk.revokedAt ? (
                      <span class="tag">{t("account_tokenRevoked")}</span>
                    ) : tk.expiresAt <= now ? (
                      <span class="tag">{t("account_tokenExpired")}</span>
                    ) : (
                      <form method="post" action={`/account/tokens/${tk.id}/revoke`}>
                        <CsrfField page={page} />
                        <button type="submit" class="secondary">
                          {t("account_tokenRevoke")}
                        </button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <form class="stack card" method="post" action="/account/tokens">
            <CsrfField page={page} />
            <label>
              {t("account_tokenName")}
              <input name="name" required maxlength={100} />
            </label>
            <label>
              {t("account_tokenDays", { max: API_TOKEN_LIFETIME.maxDays })}
              <input name="expiresInDays" type="number" min={1} max={API_TOKEN_LIFETIME.maxDays} value={String(API_TOKEN_LIFETIME.defaultDays)} required />
            </label>
            <button type="submit">{t("account_tokenCreate")}</button>
          </form>
        </>
      )}
    </Layout>
  );
};
