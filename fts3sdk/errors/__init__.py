"""Exceptions raised by the client, the async client and the Easy facade.

The tree keeps the official client's classes, bases, constructors and texts, so existing ``except`` clauses
keep working; the classes added here are leaves or sit under a legacy class:

```text
FTS3ClientException              root; .message .status_code .method .url .body, legacy .reason
├── BadEndpoint                  endpoint unusable (not an FTS server)
│   ├── BadCALocation            the CA directory or bundle to check the server with is missing or unusable
│   └── ConnectionFailed         connect, DNS or TLS failure, connect timeout: the server was never reached
│       ├── ConnectionRefused    nothing accepts connections on the host and port
│       ├── HostNotFound         the host name does not resolve
│       ├── ServerNotTrusted     the server's certificate failed verification; .ca_location says against what
│       └── WrongProtocol        http:// to a TLS port, or https:// to a plain HTTP port
├── RequestTimeout               sent, no answer in time: the outcome is unknown
│   └── ConnectionLost           sent, then the connection was reset or closed before an answer
├── InvalidResponse              non-JSON, truncated or unexpected body; .body holds the raw text
├── Unauthorized                 401, 402, 403
│   ├── CertificateRejected      the server refused the client certificate in the TLS handshake; .alert
│   └── CredentialError          the local credential is unusable (also a ValueError): nothing was sent
│       ├── CredentialNotFound   a certificate or key file does not exist; .origin says who named it
│       ├── CredentialUnreadable a file exists but cannot be read (permissions, a directory)
│       ├── CredentialMalformed  not PEM, no certificate, a damaged certificate or key, an unsupported key
│       ├── PrivateKeyMissing    a certificate without its key (usercert.pem given alone)
│       ├── PrivateKeyMismatch   the key is not the certificate's
│       ├── PassphraseRequired   the key is encrypted and no passphrase was given
│       ├── WrongPassphrase      the passphrase does not decrypt the key
│       ├── CredentialExpired    a certificate of the chain has expired; .not_after
│       └── CredentialNotYetValid a certificate of the chain is not valid yet; .not_before
├── ClientError                  400 and other 4xx; 207 in the Easy facade
│   ├── NeedDelegation           419
│   ├── FailedDependency         424
│   └── MethodNotAllowed         405 (the official 3.14 class; a ClientError, as 3.13 raised ClientError("405"))
├── NotFound                     404
└── ServerError                  other 5xx
    └── TryAgain                 503
```

`from_response` is the one table from HTTP status to exception.
"""

from __future__ import annotations

from fts3sdk.errors._connection import (
    BadCALocation,
    CertificateRejected,
    ConnectionLost,
    ConnectionRefused,
    HostNotFound,
    ServerNotTrusted,
    WrongProtocol,
)
from fts3sdk.errors._credentials import (
    CredentialError,
    CredentialExpired,
    CredentialMalformed,
    CredentialNotFound,
    CredentialNotYetValid,
    CredentialUnreadable,
    PassphraseRequired,
    PrivateKeyMismatch,
    PrivateKeyMissing,
    WrongPassphrase,
)
from fts3sdk.errors._official import (
    BadEndpoint,
    ClientError,
    ConnectionFailed,
    FailedDependency,
    FTS3ClientException,
    InvalidResponse,
    MethodNotAllowed,
    NeedDelegation,
    NotFound,
    RequestTimeout,
    ServerError,
    TryAgain,
    Unauthorized,
    _Plain,
    _ReasonError,
    _rebuild,
)
from fts3sdk.errors._status import from_response, from_status, response_text, server_message

# In the order of the tree above, which the reference page follows.
__all__ = [
    "FTS3ClientException",
    "BadEndpoint",
    "ConnectionFailed",
    "RequestTimeout",
    "InvalidResponse",
    "Unauthorized",
    "ClientError",
    "NeedDelegation",
    "FailedDependency",
    "MethodNotAllowed",
    "ServerError",
    "TryAgain",
    "NotFound",
    "BadCALocation",
    "ConnectionRefused",
    "HostNotFound",
    "ServerNotTrusted",
    "WrongProtocol",
    "ConnectionLost",
    "CertificateRejected",
    "CredentialError",
    "CredentialNotFound",
    "CredentialUnreadable",
    "CredentialMalformed",
    "PrivateKeyMissing",
    "PrivateKeyMismatch",
    "PassphraseRequired",
    "WrongPassphrase",
    "CredentialExpired",
    "CredentialNotYetValid",
    "server_message",
    "from_status",
    "response_text",
    "from_response",
]

# The classes live in one private module per family; they are shown, documented and pickled as
# ``fts3sdk.errors.<name>``, where users import them from (and where earlier pickles find them).
for _name in __all__:
    globals()[_name].__module__ = __name__
for _private in (_Plain, _ReasonError, _rebuild):
    _private.__module__ = __name__
del _name, _private
