"""A misspelt attribute: mypy must report it."""

from fts3sdk import Client


def main(client: Client) -> None:
    print(client.jobs.get("1").job_sate)
