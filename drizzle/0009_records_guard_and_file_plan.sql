-- Records: content is immutable once declared, records are never deleted (destruction deletes the
-- bytes and keeps the row), and a destroyed or transferred record does not come back.
CREATE OR REPLACE FUNCTION custos_record_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'record % cannot be deleted; dispose of it through an approved disposal', OLD.id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NEW.content_sha256 IS DISTINCT FROM OLD.content_sha256 OR NEW.content_size IS DISTINCT FROM OLD.content_size
     OR NEW.number IS DISTINCT FROM OLD.number OR NEW.declared_at IS DISTINCT FROM OLD.declared_at
     OR NEW.declared_by IS DISTINCT FROM OLD.declared_by OR NEW.natures IS DISTINCT FROM OLD.natures THEN
    RAISE EXCEPTION 'the content of record % is immutable', OLD.id USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF OLD.status <> 'active' AND NEW.status IS DISTINCT FROM OLD.status THEN
    RAISE EXCEPTION 'record % is % and cannot change state again', OLD.id, OLD.status USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER records_guard
  BEFORE UPDATE OR DELETE ON records
  FOR EACH ROW EXECUTE FUNCTION custos_record_guard();
--> statement-breakpoint
CREATE TRIGGER records_no_truncate
  BEFORE TRUNCATE ON records
  FOR EACH STATEMENT EXECUTE FUNCTION custos_refuse_change();
--> statement-breakpoint
-- Destruction records are kept permanently; disposal approvals are evidence: both append-only.
CREATE TRIGGER destruction_records_no_update_delete
  BEFORE UPDATE OR DELETE ON destruction_records
  FOR EACH ROW EXECUTE FUNCTION custos_refuse_change();
--> statement-breakpoint
CREATE TRIGGER destruction_records_no_truncate
  BEFORE TRUNCATE ON destruction_records
  FOR EACH STATEMENT EXECUTE FUNCTION custos_refuse_change();
--> statement-breakpoint
CREATE TRIGGER disposal_approvals_no_update_delete
  BEFORE UPDATE OR DELETE ON disposal_approvals
  FOR EACH ROW EXECUTE FUNCTION custos_refuse_change();
--> statement-breakpoint
CREATE TRIGGER disposal_approvals_no_truncate
  BEFORE TRUNCATE ON disposal_approvals
  FOR EACH STATEMENT EXECUTE FUNCTION custos_refuse_change();
--> statement-breakpoint
-- The default file plan: a record class for each kind of record the standard asks for (CLAUSES.md).
-- The IP manager edits periods, triggers and dispositions; built-in classes are used by Custos's own flows.
INSERT INTO record_classes
  (id, code, name, name_en, clause, description, retention_amount, retention_unit, trigger, disposition,
   default_classification, template_id, built_in, created_at, updated_at)
VALUES
  ('rcl_4_1_01', 'R-4.1-01', '组织概况与管理体系范围', 'Organisation profile and IPMS scope', '4.1', '企业性质、规模与所处阶段，管理体系范围说明', 10, 'years', 'document-superseded', 'review', 'internal', NULL, true, now(), now()),
  ('rcl_4_2_1_01', 'R-4.2.1-01', '知识产权方针发布记录', 'IP policy issue records', '4.2.1', '最高管理者签发的知识产权方针及其评审', NULL, 'permanent', 'creation', 'permanent', 'internal', NULL, true, now(), now()),
  ('rcl_4_2_1_02', 'R-4.2.1-02', '方针宣贯确认记录', 'Policy acknowledgements', '4.2.1', '员工对知识产权方针的电子确认', 10, 'years', 'creation', 'destroy', 'internal', 'policy-acknowledgement', true, now(), now()),
  ('rcl_4_2_2_01', 'R-4.2.2-01', '知识产权目标及考核记录', 'IP objectives and their evaluation', '4.2.2', '目标、指标、分解及定期考核', 10, 'years', 'record-date', 'destroy', 'internal', NULL, true, now(), now()),
  ('rcl_4_3_2_1_01', 'R-4.3.2.1-01', '文件审批与发布记录', 'Document review, approval and release records', '4.3.2.1', '受控文件各版本的审核、批准与发布', 10, 'years', 'document-superseded', 'destroy', 'internal', NULL, true, now(), now()),
  ('rcl_4_3_2_2_01', 'R-4.3.2.2-01', '外来文件：行政决定', 'External documents: administrative decisions', '4.3.2.2', '行政机关作出的决定、通知、审查意见', 30, 'years', 'record-date', 'review', 'internal', NULL, true, now(), now()),
  ('rcl_4_3_2_2_02', 'R-4.3.2.2-02', '外来文件：司法判决与裁定', 'External documents: court judgments and rulings', '4.3.2.2', '人民法院的判决书、裁定书、调解书', 30, 'years', 'case-closed', 'review', 'secret', NULL, true, now(), now()),
  ('rcl_4_3_2_2_03', 'R-4.3.2.2-03', '外来文件：律师函', 'External documents: lawyer letters', '4.3.2.2', '收到或发出的律师函', 10, 'years', 'record-date', 'review', 'secret', NULL, true, now(), now()),
  ('rcl_4_3_2_2_04', 'R-4.3.2.2-04', '外来文件：其他', 'External documents: other', '4.3.2.2', '其他来自外部的文件', 10, 'years', 'record-date', 'review', 'internal', NULL, true, now(), now()),
  ('rcl_4_3_2_2_05', 'R-4.3.2.2-05', '记录销毁与移交记录', 'Destruction and transfer records', '4.3.2.2', '经批准的处置（销毁证明、移交清单），永久保存', NULL, 'permanent', 'creation', 'permanent', 'internal', NULL, true, now(), now()),
  ('rcl_4_3_2_3_01', 'R-4.3.2.3-01', '知识产权管理手册', 'IP manual', '4.3.2.3', '手册各版本', NULL, 'permanent', 'creation', 'permanent', 'internal', NULL, true, now(), now()),
  ('rcl_4_3_3_01', 'R-4.3.3-01', '合同（已签署）', 'Signed contracts', '4.3.3', '已签署的合同文本，保管期限自合同终止起算', 30, 'years', 'contract-end', 'review', 'secret', NULL, true, now(), now()),
  ('rcl_4_3_3_02', 'R-4.3.3-02', '合同知识产权审查记录', 'Contract IP review records', '4.3.3', '签订前的知识产权审查：检查单、意见与结论', 30, 'years', 'contract-end', 'destroy', 'secret', NULL, true, now(), now()),
  ('rcl_5_2_01', 'R-5.2-01', '知识产权战略规划、实施与评价', 'IP strategy plans, implementation and evaluation', '5.2', '规划、实施方案、评价与改进', NULL, 'permanent', 'creation', 'permanent', 'secret', NULL, true, now(), now()),
  ('rcl_6_1_01', 'R-6.1-01', '知识产权管理制度发布记录', 'IP regulation issue records', '6.1', '专利、商标、著作权、商业秘密等制度', 30, 'years', 'document-superseded', 'review', 'internal', NULL, true, now(), now()),
  ('rcl_6_3_01', 'R-6.3-01', '知识产权资产盘点记录', 'IP asset inventory records', '6.3', '定期盘点及签核', 10, 'years', 'record-date', 'destroy', 'internal', NULL, true, now(), now()),
  ('rcl_6_3_02', 'R-6.3-02', '保密管理记录', 'Confidentiality management records', '6.3', '涉密文件、信息、设备、区域及权限', 30, 'years', 'record-date', 'review', 'secret', NULL, true, now(), now()),
  ('rcl_7_2_01', 'R-7.2-01', '机构设置与任命记录', 'Organisation and appointment records', '7.2', '知识产权机构、职责与任命（含管理者代表任命）', 30, 'years', 'record-date', 'review', 'internal', NULL, true, now(), now()),
  ('rcl_7_3_2_4_01', 'R-7.3.2.4-01', '入职知识产权背景调查', 'Onboarding IP background checks', '7.3.2.4', '新员工知识产权背景调查记录', 10, 'years', 'employment-end', 'destroy', 'secret', NULL, true, now(), now()),
  ('rcl_7_3_2_4_02', 'R-7.3.2.4-02', '知识产权声明', 'IP declarations', '7.3.2.4', '研发等岗位员工入职时签署的知识产权声明', 30, 'years', 'employment-end', 'review', 'internal', 'ip-declaration', true, now(), now()),
  ('rcl_7_3_2_4_03', 'R-7.3.2.4-03', '竞业限制协议', 'Non-compete agreements', '7.3.2.4', '与员工签订的竞业限制协议', 10, 'years', 'employment-end', 'destroy', 'secret', 'non-compete', true, now(), now()),
  ('rcl_7_3_2_5_01', 'R-7.3.2.5-01', '离职知识产权协议与提醒', 'Exit IP agreements and reminders', '7.3.2.5', '离职知识产权提醒与协议', 30, 'years', 'employment-end', 'review', 'secret', 'exit-ip-agreement', true, now(), now()),
  ('rcl_7_3_2_6_01', 'R-7.3.2.6-01', '激励与奖惩记录', 'Incentive and accountability records', '7.3.2.6', '发明人奖励、报酬与追责', 30, 'years', 'record-date', 'review', 'internal', NULL, true, now(), now()),
  ('rcl_7_3_2_7_01', 'R-7.3.2.7-01', '培训记录', 'Training records', '7.3.2.7', '培训计划、签到与效果评价', 10, 'years', 'record-date', 'destroy', 'internal', NULL, true, now(), now()),
  ('rcl_7_4_1_01', 'R-7.4.1-01', '信息资源与发布审批记录', 'Information resources and publication approvals', '7.4.1', '信息收集分析与对外发布前的审批', 10, 'years', 'record-date', 'destroy', 'internal', NULL, true, now(), now()),
  ('rcl_7_4_2_01', 'R-7.4.2-01', '知识产权经费预算与检查', 'IP budget and quarterly checks', '7.4.2', '年度预算与季度支出检查', 10, 'years', 'record-date', 'destroy', 'internal', NULL, true, now(), now()),
  ('rcl_8_2_01', 'R-8.2-01', '风险识别与控制记录', 'Risk identification and control records', '8.2', '风险登记、年度检查、控制措施与应对预案', 10, 'years', 'record-date', 'destroy', 'secret', NULL, true, now(), now()),
  ('rcl_9_1_01', 'R-9.1-01', '检索分析与申请前评估报告', 'Search, analysis and pre-filing assessment reports', '9.1', '专利导航、查新检索、规避设计、申请前质量评估', 30, 'years', 'record-date', 'review', 'secret', NULL, true, now(), now()),
  ('rcl_9_3_1_01', 'R-9.3.1-01', '研发记录与发明披露', 'R&D records and invention disclosures', '9.3.1', '研发过程记录（何人、何时、何地、何事）与发明披露', 30, 'years', 'record-date', 'review', 'secret', NULL, true, now(), now()),
  ('rcl_9_3_2_01', 'R-9.3.2-01', '合作开发与继受取得记录', 'Joint development and derivative acquisition records', '9.3.2', '合作/委托开发、转让、并购取得的清单、状态与评估', 30, 'years', 'contract-end', 'review', 'secret', NULL, true, now(), now()),
  ('rcl_10_1_01', 'R-10.1-01', '权利证书与权利文件', 'Rights certificates and documents', '10.1', '专利证书、商标注册证、登记证书等', NULL, 'permanent', 'creation', 'permanent', 'internal', NULL, true, now(), now()),
  ('rcl_10_1_02', 'R-10.1-02', '市场监控与侵权记录', 'Market monitoring and infringement records', '10.1', '市场监控、侵权线索与处置', 10, 'years', 'record-date', 'review', 'secret', NULL, true, now(), now()),
  ('rcl_10_1_03', 'R-10.1-03', '代理机构管理记录', 'Service agency records', '10.1', '资质审查、监督与定期评价', 10, 'years', 'record-date', 'destroy', 'internal', NULL, true, now(), now()),
  ('rcl_10_2_01', 'R-10.2-01', '纠纷案件材料', 'Dispute case records', '10.2', '诉讼、行政、仲裁调解及谈判材料', 30, 'years', 'case-closed', 'review', 'secret', NULL, true, now(), now()),
  ('rcl_11_2_01', 'R-11.2-01', '知识产权资产登记与分级', 'IP asset register and grading', '11.2', '资产清单、分级评价与组合', NULL, 'permanent', 'creation', 'permanent', 'internal', NULL, true, now(), now()),
  ('rcl_11_3_01', 'R-11.3-01', '运用评估与尽职调查', 'Exploitation evaluation and due diligence', '11.3', '评估、尽职调查、实施许可、投融资与并购', 30, 'years', 'record-date', 'review', 'secret', NULL, true, now(), now()),
  ('rcl_12_01', 'R-12-01', '管理体系年度评价', 'Annual IPMS evaluation', '12', '评价指标、得分、报告与改进计划', NULL, 'permanent', 'creation', 'permanent', 'internal', NULL, true, now(), now()),
  ('rcl_13_2_01', 'R-13.2-01', '内部审核与管理评审记录', 'Internal audit and management review records', '13.2', '审核方案、检查表、发现与评审输入输出', 10, 'years', 'record-date', 'destroy', 'internal', NULL, true, now(), now()),
  ('rcl_13_4_01', 'R-13.4-01', '纠正措施与改进记录', 'Corrective action and improvement records', '13.4', '不符合、原因、措施、结果与有效性评价', 10, 'years', 'record-date', 'destroy', 'internal', NULL, true, now(), now())
ON CONFLICT (id) DO NOTHING;
