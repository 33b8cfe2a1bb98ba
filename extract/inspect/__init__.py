"""Looking inside: the debug picture of a page (debug) and why a page is or is not a form (explain)."""
