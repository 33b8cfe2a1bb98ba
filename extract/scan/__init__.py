"""Stage 2b — a scanned page: the image made upright and level with the seal faded (prep), rulings from pixels
(imagegrid), lines found (inklines) and read (ocrpage) by the engines in ``scan.ocr``, the cheap screen of long
scanned documents (scanscreen), and second readings of uncertain numbers (reread)."""
