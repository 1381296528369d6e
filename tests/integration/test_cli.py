"""The console scripts, run for real."""

from __future__ import annotations

import pytest

from gremalda.app import main as client_main
from tests.integration.live import LiveServer
from tests.integration.world import World


def test_client_checks_a_live_server(
    world_server: tuple[LiveServer, World], capsys: pytest.CaptureFixture[str]
) -> None:
    server, _ = world_server
    assert client_main(["check", "--server", server.url]) == 0
    assert capsys.readouterr().out.strip() == f"{server.url}: ok"


def test_client_reports_an_unreachable_server(capsys: pytest.CaptureFixture[str]) -> None:
    from tests.integration.live import closed_port

    with closed_port() as port:
        assert client_main(["check", "--server", f"http://127.0.0.1:{port}"]) == 1
    assert "cannot reach" in capsys.readouterr().err


def test_client_refuses_something_that_is_not_our_server(
    world_server: tuple[LiveServer, World], capsys: pytest.CaptureFixture[str]
) -> None:
    server, _ = world_server
    assert client_main(["check", "--server", server.url + "/no-such-prefix"]) == 1
    assert "does not answer like a Gremalda server" in capsys.readouterr().err
