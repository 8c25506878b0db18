"""The fake server's REST API, one module per area.

Jobs (reading, writing, submission and its rules), bans, delegation, configuration (settings, access grants,
storages), the optimizer, data management, admin.
"""
