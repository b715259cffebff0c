-- A download link can also be of a unit's member list in the import
-- template's form (issue 17: export, edit, import again).
ALTER TABLE download_links DROP CONSTRAINT download_links_format_check,
    ADD CONSTRAINT download_links_format_check CHECK (format IN ('XLSX', 'HTML', 'MEMBERS'));
