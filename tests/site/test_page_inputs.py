"""What a worker that sees neither the tree nor the cache (``--no-shared-fs``) is sent for a
file's pages: the highlighted source the scan stored, alone; and with the file's text when
an earlier run stored it, since the page checks such a row and may refuse it (a damaged or
planted cache row): the page then shows the file from its text, where it used to fail."""

from __future__ import annotations

from pathlib import Path

from helpers import write_tree

from xrefdoc.core.model import FileRecord
from xrefdoc.core.settings import make_settings
from xrefdoc.extract.reading import read_text
from xrefdoc.pipeline.scan import scan
from xrefdoc.site.highlight import SourceHTML, prepare_source
from xrefdoc.site.names import PageNames
from xrefdoc.site.page_inputs import ShippedInputs
from xrefdoc.site.render import source_of
from xrefdoc.site.views import make_site
from xrefdoc.store.cache import SourceKey, StoredSource

SOURCE = "def run():\n    return 1\n"


class Stored:
    """The tree at ``root`` and a cache holding ``blob`` for every content."""

    def __init__(self, root: Path, blob: bytes, this_run: bool) -> None:
        self.root, self.blob, self.this_run = root, blob, this_run

    def stored_source(self, key: SourceKey) -> StoredSource | None:
        return StoredSource(self.blob, self.this_run)

    def text(self, record: FileRecord) -> str:
        return read_text(self.root, record, None)


def test_a_source_an_earlier_run_stored_is_sent_with_the_text_it_falls_back_to(
    tmp_path: Path,
) -> None:
    root = write_tree(tmp_path / "tree", {"pkg/core.py": SOURCE})
    site = make_site(scan(make_settings(root), use_cache=False).index, PageNames(), 1000, "pkg")
    record = site.index.records["pkg/core.py"]
    good = prepare_source(SOURCE, record.lexer, 1000)
    assert good is not None
    # A row of this run's scan: sent alone, and used.
    shipped = ShippedInputs()
    shipped.add_file(site, Stored(root, good.to_bytes(), this_run=True), record)
    assert list(shipped.sources) and not shipped.texts
    assert source_of(site, shipped, record) == good
    # A damaged row of an earlier run: the page refuses it, and shows the text it was sent.
    damaged = b"\x28\xb5\x2f\xfd" + b"not a frame"
    assert SourceHTML.from_bytes(damaged) is None
    shipped = ShippedInputs()
    shipped.add_file(site, Stored(root, damaged, this_run=False), record)
    assert shipped.texts == {"pkg/core.py": SOURCE}
    assert source_of(site, shipped, record) == good
