"""State laws on sister-city partnerships: the rules as data, screening, termination and the compliance report."""
