"""Use cases per record kind: validation, one transaction per operation, the audit event written in it."""
