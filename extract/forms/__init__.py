"""Stage 4 — forms: labels and synonyms (vocabulary), templates and rules as data (templates, tolerance), the pages
of each form (segment), and its fields (sheet, fields, listtables, matrix, mending, values, units, paths, amounts)."""
