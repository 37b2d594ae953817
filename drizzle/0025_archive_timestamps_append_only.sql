-- The archive time-stamp chain is evidence, like signatures: the database refuses to change or
-- delete a version once noted (custos_refuse_change is the function the audit trail's triggers use).
CREATE TRIGGER archive_timestamps_no_update_delete
  BEFORE UPDATE OR DELETE ON archive_timestamps
  FOR EACH ROW EXECUTE FUNCTION custos_refuse_change();
--> statement-breakpoint
CREATE TRIGGER archive_timestamps_no_truncate
  BEFORE TRUNCATE ON archive_timestamps
  FOR EACH STATEMENT EXECUTE FUNCTION custos_refuse_change();
