/* xrefdoc's pages in the browser: a card for each name of the source (its definition and
   how often it is used), the keyword box, the links of a keyword's definitions to their
   references, and the filter of an A-Z page (line ranges, permalinks and keys are
   xrefdoc-lines.js). Every page works without this script but the keyword box: it only
   adds to what the links already do, the links to the symbol page, which needs a
   script itself, and the links of a keyword's lines of use (their numbers show without
   it, beside their file's link). The keyword data is loaded a
   piece at a time, as scripts (a page read from disk may run a script but not fetch a
   file), on the first keystroke or hover, never before. */
(function () {
  "use strict";

  var root = document.documentElement.dataset.content_root || "";
  // The site's top folder as an absolute URL, the start of every link to one of its pages.
  var top = new URL(root || "./", location.href).href;

  // The page of a file from its URL-quoted key (site/names.py), at a line if given; the
  // symbol page's script (xrefdoc-refs.js) links files with it too.
  function filePage(key, line) { return root + key + "_docs.html" + (line ? "#L" + line : ""); }
  window.xrefdocFilePage = filePage;

  /* --- keyword data: _xref/kw/index.js, then one part per A-Z page ------------------ */

  var pages = null;          // [[href, first, last]] once loaded
  var waitingForPages = [];
  // href -> rows [name, definitions, uses, files, where(, candidates, [candidate])]: a
  // candidate is [qualname, kind, path, line, href] (see keyword_box.py).
  var parts = {};
  var waitingForParts = {};
  // href -> Map of name -> row, made once as a part arrives: the keyword box (per keystroke)
  // and the card (per hover) look names up in it.
  var rowsByName = {};

  function rowOf(href, name) { return (rowsByName[href] && rowsByName[href].get(name)) || null; }

  function load(src, onError, onLoad) {
    var script = document.createElement("script");
    script.src = root + "_xref/" + src;
    script.async = true;
    script.onerror = onError;
    if (onLoad) { script.onload = onLoad; }
    document.head.appendChild(script);
    return script;
  }
  // The one loader of _xref/ data for the scripts that run after this one (xrefdoc-find.js,
  // and xrefdoc-code.js, which removes each script it loaded once it ran).
  window.xrefdocLoad = load;

  // The bytes of base64 ``parts`` run together, inflated: zlib's ("deflate": a packed data
  // script, or a code-search script of codesearch/encoding.py's ``script``) or a pack's
  // segments ("deflate-raw", encoding.pack_segments), after which the empty final block is
  // put. The one inflater: the Code tab's too, and its workers' (given its source, so it
  // uses nothing outside itself). The bytes are written to the stream, not read from a
  // Blob's: at 20,570 files, inflating every pack took 1.1 s more that way, 0.65 s this way.
  function inflate(parts, format) {
    try {
      var stream = new DecompressionStream(format), writer = stream.writable.getWriter();
      var ignore = function () {};  // a write's failure is the reading's too, and said there
      parts.forEach(function (part) {
        var bytes;
        if (Uint8Array.fromBase64) {
          bytes = Uint8Array.fromBase64(part);
        } else {
          var binary = atob(part);
          bytes = new Uint8Array(binary.length);
          for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
        }
        writer.write(bytes).catch(ignore);
      });
      if (format === "deflate-raw") { writer.write(new Uint8Array([3, 0])).catch(ignore); }
      writer.close().catch(ignore);
      return new Response(stream.readable).arrayBuffer().then(function (buffer) { return new Uint8Array(buffer); });
    } catch (error) {  // base64 that is not, or no such format: a rejection, as any failure
      return Promise.reject(error);
    }
  }
  window.xrefdocInflate = inflate;

  // The value a data script handed over: a large piece is packed (site/data_scripts.py),
  // zlib's bytes in base64; a promise either way, rejected when a packed piece is not one.
  function unpack(data) {
    if (typeof data !== "string") { return Promise.resolve(data); }
    return inflate([data], "deflate").then(function (bytes) {
      return JSON.parse(new TextDecoder().decode(bytes));
    });
  }
  // For the scripts that run after this one (xrefdoc-history.js).
  window.xrefdocUnpack = unpack;

  /* --- symbol data: _xref/sym/<key>.js and _xref/refs/<key>.js, one pair per file, and
     _xref/text/<id>.js, the shared lists of textual matches ------------------------- */

  // kind ("sym", "refs" or "text") -> URL-quoted file key (a list's id) -> its data, or
  // null when it failed to load; a script's data is taken on its load event, which runs
  // right after the script.
  var fileData = { sym: {}, refs: {}, text: {} };
  var waitingForData = { sym: {}, refs: {}, text: {} };
  var delivered = null;

  // The value the data script ``src`` hands over (taken on its load event, which runs right
  // after the script), unpacked; null when it cannot load or unpack.
  function loadValue(src, callback) {
    delivered = null;
    load(src, function () { callback(null); }, function () {
      var data = delivered;
      delivered = null;
      unpack(data).then(callback, function () { callback(null); });
    });
  }

  window.xrefdocSymbols = function (data) { delivered = data; };
  window.xrefdocRefs = function (data) { delivered = data; };
  window.xrefdocText = function (data) { delivered = data; };

  function withFileData(kind, key, callback) {
    if (Object.prototype.hasOwnProperty.call(fileData[kind], key)) {
      callback(fileData[kind][key]);
      return;
    }
    var waiting = waitingForData[kind][key] = waitingForData[kind][key] || [];
    waiting.push(callback);
    if (waiting.length > 1) { return; }
    function arrived(data) {
      fileData[kind][key] = data;
      delete waitingForData[kind][key];
      waiting.forEach(function (call) { call(data); });
    }
    loadValue(kind + "/" + key + ".js", function (value) {
      arrived(value && sameKey(value.k, key) ? value : null);
    });
  }
  function sameKey(a, b) {
    try { return a === b || decodeURIComponent(a) === decodeURIComponent(b); } catch (e) { return false; }
  }

  // The file key and the line or symbol anchor a link to a definition names
  // (``…/core.py_docs.html#sym-Engine.run``, ``…#L12``), or null for a link elsewhere (a
  // keyword's entry).
  function definitionTarget(href) {
    var at = href.indexOf("#");
    if (at < 0) { return null; }
    var page = href.slice(0, at), place = /^#(?:L(\d+)|(sym-.+))$/.exec(href.slice(at));
    if (!place || page.indexOf(top) !== 0 || !/_docs\.html$/.test(page)) { return null; }
    var anchor = place[2] ? decodeURIComponent(place[2]) : "";
    return { key: page.slice(top.length, -"_docs.html".length), line: +(place[1] || 0), anchor: anchor };
  }

  // A name where it is defined links to its keyword's entry: the definition is this page's
  // file at the name's line.
  function definedHere(link) {
    var line = link.closest(".xref-source ol > li");
    if (!/#kw-/.test(link.getAttribute("href") || "") || !line || !/^L\d+$/.test(line.id)) { return null; }
    return definitionTarget(location.href.split("#")[0] + "#" + line.id);
  }

  // The definition of a file's symbol data on a line; of several, the one named ``name``.
  function definitionAt(data, line, name) {
    var found = null;
    Object.keys(data.d).forEach(function (anchor) {
      var row = data.d[anchor];
      if (row[2] !== line) { return; }
      if (!found || row[9] === name) { found = anchor; }
    });
    return found;
  }

  // For the symbol page's script (xrefdoc-refs.js).
  window.xrefdocDefinitionAt = definitionAt;
  window.xrefdocFileData = withFileData;

  window.xrefdocKeywordIndex = function (list) {
    pages = list;
    var waiting = waitingForPages;
    waitingForPages = [];
    waiting.forEach(function (callback) { callback(); });
  };

  function partArrived(href, list) {
    parts[href] = list;
    var rows = rowsByName[href] = new Map();
    list.forEach(function (row) { rows.set(row[0], row); });
    var waiting = waitingForParts[href] || [];
    delete waitingForParts[href];
    waiting.forEach(function (callback) { callback(); });
  }
  // A part hands over [its page, its rows], packed (see loadValue).
  window.xrefdocKeywordPart = function (data) { delivered = data; };

  function withPages(callback) {
    if (pages) { callback(); return; }
    waitingForPages.push(callback);
    if (waitingForPages.length === 1) {
      // A part that cannot load answers every caller as an empty one would.
      load("kw/index.js", function () { window.xrefdocKeywordIndex([]); });
    }
  }

  function withPart(href, callback) {
    if (parts[href]) { callback(); return; }
    var waiting = waitingForParts[href] = waitingForParts[href] || [];
    waiting.push(callback);
    if (waiting.length === 1) {
      var file = href.split("/").pop().replace(/\.html$/, ".js");
      // A part that cannot load or unpack answers every caller as an empty one would.
      loadValue("kw/" + file, function (value) {
        partArrived(href, value && value[0] === href ? value[1] : []);
      });
    }
  }

  /* --- every keyword's name: _xref/kw/names.js, for matching inside names ------------ */

  var names = null;          // [{name, lower, page}] once loaded
  var waitingForNames = [];

  window.xrefdocKeywordNames = function (data) {
    var counts = data[0], listed = data[1];
    var at = 0;
    names = [];
    counts.forEach(function (count, position) {
      var href = pages && pages[position] ? pages[position][0] : null;
      for (var end = at + count; at < end; at++) {
        if (href) { names.push({ name: listed[at], lower: listed[at].toLowerCase(), page: href }); }
      }
    });
    var waiting = waitingForNames;
    waitingForNames = [];
    waiting.forEach(function (callback) { callback(); });
  };

  function withNames(callback) {
    withPages(function () {
      if (names) { callback(); return; }
      waitingForNames.push(callback);
      if (waitingForNames.length === 1) {
        load("kw/names.js", function () { window.xrefdocKeywordNames([[], []]); });
      }
    });
  }

  // Where each word of a name starts (its humps): the first character, a character after
  // _ . - : / $ or a space, a capital after a small letter or a digit, the last capital of
  // a run before a small letter (HTTPServer: H, S), a digit after a letter.
  function humps(name) {
    var starts = [];
    for (var at = 0; at < name.length; at++) {
      var here = name.charAt(at), before = name.charAt(at - 1), after = name.charAt(at + 1);
      if ("_.-:/$ ".indexOf(here) >= 0) { continue; }
      var upper = here !== here.toLowerCase(), digit = here >= "0" && here <= "9";
      if (at === 0 || "_.-:/$ ".indexOf(before) >= 0 ||
          (upper && (before === before.toLowerCase() && before !== before.toUpperCase() ||
                     before >= "0" && before <= "9")) ||
          (upper && before !== before.toLowerCase() && after && after !== after.toUpperCase()) ||
          (digit && !(before >= "0" && before <= "9"))) {
        starts.push(at);
      }
    }
    return starts;
  }

  // A character of the query matches one of a name: a small letter either case, a capital
  // only itself ("smart case": CR is CliRunner, not create).
  function same(nameChar, queryChar) {
    return queryChar === nameChar || (queryChar === queryChar.toLowerCase() &&
      nameChar.toLowerCase() === queryChar);
  }

  function matchesAt(name, at, query, from, length) {
    for (var k = 0; k < length; k++) {
      if (!same(name.charAt(at + k), query.charAt(from + k))) { return false; }
    }
    return true;
  }

  // The query as pieces, each the start of a successive word of the name: shcomp is
  // shell_complete, gi is Group.invoke. What failed from a (query position, hump) is
  // remembered, so a name of many words costs query length × humps, never more.
  function humpMatch(name, starts, query, from, hump, failed) {
    if (from === query.length) { return true; }
    failed = failed || {};
    var key = from + ":" + hump;
    if (failed[key]) { return false; }
    for (var s = hump; s < starts.length; s++) {
      var at = starts[s];
      var longest = Math.min(query.length - from, name.length - at);
      for (var length = longest; length >= 1; length--) {
        if (matchesAt(name, at, query, from, length) &&
            humpMatch(name, starts, query, from + length, s + 1, failed)) {
          return true;
        }
      }
    }
    failed[key] = true;
    return false;
  }

  // The keywords the query matches, best first: the name itself, then names it starts, then
  // names whose humps it spells, then names it starts but for the case of a capital typed
  // (Bu: Builder, then build), then names it is inside of; shorter names first in each.
  function matchNames(query) {
    var low = query.toLowerCase();
    var found = [];
    (names || []).forEach(function (entry) {
      var at = entry.lower.indexOf(low);
      if (at < 0 && entry.lower.indexOf(low.charAt(0)) < 0) { return; }
      var kind;
      if (entry.name === query) { kind = 0; }
      else if (at === 0 && matchesAt(entry.name, 0, query, 0, query.length)) { kind = 1; }
      else if (humpMatch(entry.name, entry.starts || (entry.starts = humps(entry.name)),
                         query, 0, 0)) { kind = 2; }
      else if (at === 0) { kind = 3; }
      else if (at > 0) { kind = 4; }
      else { return; }
      found.push({ name: entry.name, page: entry.page, kind: kind });
    });
    return found.sort(function (a, b) {
      return a.kind - b.kind || a.name.length - b.name.length ||
        (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    });
  }

  // The A-Z pages are sorted by lower-cased name, each page on its own.
  function pagesFor(prefix) {
    var low = prefix.toLowerCase();
    return (pages || []).filter(function (page) {
      var first = page[1].toLowerCase(), last = page[2].toLowerCase();
      return last >= low && first.slice(0, low.length) <= low;
    });
  }

  function anchor(name) {
    return "kw-" + name.replace(/[^A-Za-z0-9_.]/gu, function (c) {
      return "-" + c.codePointAt(0).toString(16) + "-";
    });
  }

  function entryHref(page, name) { return root + page + "#" + anchor(name); }

  function plural(count, word) { return count + " " + word + (count === 1 ? "" : "s"); }

  /* --- the keyword box -------------------------------------------------------------- */

  // The options (role=option in ``list``) of a combobox ``input``: ↑ ↓ choose one, Enter
  // opens its item's href. ``items`` are the items shown, ``active`` the chosen one's place.
  // The keyword box's and the file finder's (xrefdoc-find.js, as window.xrefdocOptions).
  function comboOptions(input, list) {
    var options = { items: [], active: -1 };
    options.select = function (position) {
      var shown = list.querySelectorAll("[role=option]");
      shown.forEach(function (option, at) {
        option.setAttribute("aria-selected", at === position ? "true" : "false");
      });
      options.active = position;
      if (position >= 0 && shown[position]) {
        input.setAttribute("aria-activedescendant", shown[position].id);
        shown[position].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    };
    input.addEventListener("keydown", function (event) {
      var items = options.items, active = options.active;
      if (event.key === "ArrowDown" && items.length) {
        event.preventDefault();
        options.select((active + 1) % items.length);
      } else if (event.key === "ArrowUp" && items.length) {
        event.preventDefault();
        options.select((active - 1 + items.length) % items.length);
      } else if (event.key === "Enter") {
        event.preventDefault();
        if (active >= 0 && items[active]) { location.href = items[active].href; }
      }
    });
    return options;
  }
  window.xrefdocOptions = comboOptions;

  // The box is a combobox only with this script, so the script makes it one: its list
  // and its attributes are not in the page.
  function keywordBox(input) {
    var list = document.createElement("ul");
    list.id = "xt-kw-list";
    list.className = "xt-kw-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.after(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    // The list is the box's suggestions: not the browser's, nor its spelling marks.
    input.setAttribute("autocomplete", "off");
    input.spellcheck = false;
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    var options = comboOptions(input, list);
    var asked = "";

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      options.active = -1;
    }

    function show(items, note) {
      options.items = items;
      list.textContent = "";
      items.forEach(function (item, position) {
        var option = document.createElement("li");
        option.id = list.id + "-" + position;
        option.setAttribute("role", "option");
        var code = document.createElement("code");
        code.textContent = item.name;
        var small = document.createElement("small");
        small.textContent = item.path ? item.where : item.where + " · " + plural(item.uses, "use");
        if (item.path && (position === 0 || !items[position - 1].path)) {
          var heading = document.createElement("li");
          heading.className = "xt-kw-note";
          heading.setAttribute("role", "presentation");
          heading.textContent = "Files and folders";
          list.appendChild(heading);
        }
        option.appendChild(code);
        option.appendChild(small);
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          location.href = item.href;
        });
        list.appendChild(option);
      });
      if (note) {
        var hint = document.createElement("li");
        hint.className = "xt-kw-note";
        hint.textContent = note;
        list.appendChild(hint);
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      options.select(items.length ? 0 : -1);
    }

    function search() {
      var query = input.value.trim();
      asked = query;
      if (!query) { close(); return; }
      withNames(function () {
        if (asked !== query) { return; }
        var found = matchNames(query);
        var shown = found.slice(0, 12);
        var hrefs = [];
        shown.forEach(function (match) {
          if (hrefs.indexOf(match.page) < 0) { hrefs.push(match.page); }
        });
        var pending = hrefs.length + 1;
        var paths = [];
        function done() {
          pending -= 1;
          if (pending === 0 && asked === query) { rank(query, found, shown, paths); }
        }
        hrefs.forEach(function (href) { withPart(href, done); });
        if (window.xrefdocFind) {
          window.xrefdocFind.paths(query, 5, function (list) { paths = list; done(); });
        } else {
          done();
        }
      });
    }

    function rank(query, found, shown, paths) {
      var items = shown.map(function (match) {
        var row = rowOf(match.page, match.name);
        return {
          name: match.name, uses: row ? row[2] : 0, where: row ? row[4] : "",
          href: entryHref(match.page, match.name),
        };
      });
      paths.forEach(function (path) {
        items.push({ name: path.path, path: true, where: path.folder ? "folder" : "file", href: path.href });
      });
      var more = found.length > 12 ? (found.length - 12) + " more: keep typing" : "";
      show(items, items.length ? more : "No keyword or path matches " + query);
    }

    input.addEventListener("input", search);
    input.addEventListener("focus", function () { withPages(function () {}); });
    input.addEventListener("blur", close);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { close(); }
    });
    input.form.addEventListener("submit", function (event) { event.preventDefault(); });
  }

  // The keyword index's overview opened with ?kw=NAME (the keyword box's form, sent before
  // this script ran, or a link): the name's entry when the name is a keyword, else the box
  // lists what the name matches.
  function keywordFromAddress(box) {
    var wanted = (new URLSearchParams(location.search).get("kw") || "").trim();
    if (!wanted || !box.form) { return; }
    if (location.href.split(/[?#]/)[0] !== box.form.action.split(/[?#]/)[0]) { return; }
    withNames(function () {
      var found = matchNames(wanted);
      if (found.length && (found[0].kind === 0 || found.length === 1)) {
        location.replace(entryHref(found[0].page, found[0].name));
        return;
      }
      box.value = wanted;
      box.focus();
      box.dispatchEvent(new Event("input"));
    });
  }

  /* --- the card of a name in the source -------------------------------------------- */

  var card = null, cardFor = null, timer = 0;

  function showCard(link) {
    var name = link.textContent;
    if (!card) {
      card = document.createElement("div");
      card.className = "xref-card";
      card.setAttribute("role", "tooltip");
      card.id = "xref-card";
      card.addEventListener("mouseleave", hideCard);
      // The pointer crossed from the name into the card: it stays while the reader chooses.
      card.addEventListener("mouseenter", function () { clearTimeout(timer); });
      document.body.appendChild(card);
    }
    cardFor = link;
    link.setAttribute("aria-describedby", card.id);
    // The card says what the title said: the browser's own tooltip would say it twice.
    if (link.title) { link.dataset.title = link.title; link.removeAttribute("title"); }
    card.textContent = "";
    var title = document.createElement("div");
    title.className = "xref-card-title";
    title.textContent = link.dataset.title || name + leadsTo(link);
    card.appendChild(title);
    var about = document.createElement("div");
    about.className = "xref-card-about";
    card.appendChild(about);
    var counts = document.createElement("div");
    counts.className = "xref-card-counts";
    counts.textContent = "…";
    card.appendChild(counts);
    var box = link.getBoundingClientRect();
    var width = Math.min(360, innerWidth - 8);
    card.style.left = Math.max(4, Math.min(box.left + scrollX, scrollX + innerWidth - width - 4)) + "px";
    card.style.top = (box.bottom + scrollY + 4) + "px";
    card.hidden = false;
    var target = definitionTarget(link.href) || definedHere(link);
    if (target) {
      withFileData("sym", target.key, function (data) {
        if (cardFor !== link || !data) { return; }
        var anchor = target.anchor && data.d[target.anchor] ? target.anchor :
          definitionAt(data, target.line, name);
        if (anchor) { describe(about, title, data, anchor); }
      });
    }
    withPages(function () {
      var found = pagesFor(name);
      var pending = found.length;
      if (!pending) { counts.textContent = "Not in the keyword index"; return; }
      found.forEach(function (page) {
        withPart(page[0], function () {
          pending -= 1;
          if (pending || cardFor !== link) { return; }
          var row = null, where = null;
          found.forEach(function (candidate) {
            var r = rowOf(candidate[0], name);
            if (r) { row = r; where = candidate[0]; }
          });
          if (!row) { counts.textContent = "Not in the keyword index"; return; }
          counts.textContent = plural(row[1], "definition") + " · " + plural(row[2], "use") +
            " in " + plural(row[3], "file") + " · ";
          var all = document.createElement("a");
          all.href = entryHref(where, name);
          all.textContent = "all uses";
          counts.appendChild(all);
          if (link.classList.contains("xref-textual") && row[6]) {
            card.appendChild(candidateList(row[5], row[6], all.href));
          }
        });
      });
    });
  }

  // What the file's symbol data says of the definition a name links to: kind and qualified
  // name, signature, the docstring's first paragraph, where it is, its uses, and the link
  // to the symbol page that lists them with their code.
  function describe(about, title, data, anchor) {
    var row = data.d[anchor];
    about.textContent = "";
    var named = document.createElement("div");
    named.className = "xref-card-qualname";
    var kind = document.createElement("span");
    kind.className = "xref-card-kind";
    kind.textContent = row[1] + " ";
    named.appendChild(kind);
    named.appendChild(document.createTextNode(row[0]));
    about.appendChild(named);
    if (row[4]) {
      var signature = document.createElement("code");
      signature.className = "xref-card-signature";
      signature.textContent = row[4];
      about.appendChild(signature);
    }
    if (row[5]) {
      var doc = document.createElement("p");
      doc.className = "xref-card-doc";
      doc.textContent = row[5];
      about.appendChild(doc);
    }
    // The title says where an exact link leads, now with the file's own path (the href
    // holds its page's name: a site's prefix, a long name's hash); at the definition
    // itself it does not.
    var arrow = title.textContent.indexOf(" → ");
    if (arrow >= 0) {
      title.textContent = title.textContent.slice(0, arrow) + " → " + data.path + ":" + row[2];
    } else {
      var where = document.createElement("div");
      where.className = "xref-card-where";
      var go = document.createElement("a");
      go.href = filePage(data.k, row[2]);
      go.textContent = data.path + ":" + row[2];
      where.appendChild(document.createTextNode("Defined in "));
      where.appendChild(go);
      about.appendChild(where);
    }
    var uses = document.createElement("div");
    uses.className = "xref-card-uses";
    var text = plural(row[6], "use") + (row[7] ? " and " + row[7] + " textual" : "") +
      (row[6] + row[7] ? " in " + plural(row[8], "file") : "") + " · ";
    uses.appendChild(document.createTextNode(text));
    var references = document.createElement("a");
    references.className = "xref-card-references";
    references.href = root + data.s + "#" + data.k + "/" + anchor;
    references.textContent = "References";
    uses.appendChild(references);
    about.appendChild(uses);
  }

  // Where an exact link leads, from its href (the page says it in no title): " → a/b.py:12",
  // or " → a/b.py" for a link to a symbol's anchor until the file's data names the line.
  function leadsTo(link) {
    var match = /^(.*)_docs\.html#(?:L(\d+)|sym-.+)$/.exec(decodeURIComponent(link.href.slice(top.length)));
    return link.href.indexOf(top) === 0 && match ? " → " + match[1] + (match[2] ? ":" + match[2] : "") : "";
  }

  // The definitions a textual match may mean, each a link to its line; the keyword's
  // entry has those past the first few.
  function candidateList(total, candidates, entry) {
    var box = document.createElement("div");
    box.className = "xref-card-candidates";
    var lead = document.createElement("div");
    lead.textContent = "May mean one of " + plural(total, "definition") + ":";
    box.appendChild(lead);
    var list = document.createElement("ul");
    candidates.forEach(function (candidate) {
      var item = document.createElement("li");
      var go = document.createElement("a");
      go.href = root + candidate[4];
      var code = document.createElement("code");
      code.textContent = candidate[0];
      go.appendChild(code);
      var small = document.createElement("small");
      small.textContent = candidate[1] + " · " + candidate[2] + ":" + candidate[3];
      item.appendChild(go);
      item.appendChild(small);
      list.appendChild(item);
    });
    if (total > candidates.length) {
      var more = document.createElement("li");
      var rest = document.createElement("a");
      rest.href = entry;
      rest.textContent = (total - candidates.length) + " more in the keyword index";
      more.appendChild(rest);
      list.appendChild(more);
    }
    box.appendChild(list);
    return box;
  }

  function hideCard() {
    clearTimeout(timer);
    if (card) { card.hidden = true; }
    if (cardFor) { cardFor.removeAttribute("aria-describedby"); }
    cardFor = null;
  }

  function nameOf(event) { return event.target.closest && event.target.closest(".xref-source ol a"); }

  /* --- the filter of an A-Z page ----------------------------------------------------- */

  // Filters the entries of this page as the reader types; when the letter has other pages,
  // their matching names are listed too, from the keyword data.
  function letterFilter(list) {
    var label = document.createElement("label");
    label.className = "xref-filter";
    label.textContent = "Filter this letter ";
    var input = document.createElement("input");
    input.type = "search";
    input.placeholder = "part of a name";
    label.appendChild(input);
    var elsewhere = document.createElement("ul");
    elsewhere.className = "xref-elsewhere";
    elsewhere.hidden = true;
    list.parentNode.insertBefore(label, list);
    list.parentNode.insertBefore(elsewhere, list);
    var terms = Array.prototype.map.call(list.querySelectorAll("dt"), function (term) {
      return [term, term.querySelector(".xref-keyword").textContent.toLowerCase()];
    });
    var others = Array.prototype.map.call(
      document.querySelectorAll("nav.xref-parts a[href]"),
      function (link) { return link.getAttribute("href").split("#")[0].split("/").pop(); }
    );
    input.addEventListener("input", function () {
      var wanted = input.value.trim().toLowerCase();
      terms.forEach(function (pair) {
        var hidden = wanted !== "" && pair[1].indexOf(wanted) < 0;
        pair[0].hidden = hidden;
        var next = pair[0].nextElementSibling;
        while (next && next.tagName === "DD") { next.hidden = hidden; next = next.nextElementSibling; }
      });
      showElsewhere(wanted);
    });

    function showElsewhere(wanted) {
      elsewhere.textContent = "";
      elsewhere.hidden = true;
      if (!wanted || !others.length) { return; }
      withPages(function () {
        var hrefs = (pages || []).map(function (page) { return page[0]; }).filter(function (href) {
          return others.indexOf(href.split("/").pop()) >= 0;
        });
        hrefs.forEach(function (href) {
          withPart(href, function () {
            if (input.value.trim().toLowerCase() !== wanted) { return; }
            parts[href].forEach(function (row) {
              if (row[0].toLowerCase().indexOf(wanted) < 0 || elsewhere.children.length >= 50) { return; }
              var item = document.createElement("li");
              var link = document.createElement("a");
              link.href = entryHref(href, row[0]);
              link.textContent = row[0];
              item.appendChild(link);
              item.appendChild(document.createTextNode(" (another page of this letter)"));
              elsewhere.appendChild(item);
              elsewhere.hidden = false;
            });
          });
        });
      });
    }
  }

  /* --- a keyword entry's links to references --------------------------------------- */

  // Links each definition of a keyword page's entries to its references on the symbol page
  // (data-references), "#<file key>/<symbol anchor>" from the definition's own link
  // (…/<file key>_docs.html#<symbol anchor>). The symbol page needs this script to draw
  // anything, so the script makes the link, not the page: one a definition, 22 MiB of
  // a 20,000-file site's keyword pages.
  function referenceLinks(list) {
    var symbolPage = list.getAttribute("data-references");
    list.querySelectorAll("ul.xref-defs > li").forEach(function (item) {
      var link = item.querySelector("a");
      var match = link && link.href.indexOf(top) === 0 &&
        /^(.*)_docs\.html#(sym-.+)$/.exec(link.href.slice(top.length));
      if (!match) { return; }
      var references = document.createElement("a");
      references.className = "xref-references";
      references.href = symbolPage + "#" + match[1] + "/" + match[2];
      references.textContent = "references";
      item.appendChild(document.createTextNode(" "));
      item.appendChild(references);
    });
  }

  /* --- a keyword entry's links to its lines of use --------------------------------- */

  // A file's uses in a keyword's entry are its name, linked to its page, then the numbers
  // of its lines (site/render.py, use_lines): each number becomes a link to its line there,
  // once its file comes near the screen (commands/check.py reads the same links). Written
  // as links, each number repeated its file's path: half of the keywords' own pages on
  // NumPy x10.
  function linkLines(item) {
    var file = item.querySelector("a[href]");
    if (!file) { return; }
    var page = file.getAttribute("href").split("#")[0];
    var walker = document.createTreeWalker(item, NodeFilter.SHOW_TEXT);
    var texts = [];
    while (walker.nextNode()) {
      var text = walker.currentNode;
      if (!text.parentNode.closest("a") && /[0-9]/.test(text.data)) { texts.push(text); }
    }
    texts.forEach(function (text) {
      var pieces = document.createDocumentFragment();
      text.data.split(/([0-9]+)/).forEach(function (piece, at) {
        if (at % 2) {
          var link = document.createElement("a");
          link.setAttribute("href", page + "#L" + piece);
          link.textContent = piece;
          pieces.appendChild(link);
        } else if (piece) {
          pieces.appendChild(document.createTextNode(piece));
        }
      });
      text.parentNode.replaceChild(pieces, text);
    });
  }

  function lineLinks(list) {
    var items = list.querySelectorAll("ul.xref-uses > li");
    if (!("IntersectionObserver" in window)) { items.forEach(linkLines); return; }
    var watcher = new IntersectionObserver(function (seen) {
      seen.forEach(function (change) {
        if (!change.isIntersecting) { return; }
        watcher.unobserve(change.target);
        linkLines(change.target);
      });
    }, { rootMargin: "100% 0px" });
    items.forEach(function (item) { watcher.observe(item); });
  }

  /* --- start ------------------------------------------------------------------------ */

  function start() {
    var box = document.getElementById("xt-kw-input");
    if (box) { keywordBox(box); keywordFromAddress(box); }
    document.querySelectorAll("dl.xref-kwindex").forEach(function (list) {
      if (list.hasAttribute("data-references")) { referenceLinks(list); }
      lineLinks(list);
      // A-Z pages only: a keyword's own page holds one entry.
      if (list.querySelectorAll("dt").length > 1) { letterFilter(list); }
    });
    if (document.querySelector(".xref-source")) {
      var touched = false;
      document.addEventListener("mouseover", function (event) {
        var link = nameOf(event);
        if (!link || link === cardFor) { return; }
        clearTimeout(timer);
        timer = setTimeout(function () { showCard(link); }, 350);
      });
      document.addEventListener("mouseout", function (event) {
        var link = nameOf(event);
        if (!link) { return; }
        clearTimeout(timer);
        var to = event.relatedTarget;
        if (card && to && card.contains(to)) { return; }
        timer = setTimeout(hideCard, 300);
      });
      document.addEventListener("focusin", function (event) {
        var link = nameOf(event);
        // A tap focuses the name before its click: the click decides (below).
        if (link) { if (!touched) { showCard(link); } } else if (!card || !card.contains(event.target)) { hideCard(); }
      });
      document.addEventListener("keydown", function (event) {
        touched = false;
        if (event.key === "Escape") { hideCard(); }
      });
      // A tap has no hover: the first tap on a name shows its card, a second one (or the
      // card's links) goes on; a tap elsewhere closes the card.
      document.addEventListener("pointerdown", function (event) { touched = event.pointerType === "touch"; });
      document.addEventListener("click", function (event) {
        var link = nameOf(event);
        if (link && touched && (cardFor !== link || !card || card.hidden)) {
          event.preventDefault();
          clearTimeout(timer);
          showCard(link);
        } else if (!link && card && !card.contains(event.target)) {
          hideCard();
        }
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
