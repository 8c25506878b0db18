"""Resources of the clients (``client.jobs``, ``client.storage``...): thin shells over shared endpoint definitions."""
