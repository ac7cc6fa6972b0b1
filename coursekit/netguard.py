"""Block network connections except loopback (used by the test-suite to prove offline use)."""

import ipaddress
import socket

_original_connect = socket.socket.connect
_original_connect_ex = socket.socket.connect_ex
_original_getaddrinfo = socket.getaddrinfo


class NetworkBlocked(OSError):
    """A connection to a non-loopback address was attempted while offline mode is enforced."""


def _is_local(host) -> bool:
    if host in ("localhost", "", None):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _check(address):
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return
    if isinstance(address, tuple) and address and not _is_local(address[0]):
        raise NetworkBlocked(f"Red bloqueada en las pruebas: conexión a {address[0]!r} denegada (el curso debe funcionar sin conexión).")


def _guarded_connect(self, address):
    _check(address)
    return _original_connect(self, address)


def _guarded_connect_ex(self, address):
    _check(address)
    return _original_connect_ex(self, address)


def _guarded_getaddrinfo(host, *args, **kwargs):
    if isinstance(host, bytes):
        host = host.decode()
    if not _is_local(host):
        raise NetworkBlocked(f"Red bloqueada en las pruebas: no se resuelve {host!r} (el curso debe funcionar sin conexión).")
    return _original_getaddrinfo(host, *args, **kwargs)


def install():
    """Patch ``socket`` so only loopback connections are allowed in this process."""
    socket.socket.connect = _guarded_connect
    socket.socket.connect_ex = _guarded_connect_ex
    socket.getaddrinfo = _guarded_getaddrinfo


def installed() -> bool:
    """True when the guard is active in this process."""
    return socket.socket.connect is _guarded_connect
