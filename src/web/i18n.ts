import * as auditPackage from "./messages/audit-package";
import * as documents from "./messages/documents";
import * as evidence from "./messages/evidence";
import * as history from "./messages/history";
import * as items from "./messages/items";
import * as organisation from "./messages/organisation";
import * as records from "./messages/records";
import * as signatures from "./messages/signatures";

/** UI text in Chinese (default) and English: the platform's own text; areas add theirs below. */
const core = {
  appName: "Custos 知识产权文件与记录管理",
  appShort: "Custos",
  nav_dashboard: "工作台",
  nav_users: "用户管理",
  nav_departments: "部门",
  nav_audit: "审计追踪",
  nav_account: "我的账户",
  nav_api: "API 文档",
  signIn: "登录",
  signOut: "退出",
  signIn_title: "登录 Custos",
  username: "用户名",
  password: "密码",
  signIn_failed: "用户名或密码错误。",
  signIn_locked: "失败次数过多，请稍后再试。",
  signedInAs: "当前用户",
  language: "English",
  dashboard_title: "工作台",
  dashboard_welcome: "欢迎，{name}。",
  dashboard_roles: "您的角色",
  dashboard_clearance: "密级权限",
  dashboard_department: "所在部门",
  dashboard_audit: "审计链",
  dashboard_audit_length: "共 {n} 条事件",
  dashboard_audit_ok: "完整：已校验 {n} 条事件",
  dashboard_audit_broken: "已损坏：第 {seq} 条事件 — {message}",
  dashboard_nothing: "暂无待办事项。",
  users_title: "用户管理",
  users_new: "新建用户",
  users_create: "创建用户",
  users_displayName: "姓名",
  users_email: "电子邮箱",
  users_roles: "角色",
  users_department: "部门",
  users_clearance: "密级权限",
  users_position: "岗位",
  users_locale: "界面语言",
  users_active: "启用",
  users_inactive: "已停用",
  users_created: "已创建用户 {username}。",
  users_initialPassword: "初始密码（只显示这一次，首次登录时须修改）：",
  users_edit: "编辑",
  users_save: "保存",
  users_saved: "已保存。",
  users_resetPassword: "重置密码",
  users_passwordReset: "已重置 {username} 的密码。新密码（只显示这一次）：",
  users_none: "（无）",
  users_passwordOptional: "留空则自动生成",
  departments_title: "部门",
  departments_new: "新建部门",
  departments_code: "代码",
  departments_name: "名称",
  departments_nameEn: "英文名称",
  departments_parent: "上级部门",
  departments_duties: "知识产权职责",
  departments_create: "创建部门",
  account_title: "我的账户",
  account_changePassword: "修改密码",
  account_mustChange: "请先设置您自己的密码。",
  account_current: "当前密码",
  account_new: "新密码",
  account_confirm: "确认新密码",
  account_mismatch: "两次输入的新密码不一致。",
  account_changed: "密码已修改。",
  account_tokens: "API 令牌",
  account_tokenName: "令牌名称",
  account_tokenCreate: "创建令牌",
  account_tokenCreated: "新令牌（只显示这一次）：",
  account_tokenRevoke: "撤销",
  account_tokenRevoked: "已撤销",
  account_tokenExpires: "到期",
  account_tokenExpired: "已过期",
  account_tokenDays: "有效期（天，最长 {max} 天）",
  account_tokenEndNote: "修改密码会撤销您的全部 API 令牌，并结束您在其他设备上的会话。",
  audit_title: "审计追踪",
  audit_verify: "校验整条审计链",
  audit_older: "更早的事件",
  audit_auditorNote: "审核员可在此校验整条审计链；每个证据项的完整历史见其证据页面（证据检索）。",
  error_title: "出错了",
  error_back: "返回工作台",
  notFound_title: "页面不存在",
  notFound_body: "您要找的页面不存在，或您无权查看。",
  yes: "是",
  no: "否",
  actions: "操作",
  created: "创建时间",
} as const;


const coreEn: Record<keyof typeof core, string> = {
  appName: "Custos IP document and records control",
  appShort: "Custos",
  nav_dashboard: "Dashboard",
  nav_users: "Users",
  nav_departments: "Departments",
  nav_audit: "Audit trail",
  nav_account: "My account",
  nav_api: "API docs",
  signIn: "Sign in",
  signOut: "Sign out",
  signIn_title: "Sign in to Custos",
  username: "Username",
  password: "Password",
  signIn_failed: "The username or password is wrong.",
  signIn_locked: "Too many failed attempts; try again later.",
  signedInAs: "Signed in as",
  language: "中文",
  dashboard_title: "Dashboard",
  dashboard_welcome: "Welcome, {name}.",
  dashboard_roles: "Your roles",
  dashboard_clearance: "Clearance",
  dashboard_department: "Department",
  dashboard_audit: "Audit chain",
  dashboard_audit_length: "{n} events",
  dashboard_audit_ok: "Intact: {n} events verified",
  dashboard_audit_broken: "Broken at event {seq}: {message}",
  dashboard_nothing: "Nothing waiting for you.",
  users_title: "Users",
  users_new: "New user",
  users_create: "Create user",
  users_displayName: "Name",
  users_email: "Email",
  users_roles: "Roles",
  users_department: "Department",
  users_clearance: "Clearance",
  users_position: "Job title",
  users_locale: "Language",
  users_active: "Active",
  users_inactive: "Deactivated",
  users_created: "User {username} created.",
  users_initialPassword: "Initial password (shown once only; it must be changed at first sign-in):",
  users_edit: "Edit",
  users_save: "Save",
  users_saved: "Saved.",
  users_resetPassword: "Reset password",
  users_passwordReset: "Password of {username} reset. New password (shown once only):",
  users_none: "(none)",
  users_passwordOptional: "leave empty to generate one",
  departments_title: "Departments",
  departments_new: "New department",
  departments_code: "Code",
  departments_name: "Name",
  departments_nameEn: "English name",
  departments_parent: "Parent",
  departments_duties: "IP duties",
  departments_create: "Create department",
  account_title: "My account",
  account_changePassword: "Change password",
  account_mustChange: "Choose your own password first.",
  account_current: "Current password",
  account_new: "New password",
  account_confirm: "Confirm new password",
  account_mismatch: "The two new passwords differ.",
  account_changed: "Password changed.",
  account_tokens: "API tokens",
  account_tokenName: "Token name",
  account_tokenCreate: "Create token",
  account_tokenCreated: "New token (shown once only):",
  account_tokenRevoke: "Revoke",
  account_tokenRevoked: "Revoked",
  account_tokenExpires: "Expires",
  account_tokenExpired: "Expired",
  account_tokenDays: "Valid for (days, at most {max})",
  account_tokenEndNote: "Changing your password revokes all your API tokens and signs you out everywhere else.",
  audit_title: "Audit trail",
  audit_verify: "Verify the whole chain",
  audit_older: "Older events",
  audit_auditorNote: "Auditors verify the whole chain here; the full history of each evidence item is on its evidence page (Evidence).",
  error_title: "Something went wrong",
  error_back: "Back to the dashboard",
  notFound_title: "Page not found",
  notFound_body: "The page does not exist, or you may not see it.",
  yes: "Yes",
  no: "No",
  actions: "Actions",
  created: "Created",
};

/**
 * Each area keeps its text in src/web/messages/<area>.ts ({ zh, en } with the same keys); they are
 * merged here. A key missing in English fails to compile.
 */
const zh = { ...core, ...signatures.zh, ...documents.zh, ...records.zh, ...auditPackage.zh, ...evidence.zh, ...items.zh, ...organisation.zh, ...history.zh };
const en = { ...coreEn, ...signatures.en, ...documents.en, ...records.en, ...auditPackage.en, ...evidence.en, ...items.en, ...organisation.en, ...history.en };

export type MessageKey = keyof typeof zh;

export type Locale = "zh-CN" | "en";
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** A translator for one locale; `{name}` placeholders are filled from `params`. */
export function translator(locale: Locale): Translate {
  const table: Record<MessageKey, string> = locale === "en" ? en : zh;
  return (key, params) => {
    let text = table[key];
    if (params) for (const [k, v] of Object.entries(params)) text = text.replaceAll(`{${k}}`, String(v));
    return text;
  };
}

/** Picks the label in the current language from a `{ zh, en }` pair. */
export function pick(locale: Locale, label: { zh: string; en: string }): string {
  return locale === "en" ? label.en : label.zh;
}
