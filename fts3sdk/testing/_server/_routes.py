"""The route table and the authentication middleware: one `handle` call answers one request.

The path is first made what Apache hands the application (`fts3sdk.testing._server._apache`: dot segments resolved,
slashes merged); routes are then matched as Werkzeug does for every rule of the table
(`fts3sdk.testing._server._router`: its order, 404 and 405, trailing slashes, ``HEAD`` and ``OPTIONS``). Before any
route the middleware resolves the caller (a token that does not verify counts for nothing, as on the server)
and refuses banned users and foreign Origins with Werkzeug's HTML page. A 204 goes out without a Content-Type,
as it does behind Apache.
"""

from __future__ import annotations

import dataclasses
import logging
from urllib.parse import urlparse

from fts3sdk.testing._api import (
    _admin,
    _bans,
    _config,
    _config_access,
    _config_storage,
    _delegation,
    _dm,
    _jobs,
    _jobs_write,
    _optimizer,
)
from fts3sdk.testing._server._apache import ApacheError, request_path
from fts3sdk.testing._server._router import Router
from fts3sdk.testing._server._router import rule as _rule
from fts3sdk.testing._server._static import ENDPOINT_LINKS, SUBMIT_SCHEMA
from fts3sdk.testing._server._wire import (
    INTERNAL_ERROR,
    Ctx,
    HTTPError,
    MiddlewareError,
    WireRequest,
    WireResponse,
    json_response,
)
from fts3sdk.testing._state._identity import Caller, Identity, anonymous_caller, certificate_caller, token_caller
from fts3sdk.testing._state._lifecycle import tick
from fts3sdk.testing._state._store import State

__all__ = ["handle"]

logger = logging.getLogger("fts3sdk.testing")
_UNAUTHORIZED = (
    "The server could not verify that you are authorized to access the URL requested. You either supplied the "
    "wrong credentials (e.g. a bad password), or your browser doesn't understand how to supply the credentials "
    "required."
)


def _root(ctx: Ctx) -> WireResponse:
    from fts3sdk.models import EndpointInfo

    info = EndpointInfo.model_validate(
        {"api": "3.13.4", "delegation": "1.0.0", "schema": "9.1.0", "core": None, "_links": ENDPOINT_LINKS}
    )
    return json_response(info.model_dump(mode="json", by_alias=True))


def _schema(ctx: Ctx) -> WireResponse:
    return json_response(SUBMIT_SCHEMA)


def _whoami(ctx: Ctx) -> WireResponse:
    return json_response(ctx.caller.whoami())


def _cs_registered(ctx: Ctx, service: str) -> WireResponse:
    if ctx.caller.method == "unauthenticated":
        raise HTTPError(401, _UNAUTHORIZED)
    if service != "DROPBOX":
        raise HTTPError(500, INTERNAL_ERROR)
    return json_response(False)


def _cancel_vo(ctx: Ctx, vo_name: str) -> WireResponse:
    return _jobs_write.cancel_all(ctx, vo_name)


_RULES = (
    _rule("/", GET=_root),
    _rule("/api-docs/schema/submit", GET=_schema),
    _rule("/whoami", GET=_whoami),
    _rule("/whoami/certificate", GET=_delegation.whoami_certificate),
    _rule("/delegation", GET=_delegation.delegation_page),
    _rule("/delegation/<dlg_id>", GET=_delegation.get_delegation, DELETE=_delegation.delete_delegation),
    _rule("/delegation/<dlg_id>/request", GET=_delegation.get_request),
    _rule("/delegation/<dlg_id>/credential", PUT=_delegation.put_credential, POST=_delegation.put_credential),
    _rule("/delegation/<dlg_id>/voms", POST=_delegation.post_voms),
    _rule("/jobs", GET=_jobs.list_jobs, PUT=_jobs_write.submit, POST=_jobs_write.submit),
    _rule("/jobs/", GET=_jobs.list_jobs),
    _rule("/jobs/all", DELETE=_jobs_write.cancel_all),
    _rule("/jobs/vo/<vo_name>", DELETE=_cancel_vo),
    _rule("/jobs/<job_id>/files", GET=_jobs.get_files),
    _rule("/jobs/<job_id>/dm", GET=_jobs.get_dm),
    _rule("/jobs/<job_id>/files/<file_ids>", DELETE=_jobs_write.cancel_files),
    _rule("/jobs/<job_id>/files/<file_id>/retries", GET=_jobs.get_retries),
    _rule("/jobs/<job_id>/<field>", GET=_jobs.get_field),
    _rule("/jobs/<job_list>", GET=_jobs.get_jobs, DELETE=_jobs_write.cancel_jobs, POST=_jobs_write.modify_jobs),
    _rule("/files", GET=_jobs.list_files),
    _rule("/files/", GET=_jobs.list_files),
    _rule("/archive", GET=_jobs.archive_index),
    _rule("/archive/", GET=_jobs.archive_index),
    _rule("/archive/<job_id>", GET=_jobs.get_archived),
    _rule("/archive/<job_id>/<field>", GET=_jobs.get_archived_field),
    _rule("/ban/se", POST=_bans.ban_se, DELETE=_bans.unban_se, GET=_bans.list_se_bans),
    _rule("/ban/dn", POST=_bans.ban_dn, DELETE=_bans.unban_dn, GET=_bans.list_dn_bans),
    _rule("/cs/registered/<service>", GET=_cs_registered),
    _rule("/optimizer", GET=_optimizer.enabled),
    _rule("/optimizer/evolution", GET=_optimizer.evolution),
    _rule("/optimizer/current", GET=_optimizer.current, POST=_optimizer.set_current),
    _rule("/status/hosts", GET=_admin.status_hosts),
    _rule("/autocomplete/<kind>", GET=_admin.autocomplete),
    _rule("/admin/force-start", POST=_admin.force_start),
    _rule("/dm/list", GET=_dm.list_dir),
    _rule("/dm/stat", GET=_dm.stat),
    _rule("/dm/mkdir", POST=_dm.mkdir),
    _rule("/dm/unlink", POST=_dm.unlink),
    _rule("/dm/rmdir", POST=_dm.rmdir),
    _rule("/dm/rename", POST=_dm.rename),
    _rule("/config", GET=_config.index),
    _rule("/config/drain", POST=_config.drain),
    _rule("/config/audit", GET=_config.get_audit),
    _rule("/config/global", GET=_config.get_globals, POST=_config.set_globals, DELETE=_config.delete_global),
    _rule("/config/links", GET=_config.get_links, POST=_config.set_link),
    _rule("/config/links/<sym_name>", GET=_config.get_link, DELETE=_config.delete_link),
    _rule("/config/shares", GET=_config.get_shares, POST=_config.set_share, DELETE=_config.delete_share),
    _rule("/config/se", GET=_config_storage.get_se, POST=_config_storage.set_se, DELETE=_config_storage.delete_se),
    _rule(
        "/config/authorize",
        GET=_config_access.get_authorizations,
        POST=_config_access.grant,
        DELETE=_config_access.revoke,
    ),
    _rule("/config/activity_shares", GET=_config_access.get_activity_shares, POST=_config_access.set_activity_shares),
    _rule(
        "/config/activity_shares/<vo_name>",
        GET=_config_access.get_vo_activity_shares,
        DELETE=_config_access.delete_activity_shares,
    ),
    _rule(
        "/config/cloud_storage",
        GET=_config_storage.get_cloud_storages,
        POST=_config_storage.set_cloud_storage,
    ),
    _rule(
        "/config/cloud_storage/<storage_name>",
        GET=_config_storage.get_cloud_storage,
        POST=_config_storage.add_cloud_user,
        DELETE=_config_storage.delete_cloud_storage,
    ),
    _rule("/config/cloud_storage/<storage_name>/<user>", DELETE=_config_storage.remove_cloud_user),
)


_ROUTER = Router(_RULES)


def _bearer(request: WireRequest) -> str | None:
    value = request.header("authorization") or ""
    if value.startswith("Bearer "):
        return value[len("Bearer ") :].strip()
    if request.identity is not None and request.identity.kind == "token":
        return request.identity.token
    return None


def authenticate(state: State, request: WireRequest) -> Caller:
    """The caller of ``request``, or the middleware's HTML refusal."""
    origin = request.header("origin")
    if origin and urlparse(origin).netloc != request.header("host"):
        raise MiddlewareError(403, "Host and Origin do not match")
    caller = _credentials(state, request.identity, _bearer(request))
    authorized_vos = state.settings.authorized_vos
    if caller.method != "unauthenticated" and "*" not in authorized_vos and not set(caller.vos) & authorized_vos:
        raise MiddlewareError(403, "The user does not belong to any authorized vo")
    if caller.user_dn in state.dn_bans:
        raise MiddlewareError(403, "The user has been banned")
    return caller


def _credentials(state: State, identity: Identity | None, bearer: str | None) -> Caller:
    auth = state.settings.auth
    token = state.tokens.get(bearer) if bearer is not None else None
    if token is not None and not token.expired:
        return token_caller(token, auth)
    # A token that does not verify (not a JWT, bad signature, expired: unknown to the fake) is no credential:
    # the server goes on to the client certificate, then to anonymous.
    if identity is not None and identity.kind == "certificate" and identity.dns:
        return certificate_caller(identity, auth)
    return anonymous_caller()


def handle(state: State, request: WireRequest) -> WireResponse:
    """Answer one request: the front's path rules, automatic progress, middleware, route, the server's errors."""
    try:
        path = request_path(request.path)
    except ApacheError as exc:
        return exc.response()
    with state.lock:
        try:
            tick(state)
            caller = authenticate(state, request)
            if request.method == "OPTIONS":
                return _ROUTER.options(path)
            handler, params = _ROUTER.match(request.method, path)
            routed = dataclasses.replace(request, path=path)
            response: WireResponse = handler(Ctx(state, caller, routed), **params)
        except HTTPError as exc:
            response = exc.response()
        except Exception:
            logger.exception("fts3sdk.testing: unexpected error answering %s %s", request.method, request.path)
            response = HTTPError(500, INTERNAL_ERROR).response()
    return _as_sent(request.method, response)


def _as_sent(method: str, response: WireResponse) -> WireResponse:
    if response.status == 204:
        return WireResponse(204, b"", "", response.headers)
    if method == "HEAD":
        return WireResponse(response.status, b"", response.content_type, response.headers)
    return response
