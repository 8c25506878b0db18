"""A wrong argument type: mypy must report it."""

from fts3sdk import Client


def main(client: Client) -> None:
    client.jobs.modify("1", priority="high")
