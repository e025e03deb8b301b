"""Next-best-action: a bank-editable catalogue of products, services and care gestures,
ranked per customer within eligibility, suitability (适当性), contact fatigue and what the
customer's own notes rule out (docs/nba.md)."""
