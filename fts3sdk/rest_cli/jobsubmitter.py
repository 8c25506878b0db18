"""``fts-rest-transfer-submit``: submit a transfer job, simple or bulk (official ``fts3.cli.jobsubmitter``)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from fts3sdk.rest_cli._submit_options import DEFAULT_PARAMS, add_submit_options
from fts3sdk.rest_cli.base import Base, description

if TYPE_CHECKING:
    from fts3sdk.easy.client.context import Context

__all__ = ["JobSubmitter"]

_WAITING = ("SUBMITTED", "READY", "STAGING", "ACTIVE", "ARCHIVING")
_METADATA = ("job_metadata", "file_metadata", "staging_metadata", "archive_metadata")
_BULK_EXAMPLE = """```json
{
  "files": [
    {
      "sources": [
        "https://source.host/file"
      ],
      "destinations": [
        "https://destination.host/file"
      ],
      "metadata": "file-metadata",
      "checksum": "ADLER32:1234",
      "filesize": 1024
    },
    {
      "sources": [
        "https://source.host/file2"
      ],
      "destinations": [
        "https://destination.host/file2"
      ],
      "metadata": "file2-metadata",
      "checksum": "ADLER32:4321",
      "filesize": 2048,
      "activity": "default"
    }
  ]
}
```"""


def _metadata(data: Any) -> Any:
    # JSON when it parses, the text otherwise (a dict from a bulk file stays a dict).
    if data is None or isinstance(data, dict):
        return data
    try:
        return json.loads(data)
    except ValueError:
        return str(data)


def _overwrite_problem(params: dict[str, Any]) -> str | None:
    flags = [params[name] for name in ("overwrite", "overwrite_on_retry", "overwrite_when_only_on_disk")]
    count = sum(bool(flag) for flag in [*flags, params["overwrite_hop"]])
    if count > 1 and not (count == 2 and params["overwrite_hop"] and params["overwrite_when_only_on_disk"]):
        return "Incompatible overwrite flags used at the same time!"
    if params["overwrite_when_only_on_disk"] and params["archive_timeout"] <= 0:
        return "Using 'overwrite-when-only-on-disk' requires 'archive-timeout' to be set"
    return None


class JobSubmitter(Base):
    """``SOURCE DESTINATION [CHECKSUM]`` or ``-f bulk.json``; prints the job id (``-b``: waits for the end)."""

    def __init__(self) -> None:
        lines = [
            "This command can be used to submit new jobs to FTS3. It supports simple and bulk submissions. The bulk",
            "format is as follows:",
            "",
            *_BULK_EXAMPLE.splitlines(),
        ]
        super().__init__(
            extra_args="SOURCE DESTINATION [CHECKSUM]",
            description=description(*lines).replace("\n" + " " * 12 + "\n", "\n\n", 1),
            example="""
            $ %(prog)s -s https://fts3-devel.cern.ch:8446 https://source.host/file https://destination.host/file
            Job successfully submitted.
            Job id: 9fee8c1e-c46d-11e3-8299-02163e00a17a

            $ %(prog)s -s https://fts3-devel.cern.ch:8446 -f bulk.json
            Job successfully submitted.
            Job id: 9fee8c1e-c46d-11e3-8299-02163e00a17a
            """,
        )
        add_submit_options(self.opt_parser)
        self.checksum: str | None = None
        self.transfers: list[Any] = []
        self.params: dict[str, Any] = {}

    def validate(self) -> None:
        """Arguments, tokens, overwrite flags, IP version, priority and SciTag, as the official checks them."""
        options = self.options
        if not options.bulk_file:
            if len(self.args) < 2:
                self.fail("Need a source and a destination")
            if len(self.args) > 3:
                self.fail("Too many parameters")
            self.source, self.destination = self.args[:2]
            self.checksum = self.args[2] if len(self.args) == 3 else None
        self._check_tokens()
        self.transfers, self.params = self._transfers(), self._params()
        if options.fts_access_token:
            self._check_token_transfers()
        problem = _overwrite_problem(self.params)
        if problem:
            self.error(problem)
        if self.params["ipv4"] and self.params["ipv6"]:
            self.error("ipv4 and ipv6 can not be used at the same time")
        if self.params.get("priority") is not None and not 1 <= self.params["priority"] <= 5:
            self.error("Priority must be between 1 and 5")
        scitag = self.params.get("scitag")
        if scitag is not None and not 65 <= scitag <= 65535:
            self.error(f"Invalid SciTag value: {scitag} (not in [65, 65535] range)")

    def _check_tokens(self) -> None:
        options = self.options
        if options.access_token and (options.src_access_token or options.dst_access_token):
            self.error(
                "Cannot use both '--access-token' and '--src/dst-access-token' simultaneously (prefer new token "
                "handles: i.e. '--fts-access-token')"
            )
        if options.access_token:
            options.src_access_token = options.dst_access_token = options.access_token
        if options.ucert and (options.fts_access_token or options.src_access_token or options.dst_access_token):
            self.error("Cannot use both certificate and tokens simultaneously")
        if options.fts_access_token is None and (options.src_access_token or options.dst_access_token):
            self.error("Source or destination token set, but FTS access token is missing. Please set FTS access token!")

    def _check_token_transfers(self) -> None:
        if not self.options.bulk_file:
            if self.options.src_access_token is None:
                self.error("Source token doesn't exist. Please specify a source access token")
            if self.options.dst_access_token is None:
                self.error("Destination token doesn't exist. Please specify a destination access token")
            return
        for transfer in self.transfers:
            if len(transfer.get("sources", [])) != len(transfer.get("source_tokens", [])):
                self.error("Please specify access token for each source in file submission")
            if len(transfer.get("destinations", [])) != len(transfer.get("destination_tokens", [])):
                self.error("Please specify access token for each destination in file submission")

    def _bulk(self) -> dict[str, Any]:
        with open(self.options.bulk_file) as file:
            bulk: dict[str, Any] = json.load(file)
        return bulk

    def _transfers(self) -> list[Any]:
        if self.options.bulk_file:
            bulk = self._bulk()
            for key in ("files", "Files"):
                if key in bulk:
                    return list(bulk[key])
            self.fail("Could not find any transfers")
        transfer: dict[str, Any] = {"sources": [self.source], "destinations": [self.destination]}
        if self.options.src_access_token:
            transfer["source_tokens"] = [self.options.src_access_token]
        if self.options.dst_access_token:
            transfer["destination_tokens"] = [self.options.dst_access_token]
        return [transfer]

    def _given(self) -> dict[str, Any]:
        o = self.options
        mode = "both" if o.compare_checksum else (o.checksum_mode or "none")
        return {
            "checksum": self.checksum, "bring_online": o.bring_online, "dst_file_report": o.dst_file_report,
            "archive_timeout": o.archive_timeout, "timeout": o.timeout, "verify_checksum": mode[0],
            "destination_spacetoken": o.destination_spacetoken, "source_spacetoken": o.source_spacetoken,
            "fail_nearline": o.fail_nearline, "file_metadata": o.file_metadata,
            "staging_metadata": o.staging_metadata, "archive_metadata": o.archive_metadata, "filesize": o.file_size,
            "gridftp": o.gridftp_params, "job_metadata": o.job_metadata, "overwrite": o.overwrite,
            "overwrite_on_retry": o.overwrite_on_retry, "overwrite_when_only_on_disk": o.overwrite_when_only_on_disk,
            "overwrite_hop": o.overwrite_hop, "copy_pin_lifetime": o.pin_lifetime, "reuse": o.reuse,
            "retry": o.retry, "priority": o.priority, "multihop": o.multihop, "credential": o.cloud_cred,
            "nostreams": o.nostreams, "ipv4": o.ipv4, "ipv6": o.ipv6, "s3alternate": o.s3alternate,
            "buffer_size": o.buffer_size, "strict_copy": o.strict_copy, "disable_cleanup": o.disable_cleanup,
            "activity": o.activity, "scitag": o.scitag, "unmanaged_tokens": o.unmanaged_tokens,
        }  # fmt: skip

    def _params(self) -> dict[str, Any]:
        params = dict(DEFAULT_PARAMS)
        if self.options.bulk_file:
            params.update(self._bulk().get("params", {}))
        params.update((key, value) for key, value in self._given().items() if value is not None)
        for key in _METADATA:
            params[key] = _metadata(params[key])
        return params

    def run(self) -> str | None:
        """Delegate (X.509), ``POST /jobs``, print the id; or with ``--dry-run`` print the body only."""
        from fts3sdk.easy.client.submitter import Submitter

        context = self._create_context()
        if self.options.dry_run:
            print(Submitter.build_submission(transfers=self.transfers, params=self.params))
            return None
        return self._submit(context)

    def _submit(self, context: Context) -> str:
        from fts3sdk.easy.client._body import submission_body
        from fts3sdk.easy.client._shared import post_job

        if not self.options.access_token and context.has_certificate():
            self._delegate(context)
        if self.params["overwrite_hop"] and not _supports_overwrite_hop(context.endpoint_info):
            self.logger.warning("overwrite-hop is only available for FTS Server >= 3.12.0")
        # Sent as given: the server's checks and messages, as with the official command.
        job_id = post_job(context, submission_body(self.transfers, params=self.params))
        if self.options.json:
            self.logger.info(json.dumps(job_id))
        else:
            self.logger.info("Job successfully submitted.")
            self.logger.info("Job id: %s", job_id)
        if job_id and self.options.blocking:
            self.wait(context, job_id, _WAITING)
        return job_id

    def _delegate(self, context: Context) -> None:
        from fts3sdk.easy.client.delegator import Delegator

        delegator = Delegator(context)
        delegator.delegate(
            timedelta(minutes=self.options.proxy_lifetime),
            delegate_when_lifetime_lt=timedelta(minutes=self.options.delegate_when_lifetime_lt),
        )
        if self.options.verbose:
            self.logger.debug("Delegation termination time: %s", delegator.get_info()["termination_time"])


def _supports_overwrite_hop(info: dict[str, Any]) -> bool:
    try:
        core = info.get("core")
        return core is None or int(core["major"]) > 3 or (int(core["major"]) == 3 and int(core["minor"]) >= 12)
    except (TypeError, KeyError, ValueError):
        return True  # warn only when sure
