"""Fixed answers of the fake server: endpoint information (``GET /``) and the submission JSON schema.

Both are what fts-rest-flask 3.13.4 serves (``/api-docs/schema/submit`` is documentation only: incomplete).
"""

from __future__ import annotations

from typing import Any

__all__ = ["ENDPOINT_LINKS", "SUBMIT_SCHEMA"]

ENDPOINT_LINKS: dict[str, Any] = {
    "curies": [{"name": "fts", "href": "https://gitlab.cern.ch/fts/fts3"}],
    "fts:whoami": {"href": "/whoami", "title": "Check user certificate"},
    "fts:joblist": {
        "href": "/jobs{?vo_name,user_dn,dlg_id,state_in}",
        "title": "List of active jobs",
        "templated": True,
    },
    "fts:job": {
        "href": "/jobs/{id}",
        "title": "Job information",
        "templated": True,
        "hints": {"allow": ["GET", "DELETE"]},
    },
    "fts:configaudit": {"href": "/config/audit", "title": "Configuration"},
    "fts:submitschema": {"href": "/api-docs/schema/submit", "title": "JSON schema of messages"},
    "fts:apidocs": {"href": "/api-docs/", "title": "API Documentation"},
    "fts:jobsubmit": {"href": "/jobs", "hints": {"allow": ["POST"], "representations": ["fts:submitschema"]}},
    "fts:optimizer": {"href": "/optimizer/", "title": "Optimizer"},
    "fts:archive": {"href": "/archive/", "title": "Archive"},
}
"""HAL links of ``GET /``."""

SUBMIT_SCHEMA: dict[str, Any] = {
    "title": "Job submission",
    "type": "object",
    "properties": {
        "params": {
            "title": "Job parameters",
            "type": ["object", "null"],
            "properties": {
                "verify_checksum": {"type": ["boolean", "null"]},
                "reuse": {"type": ["boolean", "null"], "title": "If set to true, srm sessions will be reused"},
                "destination_spacetoken": {"type": ["string", "null"], "title": "Destination space token"},
                "bring_online": {"type": ["integer", "null"], "title": "Bring online operation timeout"},
                "copy_pin_lifetime": {
                    "type": ["integer", "null"],
                    "title": "Minimum lifetime when bring online is used. -1 means no bring online",
                    "minimum": -1,
                },
                "job_metadata": {"type": ["object", "null"]},
                "source_spacetoken": {"type": ["string", "null"]},
                "overwrite": {"type": ["boolean", "null"]},
                "dst_file_report": {"type": ["boolean", "null"]},
                "gridftp": {"type": ["string", "null"], "title": "Reserved for future usage"},
                "retry": {"type": ["integer", "null"]},
                "multihop": {"type": ["boolean", "null"]},
                "timeout": {"type": ["integer", "null"], "title": "Timeout in seconds"},
                "nostreams": {"type": ["integer", "null"], "title": "Number of streams"},
                "buffer_size": {"type": ["integer", "null"], "title": "Buffer size"},
                "strict_copy": {"type": ["boolean", "null"], "title": "Disable all checks, just copy the file"},
                "disable_cleanup": {
                    "type": ["boolean", "null"],
                    "title": "Enable/disable the copy clean-up happening when a transfer fails",
                },
                "priority": {"type": ["integer", "null"], "title": "Job priority"},
                "ipv4": {"type": ["boolean", "null"], "title": "Force IPv4 if the underlying protocol supports it"},
                "ipv6": {"type": ["boolean", "null"], "title": "Force IPv6 if the underlying protocol supports it"},
            },
        },
        "files": {
            "type": "array",
            "items": {
                "title": "Transfer",
                "type": "object",
                "required": ["sources", "destinations"],
                "properties": {
                    "sources": {"type": "array", "items": {"title": "URL", "type": "string"}, "minItems": 1},
                    "destinations": {"type": "array", "items": {"title": "URL", "type": "string"}, "minItems": 1},
                    "priority": {"type": ["integer", "null"], "title": "Job priority"},
                    "metadata": {"type": ["object", "null"]},
                    "filesize": {"type": ["integer", "null"], "minimum": 0},
                    "checksum": {
                        "type": ["string", "null"],
                        "title": "User defined checksum in the form algorithm:value",
                    },
                    "activity": {"type": ["string", "null"], "title": "Activity share"},
                },
            },
        },
        "delete": {"type": "array", "items": {"type": ["object", "string"]}},
    },
}
"""The body of ``GET /api-docs/schema/submit``."""
