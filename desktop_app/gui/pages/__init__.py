"""The window's pages, one per task: home, record lists, search, files, audit trail, trash, responses."""
