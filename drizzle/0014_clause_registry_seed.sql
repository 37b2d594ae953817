-- The clauses of the standard and the evidence Custos holds for each (../shared/standard/CLAUSES.md).
INSERT INTO clauses (id, ordinal, group_id, title_zh, requirement, evidence) VALUES
  ('4.1', 1, '4', '知识产权管理体系总体要求', 'an IPMS fitted to the company''s nature and size', 'organisation profile (industry, size, stage: start-up / pilot / demonstration) that tailors the default file plan and record types'),
  ('4.2.1', 2, '4', '管理方针', 'IP policy: lawful, fits the business, issued by top management, reviewed periodically, understood by all staff', 'policy document type, issued with the top manager''s signature, review interval; acknowledgement campaign: every employee e-acknowledges; coverage report'),
  ('4.2.2', 3, '4', '管理目标', 'IP objectives: measurable, cascaded to departments, known to owners, evaluated periodically', 'objectives with targets, units, owner departments, measured values per period; owners acknowledge; evaluation records'),
  ('4.2.3', 4, '4', '管理程序', 'procedures: document control, release and improvement, acquisition/maintenance/exploitation, others', 'procedure document category with required procedures listed; gap shown when one is missing'),
  ('4.3.1', 5, '4', '管理文件总体要求', 'policy and objectives, manual, procedures and records', 'the document categories above; the register lists them'),
  ('4.3.2.1', 6, '4', '文件管理', 'documents approved before release and re-approved after revision; clear; managed by category and secrecy level; easy to identify, find and read; obsolete ones kept and marked', 'controlled documents: numbering, categories, classification levels, immutable revisions, review → approval → effective, re-approval on every revision, superseded/obsolete states with visible marks, search, periodic review'),
  ('4.3.2.2', 7, '4', '记录管理（含外来文件）', 'records procedure (identify, store, protect, retrieve, keep, dispose); external documents (administrative decisions, court judgments, lawyer letters) with source and date obtained; completeness, custody, retention period', 'record classes (file plan) with retention period, trigger and disposition; external documents with source, issuer, reference number, date obtained, custody (electronic / paper location); legal hold; approved disposal with a destruction record; fixity checks'),
  ('4.3.2.3', 8, '4', '知识产权管理手册', 'IP manual: organisation, duties and authorities; procedures or references; how procedures interact', 'manual document type; a manual draft generated (DOCX) from the live organisation, duties and procedure register, with cross-references'),
  ('4.3.3', 9, '4', '合同管理', 'contracts: IP review before signing, review procedure with records, classified and kept', 'contract register: counterparties, type, IP clauses (ownership, confidentiality), IP review as a gate before signing, the review kept as a record, e-signing, retention from contract end'),
  ('5.2–5.5', 10, '5', '知识产权战略（规划、实施、评价、改进）', 'IP strategy: plan (short/mid/long term), implementation plan (its listed contents), evaluation with indicators, improvement', 'strategy plan, implementation plan with the listed sections, evaluation with indicator system and opinion, improvement measures linked to the revised plan'),
  ('6.1–6.2', 11, '6', '知识产权制度与分类管理制度', 'IP regulations drafted by the IP function, issued by top management: patent, trademark, copyright, trade secret, others, each with its usual chapters', 'regulation document types with templates carrying the listed chapters (总则、管理职责、申请/注册、管理、使用与保护、奖励 / 标识印制)'),
  ('6.3', 12, '6', '相关管理制度（资产、信用、保密）', 'asset management with periodic inventory; credit management against abuse; confidentiality: classified files, information, devices, areas, permission levels', 'IP asset inventory checks (scheduled, signed off); confidentiality register of classified areas/devices and permission levels, which drive clearance'),
  ('7.1–7.2', 13, '7', '资源配置与组织机构', 'an IP organisation with duties a)–g), staffed or outsourced with a dedicated contact', 'organisation units, roles and duty statements; appointment records'),
  ('7.3.2.1–3', 14, '7', '最高管理者、管理人员与工作人员', 'top manager, IP manager, IP staff duties', 'role definitions; IP manager appointment signed by the top manager'),
  ('7.3.2.4', 15, '7', '入职', 'onboarding: IP background check; IP declaration for R&D roles; non-compete terms', 'onboarding checklist per hire: background-check record, IP declaration and non-compete agreement generated from templates and e-signed by the employee'),
  ('7.3.2.5', 16, '7', '离职', 'offboarding: IP reminder; exit IP agreement or non-compete for staff with core IP', 'offboarding checklist: reminder acknowledged, exit IP agreement / non-compete e-signed'),
  ('7.3.2.6–7', 17, '7', '激励与培训', 'incentives and accountability; training', 'reward records (links to inventions); training sessions with attendance acknowledged by signature'),
  ('7.4.1', 18, '7', '信息资源', 'information resources: collection, analysis, approval before external publication, IP information database', 'publication approval workflow; information records'),
  ('7.4.2', 19, '7', '财务资源', 'annual IP budget (items a)–e)); quarterly check of spending', 'budget with the listed items; quarterly expense review records signed off'),
  ('8.2–8.3', 20, '8', '风险识别与风险管控', 'risk identification (a)–f), incl. yearly validity check of licensed IP, genuine software, equipment, permissions for marks/text/images); risk control (a)–e))', 'risk register with the listed categories, yearly checks scheduled, control measures and response plans as records'),
  ('9.1–9.2', 21, '9', '检索与确权', 'patent landscape and novelty/inventiveness searches with reports; design-around; R&D and filing strategy; quality assessment before filing', 'search reports, design-around records, filing strategy, pre-filing quality assessment as record types linked to inventions'),
  ('9.3.1', 22, '9', '原始取得', 'original acquisition: inventors named; R&D records with who, when, where, what', 'invention disclosures with completers; R&D records with the four facts, signed by the author'),
  ('9.3.2–9.3.3', 23, '9', '联合开发与继受取得', 'joint development contracts (ownership, confidentiality); publication procedure with universities; derivative acquisition: list, status, evaluation, written contract', 'contract types for joint/commissioned development, transfer, M&A; acquisition list with legal status and evaluation'),
  ('10.1', 24, '10', '日常保护与涉外保护', 'rights documents controlled; IP marking in sales; market monitoring and infringement records; outsourcing control a)–e); foreign filing and export checks', 'controlled rights documents; monitoring and infringement records; service-agency register with qualification review, contract, supervision and periodic evaluation records; foreign filing checklist'),
  ('10.2', 25, '10', '保护途径（纠纷处理）', 'disputes: judicial, administrative, arbitration/mediation, negotiation', 'case files that gather external documents (judgments, decisions, lawyer letters), with a legal hold while open'),
  ('11.2', 26, '11', '知识产权资产管理', 'IP asset register by category; grading; portfolio', 'IP asset register (patents, trademarks, copyrights, trade secrets, know-how), grades with their management strategy, portfolios'),
  ('11.3–11.4', 27, '11', '运用环节与运用方式', 'evaluation, due diligence, audit before exploitation; transfer, implementation, licence, securitisation, injunction; investment, alliance, M&A', 'exploitation records per type with the listed required reports and contract terms; inventor reward records'),
  ('12', 28, '12', '知识产权管理体系的评价', 'yearly evaluation of the IPMS: objectives, process and performance, with indicators and weights; improvement opinion and plan', 'annual evaluation with a weighted indicator sheet, scores, report (PDF/DOCX) signed by the top manager, improvement plan'),
  ('13.2–13.3', 29, '13', '内部审核与管理评审', 'internal audit with audit system and indicators; review inputs a)–e) and outputs a)–c); supervision and inspection records a)–e)', 'audit programme, checklists by clause, findings, review inputs/outputs; inspection records'),
  ('13.4–13.5', 30, '13', '分析与改进', 'analysis reported to top management; improvement; corrective actions a)–f)', 'nonconformity → cause → action → record of results → effectiveness review, each step signed')
ON CONFLICT (id) DO NOTHING;
--> statement-breakpoint
-- Audit listings: records, contracts and case files are classified objects too.
CREATE OR REPLACE VIEW audit_object_classification AS
  SELECT 'document'::text AS object_type, id AS object_id, classification FROM documents
  UNION ALL
  SELECT 'signature_request'::text, id, classification FROM signature_requests
  UNION ALL
  SELECT 'file'::text, id, classification FROM files
  UNION ALL
  SELECT 'record'::text, id, classification FROM records
  UNION ALL
  SELECT 'contract'::text, id, classification FROM contracts
  UNION ALL
  SELECT 'case'::text, id, classification FROM case_files;
