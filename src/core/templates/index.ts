/**
 * Document templates: versioned, bilingual templates kept as data under `templates/`
 * (IP declaration, non-compete agreement, exit IP agreement, policy acknowledgement),
 * validated field values, and rendering to PDF (for signing) and DOCX (for editing).
 */
export { getTemplate, listTemplates, loadTemplateCatalog, compareRevisions, TemplateDefinitionError, TEMPLATES_DIRECTORY, type TemplateCatalog, type TemplateListing } from "./catalog";
export { validateTemplateValues, type TemplateValue, type TemplateValues, type TemplateValueIssue } from "./values";
export { fillTemplate, templateHeaderLine, type FilledDocument, type TemplateOrganisation } from "./fill-template";
export { renderFilledPdf, renderTemplatePdf, type RenderTemplateOptions } from "./render-pdf";
export { renderTemplateDocx } from "./render-docx";
export { SIGNATURE_STAMP_AREA, SIGNATURE_STAMP, A4 } from "./pdf-signature-area";
export { residentIdProblem, residentIdCheckCharacter } from "./resident-id";
export { documentTemplateSchema, type DocumentTemplate, type TemplateField, type TemplateFieldType, type TemplateSection, type SignatureLine, type LocalizedText } from "./schema";
