DELETE FROM download_links WHERE format = 'MEMBERS';
ALTER TABLE download_links DROP CONSTRAINT download_links_format_check,
    ADD CONSTRAINT download_links_format_check CHECK (format IN ('XLSX', 'HTML'));
