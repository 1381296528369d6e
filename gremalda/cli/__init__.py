"""The headless command line: sign in, synchronise, and read the offline replica (no Qt)."""
