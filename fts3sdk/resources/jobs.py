"""``client.jobs``, ``client.files`` and ``client.archive``, sync and async: one line per method each."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Literal, overload

from fts3sdk._results import Batch
from fts3sdk.resources._endpoints import _admin as admin_api
from fts3sdk.resources._endpoints import _jobs as api
from fts3sdk.resources.delegation import submit_flow

if TYPE_CHECKING:  # the models are imported when an answer is parsed into one
    from pydantic import JsonValue

    from fts3sdk._async_client import AsyncClient
    from fts3sdk._client import Client
    from fts3sdk.models import (
        ArchivedJob,
        CancelAllResult,
        DataManagement,
        File,
        FileRetry,
        FileState,
        ForceStartRefusal,
        Job,
        JobState,
    )
    from fts3sdk.models.submit import JobSpec

    States = Iterable[JobState | str] | str
    FileStates = Iterable[FileState | str] | str

__all__ = ["Archive", "AsyncArchive", "AsyncFiles", "AsyncJobs", "Files", "Jobs"]

DelegateMode = Literal["auto"] | bool


class Jobs:
    """Transfer jobs (``/jobs``)."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def list(
        self,
        *,
        user_dn: str | None = None,
        vo: str | None = None,
        source_se: str | None = None,
        dest_se: str | None = None,
        dlg_id: str | None = None,
        state_in: States | None = None,
        limit: int | None = None,
        time_window: timedelta | float | None = None,
    ) -> builtins.list[Job]:
        """Jobs visible to the caller (``GET /jobs``).

        Only unfinished jobs, unless ``state_in`` comes with a ``limit`` (newest first, at most 500) or a
        ``time_window`` (hours, or a timedelta). A misspelt state in ``state_in`` is a ValueError; a state this
        SDK does not know is sent on purpose as ``JobState("NEWSTATE")``.
        """
        return self._client._send(
            api.list_jobs(
                user_dn=user_dn,
                vo=vo,
                source_se=source_se,
                dest_se=dest_se,
                dlg_id=dlg_id,
                state_in=api.job_states(state_in),
                limit=limit,
                time_window=time_window,
            )
        )

    def get(self, job_id: str, *, files: bool = False) -> Job:
        """One job (``GET /jobs/{id}``), with its transfers when ``files``. Raises NotFound for an unknown id."""
        return self._client._send(api.get_job(job_id, files=files))

    def get_many(self, job_ids: Iterable[str], *, files: bool = False) -> Batch[Job]:
        """Several jobs (``GET /jobs/{id1},{id2}``), each found or failed on its own (see `Batch`)."""
        return self._client._run(api.get_many(job_ids, files=files))

    def files(self, job_id: str) -> builtins.list[File]:
        """Transfers of a job (``GET /jobs/{id}/files``)."""
        return self._client._send(api.job_files(job_id))

    def dm(self, job_id: str) -> builtins.list[DataManagement]:
        """Data-management tasks of a job (``GET /jobs/{id}/dm``); empty for transfer jobs."""
        return self._client._send(api.job_dm(job_id))

    def retries(self, job_id: str, file_id: int) -> builtins.list[FileRetry]:
        """Failed attempts of one transfer (``GET /jobs/{id}/files/{file_id}/retries``)."""
        return self._client._send(api.file_retries(job_id, file_id))

    def field(self, job_id: str, name: str) -> JsonValue:
        """One attribute of a job as JSON (``GET /jobs/{id}/{name}``). Raises NotFound for an unknown name."""
        return self._client._send(api.job_field(job_id, name))

    def submit(self, spec: JobSpec, *, delegate: DelegateMode = "auto") -> str:
        """Submit a job (``POST /jobs``) and give its id.

        With ``delegate="auto"`` an X.509 client first delegates when the server's credential is missing or
        short-lived; token clients never delegate. A submit that timed out raises RequestTimeout: the job may
        exist.
        """
        return self._client._run(submit_flow(self._client, spec, delegate=delegate))

    @overload
    def cancel(self, job_id: str) -> Job: ...
    @overload
    def cancel(self, job_id: builtins.list[str] | tuple[str, ...]) -> Batch[Job]: ...
    def cancel(self, job_id: str | builtins.list[str] | tuple[str, ...]) -> Job | Batch[Job]:
        """Cancel one job (``DELETE /jobs/{id}``), or several (a `Batch`).

        A job already over comes back unchanged with ``http_status`` 304.
        """
        if isinstance(job_id, str):
            return self._client._send(api.cancel_job(job_id))
        return self._client._run(api.cancel_many(job_id))

    def cancel_files(self, job_id: str, file_ids: Sequence[int]) -> dict[int, str]:
        """Cancel transfers of a regular job (``DELETE /jobs/{id}/files/{ids}``).

        Gives, per file id, ``"CANCELED"``, the file's state if it was already over, or why not.
        """
        return self._client._send(api.cancel_files(job_id, file_ids))

    def cancel_all(self, vo: str | None = None) -> CancelAllResult:
        """Cancel every job, or every job of ``vo`` (``DELETE /jobs/all``, root only)."""
        return self._client._send(api.cancel_all(vo))

    def force_start(self, file_ids: Iterable[int]) -> builtins.list[ForceStartRefusal]:
        """Let SUBMITTED transfers start now, past the scheduling limits (``POST /admin/force-start``, admins).

        Gives the files that were not started and why (unknown id, not SUBMITTED); started files are not listed.
        """
        return self._client._send(admin_api.force_start(file_ids))

    def modify(self, job_id: str, *, priority: int) -> Job:
        """Change the priority of a job and its transfers (``POST /jobs/{id}``)."""
        return self._client._send(api.modify_job(job_id, priority=priority))

    def wait(
        self,
        job_id: str,
        *,
        poll_interval: float = 2.0,
        max_interval: float = 30.0,
        timeout: float | None = None,
        on_update: Callable[[Job], None] | None = None,
        files: bool = False,
    ) -> Job:
        """Poll a job until it is over and give it; the interval grows up to ``max_interval``.

        Raises TimeoutError after ``timeout`` seconds; ``on_update`` sees every polled job, with its transfers
        when ``files``.
        """
        return self._client._run(
            api.wait_flow(
                job_id,
                poll_interval=poll_interval,
                max_interval=max_interval,
                timeout=timeout,
                on_update=on_update,
                files=files,
            )
        )


class AsyncJobs:
    """Transfer jobs (``/jobs``)."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    async def list(
        self,
        *,
        user_dn: str | None = None,
        vo: str | None = None,
        source_se: str | None = None,
        dest_se: str | None = None,
        dlg_id: str | None = None,
        state_in: States | None = None,
        limit: int | None = None,
        time_window: timedelta | float | None = None,
    ) -> builtins.list[Job]:
        """Jobs visible to the caller (``GET /jobs``).

        Only unfinished jobs, unless ``state_in`` comes with a ``limit`` (newest first, at most 500) or a
        ``time_window`` (hours, or a timedelta). A misspelt state in ``state_in`` is a ValueError; a state this
        SDK does not know is sent on purpose as ``JobState("NEWSTATE")``.
        """
        return await self._client._send(
            api.list_jobs(
                user_dn=user_dn,
                vo=vo,
                source_se=source_se,
                dest_se=dest_se,
                dlg_id=dlg_id,
                state_in=api.job_states(state_in),
                limit=limit,
                time_window=time_window,
            )
        )

    async def get(self, job_id: str, *, files: bool = False) -> Job:
        """One job (``GET /jobs/{id}``), with its transfers when ``files``. Raises NotFound for an unknown id."""
        return await self._client._send(api.get_job(job_id, files=files))

    async def get_many(self, job_ids: Iterable[str], *, files: bool = False) -> Batch[Job]:
        """Several jobs (``GET /jobs/{id1},{id2}``), each found or failed on its own (see `Batch`)."""
        return await self._client._run(api.get_many(job_ids, files=files))

    async def files(self, job_id: str) -> builtins.list[File]:
        """Transfers of a job (``GET /jobs/{id}/files``)."""
        return await self._client._send(api.job_files(job_id))

    async def dm(self, job_id: str) -> builtins.list[DataManagement]:
        """Data-management tasks of a job (``GET /jobs/{id}/dm``); empty for transfer jobs."""
        return await self._client._send(api.job_dm(job_id))

    async def retries(self, job_id: str, file_id: int) -> builtins.list[FileRetry]:
        """Failed attempts of one transfer (``GET /jobs/{id}/files/{file_id}/retries``)."""
        return await self._client._send(api.file_retries(job_id, file_id))

    async def field(self, job_id: str, name: str) -> JsonValue:
        """One attribute of a job as JSON (``GET /jobs/{id}/{name}``). Raises NotFound for an unknown name."""
        return await self._client._send(api.job_field(job_id, name))

    async def submit(self, spec: JobSpec, *, delegate: DelegateMode = "auto") -> str:
        """Submit a job (``POST /jobs``) and give its id.

        With ``delegate="auto"`` an X.509 client first delegates when the server's credential is missing or
        short-lived; token clients never delegate. A submit that timed out raises RequestTimeout: the job may
        exist.
        """
        return await self._client._run(submit_flow(self._client, spec, delegate=delegate))

    @overload
    async def cancel(self, job_id: str) -> Job: ...
    @overload
    async def cancel(self, job_id: builtins.list[str] | tuple[str, ...]) -> Batch[Job]: ...
    async def cancel(self, job_id: str | builtins.list[str] | tuple[str, ...]) -> Job | Batch[Job]:
        """Cancel one job (``DELETE /jobs/{id}``), or several (a `Batch`).

        A job already over comes back unchanged with ``http_status`` 304.
        """
        if isinstance(job_id, str):
            return await self._client._send(api.cancel_job(job_id))
        return await self._client._run(api.cancel_many(job_id))

    async def cancel_files(self, job_id: str, file_ids: Sequence[int]) -> dict[int, str]:
        """Cancel transfers of a regular job (``DELETE /jobs/{id}/files/{ids}``).

        Gives, per file id, ``"CANCELED"``, the file's state if it was already over, or why not.
        """
        return await self._client._send(api.cancel_files(job_id, file_ids))

    async def cancel_all(self, vo: str | None = None) -> CancelAllResult:
        """Cancel every job, or every job of ``vo`` (``DELETE /jobs/all``, root only)."""
        return await self._client._send(api.cancel_all(vo))

    async def force_start(self, file_ids: Iterable[int]) -> builtins.list[ForceStartRefusal]:
        """Let SUBMITTED transfers start now, past the scheduling limits (``POST /admin/force-start``, admins).

        Gives the files that were not started and why (unknown id, not SUBMITTED); started files are not listed.
        """
        return await self._client._send(admin_api.force_start(file_ids))

    async def modify(self, job_id: str, *, priority: int) -> Job:
        """Change the priority of a job and its transfers (``POST /jobs/{id}``)."""
        return await self._client._send(api.modify_job(job_id, priority=priority))

    async def wait(
        self,
        job_id: str,
        *,
        poll_interval: float = 2.0,
        max_interval: float = 30.0,
        timeout: float | None = None,
        on_update: Callable[[Job], None] | None = None,
        files: bool = False,
    ) -> Job:
        """Poll a job until it is over and give it; the interval grows up to ``max_interval``.

        Raises TimeoutError after ``timeout`` seconds; ``on_update`` sees every polled job, with its transfers
        when ``files``.
        """
        return await self._client._run(
            api.wait_flow(
                job_id,
                poll_interval=poll_interval,
                max_interval=max_interval,
                timeout=timeout,
                on_update=on_update,
                files=files,
            )
        )


class Files:
    """Transfers across jobs (``/files``)."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def list(
        self,
        *,
        vo: str | None = None,
        state_in: FileStates | None = None,
        source_se: str | None = None,
        dest_se: str | None = None,
        dest_surl: str | None = None,
    ) -> builtins.list[File]:
        """Unfinished transfers of the caller's VO (``GET /files``; the server gives at most 1000)."""
        return self._client._send(
            api.list_files(
                vo=vo, state_in=api.file_states(state_in), source_se=source_se, dest_se=dest_se, dest_surl=dest_surl
            )
        )


class AsyncFiles:
    """Transfers across jobs (``/files``)."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    async def list(
        self,
        *,
        vo: str | None = None,
        state_in: FileStates | None = None,
        source_se: str | None = None,
        dest_se: str | None = None,
        dest_surl: str | None = None,
    ) -> builtins.list[File]:
        """Unfinished transfers of the caller's VO (``GET /files``; the server gives at most 1000)."""
        return await self._client._send(
            api.list_files(
                vo=vo, state_in=api.file_states(state_in), source_se=source_se, dest_se=dest_se, dest_surl=dest_surl
            )
        )


class Archive:
    """Archived jobs (``/archive``)."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def get(self, job_id: str) -> ArchivedJob:
        """An archived job with its transfers (``GET /archive/{id}``). Raises NotFound if not archived."""
        return self._client._send(api.archived_job(job_id))

    def field(self, job_id: str, name: str) -> JsonValue:
        """One attribute of an archived job (``GET /archive/{id}/{name}``)."""
        return self._client._send(api.archived_field(job_id, name))


class AsyncArchive:
    """Archived jobs (``/archive``)."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    async def get(self, job_id: str) -> ArchivedJob:
        """An archived job with its transfers (``GET /archive/{id}``). Raises NotFound if not archived."""
        return await self._client._send(api.archived_job(job_id))

    async def field(self, job_id: str, name: str) -> JsonValue:
        """One attribute of an archived job (``GET /archive/{id}/{name}``)."""
        return await self._client._send(api.archived_field(job_id, name))
