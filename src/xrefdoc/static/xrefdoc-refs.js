/* The symbol page (references.html): one definition, named by the address's hash as
   "<file key>/<symbol anchor>" (site/symbol_data.py), with its kind, signature and docstring,
   then every reference by area and file, each with its line of code and the definition
   around it. The data is the definition's file's two scripts, _xref/sym/<key>.js and
   _xref/refs/<key>.js, and the shared lists of textual matches its references name,
   _xref/text/<id>.js, loaded by xrefdoc.js's loader (scripts, so it works from file://).
   Long lists are drawn a chunk at a time; the filter narrows them by path and code. */
(function () {
  "use strict";

  var root = document.documentElement.dataset.content_root || "";
  var AREAS = ["Source", "Tests", "Docs and examples", "Other"];
  var FIRST_CHUNK = 200, CHUNK = 500;
  var TEXTUAL = "textual match: the name is the same, the definition meant is not known";
  var place = document.getElementById("xref-symbol");

  function element(tag, className, text) {
    var made = document.createElement(tag);
    if (className) { made.className = className; }
    if (text !== undefined) { made.textContent = text; }
    return made;
  }

  function link(href, text, className) {
    var made = element("a", className, text);
    made.href = href;
    return made;
  }

  function plural(count, word) {
    return count.toLocaleString("en") + " " + word + (count === 1 ? "" : "s");
  }

  function decoded(text) {
    try { return decodeURIComponent(text); } catch (e) { return text; }
  }

  // "#<quoted key>/<anchor>": an anchor has no "/", so the last one splits them.
  function target() {
    var hash = location.hash.slice(1);
    var cut = hash.lastIndexOf("/");
    if (cut <= 0) { return null; }
    return { key: hash.slice(0, cut), anchor: decoded(hash.slice(cut + 1)) };
  }

  function status(parts) {
    place.textContent = "";
    var line = element("p", "xref-symbol-status");
    parts.forEach(function (part) {
      line.appendChild(typeof part === "string" ? document.createTextNode(part) : part);
    });
    place.appendChild(line);
  }

  var filePage = window.xrefdocFilePage;  // xrefdoc.js, loaded before this script

  // Each show() draws only if no later one began: the data of a definition left behind
  // (a click, then another, before the first's data was loaded) must not draw over it.
  var shown = 0;

  function show() {
    var ticket = ++shown;
    var wanted = target();
    if (!wanted) {
      var index = document.querySelector(".xref-crumbs a[href$='keywords.html']");
      status(["Name a definition after # in the address: a name's card and its entry in the ",
        link(index ? index.href : root + "keywords.html", "keyword index"), " link here."]);
      return;
    }
    status(["Loading…"]);
    window.xrefdocFileData("sym", wanted.key, function (sym) {
      if (ticket !== shown) { return; }
      if (!sym) {
        status(["No file ", element("code", "", decoded(wanted.key)), " has definitions in this site: ",
          "the link is older than the site, or mistyped."]);
        return;
      }
      var row = sym.d[wanted.anchor];
      if (!row) { unknown(sym, wanted.anchor); return; }
      place.textContent = "";
      head(sym, wanted.anchor, row);
      var list = element("div", "xref-refs");
      list.appendChild(element("p", "xref-symbol-status", "Loading the references…"));
      place.appendChild(list);
      window.xrefdocFileData("refs", wanted.key, function (refs) {
        if (ticket !== shown) { return; }
        if (!refs || !refs.d[wanted.anchor]) {
          list.textContent = "";
          list.appendChild(element("p", "xref-symbol-status", "The references of this file could not be loaded."));
          return;
        }
        withReferences(refs, wanted.anchor, function (found) {
          if (ticket !== shown) { return; }
          var hierarchy = refs.h[wanted.anchor];
          if (hierarchy) { place.insertBefore(hierarchies(refs, hierarchy, found), list); }
          references(list, found.rows, row, found.missing);
        });
      });
    });
  }

  // A stale link: the file is known but not this definition. Its definitions of the same
  // name are offered, else the file's page.
  function unknown(sym, anchor) {
    var name = anchor.replace(/^sym-/, "").replace(/~\d+$/, "").split(".").pop();
    status(["No definition ", element("code", "", anchor), " in ", link(filePage(sym.k), sym.path),
      " in this build: the link is older than the site, or mistyped."]);
    var same = Object.keys(sym.d).filter(function (other) { return sym.d[other][10] === name; });
    if (same.length) {
      var list = element("ul", "xref-symbol-others");
      same.forEach(function (other) {
        var item = element("li");
        item.appendChild(link("#" + sym.k + "/" + other, sym.d[other][0]));
        item.appendChild(document.createTextNode(" (" + sym.d[other][1] + ", line " + sym.d[other][2] + ")"));
        list.appendChild(item);
      });
      place.appendChild(element("p", "", "Definitions of " + name + " in this file:"));
      place.appendChild(list);
    }
  }

  function head(sym, anchor, row) {
    var qualname = row[0];
    document.title = "References of " + qualname;
    var heading = document.querySelector("div.body h1");
    if (heading) {
      heading.textContent = "References of ";
      heading.appendChild(element("code", "", row[9]));
    }
    var box = element("div", "xref-symbol-head");
    var title = element("p", "xref-symbol-title");
    title.appendChild(element("span", "xref-kind", row[1] + " "));
    var name = link(filePage(sym.k, row[2]), "");
    name.appendChild(element("code", "", qualname));
    title.appendChild(name);
    box.appendChild(title);
    var where = element("p", "xref-symbol-where");
    where.appendChild(document.createTextNode("Defined in "));
    where.appendChild(link(filePage(sym.k, row[2]), sym.path + ":" + row[2]));
    if (row[3] > row[2]) { where.appendChild(document.createTextNode("–" + row[3])); }
    where.appendChild(document.createTextNode(" · "));
    where.appendChild(link(filePage(sym.k) + "#" + anchor, "symbol link"));
    box.appendChild(where);
    if (row[4]) {
      var signature = element("pre", "xref-symbol-signature");
      signature.appendChild(element("code", "", row[4]));
      box.appendChild(signature);
    }
    if (row[5]) { box.appendChild(element("p", "xref-symbol-doc", row[5])); }
    place.appendChild(box);
  }

  // A definition's references and callers, whole: those of its file's data, and those of
  // the shared lists of textual matches it names (a match that may mean many definitions
  // is listed once, in its keyword's list). ``callback({rows, callers, missing})``: rows
  // as {file: [path, area(, key)], line, textual, text, column, length, around: [anchor,
  // qualname] or null}, one per line and kind, in the data's order: area, then file
  // (files with an exact reference first), exact before textual, line; callers as
  // {file, around, lines, exact}, exact ones first, then by file and first line; missing:
  // how many lists could not be loaded.
  function withReferences(refs, anchor, callback) {
    var ids = (refs.t && refs.t[anchor]) || [];
    var lists = [], missing = 0, pending = ids.length + 1;
    function arrived() {
      if (--pending) { return; }
      lists = lists.filter(Boolean);
      callback({ rows: merged(refs, anchor, lists), callers: mergedCallers(refs, anchor, lists), missing: missing });
    }
    ids.forEach(function (id, at) {
      window.xrefdocFileData("text", id, function (list) {
        if (list) { lists[at] = list; } else { missing++; }
        arrived();
      });
    });
    arrived();
  }

  function rowsOf(data, rows) {
    return rows.map(function (r) {
      return { file: data.p[r[0]], line: r[1], textual: r[2], text: r[3], column: r[4],
        length: r[5], around: r[6] >= 0 ? data.e[r[6]] : null };
    });
  }

  function merged(refs, anchor, lists) {
    var rows = rowsOf(refs, refs.d[anchor]);
    if (!lists.length) { return rows; }  // in order already
    var seen = new Set(rows.map(function (r) { return r.file[0] + ":" + r.line + ":" + r.textual; }));
    lists.forEach(function (list) {
      rowsOf(list, list.d).forEach(function (r) {
        var key = r.file[0] + ":" + r.line + ":" + r.textual;
        if (!seen.has(key)) { seen.add(key); rows.push(r); }
      });
    });
    var exactFiles = new Set();
    rows.forEach(function (r) { if (!r.textual) { exactFiles.add(r.file[0]); } });
    function rank(r) { return exactFiles.has(r.file[0]) ? 0 : 1; }
    return rows.sort(function (a, b) {
      return a.file[1] - b.file[1] || rank(a) - rank(b) ||
        (a.file[0] < b.file[0] ? -1 : a.file[0] > b.file[0] ? 1 : 0) ||
        a.textual - b.textual || a.line - b.line;
    });
  }

  function callsOf(data, calls) {
    return calls.map(function (c) {
      return { file: data.p[c[0]], around: c[1] >= 0 ? data.e[c[1]] : null, lines: c[2], exact: c[3] };
    });
  }

  function mergedCallers(refs, anchor, lists) {
    var h = refs.h[anchor] || {};
    var calls = callsOf(refs, h.c || []);
    if (!h.l || !lists.length) { return calls; }
    var exact = calls.filter(function (c) { return c.exact; });
    var textual = new Map();
    function group(c) { return c.file[0] + "\n" + (c.around ? c.around[0] : ""); }
    calls.forEach(function (c) { if (!c.exact) { textual.set(group(c), c); } });
    lists.forEach(function (list) {
      callsOf(list, list.c || []).forEach(function (c) {
        var same = textual.get(group(c));
        if (!same) { textual.set(group(c), c); return; }
        same.lines = Array.from(new Set(same.lines.concat(c.lines))).sort(function (a, b) { return a - b; });
      });
    });
    return exact.concat(Array.from(textual.values()).sort(function (a, b) {
      return (a.file[0] < b.file[0] ? -1 : a.file[0] > b.file[0] ? 1 : 0) || a.lines[0] - b.lines[0];
    }));
  }

  // The references, filtered by the box, drawn a chunk at a time: area sections, file
  // headings and lines follow the rows' order.
  function references(list, rows, row, missing) {
    list.textContent = "";
    var heading = element("h2", "", "References ");
    var total = element("span", "xref-count");
    heading.appendChild(total);
    list.appendChild(heading);
    if (missing) {
      list.appendChild(element("p", "xref-symbol-status", plural(missing, "list") +
        " of textual matches could not be loaded; the references below are without them."));
    }
    if (!rows.length) {
      total.textContent = "(none)";
      list.appendChild(element("p", "", "Nothing in this tree uses " + row[0] + "."));
      return;
    }
    var label = element("label", "xref-filter", "Filter ");
    var input = element("input");
    input.type = "search";
    input.placeholder = "path or code";
    input.setAttribute("aria-controls", "xref-refs-groups");
    label.appendChild(input);
    list.appendChild(label);
    var groups = element("div", "xref-refs-groups");
    groups.id = "xref-refs-groups";
    list.appendChild(groups);
    var lower = rows.map(function (r) { return (r.file[0] + "\n" + r.text).toLowerCase(); });

    function draw() {
      var wanted = input.value.trim().toLowerCase();
      var shown = rows.filter(function (r, at) { return !wanted || lower[at].indexOf(wanted) >= 0; });
      var exact = shown.filter(function (r) { return !r.textual; }).length;
      total.textContent = "(" + plural(shown.length, "reference") +
        (shown.length - exact ? ", " + (shown.length - exact) + " textual" : "") +
        (wanted ? " of " + rows.length : "") + ")";
      groups.textContent = "";
      if (!shown.length) {
        groups.appendChild(element("p", "xref-symbol-status", "No reference matches " + input.value.trim() + "."));
        return;
      }
      var areaCounts = {}, fileCounts = {};
      shown.forEach(function (r) {
        var area = r.file[1];
        areaCounts[area] = (areaCounts[area] || 0) + 1;
        fileCounts[r.file[0]] = (fileCounts[r.file[0]] || 0) + 1;
      });
      var drawn = 0, section = null, lines = null, file = null, area = -1;
      function more(count) {
        var end = Math.min(shown.length, drawn + count);
        for (; drawn < end; drawn++) {
          var r = shown[drawn];
          var info = r.file;
          if (info[1] !== area) {
            area = info[1];
            section = element("section", "xref-area");
            var title = element("h3", "", AREAS[area] + " ");
            title.appendChild(element("span", "xref-count", "(" + areaCounts[area] + ")"));
            section.appendChild(title);
            groups.appendChild(section);
            file = null;
          }
          if (info[0] !== file) {
            file = info[0];
            var fileTitle = element("h4", "xref-ref-file");
            fileTitle.appendChild(link(filePage(info[2] || info[0]), info[0]));
            fileTitle.appendChild(element("span", "xref-count", " (" + fileCounts[file] + ")"));
            section.appendChild(fileTitle);
            lines = element("ol", "xref-ref-lines");
            section.appendChild(lines);
          }
          lines.appendChild(reference(r));
        }
        var button = groups.querySelector(".xref-more-refs");
        if (button) { button.remove(); }
        if (drawn < shown.length) {
          button = element("button", "xref-more-refs", "Show " + Math.min(CHUNK, shown.length - drawn) +
            " more (" + (shown.length - drawn) + " left)");
          button.type = "button";
          button.addEventListener("click", function () { more(CHUNK); });
          groups.appendChild(button);
        }
      }
      more(FIRST_CHUNK);
    }

    var pending = 0;
    input.addEventListener("input", function () {
      clearTimeout(pending);
      pending = setTimeout(draw, 120);
    });
    draw();
  }

  /* --- call and type hierarchies (site/hierarchy_data.py) ----------------------------- */

  var LIST_CAP = 100;
  // A caller's call lines shown before "Show more" (a test may call a function 400 times).
  var CALL_LINES = 5;

  function keyOf(refs, file) { var info = refs.p[file]; return info[2] || info[0]; }

  function definitionLink(refs, file, anchor, qualname) {
    return definitionLinkIn(keyOf(refs, file), anchor, qualname);
  }

  function definitionLinkIn(key, anchor, qualname) {
    var go = link("#" + key + "/" + anchor, "");
    go.appendChild(element("code", "", qualname));
    return go;
  }

  // " textual", marked; null for an exact edge.
  function textualMark(exact) {
    if (exact) { return null; }
    var both = document.createDocumentFragment();
    both.appendChild(document.createTextNode(" "));
    var mark = element("span", "xref-ref-mark", "textual");
    mark.title = TEXTUAL;
    both.appendChild(mark);
    return both;
  }

  // A list drawn ``first`` items (LIST_CAP unless told), then ten times as many a click.
  function cappedList(tag, className, items, draw, first) {
    var list = element(tag, className);
    var drawn = 0;
    var step = first || LIST_CAP;
    function more() {
      var end = Math.min(items.length, drawn + (drawn ? 10 * step : step));
      for (; drawn < end; drawn++) { list.appendChild(draw(items[drawn])); }
      var old = list.querySelector(":scope > .xref-more-item");
      if (old) { old.remove(); }
      if (drawn < items.length) {
        var item = element("li", "xref-more-item");
        var button = element("button", "xref-more-refs", "Show " + (items.length - drawn) + " more");
        button.type = "button";
        button.addEventListener("click", more);
        item.appendChild(button);
        list.appendChild(item);
      }
    }
    more();
    return list;
  }

  function section(title, count) {
    var box = element("section", "xref-hierarchy");
    var heading = element("h2", "", title + " ");
    heading.appendChild(element("span", "xref-count", "(" + count + ")"));
    box.appendChild(heading);
    return box;
  }

  // The callers of a definition (``calls``, see withReferences), each with its call lines
  // and their code (from ``rows``, its references), expandable into its own callers.
  function callerList(calls, rows) {
    var byLine = {};
    rows.forEach(function (r) { byLine[r.file[0] + ":" + r.line] = r; });
    return cappedList("ul", "xref-calls", calls, function (call) {
      var item = element("li", "xref-call");
      var line = element("div", "xref-call-head");
      var key = call.file[2] || call.file[0], around = call.around;
      if (around) {
        line.appendChild(expander(function (into) {
          window.xrefdocFileData("refs", key, function (theirs) {
            if (!theirs || !theirs.d[around[0]]) {
              into.appendChild(element("p", "xref-symbol-status", "Its data could not be loaded."));
              return;
            }
            withReferences(theirs, around[0], function (found) {
              into.appendChild(found.callers.length ? callerList(found.callers, found.rows) :
                element("p", "xref-symbol-status", "No callers."));
            });
          });
        }));
        line.appendChild(definitionLinkIn(key, around[0], around[1]));
      } else {
        line.appendChild(element("code", "", "<module>"));
      }
      line.appendChild(element("span", "xref-call-where", " " + call.file[0]));
      var mark = textualMark(call.exact);
      if (mark) { line.appendChild(mark); }
      item.appendChild(line);
      var lines = cappedList("ol", "xref-ref-lines", call.lines, function (number) {
        var r = byLine[call.file[0] + ":" + number];
        return r ? reference(r, true) : lineOnly(key, number);
      }, CALL_LINES);
      item.appendChild(lines);
      return item;
    });
  }

  // The callees of a definition, each with the lines that call it, expandable into its
  // own callees (its file's data).
  function calleeList(refs, here, callees) {
    return cappedList("ul", "xref-calls", callees, function (call) {
      var item = element("li", "xref-call");
      var line = element("div", "xref-call-head");
      line.appendChild(expander(function (into) {
        window.xrefdocFileData("refs", keyOf(refs, call[0]), function (theirs) {
          var more = theirs && theirs.h[call[1]] && theirs.h[call[1]].o;
          into.appendChild(more ? calleeList(theirs, keyOf(refs, call[0]), more) :
            element("p", "xref-symbol-status", theirs ? "Calls nothing in this tree." : "Its data could not be loaded."));
        });
      }));
      line.appendChild(definitionLink(refs, call[0], call[1], call[2]));
      var where = element("span", "xref-call-where", " line ");
      call[3].forEach(function (number, at) {
        if (at) { where.appendChild(document.createTextNode(", ")); }
        where.appendChild(link(filePage(here, number), String(number)));
      });
      line.appendChild(where);
      var mark = textualMark(call[4]);
      if (mark) { line.appendChild(mark); }
      item.appendChild(line);
      return item;
    });
  }

  // A button that shows one more level below its item, drawn by ``fill`` the first time.
  function expander(fill) {
    var button = element("button", "xref-expand", "▸");
    button.type = "button";
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-label", "Show one more level");
    var box = null;
    button.addEventListener("click", function () {
      var item = button.closest("li");
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", String(open));
      button.textContent = open ? "▾" : "▸";
      if (!box) {
        box = element("div", "xref-expanded");
        item.appendChild(box);
        fill(box);
      }
      box.hidden = !open;
    });
    return button;
  }

  function lineOnly(key, number) {
    var item = element("li", "xref-ref");
    item.appendChild(link(filePage(key, number), String(number), "xref-ref-number"));
    return item;
  }

  function hierarchies(refs, h, found) {
    var box = element("div", "xref-hierarchies");
    var here = refs.k;
    if (h.v) {
      var overrides = element("p", "xref-overrides", "Overrides ");
      overrides.appendChild(definitionLink(refs, h.v[0], h.v[1], h.v[2]));
      box.appendChild(overrides);
    }
    if (h.b) {
      var bases = element("p", "xref-bases", "Bases: ");
      h.b.forEach(function (base, at) {
        if (at) { bases.appendChild(document.createTextNode(", ")); }
        bases.appendChild(base[0] >= 0 ? definitionLink(refs, base[0], base[1], base[2]) :
          element("code", "", base[2]));
        var mark = base[0] >= 0 ? textualMark(base[3]) : null;
        if (mark) { bases.appendChild(mark); }
      });
      box.appendChild(bases);
    }
    if (h.s) {
      var subclasses = section("Subclasses", h.s.length);
      subclasses.appendChild(cappedList("ul", "xref-subclasses", h.s, function (sub) {
        var item = element("li");
        item.style.paddingLeft = Math.min(sub[0] - 1, 8) * 1.2 + "em";
        item.appendChild(definitionLink(refs, sub[1], sub[2], sub[3]));
        item.appendChild(element("span", "xref-call-where", " " + refs.p[sub[1]][0]));
        var mark = textualMark(sub[4]);
        if (mark) { item.appendChild(mark); }
        return item;
      }));
      box.appendChild(subclasses);
    }
    if (h.i) {
      var overridden = section("Overridden in", h.i.length);
      overridden.appendChild(cappedList("ul", "xref-overridden", h.i, function (method) {
        var item = element("li");
        item.appendChild(definitionLink(refs, method[0], method[1], method[2]));
        item.appendChild(element("span", "xref-call-where", " " + refs.p[method[0]][0]));
        return item;
      }));
      box.appendChild(overridden);
    }
    if (found.callers.length) {
      var called = section("Called by", found.callers.length);
      called.appendChild(callerList(found.callers, found.rows));
      box.appendChild(called);
    }
    if (h.o) {
      var calls = section("Calls", h.o.length);
      calls.appendChild(calleeList(refs, here, h.o));
      box.appendChild(calls);
    }
    return box;
  }

  function reference(r, inCall) {
    var key = r.file[2] || r.file[0];
    var item = element("li", r.textual ? "xref-ref xref-ref-textual" : "xref-ref");
    item.appendChild(link(filePage(key, r.line), String(r.line), "xref-ref-number"));
    var code = element("code", "xref-ref-code");
    var text = r.text, column = r.column, length = r.length;
    if (column >= 0) {
      code.appendChild(document.createTextNode(text.slice(0, column)));
      code.appendChild(element("mark", "", text.slice(column, column + length)));
      code.appendChild(document.createTextNode(text.slice(column + length)));
    } else {
      code.textContent = text;
    }
    item.appendChild(code);
    var notes = element("span", "xref-ref-notes");
    if (r.around && !inCall) {
      notes.appendChild(document.createTextNode("in "));
      var go = link("#" + key + "/" + r.around[0], "");
      go.appendChild(element("code", "", r.around[1]));
      notes.appendChild(go);
    }
    if (r.textual && !inCall) { notes.appendChild(textualMark(0)); }
    if (notes.firstChild) { item.appendChild(notes); }
    return item;
  }

  if (place && window.xrefdocFileData) {
    addEventListener("hashchange", function () { show(); scrollTo(0, 0); });
    show();
  }
})();
