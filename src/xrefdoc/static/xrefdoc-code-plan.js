/* Code search's planning (xrefdoc-code.js runs the search): the query box's filters and
   pattern, and the trigrams every match holds, so that only the posting shards of those
   are loaded. It follows xrefdoc.codesearch.query: the literals a pattern requires (here
   from JavaScript's regular expressions, without the u flag) and a few trigrams of each.
   The index only prunes: a part of a pattern not understood requires nothing, which
   costs reading more and never loses a match. Loaded on the search page only. */
(function () {
  "use strict";

  var MAX_TRIGRAMS = 16;      // trigrams looked up per alternative (query.MAX_TRIGRAMS)
  var MAX_ALTERNATIVES = 32;  // query._MAX_ALTERNATIVES

  var encoder = new TextEncoder();

  /* --- the query: filters, then the pattern ---------------------------------------------- */

  // path:X (the path holds X; all must), -path:X (it does not), lang:X (its language is
  // one of them, any case); the rest, trimmed, is the pattern.
  function parseQuery(text) {
    var query = { paths: [], notPaths: [], languages: [] };
    query.pattern = text.replace(/(^|\s)(-?path|lang):(\S+)/g, function (all, space, key, value) {
      if (key === "path") { query.paths.push(value); }
      else if (key === "-path") { query.notPaths.push(value); }
      else { query.languages.push(value.toLowerCase()); }
      return "";
    }).trim();
    return query;
  }

  /* --- planning: the literals every match holds ------------------------------------------- */

  // A requirement: null (nothing is required) or alternatives, each a list of literals
  // that a matching line holds all of (query.Requirement).
  function both(first, second) {
    if (first === null) { return second; }
    if (second === null) { return first; }
    if (first.length * second.length > MAX_ALTERNATIVES) {
      return first.length <= second.length ? first : second;
    }
    var out = [];
    first.forEach(function (a) {
      second.forEach(function (b) { out.push(unique(a.concat(b))); });
    });
    return out;
  }

  function unique(list) {
    return list.filter(function (item, at) { return list.indexOf(item) === at; }).sort();
  }

  function either(options) {
    var alternatives = [], keys = [];
    for (var i = 0; i < options.length; i++) {
      var option = normal(options[i]);
      if (option === null) { return null; }
      option.forEach(function (literals) {
        var key = JSON.stringify(literals);
        if (keys.indexOf(key) < 0) { keys.push(key); alternatives.push(literals); }
      });
    }
    return alternatives;
  }

  function normal(required) {
    if (required === null || required.some(function (literals) { return !literals.length; })) {
      return null;
    }
    return required;
  }

  // A run of literal characters as literals of 3 bytes or more: a lone surrogate (half a
  // character, as a quantifier may leave) has no UTF-8 of its own, so it splits the run.
  function literalsOf(run) {
    return run.split(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/)
      .filter(function (part) { return encoder.encode(part).length >= 3; });
  }

  // The regex as a tree (JavaScript syntax without the u flag): {or: [sequences]},
  // {seq: [items]}, {char: c}, {group: tree} (a plain or capturing group), {repeat: item,
  // min: n}, and {other: true} for anything that requires no literal here (a class, ".",
  // \w, an anchor, a lookaround, a backreference, an escape not known). The pattern is
  // valid (RegExp accepted it); what is not understood becomes "other", which only
  // prunes less.
  function parseRegex(source) {
    var at = 0;

    function alternation() {
      var branches = [sequence()];
      while (source.charAt(at) === "|") { at++; branches.push(sequence()); }
      return branches.length === 1 ? branches[0] : { or: branches };
    }

    function sequence() {
      var items = [];
      while (at < source.length && source.charAt(at) !== "|" && source.charAt(at) !== ")") {
        var item = atom();
        var min = quantifier();
        items.push(min === null ? item : { repeat: item, min: min });
      }
      return { seq: items };
    }

    // The least count of a quantifier at ``at`` (and past it), or null when there is none.
    function quantifier() {
      var c = source.charAt(at), min = null;
      if (c === "*" || c === "?") { min = 0; at++; }
      else if (c === "+") { min = 1; at++; }
      else if (c === "{") {
        var braces = /^\{(\d+)(?:,(\d*))?\}/.exec(source.slice(at));
        if (!braces) { return null; }
        min = +braces[1];
        at += braces[0].length;
      } else { return null; }
      if (source.charAt(at) === "?") { at++; }
      return min;
    }

    function atom() {
      var c = source.charAt(at++);
      if (c === "\\") { return escape(); }
      if (c === "[") { skipClass(); return { other: true }; }
      if (c === "(") { return group(); }
      if (c === "." || c === "^" || c === "$") { return { other: true }; }
      return { char: c };
    }

    function skipClass() {
      if (source.charAt(at) === "^") { at++; }
      while (at < source.length && source.charAt(at) !== "]") {
        at += source.charAt(at) === "\\" ? 2 : 1;
      }
      at++;
    }

    // A group: plain ((...), (?:...), (?<name>...)) or not (a lookaround, a modifier
    // group such as (?i:...)), whose text then requires nothing here.
    function group() {
      var plain = true;
      if (source.charAt(at) === "?") {
        var head = /^\?(:|<[^>=!]*>|<?[=!]|[a-zA-Z-]*:)/.exec(source.slice(at));
        if (!head) { throw new Error("a group not understood"); }
        at += head[0].length;
        plain = head[1] === ":" || /^<[^=!]/.test(head[1]);
      }
      var body = alternation();
      at++;  // the ")"
      return plain ? { group: body } : { other: true };
    }

    var CONTROL = { n: "\n", t: "\t", r: "\r", f: "\f", v: "\v" };

    function escape() {
      var c = source.charAt(at++);
      if (CONTROL[c]) { return { char: CONTROL[c] }; }
      var hex = c === "x" ? /^[0-9a-fA-F]{2}/.exec(source.slice(at)) :
        c === "u" ? /^[0-9a-fA-F]{4}/.exec(source.slice(at)) : null;
      if (hex) { at += hex[0].length; return { char: String.fromCharCode(parseInt(hex[0], 16)) }; }
      if (c === "0" && !/[0-9]/.test(source.charAt(at))) { return { char: "\0" }; }
      if (c === "k" && source.charAt(at) === "<") {
        var end = source.indexOf(">", at);
        at = end < 0 ? at : end + 1;
        return { other: true };
      }
      if (c === "c" && /[A-Za-z]/.test(source.charAt(at))) {
        return { char: String.fromCharCode(source.charCodeAt(at++) % 32) };
      }
      if (/[0-9]/.test(c)) {
        while (/[0-9]/.test(source.charAt(at))) { at++; }
        return { other: true };
      }
      // An escaped punctuation character is itself; an escaped letter not known above
      // (\d, \w, \s, \b and the rest) matches something else, or is not sure to.
      return /[A-Za-z0-9_]/.test(c) || !c ? { other: true } : { char: c };
    }

    return alternation();
  }

  // What a parsed tree requires (query._sequence and its callers).
  function required(node) {
    if (node.or) { return either(node.or.map(required)); }
    if (node.seq) { return sequenceRequirement(node.seq); }
    if (node.group) { return required(node.group); }
    if (node.repeat && node.min >= 1) { return required(node.repeat); }
    if (node.char) { return runRequirement(null, node.char); }
    return null;
  }

  function runRequirement(before, run) {
    return literalsOf(run).reduce(function (sum, literal) { return both(sum, [[literal]]); }, before);
  }

  function allChars(node) {
    return node.seq && node.seq.every(function (item) { return item.char !== undefined; });
  }

  function sequenceRequirement(items) {
    var result = null, run = "";
    items.forEach(function (item) {
      if (item.char !== undefined) { run += item.char; return; }
      if (item.group && allChars(item.group)) {
        item.group.seq.forEach(function (inner) { run += inner.char; });
        return;
      }
      result = runRequirement(result, run);
      run = "";
      if (item.group || item.or || (item.repeat && item.min >= 1)) {
        result = both(result, required(item));
      }
    });
    return runRequirement(result, run);
  }

  function requirement(query) {
    if (!query.regex) { return normal(runRequirement(null, query.pattern)); }
    try {
      return normal(required(parseRegex(query.pattern)));
    } catch (error) {
      return null;  // not understood: every file is read, which is never wrong
    }
  }

  // Up to MAX_TRIGRAMS trigrams of the longest literals (query._trigrams): from each, its
  // first, every third after and its last, then the ones between; each [trigram, follows],
  // with the bits of the bytes that follow it in the literals (followBit). The index folds
  // A-Z to a-z only; JavaScript's i flag folds other letters too (é and É), so a
  // case-insensitive query uses only trigrams, and following bytes, of ASCII.
  function trigramsOf(literals, ignoreCase) {
    var chosen = [], follows = new Map();
    literals.map(function (text) { return { text: text, data: fold(encoder.encode(text)) }; })
      .sort(function (a, b) {
        return b.data.length - a.data.length || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0);
      })
      .forEach(function (literal) {
        var data = literal.data, starts = [], at;
        for (at = 0; at < data.length - 2; at += 3) { starts.push(at); }
        starts.push(data.length - 3);
        for (at = 0; at + 3 <= data.length; at++) { starts.push(at); }
        starts.forEach(function (start) {
          if (ignoreCase && (data[start] >= 128 || data[start + 1] >= 128 || data[start + 2] >= 128)) { return; }
          var key = data[start] << 16 | data[start + 1] << 8 | data[start + 2], next = data[start + 3];
          if (chosen.indexOf(key) < 0) { chosen.push(key); }
          if (next !== undefined && !(ignoreCase && next >= 128)) {
            follows.set(key, (follows.get(key) || 0) | followBit(next));
          }
        });
      });
    return chosen.slice(0, MAX_TRIGRAMS).map(function (key) { return [key, follows.get(key) || 0]; });
  }

  // The bit of a trigram's mask that says ``byte`` follows it (trigrams.follow_bit).
  function followBit(byte) { return 1 << (byte & 3); }

  function fold(data) {
    return data.map(function (byte) { return byte >= 65 && byte <= 90 ? byte + 32 : byte; });
  }

  // The [trigram, follows] to look up for each alternative, or null: every region is read.
  function plan(query) {
    var needed = requirement(query);
    if (needed === null) { return null; }
    var trigrams = needed.map(function (literals) { return trigramsOf(literals, query.ignoreCase); });
    return trigrams.some(function (list) { return !list.length; }) ? null : trigrams;
  }

  // The shard of a group's ``shards`` that holds ``trigram`` (trigrams.shard_of).
  function shardOf(trigram, shards) {
    return ((Math.imul(trigram, 0x9E3779B1) >>> 0) >>> 16) & (shards - 1);
  }

  window.xrefdocCodePlan = {
    parseQuery: parseQuery,
    requirement: requirement,
    plan: plan,
    shardOf: shardOf,
  };
})();
