// 民心工作台: the only script. Everything works without it; it only adds conveniences.
(function () {
  "use strict";
  // "Select all" for the bulk dispatch table.
  document.querySelectorAll("[data-select-all]").forEach(function (box) {
    box.hidden = false;
    var target = document.getElementById(box.getAttribute("data-select-all"));
    box.querySelector("input").addEventListener("change", function (event) {
      target.querySelectorAll("input[name=ticket]").forEach(function (c) { c.checked = event.target.checked; });
    });
  });
  // Move focus to the first error so keyboard and screen reader users land on it.
  var alert = document.querySelector("[data-focus-on-load]");
  if (alert) { alert.focus(); }
})();
