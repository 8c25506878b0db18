"""What the fake server keeps, and how it changes.

The store of jobs and credentials, the database's limits, the clock, the jobs' lifecycle (what the daemon
does), the storage namespace behind ``/dm``, identities and callers, the configuration and optimizer state.
"""
