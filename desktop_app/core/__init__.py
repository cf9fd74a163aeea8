"""Everything that is not a widget: records, files, search, reports. Never imports Qt, the window or the CLI."""
