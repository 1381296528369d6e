"""Annotations (issue 5, DESIGN §3): our own records, merged per field between one person's devices,
stored with their outbox row in one transaction, re-anchored when a document is replaced. Qt-free."""
