import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { DomainError } from "../errors";

const run = promisify(execFile);

/** DOCX (and other word-processor) sources that LibreOffice can turn into the release PDF. */
export const CONVERTIBLE = new Set([
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/msword",
  "application/vnd.oasis.opendocument.text",
]);

const found = new Map<string, Promise<string | null>>();

/** The LibreOffice binary (CUSTOS_SOFFICE, else soffice or libreoffice on PATH), or null; "none" disables it. */
export function findSoffice(configured?: string): Promise<string | null> {
  const key = configured ?? "";
  let result = found.get(key);
  if (!result) {
    result = (async () => {
      if (configured === "none") return null;
      for (const candidate of configured ? [configured] : ["soffice", "libreoffice"]) {
        try {
          await run(candidate, ["--version"], { timeout: 30_000 });
          return candidate;
        } catch {
          continue;
        }
      }
      return null;
    })();
    found.set(key, result);
  }
  return result;
}

/**
 * Converts a DOCX to PDF with LibreOffice headless, in a private profile and temp dir. When
 * LibreOffice is not installed, says so and asks for the PDF instead (422 CONVERSION_UNAVAILABLE).
 */
export async function convertToPdf(bytes: Uint8Array, filename: string, configured?: string): Promise<Uint8Array> {
  const soffice = await findSoffice(configured);
  if (!soffice) {
    throw new DomainError(
      "CONVERSION_UNAVAILABLE",
      "This server cannot convert DOCX to PDF (LibreOffice is not installed). Export the release PDF from your editor and upload it as the release file.",
    );
  }
  const dir = await mkdtemp(join(tmpdir(), "custos-convert-"));
  try {
    const ext = filename.toLowerCase().match(/\.(docx|doc|odt)$/)?.[0] ?? ".docx";
    const input = join(dir, `source${ext}`);
    await writeFile(input, bytes);
    await run(
      soffice,
      [`-env:UserInstallation=file://${join(dir, "profile")}`, "--headless", "--norestore", "--convert-to", "pdf", "--outdir", dir, input],
      { timeout: 180_000 },
    );
    return new Uint8Array(await readFile(join(dir, "source.pdf")));
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw new DomainError("UNPROCESSABLE", "LibreOffice could not convert this file to PDF; check that it opens, or upload the PDF yourself.");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
