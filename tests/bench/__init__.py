"""On-demand benchmarks: a deterministic generator of large records and a script that measures the bars."""
