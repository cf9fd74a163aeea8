"""Full-text search: text folding and query parsing, the index writer, and answering a query."""
