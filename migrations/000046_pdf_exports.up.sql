-- Reports are also exported as PDF, printed by Chromium (issue 18).
ALTER TABLE download_links DROP CONSTRAINT download_links_format_check;
ALTER TABLE download_links ADD CONSTRAINT download_links_format_check CHECK (format IN ('XLSX', 'HTML', 'MEMBERS', 'DOCX', 'PDF'));
