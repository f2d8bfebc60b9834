"""Ask a Kafka broker whether it answers, with one ApiVersions request.

A raw request over a socket keeps the broker supervisor free of any Kafka
client library (and of an event loop): it is all `newsmon broker status` needs.
"""

from __future__ import annotations

import socket
import struct

_API_VERSIONS = 18
_CLIENT_ID = b"newsmon-probe"


def broker_answers(host: str, port: int, *, timeout: float = 2.0) -> bool:
    """True when ``host:port`` answers an ApiVersions (v0) request without error."""
    header = struct.pack(">hhih", _API_VERSIONS, 0, 1, len(_CLIENT_ID)) + _CLIENT_ID
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            sock.sendall(struct.pack(">i", len(header)) + header)
            size_bytes = _recv_exact(sock, 4)
            (size,) = struct.unpack(">i", size_bytes)
            body = _recv_exact(sock, min(size, 1 << 20))
    except OSError:
        return False
    if len(body) < 6:
        return False
    correlation_id, error_code = struct.unpack(">ih", body[:6])
    return bool(correlation_id == 1 and error_code == 0)


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("connection closed")
        data += chunk
    return data


def port_is_free(host: str, port: int) -> bool:
    """True when nothing listens on ``host:port`` and we may bind it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = "127.0.0.1") -> int:
    """A port the OS considers free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])
