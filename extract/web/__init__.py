"""The review app: a local web app over a ledger (``extract review --db LEDGER``)."""
