"""Job submission as fts-rest-flask 3.13.4's JobBuilder does it: same defaults, same checks, same messages.

The builder works on the raw body on purpose: the server accepts things `JobSpec` refuses (and refuses
others with its own words), and a test server must answer like the real one. Python errors raised while
reading the body become 400 answers exactly as in the server (``ValueError`` → "Invalid value within the
request", ``TypeError`` → "Malformed request", ``KeyError`` → "Missing parameter").
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from itertools import zip_longest
from typing import TYPE_CHECKING, Any
from urllib.parse import ParseResult, parse_qsl, urlencode, urlparse

from fts3sdk.testing._api._submit_rules import (
    apply_banning,
    internal_params,
    overwrite_flag,
    safe_flag,
    safe_int,
    validate_transfer_tokens,
)
from fts3sdk.testing._server._wire import INTERNAL_ERROR, HTTPError
from fts3sdk.testing._state._identity import BASE_ID, Caller, delegation_id

if TYPE_CHECKING:
    from fts3sdk.testing._state._store import State

__all__ = ["build_job"]

DEFAULT_PARAMS: Mapping[str, Any] = {
    "bring_online": -1,
    "verify_checksum": False,
    "copy_pin_lifetime": -1,
    "archive_timeout": -1,
    "gridftp": "",
    "job_metadata": None,
    "overwrite": False,
    "overwrite_on_retry": False,
    "overwrite_hop": False,
    "overwrite_when_only_on_disk": False,
    "reuse": None,
    "multihop": False,
    "source_spacetoken": "",
    "spacetoken": "",
    "retry": 0,
    "retry_delay": 0,
    "priority": 3,
    "max_time_in_queue": 0,
    "s3alternate": False,
    "dst_file_report": False,
}
STRATEGIES = frozenset(
    {"orderly", "auto", "queue", "success", "throughput", "file-throughput", "pending-data", "waiting-time",
     "waiting-time-with-error", "duration"}
)  # fmt: skip
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _seconds(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value != 0:
        return value * 3600
    if not isinstance(value, str) or not value:
        return None
    try:
        return int(value[:-1]) * _UNITS[value[-1].lower()]
    except (KeyError, ValueError):
        return None


def metadata(value: Any, limit: int, *, require_dict: bool = False, hint: str = "Metadata") -> dict[str, Any]:
    """A metadata value as stored: objects kept, strings wrapped as ``{"label": ...}``; size-limited.

    The size is that of ``json.dumps`` (the server's measure), before ``auth_method`` is added to job metadata.
    """
    if isinstance(value, dict):
        result = value
    elif require_dict:
        raise ValueError(f"{hint} not in JSON format")
    elif isinstance(value, str):
        result = {"label": value}
    else:
        raise ValueError(f"{hint} neither JSON nor String")
    if len(json.dumps(result)) > limit:
        raise ValueError(f"Job Submission Refused, metadata exceeds size limit of {limit}")
    return result


class ServerCrash(Exception):
    """Where the real server fails with an exception it does not handle (a 500), e.g. an ``AttributeError``."""


def _validate_url(url: ParseResult) -> None:
    if not url.scheme:
        raise ValueError(f"Missing scheme ({url.geturl()})")
    if url.scheme == "file":
        raise ValueError(f"Can not transfer local files ({url.geturl()})")
    if not url.path or (url.path == "/" and not url.query):
        raise ValueError(f"Missing path ({url.geturl()})")
    if not url.hostname:
        raise ValueError(f"Missing host ({url.geturl()})")


def _scitag(value: Any) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or not 65 <= value <= 65535:
        raise ValueError(f"Invalid SciTag value: {value}")
    return value


def _with_activity(url: ParseResult, activity: Any) -> ParseResult:
    query = [*parse_qsl(url.query), ("activity", activity)]
    return url._replace(query=urlencode(query))


Rows = tuple[dict[str, Any], list[dict[str, Any]], set[str]]

# The recorded server runs Python 3.11; older interpreters word this TypeError without the type.
_PYTHON_311_WORDING = {"string indices must be integers": "string indices must be integers, not 'str'"}


def _as_python_311(message: str) -> str:
    return _PYTHON_311_WORDING.get(message, message)


def build_job(state: State, caller: Caller, body: Mapping[str, Any]) -> Rows:
    """The job row, the file rows and the tokens of a submission. Raises HTTPError with the server's answer."""
    try:
        return _Builder(state, caller).build(dict(body))
    except HTTPError:
        raise
    except ServerCrash:
        raise HTTPError(500, INTERNAL_ERROR) from None
    except ValueError as exc:
        raise HTTPError(400, f"Invalid value within the request: {exc}") from exc
    except TypeError as exc:
        raise HTTPError(400, f"Malformed request: {_as_python_311(str(exc))}") from exc
    except KeyError as exc:
        raise HTTPError(400, f"Missing parameter: {exc}") from exc


class _Builder:
    """One submission being built (fts-rest-flask's JobBuilder, step by step)."""

    def __init__(self, state: State, caller: Caller) -> None:
        self.state = state
        self.caller = caller
        self.limits = state.settings.metadata_size_limits
        self.params: dict[str, Any] = {}
        self.job: dict[str, Any] = {}
        self.files: list[dict[str, Any]] = []
        self.tokens: set[str] = set()
        self.staging = False

    def build(self, body: dict[str, Any]) -> Rows:
        self.params = self._params(body.pop("params", {}))
        files_list = body.pop("files", None)
        if self.caller.method == "oauth2":
            self._add_missing_tokens(files_list)
        if body.pop("delete", None) is not None:
            raise HTTPError(405, "Deletion jobs are no longer supported by FTS")
        if files_list is None:
            raise HTTPError(400, "No transfers operations specified")
        job_id = self._job_id()
        if self.caller.method == "oauth2":
            validate_transfer_tokens(files_list)
        self._populate(job_id, files_list)
        self._set_user()
        apply_banning(self.state, self.files)
        return self.job, self.files, self.tokens

    def _params(self, submitted: Any) -> dict[str, Any]:
        params = dict(DEFAULT_PARAMS)
        params.update(submitted)
        for key, value in params.items():
            if value is None and key in DEFAULT_PARAMS:
                params[key] = DEFAULT_PARAMS[key]
        if params["job_metadata"] is not None:
            params["job_metadata"] = metadata(params["job_metadata"], self.limits["job"])
        if params["job_metadata"] is not None and params["job_metadata"] != "None":
            params["job_metadata"].update({"auth_method": self.caller.method})
        else:
            params["job_metadata"] = {"auth_method": self.caller.method}
        return params

    def _add_missing_tokens(self, files_list: Any) -> None:
        if any(not isinstance(item, dict) for item in files_list):
            raise ServerCrash("a files item is not an object")
        if any("source_tokens" in item or "destination_tokens" in item for item in files_list):
            return
        token = self.caller.token.token if self.caller.token else ""
        for item in files_list:
            item["source_tokens"] = [token for _ in item["sources"]]
            item["destination_tokens"] = [token for _ in item["destinations"]]

    def _job_id(self) -> str:
        if self.params.get("id_generator", "standard") != "deterministic":
            return self.state.new_job_id()
        sid = self.params.get("sid")
        if sid is None:
            raise HTTPError(400, "Need sid for deterministic job id generation")
        _ = "sid: " + sid  # the server logs it this way: a non-string sid is a TypeError there too
        return str(uuid.uuid5(uuid.uuid5(BASE_ID, self.caller.vos[0]), str(sid)))

    def _populate(self, job_id: str, files_list: Any) -> None:
        params = self.params
        job_type = "H" if params["multihop"] else ("Y" if safe_flag(params["reuse"]) else "N")
        self.staging = safe_int(params["copy_pin_lifetime"]) > 0 or safe_int(params["bring_online"]) > 0
        overwrite = overwrite_flag(params, job_type, files_list)
        self.job = self._job_row(job_id, job_type, overwrite)
        shared = self.state.hashed_id() if job_type in ("H", "Y") or self.staging else None
        for index, item in enumerate(files_list):
            self._populate_files(item, index, shared)
        if not self.files:
            raise HTTPError(400, "No valid pairs available")
        self._check_checksum()
        self._set_storages(job_type)
        self._apply_job_type(job_type)

    def _job_row(self, job_id: str, job_type: str, overwrite: str | None) -> dict[str, Any]:
        params = self.params
        expiry = _seconds(params.get("max_time_in_queue"))
        qos = params.get("target_qos")
        state = "STAGING" if self.staging else ("QOS_TRANSITION" if qos is not None else "SUBMITTED")
        return {
            "job_id": job_id, "job_state": state, "job_type": job_type, "retry": int(params["retry"]),
            "retry_delay": int(params["retry_delay"]), "submit_host": self.state.settings.submit_host,
            "submit_time": self.state.now(), "priority": max(min(int(params["priority"]), 5), 1),
            "overwrite_flag": overwrite, "dst_file_report": safe_flag(params["dst_file_report"]),
            "copy_pin_lifetime": safe_int(params["copy_pin_lifetime"]), "verify_checksum": params["verify_checksum"],
            "bring_online": safe_int(params["bring_online"]), "archive_timeout": safe_int(params["archive_timeout"]),
            "job_metadata": params["job_metadata"], "internal_job_params": internal_params(params),
            "max_time_in_queue": None if expiry is None else int(self.state.now().timestamp()) + expiry,
            "target_qos": qos, "cancel_job": False, "job_finished": None, "reason": None,
            "source_spacetoken": None, "destination_spacetoken": None, "os_project_id": None,
        }  # fmt: skip

    def _populate_files(self, item: Any, index: int, shared: int | None) -> None:
        if not isinstance(item, dict):
            raise ServerCrash("a files item is not an object")  # the server calls .get() on it
        sources = item["sources"]
        pairs = []
        for source, src_token in zip_longest(sources, item.get("source_tokens", [])):
            source_url = _parsed(source)
            _validate_url(source_url)
            if src_token is not None and not isinstance(src_token, str):
                raise HTTPError(400, f"Source token is not a string: type(src_token)={type(src_token)}")
            destinations = item["destinations"]  # read per source: without sources it is never looked at
            for destination, dst_token in zip_longest(destinations, item.get("destination_tokens", [])):
                dest_url = _parsed(destination)
                _validate_url(dest_url)
                if dst_token is not None and not isinstance(dst_token, str):
                    raise HTTPError(400, f"Destination token is not a string: type(dst_token)={type(dst_token)}")
                pairs.append((source_url, dest_url, src_token, dst_token))
                self.tokens.update(token for token in (src_token, dst_token) if token is not None)
        state = "STAGING" if self.staging else ("QOS_TRANSITION" if self.job["target_qos"] is not None else "SUBMITTED")
        if len(sources) > 1 or self.params["multihop"]:
            state = "NOT_USED"
            shared = shared if shared is not None else self.state.hashed_id()
        for source_url, dest_url, src_token, dst_token in pairs:
            self.files.append(
                self._file_row(item, index, state, shared, (source_url, dest_url), (src_token, dst_token))
            )

    def _file_row(
        self, item: Any, index: int, state: str, shared: int | None, urls: tuple[ParseResult, ParseResult],
        tokens: tuple[str | None, str | None],
    ) -> dict[str, Any]:  # fmt: skip
        source, destination = urls
        if self.staging and source.scheme == "root":
            if source == destination:
                destination = _with_activity(destination, item.get("activity", "default"))
            source = _with_activity(source, item.get("activity", "default"))
        row = {
            "job_id": self.job["job_id"], "file_index": index, "dest_surl_uuid": None, "file_state": state,
            "file_state_initial": "", "source_surl": source.geturl(), "dest_surl": destination.geturl(),
            "source_se": f"{source.scheme}://{source.hostname}", "dest_se": f"{destination.scheme}://{destination.hostname}",
            "priority": self.job["priority"], "user_filesize": _filesize(item.get("filesize", 0)),
            "selection_strategy": item.get("selection_strategy", "auto"), "checksum": item.get("checksum"),
            "file_metadata": item.get("metadata"), "staging_metadata": item.get("staging_metadata"),
            "archive_metadata": item.get("archive_metadata"), "activity": item.get("activity", "default"),
            "scitag": _scitag(item.get("scitag")), "hashed_id": shared if shared else self.state.hashed_id(),
            "src_token_id": None if tokens[0] is None else delegation_id(tokens[0]),
            "dst_token_id": None if tokens[1] is None else delegation_id(tokens[1]),
        }  # fmt: skip
        self._check_metadata(row)
        if row["activity"] is None:
            row["activity"] = "default"
        return row

    def _check_metadata(self, row: dict[str, Any]) -> None:
        if row["file_metadata"] is not None:
            row["file_metadata"] = metadata(row["file_metadata"], self.limits["file"])
        for kind, hint in (("staging", "Staging metadata"), ("archive", "Archive metadata")):
            key = f"{kind}_metadata"
            if row[key] is not None:
                row[key] = metadata(row[key], self.limits[kind], require_dict=True, hint=hint)

    def _check_checksum(self) -> None:
        has_checksum = False
        for row in self.files:
            if row["checksum"] is not None:
                has_checksum = len(row["checksum"]) > 0
            else:
                row["checksum"] = "ADLER32"
        method = self.job["verify_checksum"]
        if isinstance(method, bool):
            method = "target" if not method and has_checksum else ("none" if not method else "both")
        if method == "":
            raise ServerCrash("verify_checksum is empty")  # the server indexes its first character
        self.job["verify_checksum"] = method[0]

    def _set_storages(self, job_type: str) -> None:
        first, last = self.files[0], self.files[-1]
        if job_type == "H":
            self.job["source_se"], self.job["dest_se"] = first["source_se"], last["dest_se"]
            return
        sources = {row["source_se"] for row in self.files}
        destinations = {row["dest_se"] for row in self.files}
        self.job["source_se"] = first["source_se"] if len(sources) == 1 else None
        self.job["dest_se"] = first["dest_se"] if len(destinations) == 1 else None

    def _apply_job_type(self, job_type: str) -> None:
        indexes = [row["file_index"] for row in self.files]
        multiple = len(set(indexes)) != len(indexes)
        if multiple and job_type in ("H", "Y"):
            raise HTTPError(
                400, "Can not request multiple replica job together with multihop or session reuse at the same time"
            )
        if multiple and len(set(indexes)) > 1:
            raise HTTPError(400, "Multiple replica jobs must only have one unique file")
        if job_type == "Y" and (not self.job["source_se"] or not self.job["dest_se"]):
            raise HTTPError(400, "Reuse jobs must only contain transfers for the same source ad destination storage")
        entry = "STAGING" if self.staging else "SUBMITTED"
        if multiple:
            self.job["job_type"] = "R"
            strategy = self.files[0]["selection_strategy"]
            if strategy not in STRATEGIES:
                raise HTTPError(400, strategy + " algorithm is not supported by Scheduler")
            self.files[0]["file_state"] = entry  # no scheduler statistics here: the first replica is "best"
        elif self.params["multihop"]:
            self.files[0]["file_state"] = entry

    def _set_user(self) -> None:
        self.job["user_dn"] = self.caller.user_dn
        self.job["cred_id"] = self.caller.delegation_id
        self.job["vo_name"] = self.caller.vos[0]
        for row in self.files:
            row["vo_name"] = self.caller.vos[0]


def _parsed(url: Any) -> ParseResult:
    if not isinstance(url, str):
        raise ServerCrash("a URL is not a string")  # the server calls .strip() on it
    return urlparse(url.strip())


def _filesize(size: Any) -> int:
    return int(size if isinstance(size, float) else (0.0 if size is None else float(size)))
