/* Code search: the search page's Code tab, over the text of every file, from the static
   trigram index in _xref/code/ (see xrefdoc.codesearch, whose query.py this follows). The
   query's trigrams pick the posting shards to load, the regions that hold them all are
   the candidates, and Web Workers (one per core, up to four, each owning a share of the
   packs of chunks) match their lines, so a slow expression never freezes the page. Every
   file of the index is a script, as a page read from disk may run one but not fetch a
   file; over HTTP, a pack is read whole, or one chunk of it by a range request. Loaded on
   the search page only, after xrefdoc.js (its window.xrefdocLoad and xrefdocInflate),
   xrefdoc-find.js (window.xrefdocFind.pages, a file's page) and xrefdoc-code-plan.js
   (window.xrefdocCodePlan: the query's filters and trigrams). */
(function () {
  "use strict";

  var SHOWN_FILES = 50;       // files shown before "More files"
  var CONTEXT = 2;            // lines shown before and after a match, as grep -C2
  var LINES_PER_FILE = 100;   // matching lines shown per file
  var LONG_LINE = 1000;       // characters shown of a longer line, from before its match
  var DEADLINE = 2500;        // ms the worker may take over one region before it is stopped
  var AHEAD = 128;            // packs or segments loaded ahead of the batch being matched
  var PREFETCH = 1;           // of each group, loaded as soon as its candidates are known (2: the
                              // scans no faster, and queries that stop at 50 files slower)
  var FORMAT = 5;             // of the index's files (layout.FORMAT)
  var BATCH_REGIONS = 256;    // regions matched in one message to the workers
  var BATCH_BYTES = 4 << 20;  // and no more text than this (a batch waits for its last pack:
                              // at 20,570 files, scans took 0.3 s less than with 64 and 1 MiB)
  var WORKERS = 4;            // workers that match, at most (one per core)
  var SETTLED = 2;            // trigrams in a row that leave a group's regions be (query.SETTLED)

  var planner = window.xrefdocCodePlan;
  var parseQuery = planner.parseQuery, plan = planner.plan, shardOf = planner.shardOf;

  /* --- the index's files: scripts of compressed bytes --------------------------------------- */

  var delivered = {};
  window.xrefdocCode = function (name, packed) { delivered[name] = packed; };

  // What a script of the index carries (base64, or a pack's segments), loaded as a script
  // (a page read from disk may run one but not fetch a file).
  function loadPacked(name) {
    return new Promise(function (resolve, reject) {
      var script = window.xrefdocLoad("code/" + name + ".js", function () {
        script.remove();
        reject(new Error("cannot load _xref/code/" + name + ".js"));
      }, function () {
        script.remove();
        var packed = delivered[name];
        delete delivered[name];
        if (packed === undefined) { reject(new Error("_xref/code/" + name + ".js is not " + name)); return; }
        resolve(packed);
      });
    });
  }

  function loadBytes(name) { return loadPacked(name).then(function (packed) { return inflate([packed], "deflate"); }); }

  // The one inflater (xrefdoc.js): zlib's bytes, or a pack's raw deflate segments; the
  // workers are given its source.
  var inflate = window.xrefdocInflate;

  // Where a file of the index is not what the table says: the site was built again since.
  function changed(place) {
    return new Error("_xref/code/" + place.pack + ".js is not what the index says: reload the page");
  }

  // The segments of a pack's script fetched as text: what xrefdocCode(name, […]) is given.
  function segmentsOf(script, name) {
    var head = 'xrefdocCode("' + name + '",["', end = script.lastIndexOf('"]');
    if (script.lastIndexOf(head, 0) !== 0 || end < head.length) {
      throw new Error("_xref/code/" + name + ".js is not " + name);
    }
    return script.slice(head.length, end).split('","');
  }

  var table = null;

  // The table: files [path, language, group], groups {shards, chunks, regions}, skipped.
  function loadTable() {
    if (!table) {
      table = loadBytes("index").then(function (bytes) {
        var data = JSON.parse(new TextDecoder().decode(bytes));
        if (data.format !== FORMAT) { throw new Error("the code index is of another version of xrefdoc"); }
        data.places = data.groups.map(function (group, number) { return placesOf(group, number, data.pack); });
        return data;
      });
      table.catch(function () { table = null; });
    }
    return table;
  }

  // Where each chunk of ``group`` (the table's) is: its pack and how many chunks it holds,
  // its segment's place in the pack's script (encoding.segment_starts), where its text
  // starts in the pack's, and the bytes of its text and of the pack's.
  function placesOf(group, number, packChunks) {
    var sizes = group.segments.map(function () { return 0; }), regions = group.regions;
    for (var at = 0; at < regions.length; at += 5) {
      sizes[regions[at + 2]] = Math.max(sizes[regions[at + 2]], regions[at + 3] + regions[at + 4]);
    }
    var places = [], start = 0, text = 0, count = group.segments.length;
    group.segments.forEach(function (size, chunk) {
      var pack = "g" + number + "/k" + Math.floor(chunk / packChunks), first = chunk - chunk % packChunks;
      if (chunk === first) { start = ('xrefdocCode("' + pack + '",["').length; text = 0; }
      places.push({
        pack: pack, chunks: Math.min(packChunks, count - first), segment: chunk - first,
        start: start, size: size, at: text, length: sizes[chunk],
        packLength: sizes.slice(first, first + packChunks).reduce(function (a, b) { return a + b; }, 0),
      });
      start += size + 3;
      text += sizes[chunk];
    });
    return places;
  }

  // ``count`` LEB128 numbers from ``at`` (all up to ``end`` when count is null), and where
  // they end (encoding.read_numbers).
  function varints(bytes, at, count, end) {
    var numbers = [], value = 0, scale = 1;
    for (; at < end && numbers.length !== count; at++) {
      value += (bytes[at] & 0x7F) * scale;
      if (bytes[at] < 0x80) { numbers.push(value); value = 0; scale = 1; } else { scale *= 128; }
    }
    return { numbers: numbers, end: at };
  }

  var shards = new Map();

  // A posting shard (encoding.Shard): {lists, masks}, for each of its trigrams the group's
  // regions that hold it (or, a directory shard, the groups), ascending, and where the
  // masks of the bytes that follow it there start ({numbers, first}); the shard's masks.
  function loadLists(name) {
    if (!shards.has(name)) {
      shards.set(name, loadBytes(name).then(function (bytes) {
        var head = varints(bytes, 0, 1, bytes.length), count = head.numbers[0];
        var keys = new Uint32Array(count), at = head.end;
        for (var i = 0; i < count; i++, at += 3) {
          keys[i] = bytes[at] << 16 | bytes[at + 1] << 8 | bytes[at + 2];
        }
        var counts = varints(bytes, at, count, bytes.length), total = 0;
        counts.numbers.forEach(function (number) { total += number; });
        var masksAt = bytes.length - (total + 1 >> 1), numbers = varints(bytes, counts.end, null, masksAt).numbers;
        var lists = new Map(), next = 0;
        for (i = 0; i < count; i++) {
          var size = counts.numbers[i], list = numbers.slice(next, next + size);
          for (var k = 1; k < list.length; k++) { list[k] += list[k - 1]; }
          lists.set(keys[i], { numbers: list, first: next });
          next += size;
        }
        return { lists: lists, masks: bytes.subarray(masksAt) };
      }));
    }
    return shards.get(name);
  }

  // The numbers a shard lists for ``lookup`` [trigram, follows]: those where the trigram is
  // followed by each byte whose bit ``follows`` holds. The shard's masks are four bits a
  // number, two a byte, the first low (encoding.shard_bytes).
  function listed(shard, lookup) {
    var found = shard.lists.get(lookup[0]), follows = lookup[1];
    if (!found) { return []; }
    if (!follows) { return found.numbers; }
    return found.numbers.filter(function (number, at) {
      var nth = found.first + at, mask = shard.masks[nth >> 1] >> 4 * (nth & 1) & 15;
      return (mask & follows) === follows;
    });
  }

  // The segments of packs loaded as scripts, the most recently used last, where the worker
  // cannot fetch them itself (a page read from disk): a scan walks every group's chunks in
  // path order at once, so a few packs per group are kept.
  var loadedPacks = new Map();

  function loadPack(name, keep) {
    var found = loadedPacks.get(name) || loadPacked(name);
    loadedPacks.delete(name);
    loadedPacks.set(name, found);
    while (loadedPacks.size > keep) { loadedPacks.delete(loadedPacks.keys().next().value); }
    return found;
  }

  /* --- candidates ------------------------------------------------------------------------- */

  function allowedFile(query, file) {
    return query.paths.every(function (part) { return file[0].indexOf(part) >= 0; }) &&
      !query.notPaths.some(function (part) { return file[0].indexOf(part) >= 0; }) &&
      (!query.languages.length || query.languages.indexOf(file[1].toLowerCase()) >= 0);
  }

  function intersect(first, second) {
    var out = [], i = 0, j = 0;
    while (i < first.length && j < second.length) {
      if (first[i] < second[j]) { i++; } else if (first[i] > second[j]) { j++; } else { out.push(first[i]); i++; j++; }
    }
    return out;
  }

  // The regions of a group that may hold one alternative: those that hold its trigrams,
  // narrowed one trigram at a time, until none is left, SETTLED trigrams in a row left them
  // as they were, or they are all in one chunk (query._narrowed).
  function narrowed(number, group, lookups, index, held, unchanged) {
    if (index === lookups.length || (held !== null && (!held.length || oneChunk(group, held))) ||
        unchanged === SETTLED) {
      return Promise.resolve(held || []);
    }
    return regionsWith(number, group, lookups[index]).then(function (list) {
      var next = held === null ? list : intersect(held, list);
      var same = held !== null && next.length === held.length;
      return narrowed(number, group, lookups, index + 1, next, same ? unchanged + 1 : 0);
    });
  }

  // The regions of group ``number`` that hold a lookup [trigram, follows] (reader.regions_with).
  function regionsWith(number, group, lookup) {
    return loadLists("g" + number + "/p" + shardOf(lookup[0], group.shards)).then(function (shard) {
      return listed(shard, lookup);
    });
  }

  function oneChunk(group, regions) {
    var chunk = group.regions[regions[0] * 5 + 2];
    return regions.every(function (region) { return group.regions[region * 5 + 2] === chunk; });
  }

  // An alternative's lookups [trigram, follows], those held by fewest groups first, and
  // the groups that hold them all, from the directory; where the table's ``probe`` or more
  // groups hold them all, ordered by how few regions of the first of those groups hold each
  // (query.candidates, layout.PROBE_GROUPS).
  function narrowing(data, lookups) {
    return Promise.all(lookups.map(function (lookup) {
      return loadLists("d" + shardOf(lookup[0], data.directory)).then(function (shard) {
        return listed(shard, lookup);
      });
    })).then(function (holders) {
      var order = byCount(lookups, holders.map(function (groups) { return groups.length; }));
      var groups = holders[order[0]];
      order.slice(1).forEach(function (at) { groups = intersect(groups, holders[at]); });
      var ordered = order.map(function (at) { return lookups[at]; });
      if (groups.length < data.probe) { return { lookups: ordered, groups: new Set(groups) }; }
      var probe = groups[0], group = data.groups[probe];
      return Promise.all(ordered.map(function (lookup) {
        return regionsWith(probe, group, lookup).then(function (list) { return list.length; });
      })).then(function (sizes) {
        var probed = byCount(ordered, sizes).map(function (at) { return ordered[at]; });
        return { lookups: probed, groups: new Set(groups) };
      });
    });
  }

  // The positions of ``items`` by ascending ``counts``, ties in their order.
  function byCount(items, counts) {
    return items.map(function (item, at) { return at; }).sort(function (a, b) {
      return counts[a] - counts[b] || a - b;
    });
  }

  // The regions that may hold a match, [{group, region, file, line, chunk, offset,
  // length}] in path and line order (query.candidates); onGroup(number, items) is told each
  // group's as soon as they are known.
  function candidates(data, query, trigramPlan, onGroup) {
    if (trigramPlan === null) { return regionsOf(data, query, null, onGroup); }
    return Promise.all(trigramPlan.map(function (trigrams) {
      return narrowing(data, trigrams);
    })).then(function (alternatives) { return regionsOf(data, query, alternatives, onGroup); });
  }

  function regionsOf(data, query, trigramPlan, onGroup) {
    var allowed = data.files.map(function (file) { return allowedFile(query, file); });
    return Promise.all(data.groups.map(function (group, number) {
      return heldRegions(group, number, allowed, trigramPlan).then(function (held) {
        var regions = group.regions, items = [];
        for (var region = 0; region * 5 < regions.length; region++) {
          var file = regions[region * 5];
          if (!allowed[file] || (held && !held.has(region))) { continue; }
          items.push({
            group: number, region: region, file: file, line: regions[region * 5 + 1],
            chunk: regions[region * 5 + 2], offset: regions[region * 5 + 3],
            length: regions[region * 5 + 4], path: data.files[file][0],
          });
        }
        onGroup(number, items);
        return items;
      });
    })).then(function (lists) {
      return [].concat.apply([], lists).sort(function (a, b) { return a.file - b.file || a.line - b.line; });
    });
  }

  // The regions of group ``number`` that hold an alternative's trigrams (null: any region).
  function heldRegions(group, number, allowed, trigramPlan) {
    if (trigramPlan === null) { return Promise.resolve(null); }
    var regions = group.regions, any = false;
    for (var at = 0; at < regions.length && !any; at += 5) { any = allowed[regions[at]]; }
    if (!any) { return Promise.resolve(new Set()); } // the filters leave it nothing
    return Promise.all(trigramPlan.map(function (alternative) {
      if (!alternative.groups.has(number)) { return []; }
      return narrowed(number, group, alternative.lookups, 0, null, 0);
    })).then(function (alternatives) {
      var held = new Set();
      alternatives.forEach(function (list) { list.forEach(function (region) { held.add(region); }); });
      return held;
    });
  }

  /* --- matching lines, in a worker ---------------------------------------------------------- */

  // The matching lines of a region's text: [[line index, [start, end, ...]], ...]. A line
  // is the text split at "\n"; a final "\n" starts no line (as query.search). ``quick``,
  // the pattern over the whole text, rules most regions out in one pass: a match in a line
  // is one in the text too, unless a lookaround sees past the line (then it is null).
  function matchRegion(pattern, quick, text) {
    if (quick && !quick.test(text)) { return []; }
    var lines = text.split("\n"), hits = [];
    if (text.charAt(text.length - 1) === "\n") { lines.pop(); }
    for (var i = 0; i < lines.length; i++) {
      var line = lines[i], spans = [], found;
      pattern.lastIndex = 0;
      while ((found = pattern.exec(line)) !== null) {
        spans.push(found.index, found.index + found[0].length);
        if (!found[0].length) { pattern.lastIndex++; }
        if (spans.length >= 400 || pattern.lastIndex > line.length) { break; }
      }
      if (spans.length) { hits.push([i, spans]); }
    }
    return hits;
  }

  // Loads chunks of the index and matches regions of them: the worker's work (or the page's,
  // where there is no worker). A region is [place, offset, length], its chunk's place as
  // placesOf gives it, with ``whole``: whether its pack is read whole. A chunk comes by fetch
  // from ``base``: its pack whole, or its segment alone by a range request (a server that
  // ignores the range sends the pack whole, which is kept); or, where the page cannot fetch
  // (from disk), from the segments of its pack that the page loaded as a script. The newest
  // ``keep`` chunks stay inflated, a pack counting as the chunks it holds.
  function Matcher(base, source, flags, keep) {
    var pattern = new RegExp(source, flags);
    var quick = /\(\?<?[=!]/.test(source) ? null : new RegExp(source, flags.replace("g", "") + "m");
    var texts = new Map(), held = 0, decoder = new TextDecoder();

    // The inflated text ``key`` names (a pack, or a pack's segment "pack#n": ``chunks``
    // chunks of text), the newest last.
    function kept(key, chunks, load) {
      var found = texts.get(key) || { text: load(), chunks: chunks };
      if (texts.delete(key)) { held -= found.chunks; }
      texts.set(key, found);
      held += found.chunks;
      while (held > keep && texts.size > 1) {
        var oldest = texts.keys().next().value;
        held -= texts.get(oldest).chunks;
        texts.delete(oldest);
      }
      return found.text;
    }

    // The pack's script, or with ``range`` the segment at ``place`` alone: {text, part}, with
    // ``part`` false where the server sent the whole script all the same (or other bytes
    // than the range's, and the script was fetched whole).
    function fetched(place, range) {
      var url = base + place.pack + ".js", options = {};
      if (range) {  // and the two characters either side, to check that it is a segment
        options.headers = { Range: "bytes=" + (place.start - 2) + "-" + (place.start + place.size + 1) };
      }
      return fetch(url, options).then(function (response) {
        if (!response.ok) { throw new Error("cannot load _xref/code/" + place.pack + ".js"); }
        return response.text().then(function (text) {
          if (response.status !== 206) { return { text: text, part: false }; }
          var framed = text.length === place.size + 4 && /^(\["|,")/.test(text) && /(",|"\])$/.test(text);
          // Not the range asked for: the whole script, whose segments are counted and measured.
          if (!framed) { return fetched(place, false); }
          return { text: text.slice(2, -2), part: true };
        });
      });
    }

    // The pack's text, from ``segments`` or fetched whole.
    function whole(place, segments) {
      return kept(place.pack, place.chunks, function () {
        var got = segments ? Promise.resolve(segments) : fetched(place, false).then(function (script) {
          return segmentsOf(script.text, place.pack);
        });
        return got.then(function (parts) {
          if (parts.length !== place.chunks) { throw changed(place); }
          return inflate(parts, "deflate-raw");
        }).then(function (bytes) {
          if (bytes.length !== place.packLength) { throw changed(place); }
          return bytes;
        });
      });
    }

    // {bytes, at}: inflated text that holds the chunk at ``place``, from ``at``.
    function chunk(place, segments) {
      if (segments || place.whole || texts.has(place.pack)) {
        return whole(place, segments).then(function (bytes) { return { bytes: bytes, at: place.at }; });
      }
      return kept(place.pack + "#" + place.segment, 1, function () {
        return fetched(place, true).then(function (got) {
          if (!got.part) {
            // The server sent the whole pack: it is kept as the pack, and a copy of the
            // chunk's text as the segment (not a view that would keep the pack's bytes).
            var pack = inflate(segmentsOf(got.text, place.pack), "deflate-raw");
            kept(place.pack, place.chunks, function () { return pack; });
            return pack.then(function (bytes) { return bytes.slice(place.at, place.at + place.length); });
          }
          return inflate([got.text], "deflate-raw");
        }).then(function (bytes) {
          if (bytes.length !== place.length) { throw changed(place); }
          return { bytes: bytes, at: 0 };
        });
      });
    }

    // Starts loading the chunks at ``places``, wanted soon.
    this.ahead = function (places) { places.forEach(function (place) { chunk(place).catch(function () {}); }); };

    // Matches ``regions``, with ``packed`` the segments of packs by name where the page
    // loaded them: loaded() once their chunks are in, then answer(at, hits, text) for each,
    // with its text where it matched.
    this.match = function (regions, packed, loaded, answer) {
      return Promise.all(regions.map(function (region) {
        return chunk(region[0], packed[region[0].pack]);
      })).then(function (found) {
        loaded();
        regions.forEach(function (region, at) {
          var start = found[at].at + region[1];
          var text = decoder.decode(found[at].bytes.subarray(start, start + region[2]));
          var hits = matchRegion(pattern, quick, text);
          answer(at, hits, hits.length ? text : null);
        });
      });
    };
  }

  function workerLoop() {
    var matcher = null;
    self.onmessage = function (event) {
      var data = event.data;
      if (data.source !== undefined) { matcher = new Matcher(data.base, data.source, data.flags, data.keep); return; }
      matcher.ahead(data.ahead);
      if (data.regions === undefined) { return; }
      matcher.match(data.regions, data.packed, function () {
        self.postMessage({ batch: data.batch, loaded: true });
      }, function (at, hits, text) {
        self.postMessage({ batch: data.batch, at: at, hits: hits, text: text });
      }).catch(function (error) {
        self.postMessage({ batch: data.batch, error: String(error && error.message || error) });
      });
    };
  }

  var workerURL = null;

  // Matches batches of regions with ``source`` and ``flags`` in workers (see Matcher), one
  // per core up to WORKERS, each owning the packs whose name hashes to it (it alone
  // fetches, inflates and keeps them and their segments): check(regions, packed, ahead,
  // answer) calls answer(at, hits, text) per region, in the regions' order, and resolves
  // when all are done; once a worker's chunks of the batch are in, a region that takes it
  // past the deadline ends it, and the batch rejects with {stuck: at}. Without workers it
  // matches on this thread.
  function Verifier(base, source, flags, keep, room) {
    var workers = [], matcher = null, batch = 0;
    var count = Math.max(1, Math.min(WORKERS, navigator.hardwareConcurrency || 1));
    try {
      if (!workerURL) {
        var code = [inflate, changed, segmentsOf, matchRegion, Matcher, workerLoop].join("\n") + "\nworkerLoop();\n";
        workerURL = URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
      }
      for (var w = 0; w < count; w++) {
        workers.push(new Worker(workerURL));
        // Its share of the chunks kept, and ``room`` for a whole batch's, which may all be its.
        workers[w].postMessage({ base: base, source: source, flags: flags, keep: Math.ceil(keep / count) + room });
      }
    } catch (error) {
      workers.forEach(function (worker) { worker.terminate(); });
      workers = [];
      matcher = new Matcher(base, source, flags, keep);
    }
    function stopAll() { workers.forEach(function (worker) { worker.onmessage = null; worker.terminate(); }); }
    this.stop = stopAll;

    // The worker that owns pack ``name``.
    function owner(name) {
      var hash = 0;
      for (var i = 0; i < name.length; i++) { hash = (hash * 31 + name.charCodeAt(i)) | 0; }
      return (hash >>> 0) % workers.length;
    }

    // Starts loading the chunks at ``places``, wanted soon.
    this.ahead = function (places) {
      if (!workers.length) { matcher.ahead(places); return; }
      var shares = workers.map(function () { return []; });
      places.forEach(function (place) { shares[owner(place.pack)].push(place); });
      workers.forEach(function (worker, w) { if (shares[w].length) { worker.postMessage({ ahead: shares[w] }); } });
    };

    this.check = function (regions, packed, ahead, answer) {
      if (!workers.length) {
        matcher.ahead(ahead);
        return matcher.match(regions, packed, function () {}, answer);
      }
      var mine = ++batch;
      // Each worker's share: the regions (by their place in the batch), the chunks ahead,
      // and the segments of its packs where the page loaded them.
      var shares = workers.map(function () { return { at: [], regions: [], ahead: [], packed: {} }; });
      regions.forEach(function (region, at) {
        var pack = region[0].pack, share = shares[owner(pack)];
        share.at.push(at);
        share.regions.push(region);
        if (packed[pack] !== undefined) { share.packed[pack] = packed[pack]; }
      });
      ahead.forEach(function (place) { shares[owner(place.pack)].ahead.push(place); });
      return new Promise(function (resolve, reject) {
        // Answers come back from each worker in its own order; they are handed on in the
        // batch's. A worker past its deadline is ended; the batch fails at the first region
        // a worker was stuck on, once every region before it is answered, as with one.
        var held = new Array(regions.length), next = 0, stuckAt = regions.length, settled = false;
        function release() {
          while (next < stuckAt && held[next]) {
            var found = held[next];
            held[next] = null;
            answer(next, found[0], found[1]);
            next++;
          }
          if (next < stuckAt) { return; }
          settled = true;
          if (stuckAt === regions.length) { resolve(); } else { stopAll(); reject({ stuck: stuckAt }); }
        }
        function fail(error) {
          settled = true;
          stopAll();
          reject(error);
        }
        workers.forEach(function (worker, w) {
          var share = shares[w], answered = 0, timer = 0;
          function wait() {
            clearTimeout(timer);
            timer = setTimeout(function () {
              if (settled) { return; }
              worker.onmessage = null;
              worker.terminate();
              stuckAt = Math.min(stuckAt, share.at[answered]);
              release();
            }, DEADLINE);
          }
          worker.onmessage = function (event) {
            var data = event.data;
            if (data.batch !== mine || settled) { return; }
            if (data.error !== undefined) { clearTimeout(timer); fail(new Error(data.error)); return; }
            if (data.loaded) { if (share.regions.length) { wait(); } return; }
            held[share.at[data.at]] = [data.hits, data.text];
            answered++;
            if (answered === share.regions.length) { clearTimeout(timer); } else { wait(); }
            release();
          };
          worker.postMessage({ batch: mine, regions: share.regions, packed: share.packed, ahead: share.ahead });
        });
      });
    };
  }

  /* --- the search: candidates verified in order, results shown as they come ---------------- */

  function plural(count, word) { return count + " " + word + (count === 1 ? "" : /ch$/.test(word) ? "es" : "s"); }

  function escapeRegExp(text) { return text.replace(/[.*+?^${}()|[\]\\\/]/g, "\\$&"); }

  function pathAllowed(query, path) {
    return allowedFile({ paths: query.paths, notPaths: query.notPaths, languages: [] }, [path, ""]);
  }

  // One search, shown in ``view`` (see codePanel), with ``pageOf(path)`` the href of a
  // file's page; it stops when told (a newer search starts).
  function Search(query, view, pageOf) {
    var source = query.regex ? query.pattern : escapeRegExp(query.pattern);
    var flags = "g" + (query.ignoreCase ? "i" : "");
    var verifier = null, list = [], places = [], next = 0, limit = SHOWN_FILES, keep = AHEAD, packChunks = 1;
    // Where the worker fetches chunks from; none from disk, where only scripts load.
    var base = /^https?:$/.test(location.protocol) ?
      new URL((document.documentElement.dataset.content_root || "") + "_xref/code/", location.href).href : null;
    var matches = 0, files = 0, current = null, stopped = false;
    this.stop = stop;

    function stop() { stopped = true; if (verifier) { verifier.stop(); } }

    try {
      new RegExp(source, flags);
    } catch (error) {
      view.say("Not a valid regular expression: " + error.message.replace(/^Invalid regular expression: /, ""));
      return;
    }
    var trigramPlan = plan(query);
    view.say("Loading the code index…");
    loadTable().then(function (data) {
      if (stopped) { return; }
      view.skipped(data.skipped.filter(function (entry) { return pathAllowed(query, entry[0]); }));
      var searched = data.files.filter(function (file) { return allowedFile(query, file); }).length;
      // Chunks kept inflated: those ahead, a batch's, and a scan's (it walks every group's
      // packs in path order at once) two packs per group.
      packChunks = data.pack;
      keep = packChunks * (AHEAD + 2 * data.groups.length + BATCH_REGIONS);
      if (trigramPlan === null) {
        view.note("No literal of 3 or more characters: scanning all " + plural(searched, "file") + ".");
      }
      // Room for a batch's chunks: a region's may be a whole pack's.
      verifier = new Verifier(base, source, flags, keep, packChunks * BATCH_REGIONS);
      return candidates(data, query, trigramPlan, function (number, items) {
        places[number] = groupPlaces(data, number, items, !base);
        // The group's first chunks, wanted by the first batches, load while the other
        // groups' candidates are found: a scan is bound by the fetching.
        if (base && !stopped) { verifier.ahead(firstLoads(items, 0, PREFETCH)); }
      }).then(function (found) {
        if (stopped) { return; }
        list = found;
        if (trigramPlan !== null) {
          view.note(fileCount(found) + " of " + plural(searched, "file") + " hold the literals the pattern needs.");
        }
        return run();
      });
    }).catch(fail);

    function fail(error) {
      if (stopped) { return; }
      view.progress(null);
      view.say("Code search failed: " + error.message);
      stop();
    }

    function fileCount(found) {
      var seen = 0, last = -1;
      found.forEach(function (item) { if (item.file !== last) { seen++; last = item.file; } });
      return seen;
    }

    function status(more) {
      var text = !matches && !more ? "No match" : plural(matches, "match") + " in " + plural(files, "file");
      return more ? text + " so far" : text;
    }

    function run() {
      if (stopped) { return Promise.resolve(); }
      view.progress(next, list.length);
      if (next >= list.length) { view.say(status(false)); view.progress(null); return Promise.resolve(); }
      if (files >= limit) {
        view.say(status(true));
        view.progress(null);
        view.more(function () { limit += SHOWN_FILES; view.more(null); run().catch(fail); });
        return Promise.resolve();
      }
      // A batch: the next regions in path order, from as many chunks as they are in (a
      // group's files are spread over the tree, so neighbours in path order are in
      // different chunks), matched in one message to the worker.
      var end = next, size = 0;
      while (end < list.length && end - next < BATCH_REGIONS && size < BATCH_BYTES) {
        size += list[end].length;
        end++;
      }
      var batch = list.slice(next, end), resume = end;
      var regions = batch.map(function (item) { return [placeOf(item), item.offset, item.length]; });
      var ahead = aheadOf(end), packed = Promise.resolve({});
      if (!base) {
        // From disk: the page loads the packs as scripts and hands the worker their segments.
        ahead.forEach(function (place) { loadPack(place.pack, keep / packChunks).catch(function () {}); });
        ahead = [];
        packed = Promise.all(regions.map(function (region) {
          return loadPack(region[0].pack, keep / packChunks);
        })).then(function (loaded) {
          var byName = {};
          loaded.forEach(function (segments, at) { byName[regions[at][0].pack] = segments; });
          return byName;
        });
      }
      return packed.then(function (byName) {
        if (stopped) { return; }
        return verifier.check(regions, byName, ahead, function (at, hits, text) {
          if (stopped || !hits.length || at >= resume - next) { return; }
          var item = batch[at];
          if (!current || current.path !== item.path) {
            if (files >= limit) { resume = next + at; return; } // the rest waits for "More files"
            current = view.file(item.path, pageOf(item.path));
            files++;
          }
          matches += hits.length;
          current.add(item.line, text, hits);
          view.say(status(true));
        }).then(function () {
          next = resume;
          return run();
        }, function (error) {
          if (error.stuck === undefined) { throw error; }
          var item = batch[error.stuck];
          view.progress(null);
          view.say("The expression took too long on " + item.path + " (from line " + item.line +
            "): the search stopped. " + status(true).replace(" so far", " before it") + ".");
          stop();
        });
      });
    }

    // The places of the next AHEAD packs and segments the batches after this one read, to
    // load while this one is matched.
    function aheadOf(from) { return firstLoads(list, from, AHEAD); }

    // The places of the first ``count`` packs and segments that ``items`` read from ``from`` on.
    function firstLoads(items, from, count) {
      var found = [], seen = new Set();
      for (var at = from; at < items.length && found.length < count; at++) {
        var place = placeOf(items[at]), key = place.whole ? place.pack : place.pack + "#" + place.segment;
        if (!seen.has(key)) { found.push(place); seen.add(key); }
      }
      return found;
    }

    function placeOf(item) { return places[item.group][item.chunk]; }
  }

  // The places of the chunks of group ``number`` (see placesOf), each with ``whole``: whether
  // its pack is read whole, as it is when the group's candidates ``items`` are in two or more
  // of its chunks (a request costs more than its bytes), when it holds one chunk, or when
  // the page cannot fetch (from disk).
  function groupPlaces(data, number, items, fromDisk) {
    var wanted = new Map();
    items.forEach(function (item) {
      var pack = data.places[number][item.chunk].pack, chunks = wanted.get(pack) || new Set();
      wanted.set(pack, chunks.add(item.chunk));
    });
    return data.places[number].map(function (place) {
      var whole = fromDisk || place.chunks === 1 || (wanted.get(place.pack) || new Set()).size > 1;
      return Object.assign({ whole: whole }, place);
    });
  }

  /* --- the page: tabs, toggles, results ----------------------------------------------------- */

  function button(text, label, className) {
    var made = document.createElement("button");
    made.type = "button";
    made.textContent = text;
    made.className = className;
    if (label) { made.title = label; made.setAttribute("aria-label", label); }
    return made;
  }

  function element(tag, className, text) {
    var made = document.createElement(tag);
    if (className) { made.className = className; }
    if (text !== undefined) { made.textContent = text; }
    return made;
  }

  // Where the results of a search go: a status line, a note, the progress bar, a block
  // per file, the "more" button and the files not searched.
  function codePanel(panel) {
    panel.textContent = "";
    var status = element("p", "xref-code-status");
    status.setAttribute("role", "status");
    var note = element("p", "xref-code-note");
    var bar = element("progress", "xref-code-progress");
    bar.hidden = true;
    var results = element("div", "xref-code-results");
    var moreBox = element("p", "xref-code-more");
    var skippedBox = element("div", "xref-code-skipped");
    [status, note, bar, results, moreBox, skippedBox].forEach(function (part) { panel.appendChild(part); });
    return {
      say: function (text) { status.textContent = text; },
      note: function (text) { note.textContent = text; },
      progress: function (done, total) {
        bar.hidden = done === null;
        if (done !== null) { bar.max = Math.max(total, 1); bar.value = done; }
      },
      more: function (go) {
        moreBox.textContent = "";
        if (!go) { return; }
        var more = button("More files", "", "xref-code-more-button");
        more.addEventListener("click", go);
        moreBox.appendChild(more);
      },
      skipped: function (entries) {
        skippedBox.textContent = "";
        if (!entries.length) { return; }
        var details = element("details");
        details.appendChild(element("summary", "", plural(entries.length, "file") +
          " not searched (binary or larger than the source cap)"));
        var listed = element("ul");
        entries.forEach(function (entry) { listed.appendChild(element("li", "", entry[0] + " (" + entry[1] + ")")); });
        details.appendChild(listed);
        skippedBox.appendChild(details);
      },
      file: function (path, href) { return fileBlock(results, path, href); },
    };
  }

  // A file's results: its path, then its matching lines with CONTEXT lines around each,
  // merged when they touch (grep -C2); past LINES_PER_FILE matching lines, a count.
  function fileBlock(results, path, href) {
    var block = element("section", "xref-code-file");
    var title = element("h3", "xref-code-path");
    var link = element(href ? "a" : "span", "", path);
    if (href) { link.href = href; }
    title.appendChild(link);
    block.appendChild(title);
    var code = element("pre", "xref-code-lines");
    block.appendChild(code);
    results.appendChild(block);
    var shown = 0, hidden = 0, lastLine = 0, overflow = null;

    function hunk(first, lines, spansAt, start, end) {
      if (lastLine && first + start > lastLine + 1) { code.appendChild(element("span", "xref-code-gap", "…")); }
      for (var at = start; at <= end; at++) { code.appendChild(row(first + at, lines[at], spansAt[at], href)); }
      lastLine = first + end;
    }

    return {
      path: path,
      // The matches of a region: its first line's number, its text, [[line index, spans]].
      add: function (first, text, hits) {
        var lines = text.split("\n");
        if (text.charAt(text.length - 1) === "\n") { lines.pop(); }
        var spansAt = {}, windows = [];
        hits.forEach(function (hit) {
          if (shown >= LINES_PER_FILE) { hidden++; return; }
          shown++;
          spansAt[hit[0]] = hit[1];
          var start = Math.max(0, hit[0] - CONTEXT), end = Math.min(lines.length - 1, hit[0] + CONTEXT);
          var last = windows[windows.length - 1];
          if (last && start <= last[1] + 1) { last[1] = end; } else { windows.push([start, end]); }
        });
        windows.forEach(function (window) { hunk(first, lines, spansAt, window[0], window[1]); });
        if (hidden) {
          if (!overflow) { overflow = element("p", "xref-code-overflow"); block.appendChild(overflow); }
          overflow.textContent = plural(hidden, "more matching line") + " in this file";
        }
      },
    };
  }

  // A line of a file's results: its number (a link to it on the file's page when it
  // matched) and its text with the matches marked; of a long line, LONG_LINE characters
  // from a little before its first match.
  function row(number, line, spans, href) {
    var item = element("span", spans ? "xref-code-hit" : "xref-code-context");
    var label = element(spans && href ? "a" : "span", "xref-code-n", String(number));
    if (spans && href) { label.href = href + "#L" + number; }
    item.appendChild(label);
    var text = element("span", "xref-code-text");
    var from = 0, to = line.length;
    if (to > LONG_LINE) {
      from = Math.max(0, (spans ? spans[0] : 0) - 100);
      to = Math.min(line.length, from + LONG_LINE);
    }
    if (from) { text.appendChild(document.createTextNode("…")); }
    var at = from;
    for (var k = 0; spans && k < spans.length; k += 2) {
      var start = spans[k], end = Math.min(spans[k + 1], to);
      if (end <= start || start < at) { continue; }
      text.appendChild(document.createTextNode(line.slice(at, start)));
      text.appendChild(element("mark", "", line.slice(start, end)));
      at = end;
    }
    text.appendChild(document.createTextNode(line.slice(at, to) + (to < line.length ? "…" : "")));
    item.appendChild(text);
    return item;
  }

  /* --- start ------------------------------------------------------------------------------ */

  function start() {
    var names = document.getElementById("search-results");
    var input = names && names.parentNode.querySelector("form input[name=q]");
    if (!input) { return; }
    var form = input.form;
    var address = new URLSearchParams(location.search);
    var state = {
      tab: address.get("tab") === "code" ? "code" : "names",
      caseSensitive: address.get("case") === "1",
      regex: address.get("re") === "1",
    };
    var asked = (address.get("q") || "").trim();
    // The words on the search page about name search only.
    for (var before = form.previousElementSibling; before && before.tagName === "P"; before = before.previousElementSibling) {
      before.classList.add("xref-names-only");
    }

    var tabs = element("div", "xref-tabs");
    tabs.setAttribute("role", "tablist");
    tabs.setAttribute("aria-label", "What to search");
    var namesTab = button("Names", "", "xref-tab");
    var codeTab = button("Code", "", "xref-tab");
    namesTab.id = "xref-tab-names";
    codeTab.id = "xref-tab-code";
    [namesTab, codeTab].forEach(function (tab) { tab.setAttribute("role", "tab"); tabs.appendChild(tab); });
    namesTab.setAttribute("aria-controls", "search-results");
    codeTab.setAttribute("aria-controls", "xref-code-panel");
    var toggles = element("span", "xref-code-toggles");
    var caseToggle = button("Aa", "Aa: match case", "xref-toggle");
    var regexToggle = button(".*", ".*: regular expression", "xref-toggle");
    toggles.appendChild(caseToggle);
    toggles.appendChild(regexToggle);
    form.appendChild(toggles);
    form.parentNode.insertBefore(tabs, form.nextSibling);
    var panel = element("div", "xref-code-panel");
    panel.id = "xref-code-panel";
    panel.setAttribute("role", "tabpanel");
    panel.setAttribute("aria-labelledby", codeTab.id);
    names.parentNode.insertBefore(panel, names);
    var help = element("p", "xref-code-help",
      "Search the text of every file. Filters: path:tests/ (the path holds it), -path:docs/ " +
      "(it does not), lang:python. Aa: match case. .*: a regular expression (JavaScript's).");
    panel.appendChild(help);

    var search = null;

    // The tab and toggles as they are now; with ``remember``, in the address too, so that
    // a link to the results shows the same.
    function show(remember) {
      var code = state.tab === "code";
      document.body.classList.toggle("xref-code-tab", code);
      panel.hidden = !code;
      namesTab.setAttribute("aria-selected", String(!code));
      codeTab.setAttribute("aria-selected", String(code));
      caseToggle.setAttribute("aria-pressed", String(state.caseSensitive));
      regexToggle.setAttribute("aria-pressed", String(state.regex));
      toggles.hidden = !code;
      if (!remember) { return; }
      var params = new URLSearchParams(location.search);
      params.set("q", input.value);
      [["tab", code ? "code" : ""], ["case", state.caseSensitive ? "1" : ""], ["re", state.regex ? "1" : ""]]
        .forEach(function (pair) { if (pair[1]) { params.set(pair[0], pair[1]); } else { params.delete(pair[0]); } });
      try {
        history.replaceState(history.state, "", "?" + params.toString() + location.hash);
      } catch (error) {
        // A browser that will not rewrite this address: the results stay, unlinked.
      }
    }

    function runCode() {
      show(true);
      if (search) { search.stop(); search = null; }
      var query = parseQuery(input.value);
      if (!query.pattern) {
        panel.textContent = "";
        panel.appendChild(help);
        return;
      }
      query.regex = state.regex;
      query.ignoreCase = !state.caseSensitive;
      var view = codePanel(panel);
      if (!window.DecompressionStream) {
        view.say("This browser cannot read the code index (it lacks DecompressionStream).");
        return;
      }
      view.say("Searching…");
      var mine = { stop: function () {} };
      search = mine;
      window.xrefdocFind.pages(function (pageOf) {
        if (search === mine) { search = new Search(query, view, pageOf); }
      });
    }

    namesTab.addEventListener("click", function () {
      state.tab = "names";
      if (search) { search.stop(); search = null; }
      // The names shown are of the query the page was opened with.
      show(true);
      if (input.value.trim() !== asked) { form.submit(); }
    });
    codeTab.addEventListener("click", function () { state.tab = "code"; runCode(); });
    caseToggle.addEventListener("click", function () { state.caseSensitive = !state.caseSensitive; runCode(); });
    regexToggle.addEventListener("click", function () { state.regex = !state.regex; runCode(); });
    form.addEventListener("submit", function (event) {
      if (state.tab !== "code") { return; }
      event.preventDefault();
      runCode();
    });
    if (state.tab === "code") {
      input.value = address.get("q") || "";
      runCode();
    } else {
      show(false);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
