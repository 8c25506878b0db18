"""``client.delegation`` and the flows that delegate X.509 credentials (whoami, info, request, sign, PUT)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Literal

import httpx

from fts3sdk import errors
from fts3sdk._base import DelegationCache, Flow, invalid_response, raw_json
from fts3sdk._times import parse_utc
from fts3sdk.resources._endpoints import _server as api
from fts3sdk.resources._endpoints._jobs import submit_job

if TYPE_CHECKING:
    from fts3sdk._async_client import AsyncClient
    from fts3sdk._client import Client
    from fts3sdk._core import ClientCore
    from fts3sdk.credentials import Credential
    from fts3sdk.models import Delegation
    from fts3sdk.models.submit import JobSpec

__all__ = ["AsyncDelegations", "Delegations", "delegate_flow", "submit_flow"]

logger = logging.getLogger("fts3sdk")

DEFAULT_LIFETIME = timedelta(hours=7)
DEFAULT_RENEWAL = timedelta(hours=2)
SERVER_MINIMUM = timedelta(hours=1)
"""The server refuses submissions when the delegated credential has less than this left."""


def delegation_id_flow(delegation_id: str | None) -> Flow[str]:
    """The given delegation id, or the caller's own from ``GET /whoami``."""
    if delegation_id is not None:
        return delegation_id
    # One field is needed: read as sent, so that delegating builds no model (the commands stay fast).
    who = yield api.whoami().with_parse(raw_json)
    dlg_id = who.get("delegation_id") if isinstance(who, dict) else None
    if not dlg_id:
        raise errors.ClientError("the server gave no delegation id: is the client authenticated?")
    return str(dlg_id)


def info_flow(delegation_id: str | None) -> Flow[Delegation | None]:
    """The stored credential of ``delegation_id`` (default: the caller's), or ``None``."""
    dlg_id = yield from delegation_id_flow(delegation_id)
    info: Delegation | None = yield api.delegation_info(dlg_id)
    return info


def needs_delegation(current: Delegation | None, *, force: bool, renew_if_less_than: timedelta) -> bool:
    """The official rule: delegate when forced, when nothing is stored, or when too little time is left."""
    expiry = None if current is None else current.termination_time
    return _renew(expiry, force=force, renew_if_less_than=renew_if_less_than)


def _renew(expiry: datetime | None, *, force: bool, renew_if_less_than: timedelta) -> bool:
    return force or expiry is None or expiry - datetime.now(timezone.utc) < renew_if_less_than


def _stored_expiry(response: httpx.Response) -> datetime | None:
    # ``GET /delegation/{id}`` read for its expiry only (null, [] or nothing: no credential stored).
    data = raw_json(response)
    if data is None or data == []:
        return None
    expiry = parse_utc(data.get("termination_time")) if isinstance(data, dict) else None
    if not isinstance(expiry, datetime):
        raise invalid_response(response, f"unexpected delegation answer: {data!r}")
    return expiry


def _sign(request_pem: str, credential: Credential, lifetime: timedelta, legacy: bool) -> bytes:
    from fts3sdk.proxy import ProxyError, sign_proxy_request

    remaining = credential.not_after - datetime.now(timezone.utc)
    if remaining < SERVER_MINIMUM:
        logger.warning("the local credential expires in %s: the server refuses submissions under 1 h", remaining)
    try:
        return sign_proxy_request(request_pem, credential, lifetime=lifetime, legacy=legacy)
    except ProxyError as exc:
        raise errors.InvalidResponse(f"cannot sign the server's certificate request: {exc}") from exc


def delegate_flow(
    credential: Callable[[], Credential],
    *,
    lifetime: timedelta = DEFAULT_LIFETIME,
    force: bool = False,
    renew_if_less_than: timedelta = DEFAULT_RENEWAL,
    legacy: bool = False,
    cache: DelegationCache | None = None,
) -> Flow[str]:
    """Delegate a proxy of the local credential unless the server's one is fresh enough; gives the id.

    ``cache`` learns how long the server's credential stays fresh enough, so that submits need not ask again.
    """
    dlg_id = yield from delegation_id_flow(None)
    expiry: datetime | None = yield api.delegation_info(dlg_id).with_parse(_stored_expiry)
    if not _renew(expiry, force=force, renew_if_less_than=renew_if_less_than):
        assert expiry is not None
        remaining = expiry - datetime.now(timezone.utc)
        logger.debug("delegation %s still valid for %s: not renewed", dlg_id, remaining)
        _remember(cache, dlg_id, remaining, renew_if_less_than)
        return dlg_id
    request_pem: str = yield api.delegation_request(dlg_id)
    local = credential()
    yield api.put_credential(dlg_id, _sign(request_pem, local, lifetime, legacy))
    logger.debug("delegated a proxy for %s", dlg_id)
    _remember(cache, dlg_id, min(lifetime, local.not_after - datetime.now(timezone.utc)), renew_if_less_than)
    return dlg_id


def _remember(cache: DelegationCache | None, dlg_id: str, remaining: timedelta, renew: timedelta) -> None:
    # Trusted while the server's credential keeps more than the renewal margin (and the server's own minimum).
    if cache is not None:
        cache.remember(dlg_id, (remaining - max(renew, SERVER_MINIMUM)).total_seconds())


def submit_flow(client: ClientCore, spec: JobSpec, *, delegate: Literal["auto"] | bool) -> Flow[str]:
    """Delegate first when asked (or, with ``"auto"``, when the client has an X.509 credential), then submit.

    Before any request the spec is checked against the server's database limits, and transfer tokens are
    refused for a certificate client (the server cannot store them: a 409 with a database error).
    """
    spec.check_server_limits()
    if client.certificate is not None and not client.uses_token and _has_transfer_tokens(spec):
        raise ValueError(
            "source_tokens/destination_tokens need a client authenticated with a token (Client(token=...)): the "
            "server stores transfer tokens only for token submissions, and refuses them from a certificate user "
            "with a database error (409)"
        )
    body = spec.to_json()
    wanted = (delegate is True or (delegate == "auto" and client.certificate is not None)) and not client.uses_token
    cache = client.delegation_cache
    trusted = wanted and delegate == "auto" and cache.fresh() is not None
    if wanted and not trusted:
        yield from _before_submission(delegate_flow(client.load_credential, cache=cache))
    try:
        job_id: str = yield submit_job(body)
    except errors.NeedDelegation:
        cache.forget()
        if not trusted:
            raise
        # The credential went away since it was checked. A 419 comes before the job is built: nothing was stored.
        logger.debug("the server has no usable delegation any more: delegating and submitting again")
        yield from _before_submission(delegate_flow(client.load_credential, cache=cache))
        job_id = yield submit_job(body)
    return job_id


_NOT_SUBMITTED = "before the submission: no job was submitted"
"""The note on an error of the requests a submit makes first (whoami, delegation info, delegating)."""


def _before_submission(flow: Flow[str]) -> Flow[str]:
    """``flow``, with any error of it noted: no job was submitted: a database outage fails these GETs first."""
    try:
        return (yield from flow)
    except errors.FTS3ClientException as exc:
        exc.add_note(_NOT_SUBMITTED)
        raise


def _has_transfer_tokens(spec: JobSpec) -> bool:
    return any(item.source_tokens is not None or item.destination_tokens is not None for item in spec.transfers)


def voms_flow(voms: Sequence[str], delegation_id: str | None) -> Flow[datetime]:
    """Add VOMS extensions to the stored proxy; gives its new expiry."""
    dlg_id = yield from delegation_id_flow(delegation_id)
    expiry: datetime = yield api.add_voms(dlg_id, voms)
    return expiry


def delete_flow(delegation_id: str | None, cache: DelegationCache | None = None) -> Flow[None]:
    """Remove the stored credential of ``delegation_id`` (default: the caller's)."""
    dlg_id = yield from delegation_id_flow(delegation_id)
    if cache is not None:
        cache.forget()
    yield api.delete_delegation(dlg_id)


class Delegations:
    """Delegated X.509 credentials (``/delegation``)."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def info(self, delegation_id: str | None = None) -> Delegation | None:
        """The credential stored for ``delegation_id`` (default: the caller's), or ``None``."""
        return self._client._run(info_flow(delegation_id))

    def delegate(
        self,
        *,
        lifetime: timedelta = DEFAULT_LIFETIME,
        force: bool = False,
        renew_if_less_than: timedelta = DEFAULT_RENEWAL,
        legacy: bool = False,
    ) -> str:
        """Delegate a proxy of the client's credential and give the delegation id.

        Nothing is sent when the stored one has ``renew_if_less_than`` left, unless ``force``. The proxy
        cannot outlive the credential.
        """
        return self._client._run(
            delegate_flow(
                self._client.load_credential,
                lifetime=lifetime,
                force=force,
                renew_if_less_than=renew_if_less_than,
                legacy=legacy,
                cache=self._client.delegation_cache,
            )
        )

    def voms(self, voms: Sequence[str], *, delegation_id: str | None = None) -> datetime:
        """Add VOMS extensions to the stored proxy (``POST /delegation/{id}/voms``); gives its new expiry."""
        return self._client._run(voms_flow(voms, delegation_id))

    def delete(self, delegation_id: str | None = None) -> None:
        """Remove the stored credential (``DELETE /delegation/{id}``). Raises NotFound when there is none."""
        self._client._run(delete_flow(delegation_id, self._client.delegation_cache))


class AsyncDelegations:
    """Delegated X.509 credentials (``/delegation``)."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    async def info(self, delegation_id: str | None = None) -> Delegation | None:
        """The credential stored for ``delegation_id`` (default: the caller's), or ``None``."""
        return await self._client._run(info_flow(delegation_id))

    async def delegate(
        self,
        *,
        lifetime: timedelta = DEFAULT_LIFETIME,
        force: bool = False,
        renew_if_less_than: timedelta = DEFAULT_RENEWAL,
        legacy: bool = False,
    ) -> str:
        """Delegate a proxy of the client's credential and give the delegation id.

        Nothing is sent when the stored one has ``renew_if_less_than`` left, unless ``force``. The proxy
        cannot outlive the credential.
        """
        return await self._client._run(
            delegate_flow(
                self._client.load_credential,
                lifetime=lifetime,
                force=force,
                renew_if_less_than=renew_if_less_than,
                legacy=legacy,
                cache=self._client.delegation_cache,
            )
        )

    async def voms(self, voms: Sequence[str], *, delegation_id: str | None = None) -> datetime:
        """Add VOMS extensions to the stored proxy (``POST /delegation/{id}/voms``); gives its new expiry."""
        return await self._client._run(voms_flow(voms, delegation_id))

    async def delete(self, delegation_id: str | None = None) -> None:
        """Remove the stored credential (``DELETE /delegation/{id}``). Raises NotFound when there is none."""
        await self._client._run(delete_flow(delegation_id, self._client.delegation_cache))
