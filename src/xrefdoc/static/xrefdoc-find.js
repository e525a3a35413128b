/* Finding a file or folder by name: the file finder (the key t, or the header's Files
   button), the files and folders that match a query on the search page, and the path
   matches the keyword box lists (xrefdoc.js asks window.xrefdocFind). The paths are loaded
   once, on first use, from _xref/paths.js: a script, since a page read from disk may run a
   script but not fetch a file. Also the footer's commit and the links to the forge, from
   _xref/build.js (the pages do not name the commit), and in a site of several versions the
   version switcher. Runs after xrefdoc.js and
   xrefdoc-lines.js (deferred, in that order) and uses their window.xrefdocLoad (the loader
   of _xref/ scripts), window.xrefdocOptions (↑ ↓ Enter over a list), window.xrefdocTyping
   (whether a key goes into a field) and window.xrefdocSelection (the selected lines). */
(function () {
  "use strict";

  var root = document.documentElement.dataset.content_root || "";
  var SHOWN = 50;        // results the finder renders
  var SEARCH_SHOWN = 20; // path matches shown above the search page's results

  /* --- the paths: _xref/paths.js ------------------------------------------------------ */

  // [{path, href, folder, lower, nameStart, name, bare}] once loaded: name is the lower-cased
  // own name (a folder's with its "/"), bare the same without the "/", made once here rather
  // than per path on every keystroke.
  var entries = null;
  var waiting = [];

  function encodePath(path) { return path.split("/").map(encodeURIComponent).join("/"); }

  window.xrefdocPaths = function (data) {
    var list = [];
    var pages = data.pages || {};
    (data.folders || []).forEach(function (row) {
      var folder = row[0];
      if (folder) {
        list.push(entry(folder + "/", encodePath(data.prefix + folder) + "/index.html", true));
      }
      row[1].forEach(function (name) {
        var path = folder ? folder + "/" + name : name;
        var href = pages[path] ? encodePath(pages[path]) : encodePath(data.prefix + path) + "_docs.html";
        list.push(entry(path, href, false));
      });
    });
    entries = list;
    var callbacks = waiting;
    waiting = [];
    callbacks.forEach(function (callback) { callback(); });
  };

  function entry(path, href, folder) {
    var nameStart = (folder ? path.slice(0, -1) : path).lastIndexOf("/") + 1;
    var lower = path.toLowerCase(), name = lower.slice(nameStart);
    return {
      path: path, href: root + href, folder: folder, lower: lower, nameStart: nameStart,
      name: name, bare: folder ? name.slice(0, -1) : name,
    };
  }

  function withPaths(callback) {
    if (entries) { callback(); return; }
    waiting.push(callback);
    if (waiting.length === 1) {
      window.xrefdocLoad("paths.js", function () { window.xrefdocPaths({ prefix: "", folders: [] }); });
    }
  }

  /* --- matching ------------------------------------------------------------------------ */

  // Where a word of a path starts: after a separator, or a capital after a small letter.
  function startsSegment(path, at) {
    if (at === 0) { return true; }
    var before = path.charAt(at - 1), here = path.charAt(at);
    if ("/_-. ".indexOf(before) >= 0) { return true; }
    return before === before.toLowerCase() && here !== here.toLowerCase();
  }

  // What a match at each character of a path earns before the order of the matches counts:
  // more at the start of a word, in the file's own name, most at the name's start. Worked
  // out once per path, on its first query, not again per keystroke and query character.
  function bonuses(item) {
    if (item.bonus) { return item.bonus; }
    var bonus = item.bonus = new Array(item.path.length);
    for (var j = 0; j < item.path.length; j++) {
      bonus[j] = 1 + (startsSegment(item.path, j) ? 3 : 0) + (j >= item.nameStart ? 2 : 0) +
        (j === item.nameStart ? 2 : 0);
    }
    return bonus;
  }

  // The fuzzy score of a path for a query (lower case, no spaces): null when the query's
  // characters are not all in the path in order. Each matched character earns more at the
  // start of a word of the path, in the file's own name, and right after the previous match;
  // a gap costs a little, a longer path a little. The best placement is found over all
  // placements (a small dynamic programme: query length x path length, in two rows).
  function fuzzyScore(query, item) {
    var text = item.lower, n = text.length, m = query.length;
    if (!m || m > n) { return null; }
    var k = 0;
    for (var j = 0; j < n && k < m; j++) { if (text.charAt(j) === query.charAt(k)) { k++; } }
    if (k < m) { return null; }
    var NONE = -1e9;
    var bonus = bonuses(item);
    var previous = new Array(n), current = new Array(n), swap;
    for (var i = 0; i < m; i++) {
      var run = NONE;
      var wanted = query.charAt(i);
      for (j = 0; j < n; j++) {
        if (i > 0 && j > 0) { run = Math.max(run - 0.05, previous[j - 1]); }
        if (text.charAt(j) !== wanted) { current[j] = NONE; continue; }
        if (i === 0) {
          current[j] = bonus[j];
        } else {
          var after = j > 0 ? previous[j - 1] + 3 : NONE;  // right after the previous match
          current[j] = Math.max(after, run) + bonus[j];
        }
      }
      swap = previous; previous = current; current = swap;
    }
    var best = NONE;
    for (j = 0; j < n; j++) { if (previous[j] > best) { best = previous[j]; } }
    if (best <= NONE / 2) { return null; }
    if (item.bare === query) { best += 10; } else if (item.bare.indexOf(query) === 0) { best += 5; }
    return best - n * 0.01;
  }

  function byScore(a, b) {
    return b.score - a.score || (a.item.path < b.item.path ? -1 : a.item.path > b.item.path ? 1 : 0);
  }

  // The paths the query's characters spell in order, best first.
  function fuzzy(query) {
    var wanted = query.toLowerCase().replace(/\s+/g, "");
    var found = [];
    (entries || []).forEach(function (item) {
      var score = fuzzyScore(wanted, item);
      if (score !== null) { found.push({ item: item, score: score }); }
    });
    return found.sort(byScore);
  }

  // The paths that hold every word of the query as it is written (case aside), the ones
  // whose own name holds them first: what a search for "README" or "shell_completion.py"
  // means, without the stray matches of the finder's fuzzy matching.
  function literal(query) {
    var words = query.toLowerCase().split(/\s+/).filter(Boolean);
    if (!words.length) { return []; }
    var found = [];
    (entries || []).forEach(function (item) {
      var name = item.name;
      var score = 0;
      for (var w = 0; w < words.length; w++) {
        var word = words[w];
        if (item.lower.indexOf(word) < 0) { return; }
        if (item.bare === word) { score += 100; }
        else if (name.indexOf(word) === 0) { score += 50; }
        else if (name.indexOf(word) >= 0) { score += 20; }
      }
      found.push({ item: item, score: score - item.path.length * 0.01 });
    });
    return found.sort(byScore);
  }

  // A file's path -> the href of its page, made on first use (by the search page's Code tab).
  var pageOfPath = null;

  function pageOf(path) {
    if (!pageOfPath) {
      pageOfPath = new Map();
      entries.forEach(function (item) { if (!item.folder) { pageOfPath.set(item.path, item.href); } });
    }
    return pageOfPath.get(path) || null;
  }

  window.xrefdocFind = {
    // callback(list of {path, href, folder}) with the first `limit` literal matches.
    paths: function (query, limit, callback) {
      withPaths(function () {
        callback(literal(query).slice(0, limit).map(function (found) { return found.item; }));
      });
    },
    // callback(pageOf), pageOf(path) the href of a file's page (null for a path of none).
    pages: function (callback) { withPaths(function () { callback(pageOf); }); },
  };

  function folderOf(item) {
    return item.path.slice(0, item.nameStart);
  }

  function nameOf(item) { return item.path.slice(item.nameStart); }

  // A result: the file's name, then its folder, smaller.
  function pathLink(item) {
    var link = document.createElement("a");
    link.href = item.href;
    var name = document.createElement("span");
    name.className = "xref-found-name";
    name.textContent = nameOf(item);
    link.appendChild(name);
    if (item.nameStart) {
      var folder = document.createElement("small");
      folder.textContent = " " + folderOf(item);
      link.appendChild(folder);
    }
    return link;
  }

  /* --- the file finder ------------------------------------------------------------------ */

  var finder = null;

  function makeFinder() {
    var dialog = document.createElement("dialog");
    dialog.className = "xref-finder";
    dialog.setAttribute("aria-label", "Find a file");
    var input = document.createElement("input");
    input.id = "xref-finder-input";
    input.type = "text";
    input.autocomplete = "off";
    input.spellcheck = false;
    input.placeholder = "Find a file: type part of its path";
    input.setAttribute("aria-label", "Find a file or folder");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", "xref-finder-list");
    input.setAttribute("aria-expanded", "true");
    var list = document.createElement("ul");
    list.id = "xref-finder-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Files and folders");
    var note = document.createElement("p");
    note.className = "xref-finder-note";
    note.setAttribute("aria-live", "polite");
    dialog.appendChild(input);
    dialog.appendChild(list);
    dialog.appendChild(note);
    document.body.appendChild(dialog);

    var options = window.xrefdocOptions(input, list);

    function render() {
      var query = input.value.trim();
      list.textContent = "";
      if (!query) {
        options.items = [];
        note.textContent = "Characters in order: “shcomp” finds shell_completion.py. " +
          "↑ ↓ to choose, Enter to open, Esc to close.";
        options.select(-1);
        return;
      }
      withPaths(function () {
        if (input.value.trim() !== query) { return; }
        var found = fuzzy(query);
        options.items = found.slice(0, SHOWN).map(function (match) { return match.item; });
        list.textContent = "";
        options.items.forEach(function (item, position) {
          var option = document.createElement("li");
          option.id = "xref-finder-" + position;
          option.setAttribute("role", "option");
          var link = pathLink(item);
          link.tabIndex = -1;
          option.appendChild(link);
          list.appendChild(option);
        });
        note.textContent = !found.length ? "No file or folder matches " + query :
          found.length > SHOWN ? SHOWN + " of " + found.length + " shown: keep typing" :
          found.length + (found.length === 1 ? " match" : " matches");
        options.select(options.items.length ? 0 : -1);
      });
    }

    input.addEventListener("input", render);
    // A click on the backdrop, outside the box, closes it.
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) { dialog.close(); }
    });
    return { dialog: dialog, input: input, render: render };
  }

  function openFinder() {
    if (!finder) { finder = makeFinder(); }
    if (!finder.dialog.open) { finder.dialog.showModal(); }
    finder.input.select();
    finder.render();
    withPaths(function () {});
  }

  /* --- files and folders on the search page ----------------------------------------------- */

  function searchPage(results) {
    var query = new URLSearchParams(location.search).get("q");
    if (!query || !query.trim()) { return; }
    withPaths(function () {
      var found = literal(query);
      if (!found.length) { return; }
      var section = document.createElement("section");
      section.className = "xref-path-results";
      section.setAttribute("aria-labelledby", "xref-path-results-title");
      var title = document.createElement("h2");
      title.id = "xref-path-results-title";
      title.textContent = "Files and folders";
      section.appendChild(title);
      var list = document.createElement("ul");
      found.slice(0, SEARCH_SHOWN).forEach(function (match) {
        var item = document.createElement("li");
        item.appendChild(pathLink(match.item));
        list.appendChild(item);
      });
      section.appendChild(list);
      if (found.length > SEARCH_SHOWN) {
        var more = document.createElement("p");
        more.textContent = (found.length - SEARCH_SHOWN) + " more: find them with the file finder (t)";
        section.appendChild(more);
      }
      results.parentNode.insertBefore(section, results);
    });
  }

  /* --- the commit and the links to the forge ----------------------------------------------- */

  // The pages never name the commit (a new one would rewrite them all): _xref/build.js,
  // loaded by start() on a page with a place for it (whatever the theme), calls xrefdocBuild
  // with it and with the link of a file's lines on the forge at that commit, as [text, field]
  // parts. Without it (or without JavaScript) the footer names no commit and the file page
  // has no link to the forge.
  var build = null;

  function forgeLink(path, first, last) {
    if (!build || !build.lines.length || path === null) { return ""; }
    var values = { path: path, line: first, end_line: last };
    return build.lines.map(function (part) {
      return part[0] + (part[1] ? values[part[1]] : "");
    }).join("");
  }

  function forgePath() {
    var facts = document.querySelector("dl[data-forge-path]");
    return facts ? facts.dataset.forgePath : null;
  }

  function showCommit() {
    document.querySelectorAll(".xt-built").forEach(function (place) {
      place.textContent = "";
      if (!build.commit) { return; }
      place.appendChild(document.createTextNode("built from commit "));
      var code = document.createElement("code");
      code.textContent = build.short;
      if (build.commit_url) {
        var link = document.createElement("a");
        link.href = build.commit_url;
        link.appendChild(code);
        place.appendChild(link);
      } else {
        place.appendChild(code);
      }
      place.appendChild(document.createTextNode((build.dirty ? " with uncommitted changes" : "") + " · "));
    });
  }

  // A row of the file page's facts, after the others: its term and its value (a dd of the
  // class ``className``), made again each time; none when ``term`` is "".
  function factsRow(facts, className, term) {
    var old = facts.querySelector("." + className);
    if (old) { facts.removeChild(old.previousElementSibling); facts.removeChild(old); }
    if (!term) { return null; }
    var title = document.createElement("dt");
    title.textContent = term;
    var row = document.createElement("dd");
    row.className = className;
    facts.appendChild(title);
    facts.appendChild(row);
    return row;
  }
  window.xrefdocFactsRow = factsRow;

  // The file page's "View on <forge>": the file at the commit, after its facts.
  function showFileOnForge() {
    var facts = document.querySelector("dl[data-forge-path]");
    if (!facts) { return; }
    var href = forgeLink(forgePath(), "{line}", "{end_line}").split("#")[0];
    var row = factsRow(facts, "xref-forge-row", href ? "Source" : "");
    if (!row) { return; }
    var link = document.createElement("a");
    link.className = "xref-forge";
    link.href = href;
    link.textContent = "View on " + build.forge;
    row.appendChild(link);
  }

  // The permalink bar of selected lines (xrefdoc-lines.js) gets a link to the same lines on the
  // forge, at the site's commit.
  window.xrefdocForgeLink = function (bar, first, last) {
    var href = forgeLink(forgePath(), first, last);
    var link = bar.querySelector("a.xref-forge-lines");
    if (!href) {
      if (link) { link.parentNode.removeChild(link); }
      return;
    }
    if (!link) {
      link = document.createElement("a");
      link.className = "xref-forge-lines";
      bar.appendChild(link);
    }
    link.textContent = "View on " + build.forge;
    link.href = href;
  };

  // xrefdoc-lines.js ran first and may have shown the bar (for #L5-L9 or a symbol's
  // anchor) before the data came.
  function forgeLinkOfShownBar() {
    var bar = document.querySelector(".xref-permalink");
    var picked = window.xrefdocSelection();
    if (!bar || bar.hidden || !picked) { return; }
    window.xrefdocForgeLink(bar, picked[0], picked[1]);
  }

  window.xrefdocBuild = function (data) {
    build = data;
    // For xrefdoc-history.js, which links commits to the forge, whenever it runs.
    window.xrefdocBuildData = data;
    if (window.xrefdocGitLinks) { window.xrefdocGitLinks(data); }
    showCommit();
    showFileOnForge();
    forgeLinkOfShownBar();
    if (data.version && !thisVersion) {
      thisVersion = data.version;
      noteMissing();
      window.xrefdocLoad("../../_versions.js");  // beside the versions' folders
    }
  };

  function loadBuild() {
    if (!document.querySelector(".xt-built, dl[data-forge-path]")) { return; }
    window.xrefdocLoad("build.js");
  }

  /* --- the versions of a multi-version site ----------------------------------------------- */

  // In a site of several versions (xrefdoc build --versions), _xref/build.js names this
  // one, and _versions.js, beside the versions' folders, lists them all, newest first. The
  // header gets a switcher that opens the same page in the version chosen, at the same
  // place (#L12, a symbol's anchor); where that version has no such file or folder, its
  // nearest folder that it has, which says so.
  var thisVersion = "";

  window.xrefdocVersions = function (data) {
    var tools = document.querySelector(".xt-tools");
    if (!tools || tools.querySelector(".xt-versions")) { return; }
    var label = document.createElement("label");
    label.className = "xt-versions";
    label.appendChild(document.createTextNode("Version "));
    var select = document.createElement("select");
    data.versions.forEach(function (version) {
      var option = document.createElement("option");
      option.value = version.name;
      option.textContent = version.name + " (" + version.date + ")";
      option.selected = version.name === thisVersion;
      select.appendChild(option);
    });
    select.addEventListener("change", function () { switchVersion(select.value); });
    label.appendChild(select);
    tools.insertBefore(label, tools.firstChild);
  };

  function switchVersion(name) {
    var top = new URL(root || "./", location.href).href;
    var page = decodeURIComponent(location.href.split("#")[0].split("?")[0].slice(top.length));
    var target = new URL("../" + encodeURIComponent(name) + "/", top).href;
    pagesOf(target, function (has) {
      var found = nearestPage(page || "index.html", has);
      var address = target + encodePath(found);
      if (found === (page || "index.html")) {
        address += symbolHash();
      } else {
        address += "?" + new URLSearchParams({ missing: page, from: thisVersion }).toString();
      }
      location.href = address;
    });
  }

  // Where the other version's page opens: at the definition the selected line is in (its
  // anchor, #sym-Group.invoke, names the symbol, not the line, so it survives lines that
  // moved between versions), else at the same hash.
  function symbolHash() {
    var match = /^#L(\d+)/.exec(location.hash);
    if (!match) { return location.hash; }
    for (var number = +match[1]; number > 0; number--) {
      var anchor = document.querySelector("#L" + number + " > [id^='sym-']");
      if (anchor) { return "#" + encodeURIComponent(anchor.id); }
    }
    return location.hash;
  }

  // What a version's _xref/paths.js says it has: {folders, pages} (each a Set), or null.
  function pagesOf(target, answer) {
    var saved = window.xrefdocPaths, script = document.createElement("script");
    window.xrefdocPaths = function (data) {
      window.xrefdocPaths = saved;
      var folders = new Set(), pages = new Set(), named = data.pages || {};
      (data.folders || []).forEach(function (row) {
        folders.add(row[0]);
        row[1].forEach(function (file) {
          var path = row[0] ? row[0] + "/" + file : file;
          pages.add(named[path] || data.prefix + path + "_docs.html");
        });
      });
      answer({ folders: folders, pages: pages });
    };
    script.onerror = function () { window.xrefdocPaths = saved; answer(null); };
    script.src = target + "_xref/paths.js";
    document.head.appendChild(script);
  }

  // ``page`` where the version has it, else the index page of its nearest folder there.
  function nearestPage(page, has) {
    if (!has) { return "index.html"; }
    var folder = null, file = /^(.*)_(docs|kw)\.html$/.exec(page);
    if (file) {
      if (has.pages.has(file[1] + "_docs.html")) { return page; }
      folder = file[1].split("/").slice(0, -1).join("/");
    } else if (/(^|\/)(index|doc)\.html$/.test(page)) {
      folder = page.split("/").slice(0, -1).join("/");
      if (has.folders.has(folder)) { return page; }
    } else {
      return page; // the keyword index, the search page: every version has them
    }
    while (folder && !has.folders.has(folder)) { folder = folder.split("/").slice(0, -1).join("/"); }
    return folder ? folder + "/index.html" : "index.html";
  }

  // Landed here from another version's page, or definition, that this version does not
  // have: say so.
  function noteMissing() {
    var address = new URLSearchParams(location.search), missing = address.get("missing");
    var body = document.querySelector("[role=main]");
    if (!body) { return; }
    var symbol = decodeURIComponent(location.hash.slice(1));
    if (!missing && symbol.slice(0, 4) === "sym-" && !document.getElementById(symbol)) {
      var gone = document.createElement("p");
      gone.className = "xref-version-note";
      gone.setAttribute("role", "status");
      gone.textContent = symbol.slice(4) + " is not in this version" +
        (thisVersion ? " (" + thisVersion + ")" : "") + " of the file.";
      body.insertBefore(gone, body.firstChild);
      return;
    }
    if (!missing) { return; }
    var note = document.createElement("p");
    note.className = "xref-version-note";
    note.setAttribute("role", "status");
    var what = missing.replace(/_(docs|kw)\.html$/, "").replace(/\/?(index|doc)\.html$/, "/");
    note.textContent = (what || "That page") + " is not in this version" +
      (thisVersion ? " (" + thisVersion + ")" : "") + "; this is the nearest folder it has" +
      (address.get("from") ? " (from " + address.get("from") + ")." : ".");
    body.insertBefore(note, body.firstChild);
  }

  /* --- start ------------------------------------------------------------------------------ */

  function start() {
    loadBuild();
    // The Files button, in the header's tools of xrefdoc's theme (it works only with this
    // script, so only it makes the button), or wherever another theme put one.
    var tools = document.querySelector(".xt-tools");
    if (tools && !document.querySelector(".xt-finder")) {
      var made = document.createElement("button");
      made.className = "xt-finder";
      made.type = "button";
      made.setAttribute("aria-keyshortcuts", "t");
      made.title = "Find a file by its path (t)";
      made.textContent = "Files";
      tools.appendChild(made);
    }
    document.querySelectorAll(".xt-finder").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", openFinder);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "t" || event.ctrlKey || event.metaKey || event.altKey) { return; }
      if (window.xrefdocTyping(event.target) || event.defaultPrevented) { return; }
      event.preventDefault();
      openFinder();
    });
    var results = document.getElementById("search-results");
    if (results) { searchPage(results); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
