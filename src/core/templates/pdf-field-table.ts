import { rgb, type PDFFont } from "pdf-lib";
import type { LocalizedText } from "./schema";
import { baselineOffset, textWidth, type LayoutItem } from "./pdf-layout";
import { wrapText } from "./wrap-text";

/** Fonts and sizes of the field table. */
export interface FieldTableStyle {
  font: PDFFont;
  size: number;
  labelEnSize: number;
  leading: number;
  labelWidth: number;
}

const PADDING = 4;
const CELL_INSET = 5;
const BORDER = rgb(0.55, 0.55, 0.55);
const LABEL_FILL = rgb(0.95, 0.95, 0.95);
const GREY = rgb(0.35, 0.35, 0.35);

interface CellLine {
  text: string;
  size: number;
  grey: boolean;
  /** The English label after the Chinese one, when both fit on one line. */
  after?: { text: string; size: number };
}

const LABEL_GAP = 4;

/**
 * The filled fields as a two-column bordered table (bilingual label | value). Each row is
 * cut into one item per line, so a long value continues on the next page; the borders
 * close at the page break and reopen on the new page. Short rows stay whole.
 */
export function fieldTableItems(rows: { label: LocalizedText; value: string }[], style: FieldTableStyle, box: { x: number; width: number }): LayoutItem[] {
  const measureAt = (size: number) => (s: string): number => textWidth(style.font, s, size);
  const labelTextWidth = style.labelWidth - 2 * CELL_INSET;
  const valueTextWidth = box.width - style.labelWidth - 2 * CELL_INSET;
  const items: LayoutItem[] = [];

  for (const row of rows) {
    const together = measureAt(style.size)(row.label.zh) + LABEL_GAP + measureAt(style.labelEnSize)(row.label.en) <= labelTextWidth;
    const label: CellLine[] = together
      ? [{ text: row.label.zh, size: style.size, grey: false, after: { text: row.label.en, size: style.labelEnSize } }]
      : [
          ...wrapText(row.label.zh, measureAt(style.size), labelTextWidth).map((text) => ({ text, size: style.size, grey: false })),
          ...wrapText(row.label.en, measureAt(style.labelEnSize), labelTextWidth).map((text) => ({ text, size: style.labelEnSize, grey: true })),
        ];
    const value: CellLine[] = wrapText(row.value, measureAt(style.size), valueTextWidth).map((text) => ({ text, size: style.size, grey: false }));
    const count = Math.max(label.length, value.length);
    for (let i = 0; i < count; i++) {
      const first = i === 0;
      const last = i === count - 1;
      const padTop = first ? PADDING : 0;
      const height = style.leading + padTop + (last ? PADDING : 0);
      items.push({
        height,
        gapBefore: 0,
        keepWithNext: !last && count <= 4,
        breakBefore: false,
        draw(page, { top, firstOnPage, lastOnPage }) {
          const bottom = top - height;
          const x0 = box.x;
          const x1 = box.x + style.labelWidth;
          const x2 = box.x + box.width;
          page.drawRectangle({ x: x0, y: bottom, width: style.labelWidth, height, color: LABEL_FILL });
          const line = (from: [number, number], to: [number, number]): void =>
            page.drawLine({ start: { x: from[0], y: from[1] }, end: { x: to[0], y: to[1] }, thickness: 0.5, color: BORDER });
          for (const x of [x0, x1, x2]) line([x, bottom], [x, top]);
          if (first || firstOnPage) line([x0, top], [x2, top]);
          if (last || lastOnPage) line([x0, bottom], [x2, bottom]);
          const textTop = top - padTop;
          for (const [cell, x] of [[label[i], x0 + CELL_INSET], [value[i], x1 + CELL_INSET]] as const) {
            if (!cell?.text) continue;
            const y = textTop - baselineOffset({ size: cell.size, leading: style.leading });
            page.drawText(cell.text, { x, y, size: cell.size, font: style.font, color: cell.grey ? GREY : rgb(0, 0, 0) });
            if (cell.after) {
              const afterX = x + measureAt(cell.size)(cell.text) + LABEL_GAP;
              page.drawText(cell.after.text, { x: afterX, y, size: cell.after.size, font: style.font, color: GREY });
            }
          }
        },
      });
    }
  }
  return items;
}
