"""The completeness check (考核): the rule book, scoring, and the reports an inspector reads."""
