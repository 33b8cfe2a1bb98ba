"""Bulk ingest of whole archives: a resumable SQLite ledger of every file, worker processes or a Dask
cluster to read them, one writer in the parent."""
