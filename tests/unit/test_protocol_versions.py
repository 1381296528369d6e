"""The version chain's walk (sync.protocol.versions), the one rule of client and server: over links
{file id: the id it supersedes}, which files a newer version replaces and where each file's chain
ends. The client reads the links from its replica (tests/unit/test_version_chain.py), the server from
its database (tests/integration/test_version_cycle_current.py)."""

from __future__ import annotations

from sync.protocol.versions import VersionWalk, id_key


def test_a_chain_replaces_all_but_its_newest() -> None:
    walk = VersionWalk.of({"11": "10", "12": "11", "10": None})
    assert walk.replaced() == {"10", "11"}
    assert walk.newer("10") == ["11", "12"] and walk.newer("11") == ["12"] and walk.newer("12") == []


def test_a_cycle_keeps_its_newest_id_current_from_every_file_on_it() -> None:
    walk = VersionWalk.of({"10": "12", "11": "10", "12": "11"})  # 10 -> 12 -> 11 -> 10
    assert walk.replaced() == {"10", "11"}
    assert walk.newer("10") == ["11", "12"] and walk.newer("11") == ["12"] and walk.newer("12") == []


def test_two_files_replacing_each_other_and_a_chain_into_a_cycle() -> None:
    walk = VersionWalk.of({"10": "11", "11": "10", "5": "9", "9": None})
    assert walk.replaced() == {"10", "9"}
    assert walk.newer("10") == ["11"] and walk.newer("11") == []
    # a branch off the cycle (3 replaces 10 too, 12 replaces 3): the cycle's file (11) is followed from 10
    branched = VersionWalk.of({"10": "11", "11": "10", "3": "10", "12": "3"})
    assert (
        branched.replaced() == {"3", "10"}
        and branched.newer("3") == ["12"]
        and branched.newer("10") == ["11"]
    )


def test_a_file_naming_itself_is_no_link_and_a_missing_predecessor_is_still_replaced() -> None:
    walk = VersionWalk([("7", "7"), ("8", "6")])
    assert walk.replaced() == {"6"} and walk.newer("7") == [] and walk.newer("6") == ["8"]


def test_a_branch_follows_the_newer_id_by_number() -> None:
    walk = VersionWalk([("9", "1"), ("10", "1")])  # by number, not as text
    assert walk.newer("1") == ["10"] and walk.replaced() == {"1"}
    assert VersionWalk([("10", "1"), ("x", "1")]).newer("1") == ["x"]  # numeric ids before any others
    assert sorted(["x", "10", "9"], key=id_key) == ["9", "10", "x"]


def test_no_links_and_empty_links() -> None:
    assert VersionWalk.of({}).replaced() == set()
    assert VersionWalk.of({"1": "", "2": None}).replaced() == set()
