"""What the tests that talk to a real ActiveMQ share: its user, the check that it is installed, a completion."""

from __future__ import annotations

import pytest

from fts3sdk.events import BrokerAuth, TransferComplete
from fts3sdk.testing._monitoring._activemq import BrokerNotInstalled, find_activemq
from tests import event_bodies as bodies

USERS = {"fts": "s3cret"}
"""The broker's one user, as `ActiveMQBroker(users=...)` takes it."""
AUTH = BrokerAuth(username="fts", password=USERS["fts"])
"""How the consumers and publishers of the tests log in."""


def require_activemq() -> None:
    """Skip the calling test (or fixture) with the reason when ActiveMQ is not installed."""
    try:
        find_activemq()
    except BrokerNotInstalled as exc:
        pytest.skip(str(exc))


def completion(file_id: int, job_id: str = bodies.JOB_ID) -> TransferComplete:
    """The completion message of MESSAGES.md for one file of one job."""
    return TransferComplete.model_validate(bodies.complete() | {"file_id": file_id, "job_id": job_id})
