"""Tests of the release tools in packaging/ (the frozen app itself is built and smoke-tested by packaging/build.py)."""
