"""Wire protocol shared by the sync engine and the server: object types, change records."""
