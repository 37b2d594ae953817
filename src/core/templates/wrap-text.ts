/**
 * Line breaking for mixed Chinese and Latin text: a line may break between any two
 * Chinese characters and at spaces, Latin words stay whole (unless longer than a line),
 * and the Chinese line-breaking rules (禁则) hold: closing punctuation never starts a
 * line and opening punctuation never ends one.
 */

/** Width of a string in points, at the size being laid out. */
export type MeasureText = (text: string) => number;

const CJK = /[\u2e80-\u2fff\u3000-\u303f\u3040-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]/u;
const NO_LINE_START = new Set([..."，。、；：？！）》」』】〕〉”’％‰·…—～,.;:?!)]}%"]);
const NO_LINE_END = new Set([..."（《「『【〔〈“‘([{"]);

/** Splits a line into unbreakable tokens: single Chinese characters and Latin words, with their punctuation; spaces are " ". */
export function tokenize(line: string): string[] {
  const tokens: string[] = [];
  let prefix = "";
  let word = "";
  const flushWord = (): void => {
    if (!word) return;
    tokens.push(prefix + word);
    prefix = "";
    word = "";
  };
  for (const ch of line) {
    if (/\s/u.test(ch)) {
      flushWord();
      if (prefix) tokens.push(prefix);
      prefix = "";
      if (tokens.length > 0 && tokens.at(-1) !== " ") tokens.push(" ");
    } else if (NO_LINE_START.has(ch)) {
      if (!word && !prefix && tokens.length > 0 && tokens.at(-1) !== " ") tokens[tokens.length - 1] += ch;
      else word += ch;
      if (CJK.test(ch)) flushWord();
    } else if (NO_LINE_END.has(ch)) {
      flushWord();
      prefix += ch;
    } else if (CJK.test(ch)) {
      flushWord();
      word = ch;
      flushWord();
    } else {
      word += ch;
    }
  }
  flushWord();
  if (prefix) tokens.push(prefix);
  while (tokens.at(-1) === " ") tokens.pop();
  return tokens;
}

/**
 * Breaks `text` into lines no wider than `maxWidth`. Line feeds in `text` always break;
 * an empty source line stays an empty line.
 */
export function wrapText(text: string, measure: MeasureText, maxWidth: number): string[] {
  const lines: string[] = [];
  for (const sourceLine of text.split("\n")) {
    const producedBefore = lines.length;
    let line = "";
    let width = 0;
    const push = (): void => {
      lines.push(line.trimEnd());
      line = "";
      width = 0;
    };
    for (const token of tokenize(sourceLine)) {
      if (token === " ") {
        if (line) {
          line += " ";
          width += measure(" ");
        }
        continue;
      }
      const tokenWidth = measure(token);
      if (width + tokenWidth <= maxWidth) {
        line += token;
        width += tokenWidth;
        continue;
      }
      if (line.trim()) push();
      if (tokenWidth <= maxWidth) {
        line = token;
        width = tokenWidth;
        continue;
      }
      // Longer than a whole line (a long number, URL or run of punctuation): break anywhere.
      for (const ch of token) {
        const w = measure(ch);
        if (width + w > maxWidth && line) push();
        line += ch;
        width += w;
      }
    }
    if (line || lines.length === producedBefore) push();
  }
  return lines;
}
