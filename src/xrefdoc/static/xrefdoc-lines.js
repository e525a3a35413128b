/* xrefdoc's pages in the browser: line ranges (#L14-L20) and their permalinks, and the keys
   of every page (/ the keyword box, y the permalink, ? the list of keys). Loaded deferred
   right after xrefdoc.js, so it runs after it and before xrefdoc-find.js. It shares nothing
   with xrefdoc.js but the page (/ focuses the keyword box xrefdoc.js runs); it draws the
   permalink bar (.xref-permalink) that xrefdoc-find.js adds a forge link to, through
   window.xrefdocForgeLink when that is loaded, and xrefdoc-history.js who last changed the
   lines (window.xrefdocBlameBar), and gives xrefdoc-find.js
   window.xrefdocTyping and window.xrefdocSelection. */
(function () {
  "use strict";

  /* --- line ranges and permalinks ----------------------------------------------------- */

  var RANGE = /^#L(\d+)(?:-L?(\d+))?$/;

  // A line is an <li> with its id, the source's <ol>'s child (highlight.py); a symbol's anchor
  // (#sym-Group.invoke) is an empty span at the start of its definition's line.
  function lines() { return document.querySelectorAll(".xref-source ol > li"); }

  function symbolLine() {
    if (location.hash.slice(0, 5) !== "#sym-") { return null; }
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    var line = target && target.parentNode;
    return line && line.parentNode && line.parentNode.matches(".xref-source ol") ? line : null;
  }

  // The definition the page is at (#sym-Group.invoke), or "".
  function symbolAnchor() { return symbolLine() ? decodeURIComponent(location.hash.slice(1)) : ""; }
  // xrefdoc-history.js says what it knows of that definition in the bar.
  window.xrefdocSymbolAnchor = symbolAnchor;

  // The selected lines: [first, last], from #L7, #L7-L9 or a symbol's anchor; null if none.
  function selection() {
    var match = RANGE.exec(location.hash);
    if (match) {
      var first = +match[1], last = match[2] ? +match[2] : first;
      return first <= last ? [first, last] : [last, first];
    }
    var line = symbolLine();
    return line ? [+line.id.slice(1), +line.id.slice(1)] : null;
  }
  // xrefdoc-find.js adds the forge link to a bar shown before its data came.
  window.xrefdocSelection = selection;

  // The first symbol anchor on a line, as "sym-Group.invoke", or "".
  function symbolOn(number) {
    var anchor = document.querySelector("#L" + number + " > [id^='sym-']");
    return anchor ? anchor.id : "";
  }

  function pageUrl() { return location.href.split("#")[0]; }

  // What y copies: the symbol's link when the page is at one, else the lines', else the page's.
  function permalink() {
    var picked = selection();
    if (symbolLine()) { return location.href; }
    return picked ? pageUrl() + "#L" + picked[0] + (picked[1] > picked[0] ? "-L" + picked[1] : "") : pageUrl();
  }

  function highlight() {
    lines().forEach(function (line) { line.classList.remove("xref-hl"); });
    var bar = document.querySelector(".xref-permalink");
    var picked = selection();
    if (!picked) { if (bar) { bar.hidden = true; } return; }
    var first = picked[0], last = picked[1];
    var match = RANGE.exec(location.hash);
    last = Math.min(last, lines().length);
    if (first > last) { return; }
    for (var number = first; number <= last; number++) {
      var line = document.getElementById("L" + number);
      if (line) { line.classList.add("xref-hl"); }
    }
    var start = document.getElementById("L" + first);
    if (!start) { return; }
    if (match && match[2]) { start.scrollIntoView({ block: "center" }); }
    permalinkBar(first, last);
  }

  function copyButton(label, link) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = label;
    button.addEventListener("click", function () {
      copy(link, function (done) {
        button.textContent = done ? "Copied" : "Copy failed";
        setTimeout(function () { button.textContent = label; }, 1500);
      });
    });
    return button;
  }

  // The selected lines, and a button for each permalink: the lines', and the symbol's when
  // the selection starts on a definition (a link by name survives edits above it).
  function permalinkBar(first, last) {
    var bar = statusBox("xref-permalink");
    bar.textContent = "";
    var label = document.createElement("span");
    label.textContent = first === last ? "Line " + first : "Lines " + first + "–" + last;
    bar.appendChild(label);
    var lineLink = pageUrl() + "#L" + first + (last > first ? "-L" + last : "");
    bar.appendChild(copyButton(first === last ? "Copy line link" : "Copy lines link", lineLink));
    var symbol = symbolOn(first);
    if (symbol) {
      var button = copyButton("Copy symbol link", pageUrl() + "#" + symbol);
      button.title = symbol.slice(4);
      bar.appendChild(button);
    }
    if (window.xrefdocForgeLink) { window.xrefdocForgeLink(bar, first, last); }
    if (window.xrefdocBlameBar) {
      window.xrefdocBlameBar(bar, first, last, symbolAnchor());
    }
    bar.hidden = false;
  }

  // The page's one box of a class, read out when it changes: made the first time.
  function statusBox(className) {
    var box = document.querySelector("." + className);
    if (!box) {
      box = document.createElement("div");
      box.className = className;
      box.setAttribute("role", "status");
      document.body.appendChild(box);
    }
    return box;
  }

  // A short note that something was done (y: the permalink was copied), read out too.
  function say(text) {
    var note = statusBox("xref-toast");
    note.textContent = text;
    note.hidden = false;
    clearTimeout(say.timer);
    say.timer = setTimeout(function () { note.hidden = true; }, 2000);
  }

  function copy(text, done) {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(false); });
      return;
    }
    var area = document.createElement("textarea");
    area.value = text;
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    area.remove();
    done(ok);
  }

  // A click on a line's number (its ::before, left of the code) selects the line, as a
  // link to it would; shift-click extends the selection into a range.
  function onLineNumber(event) {
    var line = event.target;
    if (!line.parentNode || !line.parentNode.matches || !line.parentNode.matches(".xref-source ol")) { return; }
    var gutter = parseFloat(getComputedStyle(line, "::before").width) || 0;
    if (event.clientX - line.getBoundingClientRect().left > gutter) { return; }
    event.preventDefault();
    var target = +line.id.slice(1);
    var picked = selection();
    if (!event.shiftKey || !picked) {
      location.hash = "#L" + target;  // a new entry in the history, as a link's click makes
      return;
    }
    var first = picked[0];
    var range = target === first ? "#L" + first :
      "#L" + Math.min(first, target) + "-L" + Math.max(first, target);
    history.replaceState(null, "", range);
    highlight();
  }

  /* --- keys: / the keyword box, y the permalink, ? the list of keys ----------------- */

  // The keys of every page; t (the file finder) is handled by its own code. Listed by ?.
  var KEYS = [
    ["/", "Jump to a keyword (the keyword box)"],
    ["t", "Find a file by name"],
    ["y", "Copy the permalink of this page, line or symbol"],
    ["?", "Show these keys"],
    ["Esc", "Close a list, card or this box"],
  ];

  // Whether a key goes into a field (then it is no shortcut); xrefdoc-find.js asks it too.
  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }
  window.xrefdocTyping = typing;

  function keyList() {
    var box = document.getElementById("xref-keys");
    if (box) { return box; }
    box = document.createElement("dialog");
    box.id = "xref-keys";
    box.className = "xref-keys";
    box.setAttribute("aria-label", "Keyboard shortcuts");
    var title = document.createElement("h2");
    title.textContent = "Keyboard shortcuts";
    box.appendChild(title);
    var list = document.createElement("dl");
    KEYS.forEach(function (pair) {
      var key = document.createElement("dt");
      var kbd = document.createElement("kbd");
      kbd.textContent = pair[0];
      key.appendChild(kbd);
      var what = document.createElement("dd");
      what.textContent = pair[1];
      list.appendChild(key);
      list.appendChild(what);
    });
    box.appendChild(list);
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Close";
    close.addEventListener("click", function () { box.close(); });
    box.appendChild(close);
    box.addEventListener("click", function (event) { if (event.target === box) { box.close(); } });
    document.body.appendChild(box);
    return box;
  }

  // Registered on window in the capture phase: Sphinx's own "/" (which focuses its search
  // box and scrolls to the top) never sees the key.
  function onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    if (event.key === "/") {
      var box = document.getElementById("xt-kw-input");
      if (!box) { return; }
      event.preventDefault();
      event.stopImmediatePropagation();
      box.focus({ preventScroll: true });
    } else if (event.key === "y") {
      var link = permalink();
      copy(link, function (done) {
        say(done ? "Copied the permalink: " + link.split("/").pop() : "Could not copy the permalink");
      });
    } else if (event.key === "?") {
      event.preventDefault();
      var list = keyList();
      if (list.open) { list.close(); } else { list.showModal(); }
    }
  }

  /* --- start ------------------------------------------------------------------------ */

  function start() {
    addEventListener("keydown", onKey, true);
    if (document.querySelector(".xref-source")) {
      highlight();
      addEventListener("hashchange", highlight);
      document.addEventListener("click", onLineNumber);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
