"""Code search: a static trigram index of every searched file's text, written with the site
into ``_xref/code/`` and read by the browser's Code tab and by ``xrefdoc grep``.

The files searched are the documented text files up to the source cap; binary files and
larger ones are listed as left out, with why. A file's text is what its page shows:
decoded as extraction decodes it, with ``\\n`` line ends, as UTF-8.

The layout (see ``layout`` for how each cut is made, ``encoding`` for the bytes):

- Files are spread over ``G`` groups by a hash of their path (``G`` a power of two, some
  4 MiB of text each). Each file's text is cut at line ends into regions (one region for
  all but files over 32 KiB); a group numbers its regions 0, 1, … in path order.
- A group's regions are packed in order into chunks (some 32-128 KiB of text each), and
  its chunks eight at a time into packs, each one script ``g<group>/k<pack>.js``,
  ``xrefdocCode("<name>",["<segment>",…]);``: a segment per chunk, the concatenated texts
  of its regions as raw deflate ended by a full flush, in base64 (``encoding.pack_segments``).
  A scan reads a pack whole, and inflates its segments run together; a query that wants one
  chunk of a pack reads that segment alone, by an HTTP range request.
- A group's trigrams (three bytes, ASCII letters folded to lower case) are spread over
  ``T`` posting shards by a hash (``trigrams.shard_of``); shard ``g<group>/p<shard>.js``
  lists, for each of its trigrams, the group's regions that hold it, each with a mask of
  the bytes that follow the trigram there (``trigrams.follow_bit``).
- The directory (``4 G`` shards ``d<shard>.js``, same format, by the same hash) lists, for
  each trigram of the tree, the groups that hold it, with what follows it in each.
- ``index.js`` is the table: every searched file ``[path, language, group]`` in path
  order, ``directory``: its shard count, per group ``{"shards": T, "segments": [length of
  each chunk's segment, …], "sums": [CRC-32 of each chunk's text, …], "regions": [file,
  first line, chunk, offset, length, …]}`` (a segment's place in its pack's script follows
  from the lengths; five numbers per region:
  ``file`` a position in ``files``, ``offset`` and ``length`` in bytes of the chunk's
  text), ``probe``: from how many groups holding all of a query's trigrams it probes one
  for the rarest (``layout.PROBE_GROUPS``), and ``skipped``:
  ``[[path, why], …]``.

Every other file is a script ``xrefdocCode("<name>","<base64 of zlib-compressed bytes>");``.
All are scripts so that a page opened from disk can load them. A query fetches the
table and a directory shard per trigram it looks up; in each group that holds them all
(each followed by the bytes that follow it in the pattern's literals), their posting
shards, rarest trigram first, until few regions are left; then the chunks of those
regions. It matches the pattern against the regions' lines, so the index prunes and never
decides.
"""
