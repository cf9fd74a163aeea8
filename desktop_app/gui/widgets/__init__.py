"""Parts the pages share: forms, field editors, tables and their models, filters, the PDF preview."""
