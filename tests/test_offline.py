"""The suite runs offline: a network namespace with only loopback, and/or the Python guard."""

import os
import socket

import pytest

from coursekit import netguard


def test_suite_runs_without_network():
    if os.environ.get("COURSEKIT_OFFLINE") != "1":
        pytest.skip("solo con la orden de pruebas del README (make test)")
    if os.environ.get("COURSEKIT_NETNS") == "1":
        interfaces = sorted(name for _, name in socket.if_nameindex())  # this process's namespace
        assert interfaces == ["lo"], interfaces
    assert netguard.installed(), "el bloqueo de red de coursekit debe estar activo en las pruebas"


def test_guard_blocks_external_but_allows_loopback(monkeypatch):
    calls = []
    monkeypatch.setattr(netguard, "_original_connect", lambda self, address: calls.append(address))
    monkeypatch.setattr(socket.socket, "connect", netguard._guarded_connect)
    sock = socket.socket()
    try:
        with pytest.raises(netguard.NetworkBlocked):
            sock.connect(("192.0.2.1", 80))  # blocked before anything is sent
        sock.connect(("127.0.0.1", 9))
    finally:
        sock.close()
    assert calls == [("127.0.0.1", 9)]
    with pytest.raises(netguard.NetworkBlocked):
        netguard._guarded_getaddrinfo("example.org", 80)
