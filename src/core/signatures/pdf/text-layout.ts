/** Measures a string at a font size, in points. */
export type MeasureText = (text: string, size: number) => number;

const CJK = /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]/;

/**
 * Breaks `text` into lines no wider than `maxWidth`: Latin text breaks at spaces,
 * Chinese between any two characters, and over-long words (hashes, serials) anywhere.
 */
export function wrapText(text: string, measure: MeasureText, size: number, maxWidth: number): string[] {
  const tokens = text.match(/[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]+|\s+/g) ?? [];
  const lines: string[] = [];
  let line = "";
  const flush = (): void => {
    lines.push(line.trimEnd());
    line = "";
  };
  for (const token of tokens) {
    if (/^\s+$/.test(token)) {
      if (line) line += " ";
      continue;
    }
    if (measure(line + token, size) <= maxWidth) {
      line += token;
      continue;
    }
    if (line.trim() && (CJK.test(token) || measure(token, size) <= maxWidth)) flush();
    for (const ch of token) {
      if (measure(line + ch, size) > maxWidth && line.trim()) flush();
      line += ch;
    }
  }
  if (line.trim() || lines.length === 0) flush();
  return lines;
}
