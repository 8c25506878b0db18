"""fts3sdk.compat: the official module tree, with the official names, over fts3sdk's own objects."""

from __future__ import annotations

import importlib
import inspect
import json
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

import fts3sdk.easy
from fts3sdk import compat, errors
from fts3sdk.easy.client.request import Request
from fts3sdk.testing import FakeFTS, HTTPSServer, IssuedCertificate, ThrowawayPKI
from tests._official import official_python
from tests.recordings import load
from tests.test_easy import ENDPOINT, replay

REPO = Path(__file__).resolve().parents[1]
__all__ = ["official_python"]  # the fixture, imported for pytest

_EXCEPTIONS = [
    "BadEndpoint",
    "ClientError",
    "FTS3ClientException",
    "FailedDependency",
    "MethodNotAllowed",
    "NeedDelegation",
    "NotFound",
    "ServerError",
    "TryAgain",
    "Unauthorized",
]
_SUBMISSION = [
    "JobIdGenerator",
    "add_alternative_source",
    "cancel",
    "cancel_all",
    "new_delete_job",
    "new_job",
    "new_staging_job",
    "new_transfer",
    "submit",
]

_COMMANDS = ["Banning", "Delegator", "JobCanceller", "JobDeletionSubmitter", "JobLister", "JobShower"]
_COMMANDS += ["JobSubmitter", "ServerStatus", "WhoAmI"]
_CLI_MODULES = ["banning", "base", "delegator", "jobcanceller", "jobdeletionsubmitter", "joblister", "jobshower"]
_CLI_MODULES += ["jobsubmitter", "serverstatus", "utils", "whoami"]

OFFICIAL_NAMES: dict[str, list[str]] = {
    "fts3": ["__version__"],
    "fts3.rest": [],
    "fts3.rest.client": [
        *[
            "Ban",
            "Context",
            "Delegator",
            "Inquirer",
            "Submitter",
            "ban",
            "context",
            "delegator",
            "exceptions",
            "inquirer",
            "request",
            "submitter",
        ],
        *_EXCEPTIONS,
    ],
    "fts3.rest.client.context": ["CLIENT_VERSION", "Context", "Request", *_EXCEPTIONS],
    "fts3.rest.client.request": ["Request", *_EXCEPTIONS],
    "fts3.rest.client.submitter": ["Submitter"],
    "fts3.rest.client.inquirer": ["Inquirer", *_EXCEPTIONS],
    "fts3.rest.client.delegator": ["Delegator", *_EXCEPTIONS],
    "fts3.rest.client.ban": ["Ban"],
    "fts3.rest.client.exceptions": _EXCEPTIONS,
    "fts3.rest.client.easy": [
        *[
            "Ban",
            "ClientError",
            "Context",
            "Delegator",
            "Inquirer",
            "Submitter",
            "ban",
            "ban_dn",
            "ban_se",
            "delegate",
            "exceptions",
        ],
        *[
            "get_job_status",
            "get_jobs_statuses",
            "list_jobs",
            "state",
            "submission",
            "timedelta",
            "unban_dn",
            "unban_se",
            "whoami",
        ],
        *_SUBMISSION,
    ],
    "fts3.rest.client.easy.ban": ["Ban", "ban_dn", "ban_se", "unban_dn", "unban_se"],
    "fts3.rest.client.easy.delegate": ["Delegator", "delegate", "timedelta"],
    "fts3.rest.client.easy.state": ["Inquirer", "get_job_status", "get_jobs_statuses", "list_jobs"],
    "fts3.rest.client.easy.submission": ["ClientError", "Submitter", "delegate", "timedelta", *_SUBMISSION],
    "fts3.rest.client.easy.whoami": ["Inquirer", "whoami"],
    "fts3.cli": [*_COMMANDS, *_CLI_MODULES],
    "fts3.cli.base": ["Base", "CLIENT_VERSION", "CONFIG_DEFAULTS", "CONFIG_DEFAULTSECTION", "CONFIG_FILENAME"],
    "fts3.cli.utils": ["job_as_json", "job_human_readable", "job_list_as_json", "job_list_human_readable"],
    "fts3.cli.whoami": ["WhoAmI"],
    "fts3.cli.delegator": ["Delegator"],
    "fts3.cli.jobsubmitter": ["JobSubmitter"],
    "fts3.cli.jobshower": ["JobShower"],
    "fts3.cli.joblister": ["JobLister"],
    "fts3.cli.jobcanceller": ["JobCanceller"],
    "fts3.cli.banning": ["Banning"],
    "fts3.cli.serverstatus": ["ServerStatus"],
    "fts3.cli.jobdeletionsubmitter": ["JobDeletionSubmitter"],
}
"""The public names of each module of the official 3.14.2 package (stdlib and M2Crypto helpers left out)."""


def _official_modules() -> list[str]:
    return [name for name in sys.modules if name == "fts3" or name.startswith("fts3.")]


@pytest.fixture
def clean() -> Iterator[None]:
    """No official name registered before the test, none left after it."""
    saved = {name: sys.modules.pop(name) for name in _official_modules()}
    compat.uninstall()
    yield
    compat.uninstall()
    for name in _official_modules():
        del sys.modules[name]
    sys.modules.update(saved)


@pytest.fixture
def installed(clean: None) -> None:
    compat.install()


def fake_official(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Another package named ``fts3`` on ``sys.path``, as when the official client is installed."""
    package = tmp_path / "site" / "fts3"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text('__version__ = "3.14.2"\nOFFICIAL = True\n')
    monkeypatch.syspath_prepend(str(package.parent))
    return package


# --- The module tree ---------------------------------------------------------------------------------------------


def test_the_table_covers_the_official_tree() -> None:
    assert set(compat.MODULES) >= set(OFFICIAL_NAMES)


@pytest.mark.usefixtures("installed")
@pytest.mark.parametrize("name", sorted(OFFICIAL_NAMES))
def test_every_official_module_has_the_official_names(name: str) -> None:
    module = importlib.import_module(name)
    missing = [attr for attr in OFFICIAL_NAMES[name] if not hasattr(module, attr)]
    assert not missing, f"{name} lacks {missing}"
    for attr in OFFICIAL_NAMES[name]:
        value = getattr(module, attr)
        if isinstance(value, ModuleType) and attr != "timedelta":
            assert value.__name__.startswith("fts3."), f"{name}.{attr} is {value.__name__}, not a stand-in"


@pytest.mark.usefixtures("installed")
def test_the_names_are_fts3sdk_objects() -> None:
    fts3: Any = importlib.import_module("fts3.rest.client.easy")
    client = importlib.import_module("fts3.rest.client")
    Context, NotFound = client.Context, client.NotFound
    OfficialRequest = importlib.import_module("fts3.rest.client.request").Request

    assert fts3.submit is fts3sdk.easy.submit
    assert Context is fts3sdk.easy.Context
    assert NotFound is errors.NotFound
    assert OfficialRequest is Request
    assert fts3.exceptions is sys.modules["fts3.rest.client.exceptions"]
    assert fts3.exceptions.NotFound is errors.NotFound
    # Functions win over submodules of the same name, as in the official package.
    importlib.import_module("fts3.rest.client.easy.whoami")
    assert fts3.whoami is fts3sdk.easy.whoami
    assert callable(fts3.delegate)
    assert sys.modules["fts3.rest.client.easy.whoami"].whoami is fts3sdk.easy.whoami


@pytest.mark.usefixtures("installed")
def test_importing_fts3_alone_is_cheap_and_other_names_do_not_exist(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fts3sdk, "easy", fts3sdk.easy)  # the re-import rebinds it: put back after the test
    for name in [name for name in sys.modules if name.startswith("fts3sdk.easy")]:
        monkeypatch.delitem(sys.modules, name)  # re-imported below by the stand-ins, put back after the test
    fts3 = importlib.import_module("fts3")
    assert fts3.__version__ == "3.14.2"
    assert "fts3sdk.easy" not in sys.modules
    with pytest.raises(ModuleNotFoundError, match=r"fts3\.model"):
        importlib.import_module("fts3.model")
    assert importlib.import_module("fts3.rest.client").Context is sys.modules["fts3sdk.easy"].Context


@pytest.mark.usefixtures("installed")
def test_fts3sdk_modules_are_never_changed() -> None:
    before = {name: dict(vars(module)) for name, module in sys.modules.items() if name.startswith("fts3sdk.easy")}
    for name in compat.MODULES:
        importlib.import_module(name)
    for name, namespace in before.items():
        assert dict(vars(sys.modules[name])) == namespace, name


# --- install, activate, uninstall ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("clean")
def test_install_is_idempotent_and_uninstall_removes_every_name() -> None:
    compat.install()
    compat.install()
    assert compat.installed()
    importlib.import_module("fts3.rest.client.easy")
    compat.uninstall()
    assert not compat.installed()
    assert not _official_modules()
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("fts3")
    compat.uninstall()


@pytest.mark.usefixtures("clean")
def test_install_refuses_when_the_official_package_is_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = fake_official(tmp_path, monkeypatch)
    with pytest.raises(compat.OfficialClientPresent, match=re.escape(str(package))) as caught:
        compat.install()
    assert isinstance(caught.value, ImportError)
    assert "install(force=True)" in str(caught.value)
    assert "fts3" not in sys.modules  # looked up, not imported
    compat.install(force=True)
    assert importlib.import_module("fts3.rest.client").Context is fts3sdk.easy.Context


@pytest.mark.usefixtures("clean")
def test_install_refuses_when_another_fts3_is_imported() -> None:
    sys.modules["fts3"] = ModuleType("fts3")
    with pytest.raises(compat.OfficialClientPresent):
        compat.install()
    compat.install(force=True)
    assert "fts3" not in sys.modules or getattr(sys.modules["fts3"], "__fts3sdk_compat__", False)


@pytest.mark.usefixtures("clean")
def test_activate_checks_when_fts3_is_imported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    compat.activate()
    assert compat.installed()
    assert importlib.import_module("fts3").__version__ == "3.14.2"
    compat.uninstall()
    fake_official(tmp_path, monkeypatch)
    compat.activate()  # registering is free: nothing is looked up yet
    with pytest.raises(compat.OfficialClientPresent, match="pip uninstall"):
        importlib.import_module("fts3")


# --- What real callers do ---------------------------------------------------------------------------------------


@pytest.mark.usefixtures("installed")
def test_request_class_request_is_the_default_and_others_are_refused() -> None:
    official_request: type[Request] = importlib.import_module("fts3.rest.client.request").Request
    fts3: Any = importlib.import_module("fts3.rest.client.easy")

    handler = replay("get_root", "whoami")
    transport = httpx.MockTransport(handler)
    # As DIRAC calls it (verify=False: its agents run with a host certificate and a grid CA directory).
    context = fts3.Context(
        endpoint=ENDPOINT, no_creds=True, request_class=official_request, verify=False, transport=transport
    )
    with context:
        assert fts3.whoami(context) == load("whoami").body

    class OwnRequest(official_request):  # type: ignore[misc,valid-type]
        pass

    with pytest.raises(NotImplementedError) as caught:
        fts3.Context(ENDPOINT, no_creds=True, request_class=OwnRequest)
    assert "request_class=Request" in str(caught.value)
    assert "transport=" in str(caught.value)


@pytest.mark.usefixtures("installed")
def test_feature_gates_on_the_version() -> None:
    from packaging.version import Version

    fts3_version = importlib.import_module("fts3").__version__

    assert Version(fts3_version) >= Version("3.13")  # DIRAC's gate for destination_spacetoken
    assert fts3_version == fts3sdk.easy.CLIENT_VERSION == "3.14.2"


@pytest.mark.usefixtures("installed")
def test_raw_context_calls(fts_fake: FakeFTS) -> None:
    fts3: Any = importlib.import_module("fts3.rest.client.easy")
    fts_fake.add_delegation()
    with fts3.Context(ENDPOINT, no_creds=True, transport=fts_fake.transport()) as context:
        assert json.loads(context.get("/whoami"))["user_dn"] == fts_fake.default_identity.user_dn
        transfer = fts3.new_transfer("gsiftp://a.example.org/f", "gsiftp://b.example.org/f")
        job_id = json.loads(context.post_json("/jobs", {"files": [transfer], "params": {}}))["job_id"]
        listed = json.loads(context.get("/jobs", {"state_in": "SUBMITTED"}))
        assert job_id in [job["job_id"] for job in listed]
        assert json.loads(context.delete(f"/jobs/{job_id}"))["job_state"] == "CANCELED"
        with pytest.raises(errors.NotFound):
            context.get(f"/jobs/{job_id}0")


def test_request_method_over_tls(fts_server: HTTPSServer, pki: ThrowawayPKI, alice: IssuedCertificate) -> None:
    with Request(str(alice.cert_path), str(alice.key_path), capath=str(pki.ca_dir)) as request:
        assert json.loads(request.method("GET", fts_server.url + "//whoami"))["user_dn"] == alice.dn
        with pytest.raises(errors.NotFound) as caught:
            request.method("GET", fts_server.url + "/jobs/00000000-0000-0000-0000-000000000000")
        assert caught.value.url == fts_server.url + "/jobs/00000000-0000-0000-0000-000000000000"
        assert request.capath == str(pki.ca_dir)


def test_request_method_sends_forms_and_basic_auth() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"access_token": "t"})

    request = Request(None, None, fts_access_token="abc", transport=httpx.MockTransport(handler))
    body = request.method("POST", "https://idp.example.org/token", body={"grant_type": "x"}, user="u", passw="p")
    assert json.loads(body) == {"access_token": "t"}
    sent = seen[0]
    assert sent.content == b"grant_type=x"
    assert sent.headers["content-type"] == "application/x-www-form-urlencoded"
    assert sent.headers["accept"] == "application/json"
    assert sent.headers["authorization"].startswith("Basic ")  # basic auth replaces the bearer token
    request.close()


# --- Unmodified code in a fresh interpreter ----------------------------------------------------------------------

DIRAC_LIKE = textwrap.dedent(
    """
    import os
    from packaging.version import Version

    from fts3 import __version__ as fts3_version
    import fts3.rest.client.easy as fts3
    from fts3.rest.client.exceptions import FTS3ClientException, NotFound
    from fts3.rest.client.request import Request as ftsSSLRequest

    ATTR = "destination_spacetoken" if Version(fts3_version) >= Version("3.13") else "spacetoken"
    context = fts3.Context(endpoint=os.environ["FTS3_ENDPOINT"], request_class=ftsSSLRequest, verify=True)
    transfer = fts3.new_transfer("gsiftp://a.example.org/f", "gsiftp://b.example.org/f", checksum="ADLER32:1a2b3c4d")
    job = fts3.new_job(transfers=[transfer], overwrite=True, retry=3, verify_checksum="target", **{ATTR: "TOKEN"})
    job_id = fts3.submit(context, job)
    status = fts3.get_job_status(context, job_id, list_files=True)
    print(ATTR, status["job_state"], len(status["files"]))
    try:
        fts3.get_job_status(context, "00000000-0000-0000-0000-000000000000")
    except NotFound as error:
        print("missing", isinstance(error, FTS3ClientException))
    print(fts3.cancel(context, job_id)["job_state"])
    """
)


def run_fresh(script: str, *, env: dict[str, str], runner: str) -> subprocess.CompletedProcess[str]:
    """``script`` in a fresh interpreter started with ``runner`` (which loads ``script`` from argv[1])."""
    return subprocess.run(  # our own interpreter and script
        [sys.executable, "-c", runner, script],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_unmodified_code_in_a_fresh_interpreter_over_tls(
    fts_server: HTTPSServer, pki: ThrowawayPKI, alice: IssuedCertificate, tmp_path: Path
) -> None:
    proxy = tmp_path / "x509up"
    proxy.write_bytes(alice.cert_path.read_bytes() + alice.key_path.read_bytes())
    script = tmp_path / "agent.py"
    script.write_text(DIRAC_LIKE)
    runner = "import runpy, sys, fts3sdk.compat; fts3sdk.compat.install(); runpy.run_path(sys.argv[1])"
    env = {
        "FTS3_ENDPOINT": fts_server.url,
        "X509_USER_PROXY": str(proxy),
        "X509_CERT_DIR": str(pki.ca_dir),
        "PYTHONPATH": str(REPO),
    }
    done = run_fresh(str(script), env=env, runner=runner)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["destination_spacetoken SUBMITTED 1", "missing True", "CANCELED"]


def test_the_official_signatures(official_python: Path) -> None:
    """Every official function and method has the same parameters and defaults here (additions at the end)."""
    dump = subprocess.run(  # the official client's interpreter, our script
        [str(official_python), "-c", SIGNATURES, *(name for name in OFFICIAL_NAMES if not name.startswith("fts3.cli"))],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    official: dict[str, list[list[str]]] = json.loads(dump.stdout)
    assert len(official) >= 40, "every function and method of the official tree"
    compat.install(force=True)
    try:
        for where, expected in official.items():
            module_name, _, attr = where.partition(":")
            value: Any = importlib.import_module(module_name)
            for part in attr.split("."):
                value = getattr(value, part)
            ours = _official_part(_parameters(value), len(expected))
            assert [(name, kind) for name, kind, _ in ours] == [(name, kind) for name, kind, _ in expected], where
            for (name, _, default), (_, _, official_default) in zip(ours, expected, strict=True):
                assert official_default in ("-", default), f"{where}: {name}={default}, officially {official_default}"
    finally:
        compat.uninstall()


def _parameters(value: Any) -> list[list[str]]:
    return [[p.name, p.kind.name, _default(p.default)] for p in inspect.signature(value).parameters.values()]


def _official_part(parameters: list[list[str]], count: int) -> list[list[str]]:
    extra = parameters[count:]
    assert all(default != "-" for _, _, default in extra), f"additions need a default: {extra}"
    return parameters[:count]


def _default(value: Any) -> str:
    if value is inspect.Parameter.empty:
        return "-"
    return value.__name__ if isinstance(value, type) else repr(value)


SIGNATURES = textwrap.dedent(
    """
    import importlib, inspect, json, sys, types

    def default(value):
        if value is inspect.Parameter.empty:
            return "-"
        return value.__name__ if isinstance(value, type) else repr(value)

    def params(value):
        return [[p.name, p.kind.name, default(p.default)] for p in inspect.signature(value).parameters.values()]

    out = {}
    for name in sys.argv[1:]:
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if attr.startswith("_") or getattr(value, "__module__", "") != name:
                continue
            if inspect.isfunction(value):
                out[f"{name}:{attr}"] = params(value)
            elif inspect.isclass(value) and not issubclass(value, BaseException):
                for method, member in vars(value).items():
                    if inspect.isfunction(member) and (not method.startswith("_") or method == "__init__"):
                        out[f"{name}:{attr}.{method}"] = params(member)
                    elif isinstance(member, staticmethod):
                        out[f"{name}:{attr}.{method}"] = params(member.__func__)
    print(json.dumps(out))
    """
)
