-- Three more classes so that every clause of the standard that asks for evidence has one:
-- procedure issue records (4.2.3), registers of documents and records (4.3.1), and the IP manager's
-- appointment by the top manager (7.3.2.1–7.3.2.3).
INSERT INTO record_classes
  (id, code, name, name_en, clause, description, retention_amount, retention_unit, trigger, disposition,
   default_classification, template_id, built_in, created_at, updated_at)
VALUES
  ('rcl_4_2_3_01', 'R-4.2.3-01', '管理程序发布记录', 'Procedure issue records', '4.2.3', '形成文件的知识产权管理程序的发布与修订记录', 30, 'years', 'document-superseded', 'review', 'internal', NULL, true, now(), now()),
  ('rcl_4_3_1_01', 'R-4.3.1-01', '文件和记录清单', 'Registers of documents and records', '4.3.1', '管理体系文件与记录的清单（定期导出）', 10, 'years', 'record-date', 'destroy', 'internal', NULL, true, now(), now()),
  ('rcl_7_3_2_2_01', 'R-7.3.2.2-01', '知识产权管理者任命与职责', 'IP manager appointment and duties', '7.3.2.2', '最高管理者签署的知识产权管理者任命书及职责说明', 30, 'years', 'record-date', 'review', 'internal', NULL, true, now(), now())
ON CONFLICT (id) DO NOTHING;
