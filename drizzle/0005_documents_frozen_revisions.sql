-- Signers created before steps existed signed one after another: their step is their position.
UPDATE signature_request_signers SET step = position WHERE step = 0;
--> statement-breakpoint
-- A revision's content is frozen once it leaves draft: a change is a new revision that goes
-- through review and approval again. The signed PDF is written once, when the approval completes.
CREATE OR REPLACE FUNCTION custos_revision_content_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.state <> 'draft' THEN
      RAISE EXCEPTION 'revision % is % and cannot be deleted', OLD.id, OLD.state USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN OLD;
  END IF;
  IF OLD.state <> 'draft' AND (
       NEW.document_id IS DISTINCT FROM OLD.document_id OR NEW.seq IS DISTINCT FROM OLD.seq
    OR NEW.label IS DISTINCT FROM OLD.label OR NEW.change_summary IS DISTINCT FROM OLD.change_summary
    OR NEW.source_sha256 IS DISTINCT FROM OLD.source_sha256 OR NEW.release_sha256 IS DISTINCT FROM OLD.release_sha256
    OR NEW.effective_date IS DISTINCT FROM OLD.effective_date OR NEW.drafted_by IS DISTINCT FROM OLD.drafted_by
    OR NEW.reviewer_ids IS DISTINCT FROM OLD.reviewer_ids OR NEW.approver_id IS DISTINCT FROM OLD.approver_id) THEN
    RAISE EXCEPTION 'revision % is % and its content cannot change', OLD.id, OLD.state USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF OLD.signed_sha256 IS NOT NULL AND NEW.signed_sha256 IS DISTINCT FROM OLD.signed_sha256 THEN
    RAISE EXCEPTION 'the signed PDF of revision % cannot change', OLD.id USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER document_revisions_frozen
  BEFORE UPDATE OR DELETE ON document_revisions
  FOR EACH ROW EXECUTE FUNCTION custos_revision_content_frozen();
