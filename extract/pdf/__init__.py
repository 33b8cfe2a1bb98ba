"""Stage 1 — the PDF: open it safely (load), and read each page from its text layer or, for a scan, by OCR (pages)."""
