/* 语音导航: spoken navigation with the browser's own speech synthesis; no text leaves the
   device. When on, it reads the page title and any alerts, the label, hint and error of
   each field as it gets focus, and the page's headings on request. The button stays hidden
   where the browser cannot speak, so nobody meets a control that does nothing. */
(function () {
  "use strict";

  var toggle = document.querySelector("[data-voice-toggle]");
  if (!toggle || !window.speechSynthesis || !window.SpeechSynthesisUtterance || !window.mxPrefs) {
    return;
  }
  var synth = window.speechSynthesis;
  var panel = document.querySelector("[data-voice-panel]");
  var voice = null;
  var pending = "";
  toggle.hidden = false;

  function pickVoice() {
    var voices = synth.getVoices();
    voice = voices.filter(function (v) { return /^zh[-_]CN/i.test(v.lang); })[0] ||
            voices.filter(function (v) { return /^zh/i.test(v.lang); })[0] || null;
  }
  pickVoice();
  if (synth.addEventListener) { synth.addEventListener("voiceschanged", pickVoice); }

  function enabled() { return window.mxPrefs.has("voice"); }

  function speak(text, queue) {
    text = (text || "").replace(/\s+/g, " ").trim();
    if (!text) { return; }
    if (!queue) { synth.cancel(); }
    var utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = "zh-CN";
    utterance.rate = 0.95;
    if (voice) { utterance.voice = voice; }
    // Browsers refuse to speak before the visitor has touched the page; keep the words
    // and say them at the first key or click.
    utterance.onerror = function (event) {
      if (event.error === "not-allowed") { pending = text; }
    };
    synth.speak(utterance);
  }

  function textOf(el) {
    return el ? (el.innerText || el.textContent || "").replace(/\s+/g, " ").trim() : "";
  }

  function byIds(ids) {
    return (ids || "").split(/\s+/).map(function (id) { return document.getElementById(id); })
      .filter(Boolean).map(textOf).join("。");
  }

  function fieldWords(el) {
    var parts = [];
    var group = el.closest("fieldset");
    var choice = el.type === "radio" || el.type === "checkbox";
    if (choice && group) {
      parts.push(textOf(group.querySelector("legend")));
      parts.push(textOf(el.closest("label")) + (el.checked ? "，已选中" : "，未选中"));
      parts.push(byIds(group.getAttribute("aria-describedby")));
    } else {
      parts.push(el.labels && el.labels.length ? textOf(el.labels[0]) : el.getAttribute("aria-label"));
      if (el.tagName === "SELECT") {
        parts.push("下拉选择，当前：" + textOf(el.options[el.selectedIndex]));
      } else if (el.type === "file") {
        parts.push("选择文件，已选" + (el.files ? el.files.length : 0) + "个");
      } else if (el.value && el.type !== "password" && el.autocomplete !== "one-time-code") {
        // Reading back what was typed lets people check it without seeing it.
        parts.push("已填写：" + el.value.slice(0, 60));
      } else {
        parts.push("输入框，尚未填写");
      }
      parts.push(byIds(el.getAttribute("aria-describedby")));
    }
    // A radio group states it on the group (aria-required), not on each radio.
    var groupRequired = choice && group && group.getAttribute("aria-required") === "true";
    if (el.required || groupRequired) { parts.splice(1, 0, "必填"); }
    if (el.getAttribute("aria-invalid") === "true") { parts.unshift("有错误"); }
    return parts.filter(Boolean).join("。");
  }

  function describe(el) {
    if (!el || el === document.body) { return ""; }
    if (el.matches("input, select, textarea")) { return fieldWords(el); }
    if (el.matches("a[href]")) { return textOf(el) + "，链接"; }
    if (el.matches("button")) {
      var pressed = el.getAttribute("aria-pressed");
      return textOf(el) + "，按钮" + (pressed === "true" ? "，已开启" : pressed === "false" ? "，未开启" : "");
    }
    return textOf(el).slice(0, 300);
  }

  function structure() {
    var heads = Array.prototype.map.call(document.querySelectorAll("main h1, main h2"), textOf);
    return "本页是：" + document.title + "。" + (heads.length ? "包含以下部分：" + heads.join("；") + "。" : "") +
      "按Tab键在链接和输入框之间移动。";
  }

  function alerts() {
    // The error summary already lists every field's error; reading both would say each twice.
    var summary = document.querySelector("[data-error-summary]");
    var found = summary ? [summary] : document.querySelectorAll("main [role=alert], main .notice");
    return Array.prototype.map.call(found, textOf).filter(Boolean).join("。");
  }

  function show(on) {
    toggle.setAttribute("aria-pressed", on ? "true" : "false");
    if (panel) { panel.hidden = !on; }
  }

  toggle.addEventListener("click", function () {
    var on = !enabled();
    window.mxPrefs.set("voice", on);
    show(on);
    if (on) { speak("语音导航已开启。" + structure()); } else { synth.cancel(); }
  });
  var readButton = document.querySelector("[data-voice-read]");
  var stopButton = document.querySelector("[data-voice-stop]");
  if (readButton) { readButton.addEventListener("click", function () { speak(structure()); }); }
  if (stopButton) { stopButton.addEventListener("click", function () { synth.cancel(); }); }

  document.addEventListener("focusin", function (event) {
    if (enabled() && event.target !== readButton) { speak(describe(event.target)); }
  });
  document.addEventListener("change", function (event) {
    if (enabled() && event.target.matches("input[type=radio], input[type=checkbox], select")) {
      speak(describe(event.target));
    }
  });
  ["keydown", "pointerdown"].forEach(function (type) {
    document.addEventListener(type, function () {
      if (pending && enabled()) { var words = pending; pending = ""; speak(words, true); }
    }, true);
  });

  // Live regions (SMS status, copy, mode changes) are read as they change, after the rest.
  if (window.MutationObserver) {
    var observer = new MutationObserver(function (records) {
      if (!enabled()) { return; }
      // One redraw changes a region many times (a node per line): say it once.
      var changed = [];
      records.forEach(function (r) {
        var region = r.target.nodeType === 1 ? r.target : r.target.parentElement;
        var live = region && region.closest("[aria-live]");
        if (live && changed.indexOf(live) < 0) { changed.push(live); }
      });
      changed.forEach(function (live) { speak(textOf(live), true); });
    });
    Array.prototype.forEach.call(document.querySelectorAll("[aria-live]"), function (region) {
      observer.observe(region, { childList: true, characterData: true, subtree: true });
    });
  }

  show(enabled());
  if (enabled()) {
    var found = alerts();
    speak(document.title + (found ? "。页面提示：" + found : ""));
  }
})();
