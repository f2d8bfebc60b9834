"""The egress policy: which addresses outbound requests may reach, checked where connections are made."""

from __future__ import annotations

import asyncio
import ipaddress
import itertools

import pytest
from aiohttp import web

from monitor.egress import EgressPolicy, EgressRefused, guarded_client
from tests.monitor.ingest.ingest_httpd import FeedServer, static

REFUSED = [
    "127.0.0.1",  # loopback
    "10.1.2.3",  # private
    "172.16.0.9",
    "192.168.1.1",
    "169.254.169.254",  # link-local: cloud metadata
    "100.64.0.1",  # shared address space (carrier NAT)
    "0.0.0.0",  # unspecified
    "224.0.0.1",  # multicast
    "240.0.0.1",  # reserved
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",  # link-local
    "fc00::1",  # unique local
    "ff02::1",  # multicast
    "::ffff:10.0.0.1",  # IPv4-mapped
    "::ffff:169.254.169.254",
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
]
ALLOWED = ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"]


@pytest.mark.parametrize("address", REFUSED)
def test_non_public_addresses_are_refused(address: str) -> None:
    """Loopback, private, link-local, shared, reserved, multicast, unspecified addresses, and IPv6
    forms that embed one, are refused by the default policy; the refusal names the address."""
    ip = ipaddress.ip_address(address)
    with pytest.raises(EgressRefused) as caught:
        EgressPolicy().check(ip, 443)
    assert caught.value.reason == "address"
    assert "not a public address" in str(caught.value) or "embeds" in str(caught.value)


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses_on_web_ports_are_allowed(address: str) -> None:
    """A public address on a default port passes; a port outside the list does not."""
    policy = EgressPolicy()
    ip = ipaddress.ip_address(address)
    assert policy.refusal(ip, 443) is None and policy.refusal(ip, 80) is None
    with pytest.raises(EgressRefused) as caught:
        policy.check(ip, 22)
    assert caught.value.reason == "port"


def test_listed_networks_are_allowed_and_nothing_else() -> None:
    """``allow_networks`` opens exactly the listed networks (an intranet feed), no neighbour."""
    policy = EgressPolicy.from_settings(["10.20.0.0/16"], None)
    assert policy.refusal(ipaddress.ip_address("10.20.3.4"), 8000) is None
    assert policy.refusal(ipaddress.ip_address("10.21.0.1"), 8000) is not None
    assert policy.refusal(ipaddress.ip_address("127.0.0.1"), 8000) is not None


ONLY_127_0_0_1 = EgressPolicy.from_settings(["127.0.0.1/32"], None)


def test_connections_go_only_to_checked_addresses() -> None:
    """On real sockets: a host allowed by the policy is reached; an internal service on another
    address (127.0.0.2) is never contacted, whether named by address, by IPv4-mapped address, or by a
    name that resolves to it; a name resolving to both goes to the allowed one only."""

    names = {
        "feeds.example": ["127.0.0.1"],
        "internal.example": ["127.0.0.2"],
        "both.example": ["127.0.0.2", "127.0.0.1"],
    }

    async def resolve(host: str, port: int) -> list[str]:
        return names[host]

    async def scenario() -> None:
        async with FeedServer() as public, FeedServer(host="127.0.0.2") as internal:
            internal.routes["/secret"] = static("credentials", content_type="text/plain")
            port = int(internal.base.rsplit(":", 1)[1])
            public.routes["/secret"] = static("public page", content_type="text/plain")
            public_port = int(public.base.rsplit(":", 1)[1])
            async with guarded_client(ONLY_127_0_0_1, resolver=resolve) as client:
                answer = await client.get(f"http://feeds.example:{public_port}/secret")
                assert answer.text == "public page"
                assert public.hits("/secret")[0].headers["Host"] == f"feeds.example:{public_port}"
                for url in (
                    f"{internal.base}/secret",
                    f"http://[::ffff:127.0.0.2]:{port}/secret",
                    f"http://internal.example:{port}/secret",
                ):
                    with pytest.raises(EgressRefused):
                        await client.get(url)
                both = await client.get(f"http://both.example:{public_port}/secret")
                assert both.text == "public page"
            assert internal.requests == []

    asyncio.run(scenario())


def test_dns_rebinding_is_checked_on_every_connection() -> None:
    """A name that resolved to an allowed address for one connection and to an internal one for the
    next (DNS rebinding) is checked again when the next connection is made, and refused."""
    answers = itertools.cycle([["127.0.0.1"], ["127.0.0.2"]])

    async def resolve(host: str, port: int) -> list[str]:
        return next(answers)

    async def close_each(request: web.Request) -> web.StreamResponse:
        return web.Response(text="ok", headers={"Connection": "close"})

    async def scenario() -> None:
        async with FeedServer() as public, FeedServer(host="127.0.0.2") as internal:
            public.routes["/"] = close_each
            port = int(public.base.rsplit(":", 1)[1])
            async with guarded_client(ONLY_127_0_0_1, resolver=resolve) as client:
                assert (await client.get(f"http://rebind.example:{port}/")).text == "ok"
                with pytest.raises(EgressRefused):
                    await client.get(f"http://rebind.example:{port}/")
            assert internal.requests == []

    asyncio.run(scenario())


def test_default_policy_refuses_this_host() -> None:
    """With no setting, a server on loopback is out of reach (the port is checked too)."""

    async def scenario() -> None:
        async with FeedServer() as server:
            server.routes["/"] = static("hello", content_type="text/plain")
            async with guarded_client(EgressPolicy(allowed_ports=None)) as client:
                with pytest.raises(EgressRefused) as caught:
                    await client.get(server.url("/"))
            assert caught.value.reason == "address"
            assert server.requests == []

    asyncio.run(scenario())
