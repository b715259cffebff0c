DELETE FROM download_links WHERE format = 'PDF';
ALTER TABLE download_links DROP CONSTRAINT download_links_format_check;
ALTER TABLE download_links ADD CONSTRAINT download_links_format_check CHECK (format IN ('XLSX', 'HTML', 'MEMBERS', 'DOCX'));
