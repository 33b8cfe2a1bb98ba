"""Stage 2a — a text page: its characters grouped into the lines of text they print (textlines)."""
