-- Versions of module items are evidence, like revisions and signatures: the database refuses to
-- change or delete them (custos_refuse_change is the function the audit trail's triggers use).
CREATE TRIGGER item_versions_no_update_delete
  BEFORE UPDATE OR DELETE ON item_versions
  FOR EACH ROW EXECUTE FUNCTION custos_refuse_change();
--> statement-breakpoint
CREATE TRIGGER item_versions_no_truncate
  BEFORE TRUNCATE ON item_versions
  FOR EACH STATEMENT EXECUTE FUNCTION custos_refuse_change();
