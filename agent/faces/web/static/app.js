// Live countdowns from the due times the server rendered, a breach turning red the moment it
// passes, copy to clipboard, and the CSRF token on htmx requests. No inline script (CSP).
(function () {
  "use strict";
  var skew = 0; // server time minus this browser's time, from data-server-now
  function readSkew(root) {
    var el = (root || document).querySelector("[data-server-now]");
    var at = el && Date.parse(el.getAttribute("data-server-now"));
    if (at) { skew = at - Date.now(); }
  }
  function fmt(ms) {
    var s = Math.floor(Math.abs(ms) / 1000), d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600),
        m = Math.floor(s % 3600 / 60), sec = s % 60;
    var text = d ? d + "d " + h + "h" : h ? h + "h " + String(m).padStart(2, "0") + "m" : m + "m " + String(sec).padStart(2, "0") + "s";
    return ms < 0 ? "overdue " + text : text + " left";
  }
  function tick() {
    var now = Date.now() + skew;
    document.querySelectorAll(".countdown[data-due]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("data-due"));
      if (isNaN(due)) { return; }
      if (el.getAttribute("data-paused")) { el.textContent = "paused"; return; }
      var left = due - now;
      el.textContent = fmt(left);
      el.classList.toggle("overdue", left < 0);
      el.classList.toggle("soon", left >= 0 && left < 15 * 60 * 1000);
      var row = el.closest("tr, li");
      if (row && left < 0) { row.classList.add("breached"); }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    readSkew(document);
    tick();
    setInterval(tick, 1000);
    document.body.addEventListener("htmx:afterSwap", function (e) { readSkew(e.target.parentNode); tick(); });
    document.body.addEventListener("click", function (e) {
      var button = e.target.closest("[data-copy]");
      if (!button) { return; }
      var source = document.querySelector(button.getAttribute("data-copy"));
      var subject = document.querySelector("#subject");
      var text = (subject ? "Subject: " + subject.value + "\n\n" : "") + (source ? source.value : "");
      if (navigator.clipboard) {
        navigator.clipboard.writeText(text).then(function () { button.textContent = "Copied"; });
      }
    });
  });
})();
