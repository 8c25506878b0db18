"""A forgotten await: mypy must report it."""

from fts3sdk import AsyncClient


async def main(client: AsyncClient) -> None:
    job = client.jobs.get("1")
    print(job.job_state)
