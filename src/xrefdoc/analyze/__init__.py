"""Static analysis of the records: findings for the Patterns, Performance, Security & Safety
sections, from rules that read code and never import or run it."""
