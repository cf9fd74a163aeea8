"""The program's place on the computer: data folder, logs, crash reports, bundled resources, files the user names."""
