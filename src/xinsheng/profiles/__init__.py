"""Customer profiles: what customers hold (holdings ingest), a living profile kept up to date
as contacts and holdings arrive, and the churn-risk score (docs/profiles.md)."""
