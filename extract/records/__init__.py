"""Records: the record's JSON (exact decimals, both ways) and the one flattener to tables."""
