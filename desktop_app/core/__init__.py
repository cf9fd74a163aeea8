"""Everything that is not a widget: records, files, search, reports and the command line. Never imports Qt."""
