"""The commands of ``fts3sdk``, one module per area; `fts3sdk.cli._app` imports only the one that runs."""
