__version__ = "0.1.0"
OFFICIAL_CLIENT_VERSION = "3.14.2"
"""The official ``fts3`` client release the Easy facade, `fts3sdk.compat` and the ``fts-rest-*`` commands mirror."""
