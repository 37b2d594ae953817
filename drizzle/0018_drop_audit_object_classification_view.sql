-- The audit trail no longer reads object classifications from a hand-kept view: each object type's
-- access policy (registered in code) says who may see its events, and a type without one fails closed.
DROP VIEW IF EXISTS audit_object_classification;
