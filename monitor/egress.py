"""One egress policy for every outbound request: feeds, full text, robots.txt, WebSub hubs, webhooks.

Addresses come from feeds the monitor does not control (item links, redirects,
hub URLs), so a request may be aimed at the machine's own network: a cloud
metadata service on ``169.254.169.254``, an admin page on ``127.0.0.1``, a
database on ``10.0.0.5``. The policy refuses every address that is not
globally routable (loopback, private, link-local, shared, reserved, multicast,
unspecified, and IPv6 forms that embed such an IPv4 address), unless an
operator listed its network in ``egress.allow_networks``; and ports outside
``egress.allowed_ports``.

The check runs where the connection is made, not where the URL is read: the
client's network backend resolves the host once, checks every address, and
connects to an address it checked. A name that resolves to a public address
for the check and a private one for the connection (DNS rebinding) cannot slip
through, and every redirect hop is a new connection, checked again. Clients
ignore proxy environment variables, which would move the connection elsewhere.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
import typing
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

import certifi
import httpcore
import httpx

from monitor.errors import NewsmonError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Awaitable[list[str]]]

DEFAULT_PORTS: frozenset[int] = frozenset({80, 443, 8080, 8443})
LOOPBACK: tuple[IPNetwork, ...] = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))
# IPv6 prefixes that carry an IPv4 address inside: NAT64 (the last 32 bits), 6to4 (bits 16-48)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class EgressRefused(NewsmonError):
    """An outbound connection the egress policy does not allow.

    ``reason`` is a fixed word for metric labels: ``address`` (not a public
    address), ``port``, ``scheme`` or ``resolve`` (the name has no address).
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


@dataclass(frozen=True)
class EgressPolicy:
    """Which addresses and ports outbound requests may reach.

    ``allowed_ports`` of ``None`` allows every port. ``allow_networks`` lists
    non-public networks an operator trusts (an intranet feed, a webhook
    receiver on the same host).
    """

    allow_networks: tuple[IPNetwork, ...] = ()
    allowed_ports: frozenset[int] | None = field(default=DEFAULT_PORTS)

    @classmethod
    def from_settings(
        cls, allow_networks: Iterable[str], allowed_ports: Iterable[int] | None
    ) -> EgressPolicy:
        """A policy from configuration values (networks as CIDR strings)."""
        networks = tuple(ipaddress.ip_network(net, strict=False) for net in allow_networks)
        return cls(networks, None if allowed_ports is None else frozenset(allowed_ports))

    @classmethod
    def loopback_too(cls) -> EgressPolicy:
        """The policy for tests and local runs: loopback allowed, any port."""
        return cls(LOOPBACK, None)

    def refusal(self, ip: IPAddress, port: int) -> str | None:
        """Why ``ip:port`` may not be reached, or None when it may."""
        if self.allowed_ports is not None and port not in self.allowed_ports:
            return f"port {port} is not in egress.allowed_ports"
        if isinstance(ip, ipaddress.IPv6Address) and ip.scope_id:
            ip = ipaddress.IPv6Address(str(ip).split("%", 1)[0])
        if any(ip in net for net in self.allow_networks if net.version == ip.version):
            return None
        inner = _embedded_ipv4(ip) if isinstance(ip, ipaddress.IPv6Address) else None
        if inner is not None:
            return self.refusal(inner, port) and f"{ip} embeds the non-public address {inner}"
        if not ip.is_global or ip.is_multicast or ip.is_reserved or ip.is_unspecified:
            return f"{ip} is not a public address (not in egress.allow_networks)"
        return None

    def check(self, ip: IPAddress, port: int) -> None:
        """Raise :class:`EgressRefused` unless ``ip:port`` may be reached."""
        why = self.refusal(ip, port)
        if why is not None:
            reason = "port" if why.startswith("port") else "address"
            raise EgressRefused(reason, f"refused {ip}:{port}: {why}")


async def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, as the system resolver gives them."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that connects only to addresses the policy allows."""

    def __init__(self, policy: EgressPolicy, resolver: Resolver = system_resolver) -> None:
        self.policy = policy
        self.resolver = resolver
        self._inner = httpcore.AnyIOBackend()

    async def _addresses(self, host: str, port: int, timeout: float | None) -> list[IPAddress]:
        try:
            return [ipaddress.ip_address(host.strip("[]"))]
        except ValueError:
            pass
        try:
            async with asyncio.timeout(timeout):
                names = await self.resolver(host, port)
        except (OSError, TimeoutError) as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from None
        return [ipaddress.ip_address(name.split("%", 1)[0]) for name in names]

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Resolve ``host`` once, check every address, connect to the first allowed one that answers."""
        addresses = await self._addresses(host, port, timeout)
        if not addresses:
            raise EgressRefused("resolve", f"refused {host}: the name has no address")
        allowed = [ip for ip in addresses if self.policy.refusal(ip, port) is None]
        if not allowed:
            self.policy.check(addresses[0], port)
        last: Exception | None = None
        for ip in dict.fromkeys(allowed):
            try:
                return await self._inner.connect_tcp(
                    str(ip), port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except httpcore.ConnectError as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Unix sockets are never a destination of the monitor's requests."""
        raise EgressRefused("address", f"refused unix socket {path}")

    async def sleep(self, seconds: float) -> None:
        """As the inner backend sleeps."""
        await self._inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport with its connection pool on a :class:`GuardedBackend`.

    httpx offers no argument for the network backend, so the pool the parent
    built is replaced by an identical one on the guarded backend (the pinned
    httpx range in pyproject.toml keeps this construction valid; a test checks
    the guard is in force).
    """

    def __init__(
        self,
        policy: EgressPolicy,
        *,
        limits: httpx.Limits,
        resolver: Resolver = system_resolver,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        super().__init__(limits=limits, trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context or ssl.create_default_context(cafile=certifi.where()),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(policy, resolver),
        )


def guarded_client(
    policy: EgressPolicy,
    *,
    headers: dict[str, str] | None = None,
    timeout: httpx.Timeout | float = 10.0,
    max_connections: int = 64,
    resolver: Resolver = system_resolver,
    ssl_context: ssl.SSLContext | None = None,
) -> httpx.AsyncClient:
    """An httpx client whose every connection obeys ``policy``; redirects are not followed.

    ``ssl_context`` replaces the default (certifi's CAs), e.g. to trust a test certificate.
    """
    limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)
    return httpx.AsyncClient(
        headers=headers,
        timeout=timeout,
        follow_redirects=False,
        trust_env=False,
        transport=GuardedTransport(policy, limits=limits, resolver=resolver, ssl_context=ssl_context),
    )
