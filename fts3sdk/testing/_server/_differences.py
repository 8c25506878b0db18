"""The places where `FakeFTS` answers differently from the real server on purpose, each with how it was checked.

Everything else is meant to be indistinguishable: the contract tests replay every recorded exchange of the real
server (fts-rest-flask 3.13.4 behind Apache httpd) against the fake, and the only exceptions they allow are the
recordings named here.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["KNOWN_DIFFERENCES", "KnownDifference"]


@dataclass(frozen=True)
class KnownDifference:
    """One deliberate difference between `FakeFTS` and the real server."""

    name: str
    """A short identifier, e.g. ``strict-delegation``."""
    summary: str
    """What the fake does, and what the real server does instead."""
    verified: str
    """How the difference was established (recordings, the server's code, tests)."""
    recordings: tuple[str, ...] = ()
    """Recorded exchanges (``set/name``) the fake answers differently because of it; the contract tests allow
    exactly these."""


KNOWN_DIFFERENCES: tuple[KnownDifference, ...] = (
    KnownDifference(
        "no-content-type-on-204",
        "Every 204 answer goes out without a Content-Type, as behind Apache httpd. The first recording set was made "
        "behind another TLS front, which added one (text/html for DELETE /delegation, application/json for unbans).",
        "The third set, recorded behind Apache itself, has no Content-Type on any of its four 204 answers; the "
        "admin-api set agrees on all of its 204s. The first set's README names its front.",
        ("responses/delegation_delete", "responses/unban_dn", "responses/unban_se", "responses/unban_se_wait"),
    ),
    KnownDifference(
        "strict-delegation",
        "With strict_delegation=True (the default) an uploaded proxy must also be a proper proxy (RFC 3820 or "
        "legacy, not a CA, no keyCertSign), form a continuous chain to a trusted CA (pki= / trusted_cas=) and "
        "belong to the caller; the real server checks only the key, the signature, subject = issuer + one CN. "
        "Refusals end in '(fts3sdk.testing strict check)'. FakeFTS(strict_delegation=False) checks what the "
        "server does.",
        "The recorded PUT /delegation/<id>/credential answers (201 and 400) replay unchanged; "
        "tests/test_testing_https.py shows each strict refusal.",
    ),
    KnownDifference(
        "shared-delegation-keys",
        "Delegation keys are generated once per key size per fake (or per KeyPool) and shared by every user; the "
        "server generates one per (delegation id, DN). Each (delegation id, DN) still keeps its own request.",
        "A speed choice (RSA generation is the slow part): the request and credential recordings replay.",
    ),
    KnownDifference(
        "voms-extension",
        "POST /delegation/<id>/voms cannot run voms-proxy-init: it records the requested attributes (voms_attrs) "
        "and answers 203 with the unchanged expiry; FakeFTS(voms_clients=False) is a server without the VOMS "
        "client tools, where it is a 500. Over HTTPS the VOMS attribute certificates of a proxy are not read (the "
        "caller has no FQANs): use Identity.certificate(..., fqans=[...]) in-process.",
        "REFERENCE §3.3; the admin-api recordings (made without VOMS clients) replay with voms_clients=False.",
    ),
    KnownDifference(
        "no-transfer-daemon",
        "Jobs move only on the test's calls (start, finish, fail, step, run) or in automatic mode; "
        "max_time_in_queue never expires a job; finished files get transfer_host fts-node.example.org, pid 4242, a "
        "log path and 1 MiB when no size was given; a multiple-replica job takes its first source (no scheduler "
        "statistics); unused multihop hops end CANCELED. Failure reasons are the scripted ones.",
        "The sim_* recordings, where the real run advanced states with SQL as the daemon does, replay exactly; "
        "tests/test_testing_lifecycle.py checks the state rules of REFERENCE §6.",
    ),
    KnownDifference(
        "tokens-by-registration",
        "Bearer tokens are opaque strings registered with add_token, not JWTs checked against an identity "
        "provider: any other token does not verify, so it counts for nothing (the client certificate, else "
        "anonymous), as on the server. The server's 403 'Invalid credentials (...)' for a token that verifies but "
        "is refused (audience, scope) is never produced. Token transfers always start in TOKEN_PREP.",
        "whoami_token_unverifiable_anonymous, whoami_token_bad_signature_anonymous and their 403s for GET and POST "
        "/jobs replay exactly, as do the first set's expired-token recordings; tests/test_testing_rules.py sends "
        "arbitrary tokens.",
    ),
    KnownDifference(
        "cloud-storage-connector",
        "/cs/* other than /cs/registered/<service> (the Dropbox connector's web flow) is not served: such paths "
        "follow the catch-all rule (404 for GET, 405 otherwise).",
        "The route table of fts-rest-flask; cs_registered_anonymous_401 replays exactly.",
    ),
    KnownDifference(
        "web-pages",
        "Configuration pages asked for HTML (as Accept: */* does) answer a plain HTML page with the real page's "
        "title and the data as JSON, not the server's web interface.",
        "The admin-api recordings of those pages: the contract test compares their titles.",
    ),
    KnownDifference(
        "dm-namespace",
        "/dm/* act on an in-memory namespace keyed by URL (add_file, add_directory) with the errno a POSIX file "
        "system gives; mkdir, rmdir and rename work there, although the recording server's gfal2 mock plugin could "
        "not do them. mock:// URLs behave as that plugin did; other protocols fail as gfal2 without a plugin.",
        "The admin-api dm_* recordings replay; the working mkdir/rmdir/rename are not recorded.",
    ),
    KnownDifference(
        "config-state",
        "Heartbeat rows are the fake's own REST services and the nodes added with add_host, and beats do not move; "
        "the optimizer is always enabled; changes made in the same second keep their order in the audit and the "
        "optimizer history, as the recorded MariaDB did.",
        "The admin-api recordings replay (tests/test_testing_admin.py).",
    ),
    KnownDifference(
        "no-static-files",
        "The web pages' static files (under /css and /js on the server) are not served: GET is 404 there. Every "
        "other path follows the server's catch-all static rule (404 for GET, 405 for other methods).",
        "fts-rest-flask serves static files at the root (static_url_path=''); the router is compared with "
        "Werkzeug 2.0.3 itself (tests/test_testing_rules.py) and ban_post_405, the two trailing-slash 405s and "
        "unknown_route_404 replay exactly.",
    ),
    KnownDifference(
        "fixed-server-options",
        "Server options the fake does not model keep their defaults: no CheckDuplicates, no AutoSessionReuse, no "
        "BringOnlineAndExpirationDelta, OverwriteHopValidation on. Configurable: authorized_vos=, roles=, "
        "gridmap=, metadata_size_limit= (JobMetadataSizeLimit and its siblings, 1024 each by default; the "
        "recorded server had JobMetadataSizeLimit 2048).",
        "REFERENCE §4 lists the options; submit_400_job_metadata_too_large replays with metadata_size_limit="
        "{'job': 2048}.",
    ),
    KnownDifference(
        "ids-and-order",
        "Job ids are version-1 UUIDs made from the fake clock (they sort by submission time, as the server's do), "
        "file ids count up from first_file_id, seed= makes them and the scheduling hashes reproducible; unordered "
        "listings come in job-id order (MariaDB's primary-key order in the recordings).",
        "The contract tests map recorded ids to the fake's both ways and compare everything else.",
    ),
    KnownDifference(
        "https-front",
        "serve_https speaks HTTP/1.1 only, and a request it cannot parse gets a plain 400. Without Python's "
        "verified-chain API (public from 3.13, private before) a proxy's issuer is taken as the user, which is "
        "right for one proxy level only. Apache's own path rules (dot segments, merged slashes, its 400 for a path "
        "above the root) are applied on both transports.",
        "path_dot_segments_merged replays exactly; tests/test_testing_rules.py compares dot-segment removal "
        "with RFC 3986 (the standard library's urljoin).",
    ),
    KnownDifference(
        "fake-clock",
        "'Now' is the fake clock (delegation expiry, time_window, job and file times, max_time_in_queue), while "
        "the expiry of an uploaded proxy is real-world time.",
        "By design: tests move the clock.",
    ),
    KnownDifference(
        "latin1-text",
        "Text columns are latin1: the fake refuses characters outside Latin-1 with the server's 500 and stores "
        "Latin-1 ones, and compares filters (state_in, vo_name, source_se...) as the tables' collation does, "
        "ignoring case and trailing spaces. The typed client refuses every non-ASCII character in a URL.",
        "submit_500_non_ascii_url (a URL holding 'ü' and 'ф') replays exactly; that the server stores a URL with "
        "Latin-1 characters only, and the case-insensitive filters, are inferred from the schema (latin1 tables, "
        "default collation latin1_swedish_ci, strict mode), not recorded.",
    ),
    KnownDifference(
        "inferred-messages",
        "Two texts are inferred rather than recorded: the size-limit message of file, staging and archive metadata "
        "is the one recorded for job metadata ('Job Submission Refused, metadata exceeds size limit of N'), and the "
        "SQL error of a multi-file submission lists its parameter sets as SQLAlchemy 1.4 does (recorded for one "
        "file). The database name in SQL errors is FakeFTS(database_name=...), 'fts3' by default.",
        "submit_400_job_metadata_too_large and submit_409_source_tokens_only_cert_user replay exactly.",
    ),
)
"""Every known deliberate difference (``FakeFTS.known_differences``)."""
