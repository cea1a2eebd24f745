"""errata's application shell: CLI, config, the run pipeline, fetching, the archive."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("errata")
except PackageNotFoundError:  # running from a checkout without install
    __version__ = "0.0.0"
