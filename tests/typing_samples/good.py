"""A user program exercising the public API: must pass mypy --strict."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from fts3sdk import AsyncClient, Batch, Client, Job, JobSpec, JobState, Transfer, errors


def sync_main(client: Client) -> list[str]:
    spec = JobSpec(
        transfers=[Transfer(sources=["gsiftp://a.example.org/f"], destinations=["gsiftp://b.example.org/f"])],
        verify_checksum="both",
        priority=4,
    )
    job_id: str = client.jobs.submit(spec)
    job: Job = client.jobs.get(job_id, files=True)
    states: list[JobState] = [j.job_state for j in client.jobs.list(state_in=[JobState.ACTIVE], limit=10)]
    batch: Batch[Job] = client.jobs.get_many([job_id])
    for failed, error in batch.errors.items():
        print(failed, error.status_code)
    if job.files:
        outcome: dict[int, str] = client.jobs.cancel_files(job_id, [job.files[0].file_id])
        print(outcome)
    try:
        client.with_options(timeout=5).jobs.wait(job_id, timeout=60, on_update=lambda j: print(j.job_state))
    except errors.NotFound as exc:
        print(exc.message)
    print(client.endpoint_info().api >= (3, 12), client.whoami().vo, states)
    client.delegation.delegate(lifetime=timedelta(hours=12))
    return client.storage.ban("gsiftp://a.example.org", status="wait", allow_submit=True)


async def async_main(client: AsyncClient) -> JobState:
    job = await client.jobs.get("1")
    cancelled: Job = await client.jobs.cancel(job.job_id)
    many: Batch[Job] = await client.jobs.cancel([job.job_id])
    print(len(many))
    return cancelled.job_state


if __name__ == "__main__":
    with Client("https://fts.example.org:8446") as sync_client:
        sync_main(sync_client)
    asyncio.run(async_main(AsyncClient("https://fts.example.org:8446")))
