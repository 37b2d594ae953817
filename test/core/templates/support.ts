import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The organisation every rendering test issues documents for. */
export const organisation = { name: "北京示例科技有限公司", nameEn: "Beijing Example Technology Co., Ltd." };

/** A valid PRC resident ID number (check character X). */
export const VALID_ID = "11010519491231002X";

/** Complete, valid values for each template. */
export const sampleValues: Record<string, Record<string, unknown>> = {
  "ip-declaration": {
    employeeName: "张三",
    idNumber: VALID_ID,
    department: "研发部",
    position: "高级软件工程师",
    startDate: "2026-12-01",
    previousEmployer: "北京某某信息技术有限公司",
    priorIp: "1. 发明专利 ZL202010123456.7《一种数据同步方法》（与原单位共有）\n2. 计算机软件著作权登记号 2021SR0123456",
  },
  "non-compete": {
    employeeName: "张三",
    idNumber: VALID_ID,
    department: "研发部",
    position: "首席架构师",
    restrictedScope: "企业知识产权管理软件、电子签名及文档管理系统的研究开发、销售和技术服务",
    restrictedRegion: "中华人民共和国境内",
    restrictionMonths: 24,
    monthlyCompensation: 15000,
    liquidatedDamages: 360000,
  },
  "exit-ip-agreement": {
    employeeName: "张三",
    idNumber: VALID_ID,
    department: "研发部",
    position: "高级软件工程师",
    startDate: "2020-03-01",
    leavingDate: "2026-12-31",
    returnedMaterials: "笔记本电脑一台（资产编号 IT-2020-0132）、门禁卡一张、研发文档及源代码（已在代码仓库移交）",
    nonCompeteAgreement: "《竞业限制协议》（2020年3月1日签订）",
  },
  "policy-acknowledgement": {
    employeeName: "张三",
    employeeNumber: "E0012",
    department: "研发部",
    position: "工程师",
    policyTitle: "知识产权管理手册",
    policyNumber: "IPMS-M-001",
    policyRevision: "B/0",
    policyEffectiveDate: "2026-12-01",
  },
};

/** A temporary directory and a way to write files into it. */
export function makeWorkDir(): { dir: string; write: (name: string, bytes: Uint8Array) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "custos-tpl-"));
  let n = 0;
  return {
    dir,
    write: (name, bytes) => {
      const file = join(dir, `${n++}-${name}`);
      writeFileSync(file, bytes);
      return file;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** `pdftotext` of the whole file (or of one page), in reading order. */
export function pdfText(file: string, page?: number): string {
  const range = page === undefined ? [] : ["-f", String(page), "-l", String(page)];
  return execFileSync("pdftotext", [...range, file, "-"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
}

/** `pdfinfo` as a map of its fields. */
export function pdfInfo(file: string): Record<string, string> {
  const out = execFileSync("pdfinfo", [file], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  return Object.fromEntries(out.split("\n").filter((l) => l.includes(":")).map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trim()]));
}

/** One word as `pdftotext -bbox` places it, in points from the top left of the page. */
export interface PdfWord {
  text: string;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}

/** Every word of one page with its bounding box (`pdftotext -bbox`), and the page size. */
export function pdfWords(file: string, page: number): { width: number; height: number; words: PdfWord[] } {
  const html = execFileSync("pdftotext", ["-bbox", "-f", String(page), "-l", String(page), file, "-"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  const size = /<page width="([\d.]+)" height="([\d.]+)"/.exec(html);
  const words = [...html.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map((m) => ({
    xMin: Number(m[1]),
    yMin: Number(m[2]),
    xMax: Number(m[3]),
    yMax: Number(m[4]),
    text: m[5]!,
  }));
  return { width: Number(size?.[1]), height: Number(size?.[2]), words };
}

/** The entry names of a zip file (`unzip -Z1`, the bare listing of `unzip -l`). */
export function zipEntries(file: string): string[] {
  const out = execFileSync("unzip", ["-Z1", file], { encoding: "utf8" });
  return out.split("\n").filter(Boolean);
}

/** One entry of a zip file as text (`unzip -p`). */
export function zipEntry(file: string, entry: string): string {
  return execFileSync("unzip", ["-p", file, entry], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
}
