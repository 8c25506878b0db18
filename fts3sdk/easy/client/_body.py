"""The ``POST /jobs`` body the official ``Submitter.build_submission`` makes, and its check with the typed rules."""

from __future__ import annotations

import functools
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from fts3sdk import errors

if TYPE_CHECKING:
    from pydantic import ValidationError

__all__ = ["check_submission", "submission_body"]

# Job parameters the official Submitter moves into every file lacking them: (param, file key).
_MOVED_TO_FILES = (
    ("checksum", "checksum"),
    ("filesize", "filesize"),
    ("activity", "activity"),
    ("scitag", "scitag"),
    ("file_metadata", "metadata"),
    ("staging_metadata", "staging_metadata"),
    ("archive_metadata", "archive_metadata"),
)


def submission_body(
    transfers: Sequence[Any] | None = None,
    delete: Any = None,
    params: Mapping[str, Any] | None = None,
    staging: Any = None,
    **kwargs: Any,
) -> dict[str, Any]:
    """The ``POST /jobs`` body the official ``Submitter.build_submission`` makes, as a dict.

    ``{"params": {**params, **kwargs}}`` plus ``delete``, ``staging`` and ``files`` when truthy. With files,
    the parameters checksum, filesize, activity, scitag, file_metadata (as ``metadata``), staging_metadata and
    archive_metadata move into every file that lacks them. The caller's dicts are copied, never changed.
    """
    body: dict[str, Any] = {"params": {**(params or {}), **kwargs}}
    if delete:
        body["delete"] = delete
    if staging:
        body["staging"] = staging
    if transfers:
        files = [dict(item) if isinstance(item, Mapping) else item for item in transfers]
        for param, key in _MOVED_TO_FILES:
            if param in body["params"]:
                value = body["params"].pop(param)
                for item in files:
                    if isinstance(item, dict):
                        item.setdefault(key, value)
        body["files"] = files
    return body


@functools.cache
def _names() -> tuple[frozenset[str], frozenset[str]]:
    # The typed models are imported on the first check only: building them is most of fts3sdk's import time.
    from fts3sdk.models.submit import JobSpec, Transfer

    return frozenset(JobSpec.model_fields) - {"transfers"}, frozenset(Transfer.model_fields)


def _known(value: object, names: frozenset[str]) -> object:
    # Keys the server ignores are sent unchanged but are not the typed client's business.
    return {k: v for k, v in value.items() if k in names} if isinstance(value, Mapping) else value


def check_submission(body: Mapping[str, Any]) -> None:
    """Check a transfer job body with the typed client's rules (`JobSpec`); the body itself is sent unchanged.

    A deletion job is left to the server (405). Metadata sizes are left to the server too (its limits are
    configurable). Raises ClientError("Bad request: <field>: <problem>").
    """
    if body.get("delete") is not None:
        return
    from pydantic import ValidationError

    from fts3sdk.models.submit import JobSpec

    param_names, file_keys = _names()
    files = body.get("files")
    known = {
        "files": [_known(item, file_keys) for item in files] if isinstance(files, list) else files,
        "params": _known(body.get("params"), param_names),
    }
    try:
        JobSpec.from_body(known, metadata_size_limit=sys.maxsize)
    except ValidationError as exc:
        raise errors.ClientError(f"Bad request: {_problems(exc)}") from exc
    except ValueError as exc:
        raise errors.ClientError(f"Bad request: {exc}") from exc


def _problems(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors(include_url=False, include_input=False):
        where = _location(error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        problems.append(f"{where}: {message}" if where else message)
    return "; ".join(problems)


def _location(loc: tuple[int | str, ...]) -> str:
    # ("transfers", 0, "sources") -> "files[0].sources": the names of the body the user built.
    parts = ["files" if (index, part) == (0, "transfers") else part for index, part in enumerate(loc)]
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in parts).lstrip(".")
