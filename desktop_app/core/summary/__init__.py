"""The home summary: computed from the records, its plain data, and the copy saved for the next start."""
