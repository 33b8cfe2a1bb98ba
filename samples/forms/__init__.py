"""Builders of sample forms, one module per data-file ``kind`` (``shanxi-dept`` -> ``shanxi_dept.py``)."""
