ALTER TABLE api_clients DROP COLUMN org_unit_id;
DROP TABLE unit_holidays;
DROP INDEX legal_documents_unique_per_owner;
DROP INDEX legal_documents_owner_unit_id;
ALTER TABLE legal_documents DROP COLUMN owner_unit_id;
ALTER TABLE legal_documents ADD CONSTRAINT legal_documents_number_issuer_issued_on_key UNIQUE (number, issuer, issued_on);
DROP INDEX movements_owner_unit_id;
ALTER TABLE movements DROP COLUMN owner_unit_id;
