DROP TABLE report_text_versions;
DROP TABLE report_texts;
DROP TABLE report_documents;
