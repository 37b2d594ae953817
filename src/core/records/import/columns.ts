import { CLASSIFICATIONS, classificationLabels, type Classification } from "../../auth/permissions";
import { DomainError } from "../../errors";
import { CONTRACT_TYPES, contractTypeLabels, type ContractType } from "../../contracts/vocabulary";
import { isDay } from "../dates";

/** One column an import understands: its key, the header names accepted (Chinese and English), whether it must be there. */
export interface ColumnSpec {
  key: string;
  names: string[];
  required?: boolean;
}

const normalise = (h: string) => h.replace(/^\ufeff/, "").replace(/[\s_\-（）()*:：]/g, "").toLowerCase();

export const RECORD_COLUMNS: ColumnSpec[] = [
  { key: "classCode", names: ["类别代码", "记录类别", "分类号", "类别", "class", "classcode", "recordclass"], required: true },
  { key: "title", names: ["题名", "标题", "名称", "title"], required: true },
  { key: "recordDate", names: ["日期", "文件日期", "形成日期", "date", "recorddate"], required: true },
  { key: "author", names: ["责任者", "作者", "形成单位", "author"], required: true },
  { key: "classification", names: ["密级", "classification"] },
  { key: "department", names: ["部门", "部门代码", "department"] },
  { key: "paperRoom", names: ["库房", "档案室", "存放库房", "room", "archiveroom"] },
  { key: "paperCabinet", names: ["柜号", "柜", "cabinet"] },
  { key: "paperBox", names: ["盒号", "盒", "box"] },
  { key: "description", names: ["备注", "说明", "description", "notes"] },
  { key: "person", names: ["关联人员", "相关人员", "人员用户名", "person", "username"] },
  { key: "contractNumber", names: ["合同编号", "关联合同", "contractnumber", "contract"] },
];

export const CONTRACT_COLUMNS: ColumnSpec[] = [
  { key: "number", names: ["合同编号", "编号", "contractnumber", "number"], required: true },
  { key: "title", names: ["合同名称", "名称", "title"], required: true },
  { key: "type", names: ["合同类型", "类型", "type"], required: true },
  { key: "counterparties", names: ["相对方", "合同相对方", "对方单位", "签约对方", "counterparties", "counterparty"], required: true },
  { key: "valueAmount", names: ["金额", "合同金额", "value", "amount"] },
  { key: "currency", names: ["币种", "currency"] },
  { key: "classification", names: ["密级", "classification"] },
  { key: "effectiveOn", names: ["生效日期", "开始日期", "effectivedate", "effectiveon", "start"] },
  { key: "endOn", names: ["终止日期", "到期日期", "结束日期", "enddate", "endon", "end"] },
  { key: "signedOn", names: ["签订日期", "签署日期", "signeddate", "signedon"] },
  { key: "status", names: ["状态", "status"] },
  { key: "owner", names: ["负责人", "经办人", "owner"] },
  { key: "department", names: ["部门", "部门代码", "department"] },
  { key: "ownership", names: ["成果归属", "ownership"] },
  { key: "confidentiality", names: ["保密义务", "confidentiality"] },
  { key: "licenceScope", names: ["许可范围", "licencescope", "licensescope"] },
  { key: "warranties", names: ["不侵权担保", "warranties"] },
  { key: "publication", names: ["发表规则", "成果发表规则", "publication"] },
  { key: "paperRoom", names: ["库房", "档案室", "room"] },
  { key: "paperCabinet", names: ["柜号", "柜", "cabinet"] },
  { key: "paperBox", names: ["盒号", "盒", "box"] },
  { key: "notes", names: ["备注", "说明", "notes"] },
];

/**
 * Maps the header row to column keys. Missing required columns are MISSING_COLUMNS naming each
 * (with the Chinese and English names accepted); a column given twice is refused; unknown ones are
 * returned so the person sees they were ignored.
 */
export function mapHeader(header: string[], specs: ColumnSpec[]): { index: Map<string, number>; ignored: string[] } {
  const index = new Map<string, number>();
  const ignored: string[] = [];
  header.forEach((raw, i) => {
    const name = normalise(raw);
    if (!name) return;
    const spec = specs.find((s) => s.names.some((n) => normalise(n) === name));
    if (!spec) {
      ignored.push(raw.trim());
      return;
    }
    if (index.has(spec.key)) throw new DomainError("VALIDATION_FAILED", `The column “${raw.trim()}” appears twice (as ${spec.names[0]}); keep one.`);
    index.set(spec.key, i);
  });
  const missing = specs.filter((s) => s.required && !index.has(s.key));
  if (missing.length) {
    throw new DomainError(
      "MISSING_COLUMNS",
      `The file lacks required column(s): ${missing.map((m) => `${m.names[0]} (${m.names.find((n) => /^[a-z]/.test(n))})`).join(", ")}. The first line must name the columns.`,
      { missing: missing.map((m) => m.names[0]) },
    );
  }
  return { index, ignored };
}

/** Reads the cells of a row by column key (trimmed; "" when absent). */
export function cellsOf(cells: string[], index: Map<string, number>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, i] of index) out[key] = (cells[i] ?? "").trim();
  return out;
}

/** A date as people write it (2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日) → YYYY-MM-DD, or an error message. */
export function parseDate(value: string, label: string): string {
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(value);
  const day = m ? `${m[1]}-${m[2]!.padStart(2, "0")}-${m[3]!.padStart(2, "0")}` : "";
  if (!isDay(day)) throw new Error(`${label} “${value}” is not a date (write it as 2024-03-05)`);
  return day;
}

/** A classification by code or label (公开/内部/秘密/机密/绝密, public …). */
export function parseClassification(value: string): Classification {
  const v = value.trim().toLowerCase();
  const found = CLASSIFICATIONS.find((c) => c === v || classificationLabels[c].zh === value.trim() || classificationLabels[c].en.toLowerCase() === v);
  if (!found) throw new Error(`密级 classification “${value}” is not one of 公开、内部、秘密、机密、绝密`);
  return found;
}

/** A contract type by code or its Chinese or English label. */
export function parseContractType(value: string): ContractType {
  const v = value.trim().toLowerCase();
  const found = CONTRACT_TYPES.find((t) => t === v || contractTypeLabels[t].zh === value.trim() || contractTypeLabels[t].en.toLowerCase() === v);
  if (!found) throw new Error(`合同类型 type “${value}” is not one of ${CONTRACT_TYPES.map((t) => contractTypeLabels[t].zh).join("、")}`);
  return found;
}

export const IMPORTABLE_CONTRACT_STATUSES = ["draft", "signed", "in-force", "expired", "terminated"] as const;
const statusNames: Record<(typeof IMPORTABLE_CONTRACT_STATUSES)[number], string[]> = {
  draft: ["草拟", "draft", "草稿"],
  signed: ["已签署", "signed", "已签订"],
  "in-force": ["履行中", "in-force", "in force", "生效"],
  expired: ["已到期", "expired", "到期"],
  terminated: ["已终止", "terminated", "终止"],
};

export function parseContractStatus(value: string): (typeof IMPORTABLE_CONTRACT_STATUSES)[number] {
  const v = value.trim().toLowerCase();
  const found = IMPORTABLE_CONTRACT_STATUSES.find((s) => statusNames[s].some((n) => n.toLowerCase() === v));
  if (!found) throw new Error(`状态 status “${value}” is not one of 草拟、已签署、履行中、已到期、已终止`);
  return found;
}
