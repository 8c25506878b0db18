"""The local X.509 credential refused before anything is sent: `CredentialError` and its leaves."""

from __future__ import annotations

from datetime import datetime

from fts3sdk.errors._official import Unauthorized, _Plain


class CredentialError(_Plain, Unauthorized, ValueError):
    """The local X.509 credential cannot be used; found before connecting, so nothing was sent.

    Also a ValueError, as it was before it joined this tree. Messages name the file and where its name came
    from; they never hold key material or passphrases.
    """


class CredentialNotFound(CredentialError):
    """A certificate or key file does not exist; ``origin`` says where its name came from."""

    def __init__(self, reason: str | None = None, *, path: str | None = None, origin: str | None = None) -> None:
        super().__init__(reason)
        self.path = path
        self.origin = origin


class CredentialUnreadable(CredentialError):
    """A credential file exists but cannot be read (permissions, a directory)."""


class CredentialMalformed(CredentialError):
    """A credential file is not PEM, holds no certificate, or a damaged certificate or key, or an unsupported key."""


class PrivateKeyMissing(CredentialError):
    """A certificate was given without its private key (``usercert.pem`` without ``userkey.pem``)."""


class PrivateKeyMismatch(CredentialError):
    """The private key does not belong to the certificate."""


class PassphraseRequired(CredentialError):
    """The private key is encrypted and no passphrase was given."""


class WrongPassphrase(CredentialError):
    """The passphrase does not decrypt the private key (or the key is damaged)."""


class CredentialExpired(CredentialError):
    """A certificate of the chain has expired; ``not_after`` is when (the earliest expiry of the chain)."""

    def __init__(self, reason: str | None = None, *, not_after: datetime | None = None) -> None:
        super().__init__(reason)
        self.not_after = not_after


class CredentialNotYetValid(CredentialError):
    """A certificate of the chain is not valid yet; ``not_before`` is when it will be (a clock out of step?)."""

    def __init__(self, reason: str | None = None, *, not_before: datetime | None = None) -> None:
        super().__init__(reason)
        self.not_before = not_before
