import type { ErrorCode } from "../../core/errors";

/**
 * What each error code means, in Chinese, shown before the service's (English) detail on Chinese
 * pages, so a person always reads what went wrong in their language and what to do.
 */
export const errorsZh: Partial<Record<ErrorCode, string>> = {
  VALIDATION_FAILED: "输入有误，请检查后重试",
  MALFORMED_JSON: "请求格式错误",
  BAD_REQUEST: "请求无效",
  UNAUTHENTICATED: "请先登录",
  INVALID_CREDENTIALS: "用户名或密码错误",
  REAUTH_FAILED: "密码不正确，请输入您本人的登录密码",
  CSRF_FAILED: "表单已过期，请刷新页面后重试",
  FORBIDDEN: "您没有执行此操作的权限",
  PASSWORD_CHANGE_REQUIRED: "请先修改密码",
  AUDIT_GRANT_REQUIRED: "您没有有效的审核授权（可能已过期），请联系知识产权管理者",
  OUTSIDE_GRANT: "超出您的审核授权范围",
  NOT_FOUND: "对象不存在，或您无权查看",
  CONFLICT: "操作冲突（可能已被处理），请刷新后查看",
  ALREADY_EXISTS: "已存在相同的对象",
  INVALID_STATE: "当前状态下不能执行此操作",
  INTEGRITY_FAILURE: "存储的文件与其指纹不符，已记录为完整性事件",
  NOT_YOUR_TURN: "还未轮到您",
  DOCUMENT_NOT_READ: "请先打开并阅读全文",
  LINK_EXPIRED: "签署链接已过期",
  LINK_USED: "签署链接已使用过",
  PAYLOAD_TOO_LARGE: "文件过大",
  UNSUPPORTED_MEDIA_TYPE: "不支持的文件类型",
  DIGEST_MISMATCH: "文件与所声明的摘要不符，未保存",
  INVALID_REFERENCE: "引用的对象不存在",
  UNPROCESSABLE: "无法处理该文件",
  NOT_A_PDF: "该文件不是 PDF",
  PDF_ENCRYPTED: "PDF 已加密",
  PDF_DAMAGED: "PDF 已损坏",
  NO_SIGNATURES: "PDF 中没有签名",
  CONVERSION_UNAVAILABLE: "服务器无法转换 DOCX，请上传 PDF",
  TOO_MANY_ATTEMPTS: "尝试次数过多，请稍后再试",
  INTERNAL: "服务器内部错误",
  UNAVAILABLE: "服务暂不可用",
};
