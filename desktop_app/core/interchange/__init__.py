"""Records in and out: the bundled sample data, CSV/XLSX partnership import, and the JSON records file."""
