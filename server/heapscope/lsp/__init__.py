"""The language server: translates sessions, snapshots and findings into LSP; no analysis here."""
