"""gkml inspect: score a catalog as a county publishes it (pages, workbooks, documents, PDFs)."""
