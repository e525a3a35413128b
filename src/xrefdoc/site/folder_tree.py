"""The folder tree beside a file's HTML pages: the folders from the root down to the file's
own, and its folder's subfolders and files around it (``tree_window``); never the whole
tree. Every page of a folder links to the same places by the same relative addresses, so
the pieces are made once per folder and each page only picks its window and marks itself:
at 20,000 files the tree costs a few microseconds a page, not a template's loops. It is on
two pages of every file, so it is written lean: an entry's link unquoted where HTML allows,
and no ``</li>``, which HTML lets a list item leave out before the next one or the list's
end."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from xrefdoc.site.names import FilePageKind, PageNames, attribute, breadcrumbs
from xrefdoc.xref.index import Index

# Entries of its folder shown beside a file's pages.
TREE_SHOWN = 30


def tree_window(index: Index, path: str) -> tuple[list[str], int, int]:
    """What a file's page shows of its folder: the subfolders then the files, all of them
    when few, else the TREE_SHOWN nearest the file; and how many are left out before and
    after. Found by bisection, so a folder of many files costs no more per page."""
    folder = index.folders[path.rpartition("/")[0]]
    total = len(folder.folders) + len(folder.files)
    if total <= TREE_SHOWN:
        return [*folder.folders, *folder.files], 0, 0
    at = len(folder.folders) + bisect_left(folder.files, path)
    start = min(max(0, at - TREE_SHOWN // 2), total - TREE_SHOWN)
    shown = [
        folder.folders[n] if n < len(folder.folders) else folder.files[n - len(folder.folders)]
        for n in range(start, start + TREE_SHOWN)
    ]
    return shown, start, total - start - TREE_SHOWN


# The file's own entry: the page itself on its _docs page, where the reader is on its _kw
# page (the entry links to the _docs page).
_HERE = {
    FilePageKind.DOCS: "<a class=xref-here aria-current=page ",
    FilePageKind.KW: "<a class=xref-here aria-current=location ",
}


@dataclass(slots=True)
class _Folder:
    """The pieces of the tree for the pages of one folder: what comes before the entries,
    what after, the folder's index, and each entry's item by path."""

    opening: str
    closing: str
    index_href: str
    entries: dict[str, str] = field(default_factory=dict)


class FolderTrees:
    """The tree's HTML for any file's pages, its pieces made once per folder."""

    def __init__(self, index: Index, names: PageNames, title: str) -> None:
        self._index = index
        self._names = names
        self._title = title
        self._folders: dict[str, _Folder] = {}

    def html(self, path: str, kind: FilePageKind = FilePageKind.DOCS) -> Markup:
        """The tree beside the ``kind`` page (``docs`` or ``kw``) of the file ``path``."""
        folder = self._folder(path.rpartition("/")[0])
        shown, before, after = tree_window(self._index, path)
        items = []
        if before:
            items.append(_more(folder.index_href, f"{before} more before"))
        for entry in shown:
            item = folder.entries[entry]
            items.append(item.replace("<a ", _HERE[kind], 1) if entry == path else item)
        if after:
            items.append(_more(folder.index_href, f"{after} more after"))
        return Markup(folder.opening + "\n".join(items) + folder.closing)

    def _folder(self, path: str) -> _Folder:
        found = self._folders.get(path)
        if found is None:
            found = self._folders[path] = self._make(path)
        return found

    def _make(self, path: str) -> _Folder:
        names = self._names
        # Any page of the folder: all of them link to the same places the same way.
        page = names.file_page(f"{path}/x" if path else "x")
        crumbs = breadcrumbs(path, self._title)
        opening = '<nav class=xref-tree aria-label="Folder tree">\n' + "".join(
            f"<ul><li><a href={attribute(names.href(page, names.folder_page(at)))}>"
            f"{escape(label)}</a>\n"
            for label, at in crumbs
        )
        closing = "\n</ul>\n" + "</li></ul>" * len(crumbs) + "\n</nav>"
        index_href = names.href(page, names.folder_page(path))
        folder = _Folder(opening + "<ul>\n", closing, index_href)
        info = self._index.folders[path]
        for sub in info.folders:
            href = names.href(page, names.folder_page(sub))
            label = sub.rpartition("/")[2] + "/"
            folder.entries[sub] = f"<li><a href={attribute(href)}>{escape(label)}</a>"
        for file in info.files:
            href = names.href(page, names.file_page(file))
            label = file.rpartition("/")[2]
            folder.entries[file] = f"<li><a href={attribute(href)}>{escape(label)}</a>"
        return folder


def _more(href: str, text: str) -> str:
    return f"<li class=xref-tree-more><a href={attribute(href)}>{escape(text)}</a>"
