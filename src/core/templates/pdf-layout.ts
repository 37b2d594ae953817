import { rgb, type Color, type PDFFont, type PDFPage } from "pdf-lib";
import { wrapText } from "./wrap-text";

/**
 * A small flow layout for template PDFs: the document is a list of items (a line of
 * text, a band of a table row) stacked from the top of the page down and broken into
 * pages, with headings kept with what follows them.
 */

const widthCache = new WeakMap<PDFFont, Map<string, number>>();

/**
 * Width of `text` in `font` at `size`, cached per font at unit size: measuring runs
 * fontkit's shaping, and a document measures the same characters thousands of times.
 */
export function textWidth(font: PDFFont, text: string, size: number): number {
  let cache = widthCache.get(font);
  if (!cache) {
    cache = new Map();
    widthCache.set(font, cache);
  }
  let unit = cache.get(text);
  if (unit === undefined) {
    unit = font.widthOfTextAtSize(text, 1);
    cache.set(text, unit);
  }
  return unit * size;
}

/** Where an item ended up. */
export interface Placement {
  /** Top edge of the item, in PDF points from the bottom of the page. */
  top: number;
  firstOnPage: boolean;
  lastOnPage: boolean;
}

/** One unbreakable piece of the flow. */
export interface LayoutItem {
  height: number;
  /** Space above the item, dropped at the top of a page. */
  gapBefore: number;
  /** Never end a page after this item. */
  keepWithNext: boolean;
  /** Start a new page with this item. */
  breakBefore: boolean;
  draw(page: PDFPage, placement: Placement): void;
}

/** The vertical extent of the flow on every page. */
export interface Frame {
  top: number;
  bottom: number;
}

/** One laid-out page: its items and where each goes. */
export type LaidOutPage = { item: LayoutItem; placement: Placement }[];

function chainHeight(items: readonly LayoutItem[], from: number): number {
  let height = items[from]!.height;
  for (let i = from; items[i]?.keepWithNext && i + 1 < items.length; i++) height += items[i + 1]!.gapBefore + items[i + 1]!.height;
  return height;
}

/** Breaks `items` into pages within `frame`; an item taller than the frame gets a page of its own. */
export function paginate(items: readonly LayoutItem[], frame: Frame): LaidOutPage[] {
  const pages: LaidOutPage[] = [[]];
  let y = frame.top;
  items.forEach((item, index) => {
    let page = pages.at(-1)!;
    const atTop = page.length === 0;
    const needed = (atTop ? 0 : item.gapBefore) + Math.min(chainHeight(items, index), frame.top - frame.bottom);
    if (!atTop && (item.breakBefore || y - needed < frame.bottom)) {
      page = [];
      pages.push(page);
      y = frame.top;
    }
    if (page.length > 0) y -= item.gapBefore;
    page.push({ item, placement: { top: y, firstOnPage: page.length === 0, lastOnPage: false } });
    y -= item.height;
  });
  for (const page of pages) if (page.length > 0) page.at(-1)!.placement.lastOnPage = true;
  return pages;
}

/** The lowest point any item of `page` reaches. */
export function pageBottom(page: LaidOutPage): number {
  const last = page.at(-1);
  return last ? last.placement.top - last.item.height : Number.POSITIVE_INFINITY;
}

/** How a run of text is set. */
export interface TextStyle {
  font: PDFFont;
  size: number;
  leading: number;
  color?: Color;
  align?: "left" | "center";
}

/** Where the baseline of a line of `style` sits below the top of its line box. */
export function baselineOffset(style: Pick<TextStyle, "size" | "leading">): number {
  return (style.leading - style.size) / 2 + style.size * 0.88;
}

/** The lines of `text` wrapped to `width` at `x`, as flow items; the first one carries `gapBefore`. */
export function textItems(
  text: string,
  style: TextStyle,
  box: { x: number; width: number },
  options: { gapBefore?: number; keepWithNext?: boolean; keepFirstLines?: boolean } = {},
): LayoutItem[] {
  const measure = (s: string): number => textWidth(style.font, s, style.size);
  const lines = wrapText(text, measure, box.width);
  return lines.map((line, i) => ({
    height: style.leading,
    gapBefore: i === 0 ? (options.gapBefore ?? 0) : 0,
    // Keep a heading with what follows, and never leave a paragraph's first line alone.
    keepWithNext: options.keepWithNext === true || (options.keepFirstLines === true && i === 0 && lines.length > 1),
    breakBefore: false,
    draw(page, { top }) {
      if (!line) return;
      const x = style.align === "center" ? box.x + (box.width - measure(line)) / 2 : box.x;
      page.drawText(line, { x, y: top - baselineOffset(style), size: style.size, font: style.font, color: style.color ?? rgb(0, 0, 0) });
    },
  }));
}

/** Vertical space as an item (kept with what follows, so it never ends a page by itself). */
export function spacer(height: number): LayoutItem {
  return { height, gapBefore: 0, keepWithNext: true, breakBefore: false, draw: () => undefined };
}
