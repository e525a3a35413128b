"""The code-search index's files: its numbers and posting lists read back as written, texts cut
where the format says, a file that holds a string's trigrams but not the string ruled out by
what follows them, and an update after a one-file change that rewrites only what it touched
and ends with the bytes a cold write makes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest
from helpers import write_tree
from hypothesis import given
from hypothesis import strategies as st

from xrefdoc.codesearch import layout
from xrefdoc.codesearch import writer as writer_module
from xrefdoc.codesearch.encoding import BrokenIndex, Shard, read_numbers, shard_bytes, varints
from xrefdoc.codesearch.layout import FOLDER
from xrefdoc.codesearch.query import Query, candidates, search
from xrefdoc.codesearch.reader import CodeIndex
from xrefdoc.codesearch.trigrams import (
    fold,
    follow_bit,
    followed_trigrams,
    pack,
    shard_of,
    shards_of,
)
from xrefdoc.codesearch.writer import Written, write_index
from xrefdoc.core.executor import InProcess
from xrefdoc.core.model import FileRecord
from xrefdoc.extract.reading import is_binary

CAP = 4096


@given(st.lists(st.integers(min_value=0, max_value=2**35 - 1)))
def test_numbers_read_back_as_written(numbers: list[int]) -> None:
    data = varints(np.array(numbers, dtype=np.uint64))
    assert read_numbers(data, 0, len(numbers)) == (numbers, len(data))


@given(
    st.dictionaries(
        st.integers(min_value=0, max_value=2**24 - 1),
        st.dictionaries(
            st.integers(min_value=0, max_value=5000),
            st.integers(min_value=0, max_value=15),
            min_size=1,
        ),
        max_size=40,
    ),
    st.integers(min_value=1, max_value=15),
)
def test_a_shard_gives_back_each_trigrams_regions(
    postings: dict[int, dict[int, int]], follows: int
) -> None:
    trigrams = sorted(postings)
    lists = [sorted(postings[trigram]) for trigram in trigrams]
    gaps = [value for regions in lists for value in [regions[0], *np.diff(regions).tolist()]]
    masks = [
        postings[trigram][region]
        for trigram, regions in zip(trigrams, lists, strict=True)
        for region in regions
    ]
    shard = Shard(
        shard_bytes(
            np.array(trigrams, dtype=np.uint32),
            np.array([len(regions) for regions in lists], dtype=np.int64),
            np.array(gaps, dtype=np.uint32),
            np.array(masks, dtype=np.uint8),
        )
    )
    for trigram, regions in zip(trigrams, lists, strict=True):
        assert list(shard.regions_of(trigram)) == regions
        followed = [region for region in regions if postings[trigram][region] & follows == follows]
        assert shard.regions_of(trigram, follows) == followed
    absent = next(key for key in range(2**24) if key not in postings)
    assert list(shard.regions_of(absent)) == []


def test_a_trigram_knows_the_bytes_that_follow_it() -> None:
    trigrams, follows = followed_trigrams(b"abcd Abce abc")
    masks = dict(zip(trigrams.tolist(), follows.tolist(), strict=True))
    assert masks[pack(b"abc")] == follow_bit(ord("d")) | follow_bit(ord("e"))
    assert masks[pack(b"bce")] == follow_bit(ord(" "))
    assert masks[pack(b" ab")] == follow_bit(ord("c"))  # both times


def test_trigrams_fold_ascii_letters_only() -> None:
    found = set(followed_trigrams("AbC é".encode())[0].tolist())
    assert pack(b"abc") in found
    assert pack(b"ABC") not in found
    assert pack("c é".encode()[:3]) in found  # past ASCII, bytes as they are


def test_the_shard_hash_of_one_trigram_and_of_an_array_agree() -> None:
    keys, _ = followed_trigrams(b"def shard_of(trigram, shards): return 1")
    for shards in (1, 2, 64, 4096):
        assert shards_of(keys, shards).tolist() == [shard_of(int(k), shards) for k in keys]


def test_regions_end_at_line_ends_and_count_lines() -> None:
    line = b"x" * 1000 + b"\n"
    text = line * 200 + b"y" * (layout.REGION_BYTES + 10) + b"\n" + line
    regions = list(layout.regions_of(text))
    assert all(text[region.end - 1 : region.end] == b"\n" for region in regions)
    assert [region.start for region in regions[1:]] == [region.end for region in regions[:-1]]
    assert regions[-1].end == len(text)
    for region in regions:
        assert region.line == text.count(b"\n", 0, region.start) + 1
        long_line = region.end - region.start > layout.REGION_BYTES
        assert not long_line or text.count(b"\n", region.start, region.end) == 1
    assert list(layout.regions_of(b"")) == [layout.Region(0, 0, 1)]


def records(root: Path) -> list[FileRecord]:
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            name = path.relative_to(root).as_posix()
            language = "Python" if name.endswith(".py") else "Text"
            digest = hashlib.sha256(data).hexdigest()
            found.append(
                FileRecord(name, len(data), 0, language, "", "", None, digest, is_binary(data))
            )
    return found


def write(root: Path, site: Path) -> Written:
    return write_index(
        site / FOLDER,
        root,
        records(root),
        CAP,
        site / "state.json",
        lambda shared, _: InProcess(shared),
    )


def files_of(site: Path) -> dict[str, tuple[bytes, int]]:
    return {
        path.relative_to(site).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted((site / FOLDER).rglob("*"))
        if path.is_file()
    }


def segments_of(script: bytes) -> list[str]:
    """The base64 segments of a pack's script, ``xrefdocCode("g0/k0",["…","…"]);``."""
    return script.decode("ascii").split('",["', 1)[1].rsplit('"]', 1)[0].split('","')


def index_of(tmp_path: Path, files: dict[str, str | bytes]) -> CodeIndex:
    """The code index written for a tree of ``files`` under ``tmp_path``."""
    write(write_tree(tmp_path / "tree", files), tmp_path / "site")
    return CodeIndex(tmp_path / "site" / FOLDER)


def assert_as_cold_write(tree: Path, site: Path, cold: Path) -> None:
    """The index in ``site`` holds the bytes that a cold write of ``tree`` into ``cold`` makes."""
    write(tree, cold)
    assert {name: data for name, (data, _) in files_of(cold).items()} == {
        name: data for name, (data, _) in files_of(site).items()
    }


def make_tree(root: Path, count: int) -> None:
    for number in range(count):
        folder = root / f"pkg{number % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        body = "".join(f"    value_{number}_{line} = compute({line})\n" for line in range(60))
        (folder / f"module_{number}.py").write_text(f"def function_{number}():\n{body}")
    (root / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0" + bytes(range(256)))
    (root / "huge.txt").write_text("needle_in_huge\n" * 1000)


def test_the_files_left_out_are_listed_with_why(tmp_path: Path) -> None:
    make_tree(tmp_path / "tree", 3)
    written = write(tmp_path / "tree", tmp_path / "site")
    assert dict(written.skipped) == {
        "huge.txt": f"larger than the source cap ({CAP} bytes)",
        "logo.png": "binary",
    }
    index = CodeIndex(tmp_path / "site" / FOLDER)
    assert dict(index.skipped) == dict(written.skipped)
    assert not list(search(index, Query("needle_in_huge")))


@pytest.fixture
def small_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    """Groups of 256 KiB and shards of 4 KiB of text, so a small tree has several of each."""
    monkeypatch.setattr(layout, "GROUP_BYTES", 256 << 10)
    monkeypatch.setattr(layout, "SHARD_TEXT_BYTES", 4 << 10)


@pytest.mark.usefixtures("small_groups")
def test_a_one_file_change_rewrites_only_what_it_touched(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    make_tree(tree, 600)  # some 1.2 MB: several groups, chunks and shards
    site = tmp_path / "site"
    first = write(tree, site)
    before = files_of(site)
    index = CodeIndex(site / FOLDER)
    assert index.groups > 1
    assert [m.line for m in search(index, Query("value_17_5 ="))] == [7]

    changed = tree / "pkg3" / "module_17.py"
    changed.write_text(changed.read_text().replace("value_17_5 =", "renamed_17_5 ="))
    second = write(tree, site)
    after = files_of(site)
    rewritten = sorted(name for name in after if after[name] != before.get(name))
    assert second.rewritten == len(rewritten)
    group = layout.group_of("pkg3/module_17.py", index.groups)
    assert f"{FOLDER}/index.js" in rewritten
    directory = [name for name in rewritten if name.startswith(f"{FOLDER}/d")]
    assert all(
        name.startswith(f"{FOLDER}/g{group}/")
        for name in rewritten
        if name != f"{FOLDER}/index.js" and name not in directory
    )
    # The directory shards of the trigrams the group gained ("renamed" is new to it).
    assert 0 < len(directory) < layout.directory_count(index.groups) / 4
    packs = [name for name in rewritten if "/k" in name]
    assert len(packs) == 1, "one pack holds the changed file"
    old_segments, new_segments = (segments_of(files[packs[0]][0]) for files in (before, after))
    assert len(old_segments) == len(new_segments) > 1
    changed_segments = [
        at
        for at, (old, new) in enumerate(zip(old_segments, new_segments, strict=True))
        if old != new
    ]
    assert len(changed_segments) == 1, "of its chunks, only the one with the file is new"
    shards = [name for name in rewritten if "/p" in name]
    assert 0 < len(shards) < index.shard_count(group), "only the shards of new trigrams"
    assert len(rewritten) < len(before) / 4, (first.rewritten, rewritten)

    index = CodeIndex(site / FOLDER)
    assert [(m.path, m.line) for m in search(index, Query("renamed_17_5"))] == [
        ("pkg3/module_17.py", 7)
    ]
    assert not list(search(index, Query("value_17_5 =")))

    cold = tmp_path / "cold"
    write(tree, cold)
    assert {name: data for name, (data, _) in files_of(cold).items()} == {
        name: data for name, (data, _) in after.items()
    }, "an updated index holds the bytes of a cold one"


def test_an_unchanged_tree_rewrites_nothing(tmp_path: Path) -> None:
    make_tree(tmp_path / "tree", 40)
    write(tmp_path / "tree", tmp_path / "site")
    before = files_of(tmp_path / "site")
    assert write(tmp_path / "tree", tmp_path / "site").rewritten == 0
    assert files_of(tmp_path / "site") == before


@pytest.mark.usefixtures("small_groups")
def test_files_of_removed_groups_and_chunks_are_deleted(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    make_tree(tree, 600)
    site = tmp_path / "site"
    write(tree, site)
    for path in list(tree.rglob("module_*.py"))[40:]:
        path.unlink()
    written = write(tree, site)
    left = sorted(
        path.relative_to(site / FOLDER).as_posix() for path in (site / FOLDER).rglob("*.js")
    )
    assert left == sorted(written.current)
    assert CodeIndex(site / FOLDER).groups == 1


@pytest.mark.usefixtures("small_groups")
def test_a_group_that_loses_a_word_leaves_the_directory_as_a_cold_write(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    make_tree(tree, 600)
    (tree / "pkg2" / "lonely.py").write_text("zyxwvut_only_here = 1\n")
    site = tmp_path / "site"
    write(tree, site)
    index = CodeIndex(site / FOLDER)
    word = pack(b"zyx")
    group = layout.group_of("pkg2/lonely.py", index.groups)
    assert index.groups_with(word) == [group]

    (tree / "pkg2" / "lonely.py").unlink()
    write(tree, site)
    index = CodeIndex(site / FOLDER)
    assert index.groups_with(word) == []
    assert not list(search(index, Query("zyxwvut")))
    assert_as_cold_write(tree, site, tmp_path / "cold")


@pytest.mark.usefixtures("small_groups")
@pytest.mark.parametrize("damage", ["a byte of a segment", "a segment cut", "the pack cut"])
def test_a_damaged_pack_is_a_broken_index(tmp_path: Path, damage: str) -> None:
    index = index_of(tmp_path, {"a.txt": "".join(f"line {n} of many\n" for n in range(200))})
    assert [m.line for m in search(index, Query("line 199 of"))] == [200]
    pack = tmp_path / "site" / FOLDER / "g0" / "k0.js"
    script = pack.read_text()
    segment = segments_of(script.encode())[0]
    at = script.index(segment) + len(segment) // 2
    pack.write_text(
        {
            # The framing holds and the base64 decodes: only the text can tell.
            "a byte of a segment": script[:at]
            + ("A" if script[at] != "A" else "B")
            + script[at + 1 :],
            "a segment cut": script[:at] + script[at + 4 :],
            "the pack cut": script[:at],
        }[damage]
    )
    with pytest.raises(BrokenIndex):
        list(search(CodeIndex(tmp_path / "site" / FOLDER), Query("line 199 of")))


@pytest.mark.usefixtures("small_groups")
def test_a_group_that_gains_and_loses_packs_is_written_as_a_cold_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(layout, "CHUNK_MIN", 512)
    monkeypatch.setattr(layout, "CHUNK_MAX", 1024)  # a chunk a file
    tree = tmp_path / "tree"
    make_tree(tree, 600)
    site = tmp_path / "site"
    write(tree, site)
    packs = set((site / FOLDER).glob("g*/k*.js"))
    added = tree / "added"
    added.mkdir()
    for number in range(100):  # packs more in every group
        (added / f"f{number}.txt").write_text(f"filler {number} with words\n" * 50)
    write(tree, site)
    assert len(set((site / FOLDER).glob("g*/k*.js"))) > len(packs)
    assert [m.path for m in search(CodeIndex(site / FOLDER), Query("filler 77 "))] == [
        "added/f77.txt"
    ] * 50
    assert_as_cold_write(tree, site, tmp_path / "cold")
    for path in added.iterdir():
        path.unlink()
    write(tree, site)
    assert set((site / FOLDER).glob("g*/k*.js")) == packs
    assert_as_cold_write(tree, site, tmp_path / "cold-again")


def test_an_index_whose_files_went_missing_is_written_anew(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    make_tree(tree, 600)
    site = tmp_path / "site"
    write(tree, site)
    for shard in (site / FOLDER).glob("d*.js"):
        shard.unlink()
    changed = tree / "pkg3" / "module_17.py"
    changed.write_text(changed.read_text().replace("value_17_5 =", "renamed_17_5 ="))
    write(tree, site)
    assert [m.line for m in search(CodeIndex(site / FOLDER), Query("renamed_17_5"))] == [7]
    assert_as_cold_write(tree, site, tmp_path / "cold")


def test_a_file_with_every_trigram_of_a_string_but_not_the_string_is_ruled_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A chunk a file: candidates in one chunk are not narrowed further (reading it is as cheap).
    monkeypatch.setattr(layout, "CHUNK_MAX", 1)
    # Every trigram of "attestation_path", none where the string has it: "est" is followed
    # by " ", not "a". An index of trigrams alone cannot tell the two files apart.
    files = {"real.py": "attestation_path = 'a'\n", "decoy.txt": "attest the station: ion_path\n"}
    index = index_of(tmp_path, files)
    decoy = fold(b"attest the station: ion_path")
    literal = fold(b"attestation_path")
    assert all(literal[at : at + 3] in decoy for at in range(len(literal) - 2))
    query = Query("attestation_path")
    assert [path for path, *_ in candidates(index, query)] == ["real.py"]
    assert [(m.path, m.line) for m in search(index, query)] == [("real.py", 1)]
    # Ignoring case, "est" is not looked up ("s" may be a long s): the decoy is read, and
    # its lines do not match.
    query = Query("ATTESTATION_PATH", ignore_case=True)
    assert [(m.path, m.line) for m in search(index, query)] == [("real.py", 1)]
    # A regular expression's literal is pruned the same way.
    assert [path for path, *_ in candidates(index, Query(r"attestation_\w+", regex=True))] == [
        "real.py"
    ]


@pytest.mark.usefixtures("small_groups")
def test_a_change_of_what_follows_a_trigram_updates_the_directory_as_a_cold_write(
    tmp_path: Path,
) -> None:
    tree = tmp_path / "tree"
    make_tree(tree, 600)
    edited = tree / "pkg2" / "lonely.txt"
    edited.write_text("qzjqz")  # "qzj" followed by "q", "zjq" by "z", "jqz" by nothing
    site = tmp_path / "site"
    write(tree, site)
    assert [m.path for m in search(CodeIndex(site / FOLDER), Query("zjqz"))] == ["pkg2/lonely.txt"]

    edited.write_text("jqzjq")  # the same trigrams: "jqz" followed by "j", "zjq" by nothing
    write(tree, site)
    index = CodeIndex(site / FOLDER)
    assert not [path for path, *_ in candidates(index, Query("zjqz"))]
    assert [m.path for m in search(index, Query("jqzj"))] == ["pkg2/lonely.txt"]
    assert_as_cold_write(tree, site, tmp_path / "cold")


@pytest.mark.usefixtures("small_groups")
def test_probing_a_group_for_rare_trigrams_reads_fewer_chunks_and_finds_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    filler = "".join(f"row {line} of the table\n" for line in range(100))
    for number in range(400):
        # Every trigram of "alpha_beta", each followed as there but "_be" (followed by "y"):
        # the directory finds all of them in every group.
        text = "alpha_by a_bey beta\n" if number % 10 else "x_bet\n"  # "_be" then "t"
        (tree / f"f{number:03}.txt").write_text(filler + text)
    (tree / "f123.txt").write_text(filler + "alpha_beta\n")
    query = Query("alpha_beta")

    def searched(probe_groups: int) -> tuple[list[tuple[str, int]], int]:
        monkeypatch.setattr(layout, "PROBE_GROUPS", probe_groups)
        site = tmp_path / f"site-{probe_groups}"
        write(tree, site)
        index = CodeIndex(site / FOLDER)
        assert index.groups >= 4
        chunks = {
            (group, index.chunks_of(group, [number]).pop())
            for *_, group, number in candidates(index, query)
        }
        return [(m.path, m.line) for m in search(index, query)], len(chunks)

    probed, probed_chunks = searched(2)
    unprobed, unprobed_chunks = searched(10**9)
    assert probed == unprobed == [("f123.txt", 101)]
    # Without the probe, the plan's first trigrams say nothing and narrowing settles.
    assert probed_chunks < unprobed_chunks / 4, (probed_chunks, unprobed_chunks)


def test_a_case_insensitive_query_finds_the_letters_folded_past_ascii(tmp_path: Path) -> None:
    # The Kelvin sign, a long s and a dotless i: Python's re, like git grep -i, folds them
    # with k, s and i; the index, which folds only ASCII, holds none of their trigrams.
    files = {
        "units.txt": "\u212aelvin_\u017fcale_l\u0131mit = 1\n",
        "other.txt": "kelvin scale limit\n",
    }
    index = index_of(tmp_path, files)
    found = search(index, Query("KELVIN_SCALE_LIMIT", ignore_case=True))
    assert [(m.path, m.line) for m in found] == [("units.txt", 1)]


@pytest.mark.usefixtures("small_groups")
def test_a_write_stopped_part_way_is_followed_by_a_whole_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = tmp_path / "tree"
    make_tree(tree, 600)
    site = tmp_path / "site"
    write(tree, site)
    changed = tree / "pkg3" / "module_17.py"
    changed.write_text(changed.read_text().replace("value_17_5 =", "zqxjw_17_5 ="))

    def stopped(*args: object) -> int:
        raise KeyboardInterrupt  # killed after the group's shards, before the directory

    with monkeypatch.context() as patched:
        patched.setattr(writer_module, "write_directory", stopped)
        with pytest.raises(KeyboardInterrupt):
            write(tree, site)
    write(tree, site)
    assert [m.line for m in search(CodeIndex(site / FOLDER), Query("zqxjw_17_5"))] == [7]
    assert_as_cold_write(tree, site, tmp_path / "cold")
