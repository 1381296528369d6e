"""File content over real HTTP: downloads with a strong ETag, conditional requests, byte ranges,
HEAD and resumption, a large file streamed in constant memory; uploads by clerks, refused cleanly
(nothing stored, no temp file left) when the caller, the type, the content or the size is wrong."""

from __future__ import annotations

import gc
import hashlib
import random
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from sync.server.db import write_session
from sync.server.feed import last_seq
from sync.server.models import File, FileRole
from tests.conftest import new_pg_database
from tests.integration.live import LiveServer, live_server
from tests.integration.world import World, build_world

PDF_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "pdf"
SAMPLE_PDFS = ("knuth-complexity-of-songs.pdf", "pdflatex-4-pages.pdf")
MiB = 1024 * 1024
SMALL_LIMIT = 64 * 1024  # max_upload_bytes of the size-limit server


def add_file(server: LiveServer, world: World, data: bytes, *, name: str, mime: str) -> tuple[int, str]:
    """Stores content and a File row owned by the world's public paper (visible to every member)."""
    stored = server.ctx.blobs.put_bytes(data)
    return _add_row(server, world, stored.sha256, stored.size, name=name, mime=mime), stored.sha256


def _add_row(server: LiveServer, world: World, sha256: str, size: int, *, name: str, mime: str) -> int:
    with write_session(server.ctx.sessions) as s:
        row = File(
            body_id=world.ids["body"],
            paper_id=world.ids["public_paper"],
            name=name,
            file_name=name,
            mime_type=mime,
            size=size,
            sha256=sha256,
            role=FileRole.AUXILIARY,
        )
        s.add(row)
        s.flush()
        return int(row.id)


def stored_blobs(server: LiveServer) -> set[str]:
    root = server.ctx.settings.blob_dir
    return {p.name for p in root.glob("??/*") if p.is_file()}


def temp_files(server: LiveServer) -> list[str]:
    return sorted(p.name for p in (server.ctx.settings.blob_dir / "tmp").iterdir())


def state(server: LiveServer) -> tuple[set[str], int, int]:
    with server.ctx.sessions() as s:
        return stored_blobs(server), last_seq(s), int(s.scalar(select(func.count()).select_from(File)) or 0)


def assert_nothing_stored(server: LiveServer, before: tuple[set[str], int, int]) -> None:
    assert state(server) == before, "a refused upload left something behind"
    assert temp_files(server) == [], "a refused upload left a temp file"


def assert_error(r: httpx.Response, status: int, code: str) -> None:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    error = r.json()["error"]
    assert error["code"] == code
    assert error["title"] and error["message"]


def rss_bytes() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS in /proc/self/status")


@pytest.fixture(scope="module")
def tokens(world_server: tuple[LiveServer, World]) -> dict[str, str]:
    server, _ = world_server
    return {role: server.token(role) for role in ("member", "clerk", "admin", "other")}


@pytest.fixture(scope="module")
def content(world_server: tuple[LiveServer, World]) -> tuple[int, bytes, str]:
    """A file of 200 001 random bytes (an odd size, so halves and ranges are not aligned)."""
    server, world = world_server
    data = random.Random(20240611).randbytes(200_001)
    file_id, sha = add_file(server, world, data, name="anlage.bin", mime="application/octet-stream")
    assert sha == hashlib.sha256(data).hexdigest()
    return file_id, data, sha


@pytest.fixture(scope="module")
def member(world_server: tuple[LiveServer, World], tokens: dict[str, str]) -> Iterator[httpx.Client]:
    server, _ = world_server
    with server.client(tokens["member"]) as c:
        yield c


@pytest.fixture(scope="module")
def clerk(world_server: tuple[LiveServer, World], tokens: dict[str, str]) -> Iterator[httpx.Client]:
    server, _ = world_server
    with server.client(tokens["clerk"]) as c:
        yield c


def url(file_id: int) -> str:
    return f"/api/v1/files/{file_id}/content"


# ------------------------------------------------------------------------------------------ downloads


def test_full_download_with_strong_etag(member: httpx.Client, content: tuple[int, bytes, str]) -> None:
    file_id, data, sha = content
    r = member.get(url(file_id))
    assert r.status_code == 200
    assert r.content == data
    assert r.headers["etag"] == f'"{sha}"'
    assert r.headers["content-length"] == str(len(data))
    assert r.headers["accept-ranges"] == "bytes"
    assert r.headers["content-type"] == "application/octet-stream"
    assert "no-store" in r.headers["cache-control"]
    assert r.headers["content-disposition"] == "attachment; filename*=UTF-8''anlage.bin"
    assert "content-range" not in r.headers


def test_head_gives_headers_without_body(member: httpx.Client, content: tuple[int, bytes, str]) -> None:
    file_id, data, _ = content
    get = member.get(url(file_id))
    head = member.head(url(file_id))
    assert head.status_code == 200
    assert head.content == b""
    for name in ("etag", "content-length", "content-type", "accept-ranges", "content-disposition"):
        assert head.headers[name] == get.headers[name], name
    ranged = member.head(url(file_id), headers={"Range": "bytes=10-19"})
    assert ranged.status_code == 206
    assert ranged.content == b""
    assert ranged.headers["content-range"] == f"bytes 10-19/{len(data)}"
    assert ranged.headers["content-length"] == "10"


@pytest.mark.parametrize(
    "header",
    ['"{sha}"', 'W/"{sha}"', '"0000", "{sha}", "ffff"', '"a",W/"{sha}"', '"a" ,  "{sha}"', "*"],
    ids=["exact", "weak", "list", "list-weak", "list-spaces", "star"],
)
def test_if_none_match_gives_304(member: httpx.Client, content: tuple[int, bytes, str], header: str) -> None:
    file_id, _, sha = content
    r = member.get(url(file_id), headers={"If-None-Match": header.format(sha=sha)})
    assert r.status_code == 304
    assert r.content == b""
    assert r.headers["etag"] == f'"{sha}"'
    head = member.head(url(file_id), headers={"If-None-Match": header.format(sha=sha)})
    assert head.status_code == 304


@pytest.mark.parametrize("header", ['"0000"', '"{sha}x"', "{sha}", '"a", "b"'])
def test_if_none_match_other_etag_gives_the_file(
    member: httpx.Client, content: tuple[int, bytes, str], header: str
) -> None:
    file_id, data, sha = content
    r = member.get(url(file_id), headers={"If-None-Match": header.format(sha=sha)})
    assert r.status_code == 200
    assert r.content == data


@pytest.mark.parametrize(
    ("spec", "first", "last"),
    [
        ("bytes=0-99", 0, 99),
        ("bytes=100-100", 100, 100),
        ("bytes=1000-1999", 1000, 1999),
        ("bytes=199999-", 199_999, 200_000),  # open-ended
        ("bytes=0-", 0, 200_000),
        ("bytes=-500", 199_501, 200_000),  # suffix
        ("bytes=-1", 200_000, 200_000),
        ("bytes=-300000", 0, 200_000),  # suffix longer than the file: all of it
        ("bytes=150000-999999999", 150_000, 200_000),  # end beyond the file: clamped
        ("bytes=200000-200000", 200_000, 200_000),  # the very last byte
    ],
)
def test_single_range_gives_206(
    member: httpx.Client, content: tuple[int, bytes, str], spec: str, first: int, last: int
) -> None:
    file_id, data, sha = content
    r = member.get(url(file_id), headers={"Range": spec})
    assert r.status_code == 206, r.text
    assert r.content == data[first : last + 1]
    assert r.headers["content-range"] == f"bytes {first}-{last}/{len(data)}"
    assert r.headers["content-length"] == str(last - first + 1)
    assert r.headers["etag"] == f'"{sha}"'


@pytest.mark.parametrize("spec", ["bytes=200001-", "bytes=300000-300010", "bytes=-0", "bytes=10-5"])
def test_unsatisfiable_range_gives_416(
    member: httpx.Client, content: tuple[int, bytes, str], spec: str
) -> None:
    file_id, data, _ = content
    r = member.get(url(file_id), headers={"Range": spec})
    assert_error(r, 416, "range_not_satisfiable")
    assert r.headers["content-range"] == f"bytes */{len(data)}"
    assert data[:64] not in r.content


@pytest.mark.parametrize(
    "if_range",
    ['"0000"', 'W/"{sha}"', "Wed, 21 Oct 2015 07:28:00 GMT", '"{sha}x"'],
    ids=["other-etag", "weak-etag", "date", "near-miss"],
)
def test_if_range_mismatch_gives_the_whole_file(
    member: httpx.Client, content: tuple[int, bytes, str], if_range: str
) -> None:
    file_id, data, sha = content
    r = member.get(url(file_id), headers={"Range": "bytes=0-99", "If-Range": if_range.format(sha=sha)})
    assert r.status_code == 200
    assert r.content == data
    assert "content-range" not in r.headers
    assert r.headers["content-length"] == str(len(data))


def test_if_range_with_current_etag_gives_the_range(
    member: httpx.Client, content: tuple[int, bytes, str]
) -> None:
    file_id, data, sha = content
    r = member.get(url(file_id), headers={"Range": "bytes=0-99", "If-Range": f'"{sha}"'})
    assert r.status_code == 206
    assert r.content == data[:100]


@pytest.mark.parametrize("spec", ["bytes=0-1,5-6", "bytes=0-9, 20-29", "items=0-5", "bytes=abc", "bytes=-"])
def test_multi_range_and_unknown_units_give_the_whole_file(
    member: httpx.Client, content: tuple[int, bytes, str], spec: str
) -> None:
    file_id, data, _ = content
    r = member.get(url(file_id), headers={"Range": spec})
    assert r.status_code == 200
    assert r.content == data
    assert "content-range" not in r.headers


def test_resumed_download_reassembles_the_exact_bytes(
    member: httpx.Client, content: tuple[int, bytes, str]
) -> None:
    """A download breaks off after the first half; the rest is fetched with Range and If-Range."""
    file_id, data, sha = content
    received = bytearray()
    with member.stream("GET", url(file_id)) as r:
        assert r.status_code == 200
        etag = r.headers["etag"]
        for chunk in r.iter_bytes(chunk_size=4096):
            received += chunk
            if len(received) >= len(data) // 2:
                break  # the connection drops here
    assert 0 < len(received) < len(data)
    rest = member.get(url(file_id), headers={"Range": f"bytes={len(received)}-", "If-Range": etag})
    assert rest.status_code == 206
    assert rest.headers["content-range"] == f"bytes {len(received)}-{len(data) - 1}/{len(data)}"
    whole = bytes(received) + rest.content
    assert hashlib.sha256(whole).hexdigest() == sha
    assert whole == data


def test_hidden_or_missing_file_gives_404(
    world_server: tuple[LiveServer, World], tokens: dict[str, str], member: httpx.Client
) -> None:
    server, world = world_server
    for path in (url(world.ids["draft_file"]), url(999_999), url(2**31 - 1)):
        for method in ("GET", "HEAD"):
            r = member.request(method, path, headers={"Range": "bytes=0-10"})
            assert r.status_code == 404, (method, path)
            assert world.pdf[:20] not in r.content
    with server.client(tokens["other"]) as other:  # member of committee B only: no non-public items of A
        assert other.get(url(world.ids["private_file"])).status_code == 404


def test_empty_file(world_server: tuple[LiveServer, World], member: httpx.Client) -> None:
    server, world = world_server
    file_id, _ = add_file(server, world, b"", name="leer.txt", mime="text/plain")
    r = member.get(url(file_id))
    assert r.status_code == 200
    assert r.content == b""
    assert r.headers["content-length"] == "0"
    assert r.headers["etag"] == f'"{hashlib.sha256(b"").hexdigest()}"'
    for spec in ("bytes=0-", "bytes=0-0", "bytes=-5"):
        ranged = member.get(url(file_id), headers={"Range": spec})
        assert_error(ranged, 416, "range_not_satisfiable")
        assert ranged.headers["content-range"] == "bytes */0"


@pytest.mark.slow
def test_large_file_streams_in_constant_memory(
    world_server: tuple[LiveServer, World], member: httpx.Client
) -> None:
    """320 MiB through the live server (running in this process): the bytes arrive intact and the
    process's resident memory does not grow with the file."""
    server, world = world_server
    blocks = 320
    base = random.Random(7).randbytes(MiB)
    expected = hashlib.sha256()

    def generate() -> Iterator[bytes]:
        for i in range(blocks):
            block = i.to_bytes(8, "big") * 16 + base[128:]  # every block different
            expected.update(block)
            yield block

    stored = server.ctx.blobs.put_chunks(generate())
    try:
        assert stored.size == blocks * MiB
        assert stored.sha256 == expected.hexdigest()
        file_id = _add_row(
            server, world, stored.sha256, stored.size, name="haushaltsplan.pdf", mime="application/pdf"
        )
        gc.collect()
        baseline = rss_bytes()
        peak = baseline
        digest = hashlib.sha256()
        total = 0
        with member.stream("GET", url(file_id)) as r:
            assert r.status_code == 200
            assert r.headers["content-length"] == str(stored.size)
            for n, chunk in enumerate(r.iter_bytes()):
                digest.update(chunk)
                total += len(chunk)
                if n % 16 == 0:
                    peak = max(peak, rss_bytes())
        peak = max(peak, rss_bytes())
        assert total == stored.size
        assert digest.hexdigest() == stored.sha256
        growth = peak - baseline
        assert growth < 64 * MiB, (
            f"memory grew by {growth / MiB:.0f} MiB while streaming {total / MiB:.0f} MiB"
        )
        # and the end of it, by range, without reading the rest
        tail = member.get(url(file_id), headers={"Range": "bytes=-16"})
        assert tail.status_code == 206
        assert tail.content == base[-16:]
    finally:
        server.ctx.blobs.path(stored.sha256).unlink()  # 320 MiB: do not leave it in the temp dir


# -------------------------------------------------------------------------------------------- uploads


@pytest.fixture(scope="module")
def real_pdf() -> bytes:
    if not PDF_DIR.is_dir():
        pytest.skip(f"the sample PDFs are not there: {PDF_DIR} is missing")
    return (PDF_DIR / SAMPLE_PDFS[0]).read_bytes()


def test_clerk_uploads_a_pdf_and_a_member_downloads_it(
    world_server: tuple[LiveServer, World], clerk: httpx.Client, member: httpx.Client, real_pdf: bytes
) -> None:
    server, world = world_server
    sha = hashlib.sha256(real_pdf).hexdigest()
    r = clerk.post("/api/v1/blobs", content=real_pdf, headers={"Content-Type": "application/pdf"})
    assert r.status_code == 201, r.text
    assert r.json() == {"sha256": sha, "size": len(real_pdf), "mime_type": "application/pdf"}
    assert server.ctx.blobs.path(sha).read_bytes() == real_pdf
    assert temp_files(server) == []
    created = clerk.post(
        "/api/v1/files",
        json={
            "name": "Knuth: The Complexity of Songs",
            "file_name": SAMPLE_PDFS[0],
            "sha256": sha,
            "paper_id": world.ids["public_paper"],
            "role": "auxiliary",
        },
    )
    assert created.status_code == 201, created.text
    assert created.json()["size"] == len(real_pdf)
    file_id = created.json()["id"]
    got = member.get(url(file_id))
    assert got.status_code == 200
    assert got.content == real_pdf
    assert got.headers["etag"] == f'"{sha}"'
    assert got.headers["content-type"] == "application/pdf"
    assert member.get(f"/api/v1/files/{file_id}").json()["sha256"] == sha
    # the same bytes again: the same blob, stored once
    before = stored_blobs(server)
    again = clerk.post("/api/v1/blobs", content=real_pdf, headers={"Content-Type": "application/pdf"})
    assert again.status_code == 201 and again.json()["sha256"] == sha
    assert stored_blobs(server) == before
    assert temp_files(server) == []


def test_chunked_upload_is_stored_whole(
    world_server: tuple[LiveServer, World], clerk: httpx.Client, real_pdf: bytes
) -> None:
    server, _ = world_server
    data = (PDF_DIR / SAMPLE_PDFS[1]).read_bytes()

    def body() -> Iterator[bytes]:
        for i in range(0, len(data), 1000):
            yield data[i : i + 1000]

    r = clerk.post(
        "/api/v1/blobs", content=body(), headers={"Content-Type": "application/pdf; charset=binary"}
    )
    assert r.status_code == 201, r.text
    assert r.json()["sha256"] == hashlib.sha256(data).hexdigest()
    assert server.ctx.blobs.path(r.json()["sha256"]).read_bytes() == data
    assert temp_files(server) == []


NOT_A_PDF = b"MZ\x90\x00" + b"\x00" * 2000 + b"This program cannot be run in DOS mode."


@pytest.mark.parametrize(
    ("who", "body", "content_type", "status", "code"),
    [
        ("member", "pdf", "application/pdf", 403, "forbidden"),
        ("admin", "pdf", "application/pdf", 403, "forbidden"),
        ("clerk", "pdf", "application/x-msdownload", 415, "unsupported_media_type"),
        ("clerk", "pdf", "text/html", 415, "unsupported_media_type"),
        ("clerk", "pdf", None, 415, "unsupported_media_type"),
        ("clerk", "exe", "application/pdf", 415, "unsupported_media_type"),
        ("clerk", "text", "application/pdf", 415, "unsupported_media_type"),
        ("clerk", "empty", "application/pdf", 415, "unsupported_media_type"),
    ],
)
@pytest.mark.parametrize("chunked", [False, True], ids=["length", "chunked"])
def test_refused_upload_stores_nothing(
    world_server: tuple[LiveServer, World],
    tokens: dict[str, str],
    real_pdf: bytes,
    who: str,
    body: str,
    content_type: str | None,
    status: int,
    code: str,
    chunked: bool,
) -> None:
    server, _ = world_server
    data = {"pdf": real_pdf, "exe": NOT_A_PDF, "text": b"Hallo Welt, kein PDF. " * 30, "empty": b""}[body]
    if chunked and body in ("exe", "text"):
        data += b" (chunked)"  # other bytes than the Content-Length case: it cannot find them stored already
    before = state(server)
    headers = {"Content-Type": content_type} if content_type else {}
    payload: bytes | Iterator[bytes] = iter([data[:700], data[700:]]) if chunked else data
    with server.client(tokens[who]) as c:
        if content_type is None:
            # httpx adds no Content-Type for raw content; make sure none is sent
            r = c.post("/api/v1/blobs", content=payload)
            assert "content-type" not in r.request.headers
        else:
            r = c.post("/api/v1/blobs", content=payload, headers=headers)
    assert_error(r, status, code)
    assert_nothing_stored(server, before)


def test_file_for_content_never_uploaded_is_refused(
    world_server: tuple[LiveServer, World], clerk: httpx.Client
) -> None:
    server, world = world_server
    before = state(server)
    r = clerk.post(
        "/api/v1/files",
        json={"name": "x", "file_name": "x.pdf", "sha256": "ab" * 32, "paper_id": world.ids["public_paper"]},
    )
    assert_error(r, 422, "invalid")
    assert state(server) == before


# ---------------------------------------------------------------------------------------- size limit


@pytest.fixture(scope="module")
def small_server(
    request: pytest.FixtureRequest, backend: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveServer, str]]:
    """A server that takes uploads of at most 64 KiB; yields it and the clerk's token."""
    tmp = tmp_path_factory.mktemp("small")
    db_url = (
        f"sqlite:///{tmp}/server.sqlite3"
        if backend == "sqlite"
        else new_pg_database(request.getfixturevalue("pg_cluster"))
    )
    with live_server(tmp, db_url, max_upload_bytes=SMALL_LIMIT) as server:
        build_world(server.ctx)
        yield server, server.token("clerk")


def pdf_of_size(size: int) -> bytes:
    head = b"%PDF-1.7\n"
    return head + random.Random(size).randbytes(size - len(head))


@pytest.mark.parametrize("size", [SMALL_LIMIT + 1, 3 * SMALL_LIMIT])
@pytest.mark.parametrize("chunked", [False, True], ids=["length", "chunked"])
def test_upload_over_the_limit_gives_413_and_stores_nothing(
    small_server: tuple[LiveServer, str], size: int, chunked: bool
) -> None:
    server, token = small_server
    data = pdf_of_size(size)
    before = state(server)

    def stream() -> Iterator[bytes]:
        for i in range(0, len(data), 8192):
            yield data[i : i + 8192]

    with server.client(token) as c:
        r = c.post(
            "/api/v1/blobs",
            content=stream() if chunked else data,
            headers={"Content-Type": "application/pdf"},
        )
    assert ("content-length" in r.request.headers) != chunked
    assert_error(r, 413, "payload_too_large")
    assert str(SMALL_LIMIT) in r.json()["error"]["message"]
    assert_nothing_stored(server, before)


@pytest.mark.parametrize("chunked", [False, True], ids=["length", "chunked"])
def test_upload_of_exactly_the_limit_is_accepted(small_server: tuple[LiveServer, str], chunked: bool) -> None:
    server, token = small_server
    data = pdf_of_size(SMALL_LIMIT)
    content: bytes | Iterator[bytes] = (
        iter([data[: SMALL_LIMIT // 2], data[SMALL_LIMIT // 2 :]]) if chunked else data
    )
    with server.client(token) as c:
        r = c.post("/api/v1/blobs", content=content, headers={"Content-Type": "application/pdf"})
    assert r.status_code == 201, r.text
    assert r.json()["size"] == len(data)
    assert server.ctx.blobs.path(r.json()["sha256"]).read_bytes() == data
    assert temp_files(server) == []
