"""Test helpers shipped with fts3sdk: an FTS-compatible server and a throwaway PKI."""
