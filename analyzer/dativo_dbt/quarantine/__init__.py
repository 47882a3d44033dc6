"""Quarantine: the warehouse registry of quarantined failing-row batches and their lifecycle."""
