"""The memo of values per content version: built once per version, built again when the version
moves, bounded, shared by threads."""

from __future__ import annotations

import threading

from home.version_memo import VersionMemo, version_memos_clear


def test_a_value_is_built_once_per_version_and_again_when_it_moves():
    memo: VersionMemo[str] = VersionMemo(size=4)
    built = []

    def build(value):
        def make():
            built.append(value)
            return value

        return make

    assert memo.get("event:1", 7, build("a")) == "a"
    assert memo.get("event:1", 7, build("b")) == "a"
    assert memo.get("event:1", 8, build("c")) == "c"
    assert memo.get("event:1", 7, build("d")) == "d"  # never an older version's value
    assert built == ["a", "c", "d"]


def test_it_keeps_the_most_recently_used_keys_only():
    memo: VersionMemo[int] = VersionMemo(size=2)
    memo.get("a", 1, lambda: 1)
    memo.get("b", 1, lambda: 2)
    memo.get("a", 1, lambda: 99)  # a is used again
    memo.get("c", 1, lambda: 3)  # b goes

    assert memo.get("a", 1, lambda: 100) == 1
    assert memo.get("b", 1, lambda: 200) == 200


def test_clearing_forgets_every_memo():
    memo: VersionMemo[int] = VersionMemo()
    memo.get("a", 1, lambda: 1)
    version_memos_clear()

    assert memo.get("a", 1, lambda: 2) == 2


def test_threads_share_it():
    memo: VersionMemo[int] = VersionMemo()
    results = []

    def read():
        results.append(memo.get("a", 1, lambda: 1))

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [1] * 8
