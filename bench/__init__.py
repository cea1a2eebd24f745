"""errata's benchmarks: ``make bench`` (``python -m bench``). Not run by the test suite."""
