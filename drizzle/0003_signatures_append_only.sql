-- The evidence of signatures is append-only, like the audit trail.
CREATE TRIGGER signatures_no_update_delete
  BEFORE UPDATE OR DELETE ON signatures
  FOR EACH ROW EXECUTE FUNCTION custos_refuse_change();
--> statement-breakpoint
CREATE TRIGGER signatures_no_truncate
  BEFORE TRUNCATE ON signatures
  FOR EACH STATEMENT EXECUTE FUNCTION custos_refuse_change();
