import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import fontkit from "@pdf-lib/fontkit";
import subsetFont from "subset-font";
import { deflateSync } from "node:zlib";
import { CustomFontEmbedder, PDFRawStream, type PDFContext, type PDFDocument, type PDFFont, type PDFRef } from "pdf-lib";

/**
 * Chinese text in PDFs: Noto Sans SC (OFL, from `@embedpdf/fonts-sc`) cut to the
 * characters used with `subset-font` (harfbuzz) and embedded whole with pdf-lib.
 * pdf-lib's own subsetting breaks CJK glyphs and the full font is 8 MB, so the cut
 * happens first and pdf-lib embeds the small result with `subset: false`; pdf-lib still
 * writes a ToUnicode map, so the text can be extracted and searched.
 */

/** Weights shipped by @embedpdf/fonts-sc. */
export type CjkFontWeight = "Light" | "DemiLight" | "Regular" | "Medium" | "Bold";

// Ligature glyphs ("fi") have no single code point, so pdf-lib's ToUnicode map would
// lose them and extracted text would read "Certi cate".
const NO_LIGATURES = { liga: false, clig: false } as const;

const fontCache = new Map<CjkFontWeight, Promise<Buffer>>();

function fontDirectory(): string {
  const entry = createRequire(import.meta.url).resolve("@embedpdf/fonts-sc");
  return join(dirname(entry), "..", "fonts");
}

function loadFullFont(weight: CjkFontWeight): Promise<Buffer> {
  let font = fontCache.get(weight);
  if (!font) {
    font = readFile(join(fontDirectory(), `NotoSansHans-${weight}.otf`));
    font.catch(() => fontCache.delete(weight));
    fontCache.set(weight, font);
  }
  return font;
}

/**
 * Drawn in place of a character the font has no glyph for (an emoji, an ideograph outside Noto
 * Sans SC): 〓, the mark Chinese and Japanese typesetting use for a missing character, where
 * the font's empty box would pass for a character.
 */
export const MISSING_GLYPH = "〓";

// Always in the cut: digits and the punctuation of dates, times, numbers and percentages, and the
// missing-glyph mark, so a date or a figure its caller forgot to announce still draws (all of
// ASCII would add some 30 KB to every font in every PDF)
const ALWAYS = `0123456789 -:/.,()%+#${MISSING_GLYPH}`;

const coverageCache = new Map<CjkFontWeight, Promise<(codePoint: number) => boolean>>();

/** Whether the full font has a glyph for a code point. */
function glyphCoverage(weight: CjkFontWeight): Promise<(codePoint: number) => boolean> {
  let coverage = coverageCache.get(weight);
  if (!coverage) {
    coverage = loadFullFont(weight).then((bytes) => {
      const font = fontkit.create(bytes) as unknown as { hasGlyphForCodePoint(cp: number): boolean };
      return (cp: number) => font.hasGlyphForCodePoint(cp);
    });
    coverage.catch(() => coverageCache.delete(weight));
    coverageCache.set(weight, coverage);
  }
  return coverage;
}

/** The characters of `text` the font can draw, with those it always holds. */
async function drawableCharacters(text: string, weight: CjkFontWeight): Promise<Set<string>> {
  const has = await glyphCoverage(weight);
  return new Set([...text, ...ALWAYS].filter((c) => has(c.codePointAt(0)!)));
}

/**
 * Returns an OpenType font holding only the glyphs for the characters of `text` that it has
 * (plus printable ASCII and {@link MISSING_GLYPH}), cut from Noto Sans SC.
 */
export async function subsetCjkFont(text: string, weight: CjkFontWeight = "Regular"): Promise<Uint8Array> {
  return cutFont(await drawableCharacters(text, weight), weight);
}

/** Cuts made, by weight and character set, most recently used last (a signer's stamp is cut once). */
const cutCache = new Map<string, Promise<Uint8Array>>();
const CUT_CACHE_MAX = 64;

/**
 * The font cut to `characters`. Cutting reads the whole 8 MB font into harfbuzz (10–20 ms), so
 * each character set is cut once and kept (a few dozen sets of some 30 KB each); the cut bytes
 * are shared, and nobody writes to them.
 */
function cutFont(characters: Set<string>, weight: CjkFontWeight): Promise<Uint8Array> {
  const key = `${weight}:${[...characters].sort().join("")}`;
  let cut = cutCache.get(key);
  if (cut) {
    cutCache.delete(key);
  } else {
    cut = loadFullFont(weight).then((font) => subsetFont(font, [...characters].join(""), { targetFormat: "sfnt" }));
    cut.catch(() => cutCache.delete(key));
    if (cutCache.size >= CUT_CACHE_MAX) cutCache.delete(cutCache.keys().next().value!);
  }
  cutCache.set(key, cut);
  return cut;
}

/**
 * Makes an embedder draw {@link MISSING_GLYPH} for every character outside its cut (an emoji,
 * or one its caller did not announce), measuring what it draws.
 */
function markMissing(embedder: CustomFontEmbedder, drawable: Set<string>): CustomFontEmbedder {
  const e = embedder as unknown as { encodeText(t: string): unknown; widthOfTextAtSize(t: string, size: number): number };
  const encode = e.encodeText.bind(e);
  const width = e.widthOfTextAtSize.bind(e);
  const visible = (t: string) => [...t].map((c) => (drawable.has(c) ? c : MISSING_GLYPH)).join("");
  e.encodeText = (t) => encode(visible(t));
  e.widthOfTextAtSize = (t, size) => width(visible(t), size);
  return embedder;
}

/**
 * Embeds Noto Sans SC, cut to the characters of `text`, into any pdf-lib document. Draw
 * only those characters with the returned font (pass every string you will draw).
 *
 * @example
 * const font = await embedCjkFont(doc, title + body);
 * page.drawText(title, { font, size: 16, x: 50, y: 780 });
 */
export async function embedCjkFont(doc: PDFDocument, text: string, weight: CjkFontWeight = "Regular"): Promise<PDFFont> {
  doc.registerFontkit(fontkit);
  const drawable = await drawableCharacters(text, weight);
  const font = await doc.embedFont(await cutFont(drawable, weight), { subset: false, features: NO_LIGATURES });
  markMissing(asOpenTypeCff((font as unknown as { embedder: CustomFontEmbedder }).embedder), drawable);
  return font;
}

/**
 * pdf-lib decides "CFF or TrueType" from `font.cff`, which @pdf-lib/fontkit never sets (it names
 * the table `font["CFF "]`), so a CFF-flavoured OpenType font would be written as a TrueType
 * (/CIDFontType2 + /FontFile2) and strict readers complain ("Mismatch between font type and
 * embedded font file"). Noto Sans SC is CFF: declare it as /CIDFontType0 with the whole OpenType
 * program in /FontFile3 /Subtype /OpenType (PDF 1.6), which is what it is.
 */
function asOpenTypeCff(embedder: CustomFontEmbedder): CustomFontEmbedder {
  const e = embedder as unknown as {
    isCFF(): boolean;
    serializeFont(): Promise<Uint8Array>;
    embedFontStream(context: PDFContext): Promise<PDFRef>;
  };
  e.isCFF = () => true;
  e.embedFontStream = async (context) => {
    const compressed = compressedFont(await e.serializeFont());
    return context.register(PDFRawStream.of(context.obj({ Filter: "FlateDecode", Subtype: "OpenType", Length: compressed.length }), compressed));
  };
  return embedder;
}

/** The cut fonts, compressed once each (the same cut is embedded by every stamp of its signer). */
const compressed = new WeakMap<Uint8Array, Uint8Array>();

function compressedFont(font: Uint8Array): Uint8Array {
  let bytes = compressed.get(font);
  if (!bytes) {
    bytes = new Uint8Array(deflateSync(font));
    compressed.set(font, bytes);
  }
  return bytes;
}

/**
 * A pdf-lib font embedder over the cut font, for writing into a bare PDFContext (as the
 * incremental writer does). Encode every string before calling `embedIntoContext`: the
 * ToUnicode map covers the glyphs encoded so far.
 */
export async function createCjkFontEmbedder(text: string, weight: CjkFontWeight = "Regular"): Promise<CustomFontEmbedder> {
  const drawable = await drawableCharacters(text, weight);
  const cut = await cutFont(drawable, weight);
  // what CustomFontEmbedder.for does, with the cut parsed once (fontkit reads its tables lazily and keeps them)
  const Embedder = CustomFontEmbedder as unknown as new (font: FontkitFont, data: Uint8Array, name: string | undefined, features: typeof NO_LIGATURES) => CustomFontEmbedder;
  return markMissing(asOpenTypeCff(new Embedder(parsedFont(cut), cut, undefined, NO_LIGATURES)), drawable);
}

type FontkitFont = CustomFontEmbedder["font"];

/** The cut fonts as fontkit reads them, once per cut (read-only once parsed; layout keeps its own caches). */
const parsedCuts = new WeakMap<Uint8Array, FontkitFont>();

function parsedFont(cut: Uint8Array): FontkitFont {
  let font = parsedCuts.get(cut);
  if (!font) {
    font = fontkit.create(cut) as unknown as FontkitFont;
    parsedCuts.set(cut, font);
  }
  return font;
}
