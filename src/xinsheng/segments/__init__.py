"""Segments: rule segments the bank writes as data and data-driven clusters with stable ids (docs/nba.md)."""
