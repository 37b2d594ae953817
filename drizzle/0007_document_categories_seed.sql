-- The built-in document categories of an IP management system (4.2–4.3, 6); admins add more.
INSERT INTO document_categories
  (id, name, name_en, number_pattern, next_seq, label_scheme, clauses, draft_roles, review_roles, approve_roles,
   allow_self_approval, acknowledgeable, default_review_months, built_in, created_at, updated_at)
VALUES
  ('policy', '知识产权方针', 'IP policy', 'IPM-PO-{seq:2}', 1, 'alpha', '{4.2.1,4.3.1}',
   '{ip-manager}', '{ip-manager,ip-staff,legal}', '{top-manager}', false, true, 12, true, now(), now()),
  ('objectives', '知识产权目标', 'IP objectives', 'IPM-OB-{seq:2}', 1, 'alpha', '{4.2.2,4.3.1}',
   '{ip-manager}', '{ip-manager,ip-staff}', '{top-manager}', false, true, 12, true, now(), now()),
  ('manual', '知识产权管理手册', 'IP manual', 'IPM-MA-{seq:2}', 1, 'numeric', '{4.3.2.3,4.3.1}',
   '{ip-manager}', '{ip-manager,ip-staff,legal}', '{top-manager}', false, true, 12, true, now(), now()),
  ('procedure', '程序文件', 'Procedure', 'IPM-PR-{seq:3}', 1, 'alpha', '{4.2.3,4.3.1,4.3.2.1}',
   '{ip-manager,ip-staff}', '{ip-manager,ip-staff,legal}', '{ip-manager,top-manager}', false, true, 12, true, now(), now()),
  ('regulation', '知识产权管理制度', 'IP regulation', 'IPM-RG-{seq:3}', 1, 'alpha', '{6.1,6.2}',
   '{ip-manager,ip-staff}', '{ip-manager,ip-staff,legal}', '{top-manager}', false, true, 24, true, now(), now()),
  ('form', '表单与模板', 'Form / template', 'IPM-FM-{seq:3}', 1, 'numeric', '{4.3.2.1}',
   '{ip-manager,ip-staff}', '{ip-manager,ip-staff}', '{ip-manager}', true, false, 24, true, now(), now()),
  ('other', '其他受控文件', 'Other controlled document', 'IPM-OT-{seq:3}', 1, 'alpha', '{4.3.2.1}',
   '{ip-manager,ip-staff,legal}', '{ip-manager,ip-staff,legal}', '{ip-manager}', false, false, 24, true, now(), now())
ON CONFLICT (id) DO NOTHING;
