import type { Locale } from "../i18n";

/**
 * A CSV import row's error in the reader's language. The checks write each error once, with the
 * column's Chinese and English names ("题名 title is empty"); a Chinese page shows it in Chinese,
 * an English page without the Chinese column names. An error not recognised here is shown as written.
 */
const PATTERNS: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^(\d+) row\(s\) failed their checks; in all-or-nothing mode nothing was imported\..*$/, (m) => `${m[1]} 行未通过检查；“全部或不导入”模式下未导入任何内容。请修正后重新导入该文件。`],
  [/^No row passed its checks; nothing was imported\.$/, () => "没有任何一行通过检查，未导入任何内容。"],
  [/^密级 (\S+) is above your clearance$/, (m) => `密级 ${m[1]} 高于您的密级权限`],
  [/^类别代码 class “(.*)” is not in the file plan$/, (m) => `类别代码“${m[1]}”不在分类方案中`],
  [/^(\S+) [a-z ]+ is empty$/, (m) => `${m[1]}为空`],
  [/^give the paper original's location .*$/, () => "请填写纸质原件的存放位置（库房、柜号或盒号）：导入的记录均为纸质记录"],
  [/^部门 department “(.*)” does not exist \(use its code\)$/, (m) => `部门“${m[1]}”不存在（请填写部门代码）`],
  [/^(\S+) [a-z]+ “(.*)” is not an active username$/, (m) => `${m[1]}“${m[2]}”不是在用的用户名`],
  [/^金额 value “(.*)” is not an amount$/, (m) => `金额“${m[1]}”不是有效金额`],
  [/^币种 currency “(.*)” is not a code such as CNY$/, (m) => `币种“${m[1]}”不是币种代码（如 CNY）`],
  [/^终止日期 end date is before 生效日期 effective date$/, () => "终止日期早于生效日期"],
  [/^a contract signed before Custos needs its 签订日期 signed date$/, () => "系统启用前签订的合同须填写签订日期"],
  [/^a contract signed before Custos needs the location of its paper original .*$/, () => "系统启用前签订的合同须填写纸质原件的存放位置（库房、柜号或盒号）"],
  [/^an expired or terminated contract needs its 终止日期 end date$/, () => "已到期或已终止的合同须填写终止日期"],
  [/^合同编号 (\S+) appears again \(first on line (\d+)\)$/, (m) => `合同编号 ${m[1]} 重复（首次出现在第 ${m[2]} 行）`],
  [/^合同编号 (\S+) is already in the register$/, (m) => `合同编号 ${m[1]} 已在合同台账中`],
  [/^合同编号 contract (\S+) is not in the register$/, (m) => `合同编号 ${m[1]} 不在合同台账中`],
  [/^(\S+) [a-z ]+ “(.*)” is not a date \(write it as 2024-03-05\)$/, (m) => `${m[1]}“${m[2]}”不是日期（请写成 2024-03-05）`],
  [/^密级 classification “(.*)” is not one of (.*)$/, (m) => `密级“${m[1]}”不是${m[2]}之一`],
  [/^合同类型 type “(.*)” is not one of (.*)$/, (m) => `合同类型“${m[1]}”不是${m[2]}之一`],
  [/^状态 status “(.*)” is not one of (.*)$/, (m) => `状态“${m[1]}”不是${m[2]}之一`],
  [/^(\S+) [a-z]+ contains (.*), an invisible character .*$/, (m) => `${m[1]}包含 ${m[2]}：一种会改变文字方向的不可见字符（可让“exe.pdf”实为“fdp.exe”），请删除`],
];

export function importErrorText(error: string, locale: Locale): string {
  if (locale === "en") return error.replace(/[\u4e00-\u9fff]+ (?=[a-z])/g, "");
  for (const [re, zh] of PATTERNS) {
    const m = re.exec(error);
    if (m) return zh(m);
  }
  return error;
}
