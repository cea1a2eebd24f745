"""errata's application shell: CLI, config, the run pipeline, fetching, the archive."""
