import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PDFArray, PDFDict, PDFName, PDFNumber, PDFRef, PDFString } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  beginIncrementalUpdate,
  embedCmsSignature,
  hashByteRange,
  inspectPdfSignatures,
  listPages,
  openPdf,
  preparePdfSignature,
  verifyPdfSignatures,
  type PreparePdfSignatureOptions,
  type VerifiedPdfSignature,
} from "../../../../src/core/signatures/pdf";
import { findRevisions } from "../../../../src/core/signatures/pdf/pdf-revisions";
import { describeChangesAfter } from "../../../../src/core/signatures/pdf/revision-changes";
import { createBasePdf } from "../support/base-pdf";
import { createTestPki, knownGood, localTimestamper, signPdf, type TestPki, type TestSigner } from "../support/test-pki";
import { createNssDb, makeTempDir, pdfToText, runPdfsig } from "../support/validators";
import { appendPage, contentAsMetadata, contentRef, firstPage, fontName, FORGED_TEXT, newAppearanceOnSignedWidget, overlayAsUnsignedField } from "../../../support/pdf-attacks";

/**
 * The attacks of issue 11 on a PDF that Custos signed, each as an incremental update that
 * leaves the signed bytes intact (so the CMS still verifies): the change analysis must
 * refuse every one and name the object and what it is used for; and what legitimately
 * follows a signature (more signatures, a document timestamp, DSS) must still pass.
 */

let pki: TestPki;
let nss: string;
const tmp = makeTempDir();
const db = makeTempDir("custos-nss-");
let base: Uint8Array;
let signed: Uint8Array;

const options = (signer: TestSigner, who: string, field: string, pageIndex: number | "last" = 0): PreparePdfSignatureOptions => ({
  fieldName: field,
  signerName: who,
  reason: "签署 Signed",
  signingTime: new Date(),
  stamp: { pageIndex, signerName: who, meaningZh: "签署", meaningEn: "Signed", signedAtText: "2026-11-25 14:03:12 +08:00", certificateSerial: signer.serialNumber },
});

beforeAll(async () => {
  pki = await createTestPki();
  nss = createNssDb(db.dir, pki.root.certificate);
  base = await createBasePdf({ pages: 2 });
  signed = await signPdf(base, pki, pki.employee, options(pki.employee, "张三", "employee"));
});
afterAll(() => {
  tmp.cleanup();
  db.cleanup();
});

// with the issuer's record of the test certificates (none revoked), as the Custos server verifies
const verify = (pdf: Uint8Array) => verifyPdfSignatures(pdf, { trustAnchors: [pki.root.certificate], revocationRecords: knownGood(pki) });

/** Pages 1–3 rendered small by poppler, as one string (to compare what a reader shows). */
function renderPages(pdf: Uint8Array): string {
  const dir = mkdtempSync(join(tmp.dir, "render-"));
  writeFileSync(join(dir, "in.pdf"), pdf);
  spawnSync("pdftoppm", ["-q", "-r", "12", "-f", "1", "-l", "3", "-png", join(dir, "in.pdf"), join(dir, "p")], { timeout: 10_000 });
  return readdirSync(dir)
    .filter((f) => f.endsWith(".png"))
    .sort()
    .map((f) => readFileSync(join(dir, f)).toString("base64"))
    .join("|");
}

function expectRefused(sig: VerifiedPdfSignature, code: string, objectNumber: number, usedFor: RegExp) {
  // The bytes the signature covers are intact: the CMS verifies and chains to the root …
  expect(sig.cms).toMatchObject({ ok: true, messageDigestMatches: true, signatureValid: true });
  expect(sig.cms!.chain.status).toBe("trusted");
  // … yet the document shown is not the one signed.
  expect(sig.ok).toBe(false);
  expect(sig.changesAfter.kind).toBe("otherModified");
  const found = sig.changesAfter.modifications.find((m) => m.code === code && m.objectNumber === objectNumber);
  expect(found, JSON.stringify(sig.changesAfter.modifications, null, 1)).toBeDefined();
  expect(found!.usedFor).toMatch(usedFor);
  expect(found!.message).toMatch(/after signature 1( and signed by no later valid signature)?$/);
  expect(sig.changesAfter.details).toContain(found!.message);
}

describe("change analysis: the attacks of issue 11 on a Custos-signed PDF", () => {
  it("starts from a signature every validator accepts", () => {
    const [sig] = verify(signed).signatures;
    expect(sig).toMatchObject({ ok: true, fieldName: "employee" });
    expect(sig!.changesAfter.kind).toBe("none");
    expect(runPdfsig(signed, nss, tmp.dir)[0]).toMatchObject({ signatureValid: true, certificateTrusted: true, totalDocumentSigned: true });
  });

  it("(a) refuses a page content stream redefined and labelled /Type /Metadata /Subtype /XML", () => {
    const attack = contentAsMetadata(signed);
    const [sig] = verify(attack.pdf).signatures;
    expectRefused(sig!, "OBJECT_CHANGED", attack.object, /^content stream of page 1$/);
    expect(sig!.changesAfter.details[0]).toBe(`object ${attack.object} (content stream of page 1) changed, now claiming to be /Metadata /XML after signature 1`);
    expect(sig!.changesAfter.details.join("\n")).not.toMatch(/XMP metadata updated/);
    // pdfsig agrees the signed bytes are intact and says only that the file goes on after them
    expect(runPdfsig(attack.pdf, nss, tmp.dir)[0]).toMatchObject({ signatureValid: true, totalDocumentSigned: false });
  });

  it("(b) refuses the same with the trailer's /Info pointing at the replaced object", () => {
    const attack = contentAsMetadata(signed, true);
    expect(openPdf(attack.pdf).trailer.get(PDFName.of("Info"))).toEqual(PDFRef.of(attack.object));
    const [sig] = verify(attack.pdf).signatures;
    expectRefused(sig!, "OBJECT_CHANGED", attack.object, /^content stream of page 1$/);
    expect(sig!.changesAfter.details.join("\n")).not.toMatch(/document information dictionary updated/);
  });

  it("(c) refuses a full-page overlay as the widget of a new, unsigned signature field", () => {
    const attack = overlayAsUnsignedField(signed);
    const [sig] = verify(attack.pdf).signatures;
    expectRefused(sig!, "UNSIGNED_FIELD_APPEARANCE", attack.widget, /unsigned signature field "Overlay"/);
    expectRefused(sig!, "ANNOTATION_ADDED", attack.widget, /on page 1/);
  });

  it("(d) refuses a page appended after signing", () => {
    const attack = appendPage(signed);
    const [sig] = verify(attack.pdf).signatures;
    expectRefused(sig!, "PAGE_NOT_SIGNED", attack.page, /^page 3$/);
    expect(sig!.changesAfter.pagesAdded).toEqual([{ objectNumber: attack.page, pageNumber: 3 }]);
    // The inspection alone (no trust decided) already reports the page.
    expect(inspectPdfSignatures(attack.pdf).signatures[0]!.changesAfter.kind).toBe("pagesAdded");
  });

  it("(d') refuses a page appended and then signed by someone the verifier does not trust", async () => {
    const attack = appendPage(signed);
    const outsider = await createTestPki();
    const countersigned = await signPdf(attack.pdf, outsider, outsider.manager, options(outsider.manager, "Mallory", "mallory"));
    const [first, second] = verify(countersigned).signatures;
    expect(second!.cms!.chain.status).not.toBe("trusted");
    expectRefused(first!, "PAGE_NOT_SIGNED", attack.page, /^page 3$/);
  });

  it("refuses a later signature's stamp when that signature is not valid, and lets an invisible one pass", async () => {
    const outsider = await createTestPki();
    const stamped = await signPdf(signed, outsider, outsider.manager, options(outsider.manager, "Mallory", "mallory"));
    const [first, second] = verify(stamped).signatures;
    expect(second!.ok).toBe(false);
    const stamp = first!.changesAfter.modifications.find((m) => m.code === "STAMP_NOT_SIGNED");
    expect(stamp?.message).toMatch(/^object \d+ \(widget of the signature field "mallory"\) drawn after signature 1 by a signature that is not valid and trusted$/);
    expect(first!.ok).toBe(false);
    const { stamp: _drop, ...invisible } = options(outsider.manager, "Mallory", "mallory");
    const quiet = await signPdf(signed, outsider, outsider.manager, invisible);
    const [kept] = verify(quiet).signatures;
    expect(kept!.changesAfter.modifications).toEqual([]);
    expect(kept!.ok).toBe(true);
  });

  it("(e) refuses a new appearance on the signed signature's widget", () => {
    const attack = newAppearanceOnSignedWidget(signed);
    const [sig] = verify(attack.pdf).signatures;
    expectRefused(sig!, "OBJECT_CHANGED", attack.widget, /field "employee"/);
    expect(sig!.changesAfter.details[0]).toMatch(new RegExp(`^object ${attack.widget} \\(field "employee"; also signature widget of field "employee" on page 1\\) changed`));
  });

  it("refuses an appearance stream of the signed widget rewritten in place (same object number)", () => {
    const file = openPdf(signed);
    const form = file.getDict(file.catalog()!.dict, "AcroForm")!;
    const widget = file.resolve((file.resolve(form.get(PDFName.of("Fields"))) as PDFArray).get(0)) as PDFDict;
    const apRef = (file.resolve(widget.get(PDFName.of("AP"))) as PDFDict).get(PDFName.of("N")) as PDFRef;
    const update = beginIncrementalUpdate(file);
    update.replace(apRef, update.context.stream("1 0 0 rg 0 0 240 92 re f", { Type: "XObject", Subtype: "Form", BBox: [0, 0, 240, 92] }));
    const [sig] = verify(update.write().bytes).signatures;
    expectRefused(sig!, "OBJECT_CHANGED", apRef.objectNumber, /appearance of the field "employee"/);
  });

  it("refuses a font the signed page uses, replaced after signing", () => {
    const file = openPdf(signed);
    const fontRef = file.getDict(file.getDict(firstPage(file).dict, "Resources"), "Font")!.get(PDFName.of(fontName(file))) as PDFRef;
    const update = beginIncrementalUpdate(file);
    update.replace(fontRef, update.context.obj({ Type: "Font", Subtype: "Type1", BaseFont: "Courier" }));
    const [sig] = verify(update.write().bytes).signatures;
    expectRefused(sig!, "OBJECT_CHANGED", fontRef.objectNumber, new RegExp(`^font /${fontName(file)} in the resources of page 1$`));
  });
});

/** A document timestamp (/Type /DocTimeStamp, /SubFilter /ETSI.RFC3161) appended by hand from a prepared signature. */
async function addDocumentTimestamp(pdf: Uint8Array): Promise<Uint8Array> {
  const prepared = await preparePdfSignature(pdf, { fieldName: "DocTS", signerName: "TSA", reason: "timestamp", signingTime: new Date() });
  const text = Buffer.from(prepared.pdf).toString("latin1");
  const from = "/Type /Sig\n/Filter /Adobe.PPKLite\n/SubFilter /ETSI.CAdES.detached\n";
  const to = "/Type /DocTimeStamp\n/Filter /Adobe.PPKLite\n/SubFilter /ETSI.RFC3161\n";
  const at = text.lastIndexOf(from);
  const range = text.indexOf("/ByteRange [", at);
  const close = text.indexOf("]", range);
  const grow = to.length - from.length;
  // take the extra bytes out of the byte range's padding so every offset stays where it was
  const rangeText = text.slice(range, close + 1);
  const shorter = rangeText.replace(new RegExp(` {${grow}}\\]$`), "]");
  expect(shorter.length).toBe(rangeText.length - grow);
  const patched = text.slice(0, at) + to + text.slice(at + from.length, range) + shorter + text.slice(close + 1);
  const bytes = Buffer.from(patched, "latin1");
  const withType = { pdf: new Uint8Array(bytes), byteRange: prepared.byteRange };
  const ranges = Buffer.concat([bytes.subarray(0, prepared.byteRange[1]), bytes.subarray(prepared.byteRange[2])]);
  expect(hashByteRange(withType.pdf, prepared.byteRange).length).toBe(32);
  const token = await localTimestamper(pki)(ranges);
  return embedCmsSignature(withType, token);
}

/** A DSS with the root certificate, in its own incremental update. */
function addDss(pdf: Uint8Array): Uint8Array {
  const file = openPdf(pdf);
  const update = beginIncrementalUpdate(file);
  const ctx = update.context;
  const cert = update.add(ctx.stream(pki.root.certificate));
  const dss = update.add(ctx.obj({ Type: "DSS", Certs: [cert], VRI: {} }));
  const catalog = file.catalog()!;
  const copy = catalog.dict.clone(ctx);
  copy.set(PDFName.of("DSS"), dss);
  copy.set(PDFName.of("Extensions"), ctx.obj({ ESIC: { BaseVersion: "1.7", ExtensionLevel: 1 } }));
  update.replace(catalog.ref!, copy);
  return update.write().bytes;
}

describe("change analysis: more ways round it", () => {
  it("follows every key: an XObject named /P replaced after signing", async () => {
    // before signing, page 1 draws a form XObject whose resource name is /P
    const file = openPdf(base);
    const update = beginIncrementalUpdate(file);
    const ctx = update.context;
    const page = firstPage(file);
    const xobject = update.add(ctx.stream("0 0 1 rg 0 0 50 50 re f", { Type: "XObject", Subtype: "Form", BBox: [0, 0, 50, 50] }));
    const draw = update.add(ctx.stream("q 1 0 0 1 100 100 cm /P Do Q"));
    const copy = page.dict.clone(ctx);
    const resources = (file.resolve(page.dict.get(PDFName.of("Resources"))) as PDFDict).clone(ctx);
    resources.set(PDFName.of("XObject"), ctx.obj({ P: xobject }));
    copy.set(PDFName.of("Resources"), resources);
    copy.set(PDFName.of("Contents"), ctx.obj([contentRef(file), draw]));
    update.replace(page.ref, copy);
    const withP = await signPdf(update.write().bytes, pki, pki.employee, options(pki.employee, "张三", "employee"));
    expect(verify(withP).signatures[0]!.ok).toBe(true);
    const attack = beginIncrementalUpdate(openPdf(withP));
    attack.replace(xobject, attack.context.stream("1 1 1 rg 0 0 595 842 re f", { Type: "XObject", Subtype: "Form", BBox: [0, 0, 595, 842] }));
    const [sig] = verify(attack.write().bytes).signatures;
    expectRefused(sig!, "OBJECT_CHANGED", xobject.objectNumber, /^XObject \/P in the resources of page 1$/);
  });

  it("refuses an existing annotation turned into a later signature's widget", async () => {
    // before signing, page 1 carries a link annotation
    const file = openPdf(base);
    const update = beginIncrementalUpdate(file);
    const ctx = update.context;
    const page = firstPage(file);
    const link = update.add(ctx.obj({ Type: "Annot", Subtype: "Link", Rect: [50, 740, 400, 760], Border: [0, 0, 0], A: { S: "URI", URI: PDFString.of("https://example.com") } }));
    const copy = page.dict.clone(ctx);
    copy.set(PDFName.of("Annots"), ctx.obj([link]));
    update.replace(page.ref, copy);
    const withLink = await signPdf(update.write().bytes, pki, pki.employee, options(pki.employee, "张三", "employee", 1));
    // after: the link becomes the widget of a new signature field, with a signature dictionary and an appearance
    const after = openPdf(withLink);
    const attack = beginIncrementalUpdate(after);
    const a = attack.context;
    const sig = attack.add(a.obj({ Type: "Sig", Filter: "Adobe.PPKLite", SubFilter: "ETSI.CAdES.detached", ByteRange: [0, 0, 0, 0], Contents: PDFString.of("") }));
    const ap = attack.add(a.stream("1 1 1 rg 0 0 350 20 re f", { Type: "XObject", Subtype: "Form", BBox: [0, 0, 350, 20] }));
    attack.replace(link, a.obj({ Type: "Annot", Subtype: "Widget", FT: "Sig", T: PDFString.of("cover"), V: sig, P: firstPage(after).ref, Rect: [50, 740, 400, 760], AP: { N: ap } }));
    const formRaw = after.catalog()!.dict.get(PDFName.of("AcroForm")) as PDFRef;
    const form = (after.lookup(formRaw) as PDFDict).clone(a);
    form.set(PDFName.of("Fields"), a.obj([...(after.resolve(form.get(PDFName.of("Fields"))) as PDFArray).asArray(), link]));
    attack.replace(formRaw, form);
    const [first] = verify(attack.write().bytes).signatures;
    expectRefused(first!, "FIELD_ADDED", link.objectNumber, /form field "cover"/);
    expectRefused(first!, "OBJECT_CHANGED", link.objectNumber, /on page 1/);
  });

  it("fails closed when the objects are too many to follow within the budget", async () => {
    const second = await signPdf(signed, pki, pki.manager, options(pki.manager, "李经理", "manager"));
    const { revisions } = findRevisions(second);
    const index = inspectPdfSignatures(second).signatures[0]!.revision;
    const roomy = describeChangesAfter(second, openPdf(second), revisions, index);
    expect(roomy.modifications).toEqual([]);
    const starved = describeChangesAfter(second, openPdf(second), revisions, index, { visits: 3 });
    expect(starved.kind).toBe("otherModified");
    expect(starved.modifications.map((m) => m.code)).toEqual(["ANALYSIS_FAILED"]);
  });

  it("refuses resources inherited from the page tree, a new non-widget annotation and a new /OpenAction", () => {
    const file = openPdf(signed);
    const update = beginIncrementalUpdate(file);
    const ctx = update.context;
    const catalog = file.catalog()!;
    const pagesRef = catalog.dict.get(PDFName.of("Pages")) as PDFRef;
    const pages = (file.lookup(pagesRef) as PDFDict).clone(ctx);
    pages.set(PDFName.of("Rotate"), PDFNumber.of(180));
    update.replace(pagesRef, pages);
    const page = listPages(file)[1]!;
    const note = update.add(ctx.obj({ Type: "Annot", Subtype: "FreeText", Rect: [50, 600, 400, 650], Contents: PDFString.of("Pay 1000000 CNY"), DA: PDFString.of("/Helv 20 Tf 0 g") }));
    const pageCopy = page.dict.clone(ctx);
    pageCopy.set(PDFName.of("Annots"), ctx.obj([note]));
    update.replace(page.ref, pageCopy);
    const catalogCopy = catalog.dict.clone(ctx);
    catalogCopy.set(PDFName.of("OpenAction"), ctx.obj({ S: "JavaScript", JS: PDFString.of("app.alert('hi')") }));
    update.replace(catalog.ref!, catalogCopy);
    const [sig] = verify(update.write().bytes).signatures;
    expectRefused(sig!, "PAGE_TREE_CHANGED", pagesRef.objectNumber, /page tree node/);
    expectRefused(sig!, "ANNOTATION_ADDED", note.objectNumber, /^\/FreeText annotation on page 2$/);
    expect(sig!.changesAfter.modifications.map((m) => m.message)).toContain("the document catalog's /OpenAction changed after signature 1");
  });

  it("refuses a definition the cross-reference data hides, and a page kid made unreadable to the parser", () => {
    // a redefinition of the page's content stream appended as bare bytes, no xref pointing at it
    const ref = contentRef(openPdf(signed));
    const body = FORGED_TEXT(fontName(openPdf(signed)));
    const hidden = Buffer.concat([Buffer.from(signed), Buffer.from(`${ref.objectNumber} 0 obj\n<< /Length ${body.length} >>\nstream\n${body}\nendstream\nendobj\n`, "latin1")]);
    const [first] = verify(hidden).signatures;
    expectRefused(first!, "OBJECT_HIDDEN", ref.objectNumber, /^content stream of page 1$/);
    // the same without a space before "obj", which poppler still reads as an object
    const squeezed = Buffer.from(Buffer.from(hidden).toString("latin1").replace(new RegExp(`${ref.objectNumber} 0 obj\\n<< /Length`), `${ref.objectNumber} 0obj\n<< /Length`), "latin1");
    expect(squeezed.length).toBe(hidden.length - 1);
    expectRefused(verify(squeezed).signatures[0]!, "OBJECT_HIDDEN", ref.objectNumber, /^content stream of page 1$/);
    // an update whose cross-reference section is damaged: every reader repairs it its own way
    const damaged = Buffer.from(contentAsMetadata(signed).pdf);
    const xrefAt = damaged.lastIndexOf("\nxref\n");
    damaged.write("\nxrf \n", xrefAt, "latin1");
    const [repaired] = verify(damaged).signatures;
    expect(repaired!.ok).toBe(false);
    expect(repaired!.changesAfter.modifications.map((m) => m.code)).toContain("XREF_DAMAGED_AFTER");
    // a new page whose dictionary a lenient reader still shows but a strict parser cannot read
    const attack = appendPage(signed);
    const text = Buffer.from(attack.pdf).toString("latin1");
    const at = text.lastIndexOf("/Type /Page\n");
    const broken = Buffer.from(`${text.slice(0, at)}/Type / age\n${text.slice(at + "/Type /Page\n".length)}`, "latin1");
    const [second] = verify(broken).signatures;
    expectRefused(second!, "OBJECT_UNREADABLE", attack.page, /page tree node/);
  });

  it.each([
    ["(a) content relabelled", "text"],
    ["(d) page appended", "text"],
    ["(e) new appearance on the signed widget", "picture"],
  ] as const)("%s, damaged at random: never throws, never passes while poppler shows the forgery", (name, oracle) => {
    const attack = name.startsWith("(a)") ? contentAsMetadata(signed).pdf : name.startsWith("(d)") ? appendPage(signed).pdf : newAppearanceOnSignedWidget(signed).pdf;
    const shows = (pdf: Uint8Array): string => {
      try {
        return oracle === "text" ? pdfToText(pdf, tmp.dir) : renderPages(pdf);
      } catch {
        return ""; // poppler gave up on the file: nothing shown
      }
    };
    const signedView = shows(signed);
    const forged = (view: string) => (oracle === "text" ? view.includes("1000000") : view !== "" && view !== signedView);
    expect(forged(shows(attack))).toBe(true);
    let seed = 0x2545f491 + name.length;
    const random = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 2 ** 32;
    };
    let forgedSeen = 0;
    for (let i = 0; i < 40; i++) {
      const mutated = Buffer.from(attack);
      for (let k = 0; k < 1 + Math.floor(random() * 3); k++) {
        const at = signed.length + Math.floor(random() * (mutated.length - signed.length));
        mutated[at] = random() < 0.5 ? Math.floor(random() * 256) : 0x20;
      }
      const report = verifyPdfSignatures(mutated, { trustAnchors: [pki.root.certificate] });
      if (!forged(shows(mutated))) continue;
      forgedSeen++;
      expect(report.signatures[0]?.ok ?? false, `mutation ${i}`).toBe(false);
    }
    expect(forgedSeen).toBeGreaterThan(10);
  });
});

describe("change analysis: what may follow a signature", () => {
  it("accepts a second and a third Custos signature, on the same page and on another", async () => {
    const second = await signPdf(signed, pki, pki.manager, options(pki.manager, "李经理", "manager", 0));
    const third = await signPdf(second, pki, pki.employee, options(pki.employee, "张三", "employee-again", "last"));
    const report = verify(third);
    expect(report.signatures.map((s) => [s.fieldName, s.ok, s.changesAfter.kind])).toEqual([
      ["employee", true, "laterSignaturesOnly"],
      ["manager", true, "laterSignaturesOnly"],
      ["employee-again", true, "none"],
    ]);
    expect(report.signatures[0]!.changesAfter.details).toEqual(expect.arrayContaining([expect.stringMatching(/^signature field "manager" \(object \d+\) added$/), expect.stringMatching(/^signature field "employee-again"/)]));
    // (pdfsig's NSS reports an "unknown issue" with a certificate met a second time in one file, so only the math is compared)
    expect(runPdfsig(third, nss, tmp.dir).map((s) => s.signatureValid)).toEqual([true, true, true]);
  });

  it("accepts a document timestamp and a DSS after the signature", async () => {
    const stamped = await addDocumentTimestamp(addDss(signed));
    const report = verify(stamped);
    expect(report.signatures.map((s) => s.type)).toEqual(["signature", "documentTimestamp"]);
    const [sig] = report.signatures;
    expect(sig!.changesAfter.modifications).toEqual([]);
    expect(sig!.changesAfter.kind).toBe("laterSignaturesOnly");
    expect(sig!.changesAfter.details).toEqual(expect.arrayContaining(["validation data (DSS) added or updated", expect.stringMatching(/^document timestamp field "DocTS"/)]));
    expect(sig!.ok).toBe(true);
    // and a later Custos signature on top of all that
    const again = await signPdf(stamped, pki, pki.manager, options(pki.manager, "李经理", "manager"));
    expect(verify(again).signatures.map((s) => s.changesAfter.modifications)).toEqual([[], [], []]);
    expect(runPdfsig(again, nss, tmp.dir)[0]).toMatchObject({ signatureValid: true });
  });

  it("refuses a changed DSS only when a page uses what changed, and a new non-signature field always", async () => {
    const file = openPdf(signed);
    const update = beginIncrementalUpdate(file);
    const ctx = update.context;
    const field = update.add(ctx.obj({ FT: "Tx", T: PDFString.of("amount"), V: PDFString.of("1000000") }));
    const catalog = file.catalog()!;
    const form = (file.resolve(catalog.dict.get(PDFName.of("AcroForm"))) as PDFDict).clone(ctx);
    const fields = file.resolve(form.get(PDFName.of("Fields"))) as PDFArray;
    form.set(PDFName.of("Fields"), ctx.obj([...fields.asArray(), field]));
    const raw = catalog.dict.get(PDFName.of("AcroForm"));
    if (raw instanceof PDFRef) update.replace(raw, form);
    else {
      const copy = catalog.dict.clone(ctx);
      copy.set(PDFName.of("AcroForm"), form);
      update.replace(catalog.ref!, copy);
    }
    const [sig] = verify(update.write().bytes).signatures;
    expectRefused(sig!, "FIELD_ADDED", field.objectNumber, /form field "amount"/);
  });
});

describe("change analysis: certification signatures (DocMDP)", () => {
  it("with P=2 lets further signatures follow and still refuses changed content", async () => {
    const certified = await signPdf(base, pki, pki.manager, { ...options(pki.manager, "北京示例科技有限公司", "certification"), certify: 2 });
    expect(Buffer.from(certified).toString("latin1")).toMatch(/\/Perms <<\s*\/DocMDP \d+ 0 R\s*>>/);
    const second = await signPdf(certified, pki, pki.employee, options(pki.employee, "张三", "employee", "last"));
    const report = verify(second);
    expect(report.signatures.map((s) => [s.fieldName, s.docMdp, s.ok])).toEqual([
      ["certification", 2, true],
      ["employee", undefined, true],
    ]);
    expect(runPdfsig(second, nss, tmp.dir).map((s) => s.signatureValid && s.certificateTrusted)).toEqual([true, true]);
    const attack = contentAsMetadata(second);
    const [first] = verify(attack.pdf).signatures;
    expectRefused(first!, "OBJECT_CHANGED", attack.object, /^content stream of page 1$/);
  });

  it("with P=1 refuses any later revision, even a valid signature", async () => {
    const certified = await signPdf(base, pki, pki.manager, { ...options(pki.manager, "北京示例科技有限公司", "certification"), certify: 1 });
    expect(verify(certified).signatures[0]).toMatchObject({ docMdp: 1, ok: true });
    const second = await signPdf(certified, pki, pki.employee, options(pki.employee, "张三", "employee", "last"));
    const [first, later] = verify(second).signatures;
    expect(later!.ok).toBe(true);
    expect(first!.ok).toBe(false);
    expect(first!.changesAfter.modifications[0]).toMatchObject({ code: "CERTIFIED_NO_CHANGES" });
    expect(first!.changesAfter.details[0]).toBe("signature 1 certifies the document allowing no changes (DocMDP P=1), yet later revisions changed it");
  });

  it("refuses to certify a document that is already signed", async () => {
    await expect(preparePdfSignature(signed, { fieldName: "cert", signerName: "x", reason: "y", signingTime: new Date(), certify: 2 })).rejects.toThrow(/first signature/);
  });
});

describe("change analysis: the corpus of foreign, malformed and attacking PDFs", () => {
  const CORPUS = join(process.cwd(), "test", "fixtures", "pdf");
  const files = [
    ...readdirSync(CORPUS).filter((f) => f.endsWith(".pdf")),
    ...readdirSync(join(CORPUS, "esig-dss"))
      .filter((f) => f.endsWith(".pdf"))
      .map((f) => `esig-dss/${f}`),
  ].sort();

  it.each(files)("%s: verified without throwing, also truncated and damaged", (name) => {
    const bytes = readFileSync(join(CORPUS, name));
    const check = (pdf: Uint8Array) => {
      const report = verifyPdfSignatures(pdf, { trustAnchors: [pki.root.certificate] });
      for (const s of report.signatures) {
        expect(s.ok).toBe(false); // none of them is Custos's
        expect(Array.isArray(s.changesAfter.modifications)).toBe(true);
      }
      return report;
    };
    check(bytes);
    for (const cut of [bytes.length >> 1, bytes.length - 7, 1024, 10]) check(bytes.subarray(0, cut));
    for (let i = 1; i <= 8; i++) {
      const flipped = Buffer.from(bytes);
      const at = Math.floor((flipped.length * i) / 9);
      flipped[at] = flipped[at]! ^ 0xff;
      check(flipped);
    }
  });

  it.each([
    ["esig-dss/dss-2236_hide.pdf", "OBJECT_CHANGED", /XObject \/I1 in the resources of page 1/],
    ["esig-dss/dss-2236_replace.pdf", "OBJECT_CHANGED", /field "Text1"/],
    ["esig-dss/pdf-signed-added-page.pdf", "PAGE_NOT_SIGNED", /^page 2$/],
    ["esig-dss/pdf-removed-pages.pdf", "PAGES_CHANGED", undefined],
    ["esig-dss/pades-spoofing-replaced-reason.pdf", "OBJECT_CHANGED", /\/V of field "Signature1"/],
  ])("%s: the first signature is refused for what changed after it (%s)", (name, code, usedFor) => {
    const bytes = readFileSync(join(CORPUS, name));
    const first = verifyPdfSignatures(bytes, { trustAnchors: [] }).signatures[0]!;
    expect(first.ok).toBe(false);
    expect(first.changesAfter.kind).toBe("otherModified");
    const found = first.changesAfter.modifications.find((m) => m.code === code);
    expect(found, JSON.stringify(first.changesAfter.modifications, null, 1)).toBeDefined();
    if (usedFor) expect(found!.usedFor).toMatch(usedFor);
    // Their signed bytes are intact: pdfsig says so too, and only the change analysis sees the attack.
    expect(first.cms!.messageDigestMatches).toBe(true);
    expect(runPdfsig(bytes, nss, tmp.dir)[0]!.signatureValid).toBe(true);
  });

  it("agrees with pdfsig on the mathematics of every signature pdfsig also finds", () => {
    const mismatchedCounts: string[] = [];
    for (const name of files) {
      const bytes = readFileSync(join(CORPUS, name));
      const ours = verifyPdfSignatures(bytes, { trustAnchors: [] }).signatures;
      const theirs = runPdfsig(bytes, nss, tmp.dir);
      if (ours.length !== theirs.length) {
        mismatchedCounts.push(name);
        continue;
      }
      expect(
        ours.map((s) => Boolean(s.cms?.signatureValid && s.cms.messageDigestMatches)),
        name,
      ).toEqual(theirs.map((t) => t.signatureValid));
    }
    // the spoofed reason is a second definition of the signature dictionary, which we list too
    expect(mismatchedCounts).toEqual(["esig-dss/pades-spoofing-replaced-reason.pdf"]);
  });

  it("keeps well-behaved foreign signing sequences free of modifications", () => {
    for (const name of ["node-signpdf-signed-twice.pdf", "pyhanko-minimal-two-fields-signed-twice.pdf", "esig-dss/pdf-byterange-overlap.pdf"]) {
      const report = inspectPdfSignatures(readFileSync(join(CORPUS, name)));
      expect(report.signatures[0]!.changesAfter, name).toMatchObject({ kind: "laterSignaturesOnly", modifications: [] });
    }
    // Verified, the second pyHanko signature's stamp counts against the first only because nobody here trusts its signer.
    const verified = verifyPdfSignatures(readFileSync(join(CORPUS, "pyhanko-minimal-two-fields-signed-twice.pdf")), { trustAnchors: [] });
    expect(verified.signatures[0]!.changesAfter.modifications.map((m) => m.code)).toEqual(["STAMP_NOT_SIGNED"]);
  });
});
