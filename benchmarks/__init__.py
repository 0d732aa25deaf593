"""Load benchmarks that print figures (req/s, p50/p99); run them with ``python -m benchmarks.X``."""
