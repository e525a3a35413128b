/* A file page's git data in the browser: the History row of its facts (the last commits that
   touched the file, from _xref/git/<key>.js) and, where the site was built with blame, who
   last changed each line (_xref/blame/<key>.js, loaded when asked: the Blame button, or the
   line-range bar's "Last changed"). Neither is in the page: a commit rewrites these small
   scripts, never the pages (site/git_data.py). Loaded deferred after xrefdoc-find.js, whose
   xrefdocBuild hands over the links to the forge (window.xrefdocGitLinks) and which makes
   the rows of the facts (window.xrefdocFactsRow), and
   xrefdoc-lines.js, whose bar asks window.xrefdocBlameBar. In a site of several versions,
   the bar at a definition says which version it came in (_xref/since/<key>.js, written by
   sphinx/versions.py). */
(function () {
  "use strict";

  var facts = document.querySelector("dl[data-forge-path]");
  if (!facts || !window.xrefdocLoad || !window.xrefdocUnpack) { return; }
  var unpack = window.xrefdocUnpack;  // the history and the blame come packed (xrefdoc.js)

  var root = document.documentElement.dataset.content_root || "";
  var top = new URL(root || "./", location.href).href;
  var here = location.href.split("#")[0].split("?")[0];
  if (here.indexOf(top) !== 0 || !/_docs\.html$/.test(here)) { return; }
  // The file's key (site/names.py): the page's address below the site, without _docs.html.
  var key = here.slice(top.length, -"_docs.html".length);

  var links = null;     // the forge's link of a commit, as [text, field] parts; [] for none
  var history = null;   // {commits: [[hash, time, author, subject]], blame}
  var blame = null;     // {commits, runs: [[commit, lines]], defs: {anchor: commit}}
  var since = null;     // in a site of several versions: {defs: {anchor: version}}
  var waitingForBlame = [];

  function sameKey(other) {
    try { return other === key || decodeURIComponent(other) === decodeURIComponent(key); } catch (e) { return false; }
  }

  function commitLink(hash) {
    if (!links || !links.length || !hash) { return ""; }
    return links.map(function (part) { return part[0] + (part[1] === "commit" ? hash : ""); }).join("");
  }

  function date(seconds) { return new Date(seconds * 1000).toISOString().slice(0, 10); }

  // A commit as a short hash (a link to the forge when one is known), its subject as title.
  function commitLabel(commit) {
    var code = document.createElement("code");
    // A line with no commit to name: not committed yet, or before a shallow clone's history.
    code.textContent = commit[0] ? commit[0].slice(0, 8) : commit[3].toLowerCase();
    var href = commitLink(commit[0]);
    var label = code;
    if (href) {
      label = document.createElement("a");
      label.href = href;
      label.appendChild(code);
    }
    if (commit[0]) { label.title = commit[3]; }
    return label;
  }

  // "abc12345 2024-05-01 Ann Author: subject", for a list or the bar.
  function describe(into, commit, withSubject) {
    into.appendChild(commitLabel(commit));
    if (!commit[0]) { return; }
    var when = document.createElement("time");
    when.dateTime = date(commit[1]);
    when.textContent = date(commit[1]);
    into.appendChild(document.createTextNode(" "));
    into.appendChild(when);
    into.appendChild(document.createTextNode(" " + commit[2] + (withSubject ? ": " + commit[3] : "")));
  }

  /* --- the History row ---------------------------------------------------------------- */

  function showHistory() {
    if (!history || links === null) { return; }
    var term = history.commits.length ? "History" : "";
    var row = window.xrefdocFactsRow(facts, "xref-history-row", term);
    if (!row) { return; }
    var details = document.createElement("details");
    details.className = "xref-history";
    var summary = document.createElement("summary");
    summary.appendChild(document.createTextNode("Last changed "));
    describe(summary, history.commits[0], false);
    var count = history.commits.length;
    summary.appendChild(document.createTextNode(" · last " + count + " commit" + (count === 1 ? "" : "s")));
    details.appendChild(summary);
    var list = document.createElement("ol");
    history.commits.forEach(function (commit) {
      var item = document.createElement("li");
      describe(item, commit, true);
      list.appendChild(item);
    });
    details.appendChild(list);
    row.appendChild(details);
    if (history.blame) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "xref-blame-toggle";
      button.textContent = "Blame";
      button.setAttribute("aria-pressed", "false");
      button.addEventListener("click", function () { toggleBlame(button); });
      row.appendChild(button);
    }
  }

  window.xrefdocHistory = function (data) {
    unpack(data).then(function (value) {
      if (!value || !sameKey(value.k)) { return; }
      history = value;
      showHistory();
      blameBarOfShownBar();
    }, function () {});
  };

  // xrefdoc-lines.js may have shown the bar (for #L5-L9 or a symbol's anchor) before the
  // history said whether the file has blame.
  function blameBarOfShownBar() {
    var bar = document.querySelector(".xref-permalink");
    var picked = window.xrefdocSelection && window.xrefdocSelection();
    if (!bar || bar.hidden || !picked) { return; }
    window.xrefdocBlameBar(bar, picked[0], picked[1], window.xrefdocSymbolAnchor());
  }

  // From xrefdoc-find.js, once _xref/build.js came: the forge's link of a commit, and the
  // version of a site of several (whose definitions say which version they came in).
  window.xrefdocGitLinks = function (build) {
    var first = links === null;
    links = build.commit_link || [];
    showHistory();
    if (!first) { return; }
    if (build.history) { window.xrefdocLoad("git/" + key + ".js"); }
    // Written for the files that define something (sphinx/versions.py).
    if (build.version && document.querySelector(".xref-source [id^='sym-']")) {
      window.xrefdocLoad("since/" + key + ".js");
    }
  };

  window.xrefdocSince = function (data) {
    if (!data || !sameKey(data.k)) { return; }
    since = data;
    blameBarOfShownBar();
  };

  /* --- blame -------------------------------------------------------------------------- */

  var blameUnpacked = null;  // the blame script's data, once inflated
  window.xrefdocBlame = function (data) {
    blameUnpacked = unpack(data).then(function (value) {
      if (value && sameKey(value.k)) { blame = value; }
    }, function () {});
  };

  function withBlame(callback) {
    if (blame) { callback(blame); return; }
    waitingForBlame.push(callback);
    if (waitingForBlame.length > 1) { return; }
    function arrived() {
      (blameUnpacked || Promise.resolve()).then(function () {
        var waiting = waitingForBlame;
        waitingForBlame = [];
        waiting.forEach(function (call) { call(blame); });
      });
    }
    window.xrefdocLoad("blame/" + key + ".js", arrived, arrived);
  }

  // The commit of each line: lines[n - 1].
  function lineCommits(data) {
    var lines = [];
    data.runs.forEach(function (run) {
      for (var at = 0; at < run[1]; at++) { lines.push(run[0]); }
    });
    return lines;
  }

  function toggleBlame(button) {
    var source = document.querySelector(".xref-source");
    if (!source) { return; }
    if (source.classList.contains("xref-blamed")) {
      source.classList.remove("xref-blamed");
      button.setAttribute("aria-pressed", "false");
      return;
    }
    button.disabled = true;
    withBlame(function (data) {
      button.disabled = false;
      if (!data) { button.textContent = "Blame could not be loaded"; return; }
      if (!source.querySelector(".xref-blame")) { drawBlame(source, data); }
      source.classList.add("xref-blamed");
      button.setAttribute("aria-pressed", "true");
    });
  }

  // A cell before each line: the commit, date and author on the first line of each run of
  // lines one commit last changed; runs alternate in shade.
  function drawBlame(source, data) {
    var commits = lineCommits(data);
    var lines = source.querySelectorAll("ol > li[id^='L']");
    var previous = -1, shade = false;
    for (var at = 0; at < lines.length; at++) {
      var line = lines[at];
      var number = +line.id.slice(1);
      var commit = commits[number - 1];
      var cell = document.createElement("span");
      cell.className = "xref-blame";
      cell.setAttribute("aria-hidden", "true");
      if (commit !== undefined && commit !== previous) {
        shade = !shade;
        describe(cell, data.commits[commit], false);
        previous = commit;
      }
      if (shade) { cell.classList.add("xref-blame-shade"); }
      line.insertBefore(cell, line.firstChild);
    }
  }

  // The line-range bar (xrefdoc-lines.js): at a definition, the version it came in (a site
  // of several versions); and who last changed the selected lines, or the definition, on a
  // click (a site with blame).
  window.xrefdocBlameBar = function (bar, first, last, anchor) {
    var old = bar.querySelector(".xref-blame-bar");
    if (old) { old.parentNode.removeChild(old); }
    var came = anchor && since && Object.prototype.hasOwnProperty.call(since.defs, anchor) ?
      since.defs[anchor] : "";
    if (!came && (!history || !history.blame)) { return; }
    var box = document.createElement("span");
    box.className = "xref-blame-bar";
    if (came) {
      var note = document.createElement("span");
      note.className = "xref-since";
      note.textContent = "Introduced in " + came;
      box.appendChild(note);
    }
    if (history && history.blame) { box.appendChild(lastChangeButton(box, first, last, anchor)); }
    bar.appendChild(box);
  };

  function lastChangeButton(box, first, last, anchor) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = "Last changed";
    button.addEventListener("click", function () {
      button.disabled = true;
      withBlame(function (data) {
        var shown = document.createElement("span");
        box.replaceChild(shown, button);
        if (!data) { shown.textContent = "Blame could not be loaded"; return; }
        var ofDefinition = anchor && Object.prototype.hasOwnProperty.call(data.defs, anchor);
        var newest = ofDefinition ? data.defs[anchor] : newestOf(data, first, last);
        if (newest === null) { return; }
        shown.appendChild(document.createTextNode(
          ofDefinition ? anchor.slice(4) + " last changed in " : "Last changed in "));
        describe(shown, data.commits[newest], true);
      });
    });
    return button;
  }

  function newestOf(data, first, last) {
    var commits = lineCommits(data), newest = null;
    for (var number = first; number <= last && number <= commits.length; number++) {
      var commit = commits[number - 1];
      if (newest === null || newer(data.commits[commit], data.commits[newest])) { newest = commit; }
    }
    return newest;
  }

  // Lines not committed yet are newer than any commit.
  function newer(commit, than) {
    if (!commit[0] || !than[0]) { return !commit[0] && !!than[0]; }
    return commit[1] > than[1] || (commit[1] === than[1] && commit[0] > than[0]);
  }

  if (window.xrefdocBuildData) { window.xrefdocGitLinks(window.xrefdocBuildData); }
})();
