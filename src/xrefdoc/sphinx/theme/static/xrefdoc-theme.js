/* The light/dark switch of xrefdoc's theme: the reader's choice is kept in localStorage and
   applied before the first paint by the layout; without this script the system's
   preference decides, and there is no switch: the script makes it, at the header's end. */
(function () {
  "use strict";
  var tools = document.querySelector(".xt-tools");
  if (!tools) { return; }
  var button = document.createElement("button");
  button.className = "xt-mode";
  button.type = "button";
  button.textContent = "\u25d0";
  tools.appendChild(button);
  var html = document.documentElement;
  function current() {
    if (html.dataset.theme) { return html.dataset.theme; }
    return matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }
  function label() {
    var next = current() === "dark" ? "light" : "dark";
    button.setAttribute("aria-label", "Switch to the " + next + " theme");
    button.title = "Switch to the " + next + " theme";
  }
  label();
  button.addEventListener("click", function () {
    var next = current() === "dark" ? "light" : "dark";
    html.dataset.theme = next;
    try { localStorage.setItem("xrefdoc-theme", next); } catch (e) {}
    label();
  });
})();
