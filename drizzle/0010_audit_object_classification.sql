-- The classification of every object an audit event can name, so audit listings show a person
-- only events about objects within their clearance. Areas with classified objects add a branch
-- here (CREATE OR REPLACE VIEW in their own migration).
CREATE OR REPLACE VIEW audit_object_classification AS
  SELECT 'document'::text AS object_type, id AS object_id, classification FROM documents
  UNION ALL
  SELECT 'signature_request'::text, id, classification FROM signature_requests
  UNION ALL
  SELECT 'file'::text, id, classification FROM files;
