/* Minxin portal: small enhancements. Every page works without this file; it only saves
   reloads (display modes, SMS codes), suggests a category, shows how similar problems were
   handled, and copies codes. */
(function () {
  "use strict";

  var COOKIE = "mx_view";
  var OPTIONS = ["large", "contrast", "voice"];

  /* Display modes live in one cookie the server also reads, so pages render in the chosen
     mode from the first byte. */
  function readPrefs() {
    var match = document.cookie.match(/(?:^|;\s*)mx_view=([^;]*)/);
    var raw = match ? decodeURIComponent(match[1]) : "";
    return raw.split(".").filter(function (p) { return OPTIONS.indexOf(p) >= 0; });
  }

  function setPref(option, on) {
    var prefs = readPrefs().filter(function (p) { return p !== option; });
    if (on) { prefs.push(option); }
    var ordered = OPTIONS.filter(function (p) { return prefs.indexOf(p) >= 0; });
    document.cookie = COOKIE + "=" + ordered.join(".") + "; path=/; max-age=31536000; samesite=lax";
  }

  function announce(text) {
    var region = document.querySelector("[data-announcer]");
    if (!region) { return; }
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 60);
  }

  window.mxPrefs = {
    has: function (option) { return readPrefs().indexOf(option) >= 0; },
    set: setPref
  };
  window.mxAnnounce = announce;

  function each(selector, fn, root) {
    Array.prototype.forEach.call((root || document).querySelectorAll(selector), fn);
  }

  function postForm(url, fields) {
    var body = new FormData();
    Object.keys(fields).forEach(function (k) { body.append(k, fields[k]); });
    return fetch(url, { method: "POST", body: body, credentials: "same-origin",
                        headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { return r.json(); });
  }

  /* ---- large text / high contrast, without a reload ---- */
  each("[data-view-toggle]", function (button) {
    button.addEventListener("click", function (event) {
      event.preventDefault();
      var option = button.getAttribute("data-view-toggle");
      var on = button.getAttribute("aria-pressed") !== "true";
      setPref(option, on);
      document.documentElement.classList.toggle("mx-" + option, on);
      button.setAttribute("aria-pressed", on ? "true" : "false");
      announce(button.textContent.trim() + (on ? "已开启" : "已关闭"));
    });
  });

  /* ---- a page with errors: take the keyboard to the list of them ---- */
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }

  /* ---- copy and print on the confirmation page ---- */
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.appendChild(area);
    area.select();
    var ok = document.execCommand("copy");
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }

  each("[data-copy]", function (button) {
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (!source) { return; }
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = source.textContent.trim();
      copyText(text).then(function () {
        button.textContent = "已复制";
        announce("已复制：" + text.split("").join(" "));
      }, function () {
        announce("复制失败，请手动抄写");
      });
      window.setTimeout(function () { button.textContent = label; }, 2500);
    });
  });
  each("[data-print]", function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  /* ---- SMS code without a reload ---- */
  function startCountdown(button, seconds) {
    var label = button.getAttribute("data-label") || button.textContent;
    button.setAttribute("data-label", label);
    button.disabled = true;
    var left = seconds;
    var timer = window.setInterval(function () {
      left -= 1;
      button.textContent = "重新获取（" + left + "秒）";
      if (left <= 0) {
        window.clearInterval(timer);
        button.disabled = false;
        button.textContent = label;
      }
    }, 1000);
    button.textContent = "重新获取（" + left + "秒）";
  }

  each("form[data-sms-url]", function (form) {
    var button = form.querySelector("[data-sms-send]");
    var status = form.querySelector("[data-sms-status]");
    var phone = form.querySelector("[name=phone]");
    var code = form.querySelector("[name=code]");
    if (!button || !status || !phone) { return; }
    button.addEventListener("click", function (event) {
      event.preventDefault();
      status.classList.remove("is-error");
      status.textContent = "正在发送…";
      postForm(form.getAttribute("data-sms-url"), {
        phone: phone.value,
        csrfmiddlewaretoken: form.querySelector("[name=csrfmiddlewaretoken]").value
      }).then(function (data) {
        status.textContent = data.message;
        if (data.ok) {
          phone.removeAttribute("aria-invalid");
          startCountdown(button, data.wait || 60);
          if (code) { code.focus(); }
        } else {
          status.classList.add("is-error");
          if (data.field === "phone") { phone.setAttribute("aria-invalid", "true"); phone.focus(); }
        }
      }).catch(function () {
        status.classList.add("is-error");
        status.textContent = "暂时无法发送验证码，请稍后再试。";
      });
    });
  });

  /* ---- 智能预判: how similar problems were handled, while the citizen types ---- */
  function showSimilarCases(form) {
    var region = form.querySelector("[data-similar]");
    var status = form.querySelector("[data-similar-status]");
    var title = form.querySelector("[name=title]");
    var content = form.querySelector("[name=content]");
    if (!region || !title || !content) { return; }
    var timer = null;
    var told = null;
    var lastText = "";
    var lastShown = "";

    /* A few words once the list has settled, not the cases themselves: they are there to
       be read when the citizen chooses, and typing must not be talked over. */
    function tell(count) {
      if (!status) { return; }
      window.clearTimeout(told);
      status.textContent = "";
      if (!count) { return; }
      told = window.setTimeout(function () {
        status.textContent = "找到" + count + "条相似案例，列在问题分类下方";
      }, 1500);
    }

    function line(tag, className, text) {
      var el = document.createElement(tag);
      el.className = className;
      el.textContent = text;
      return el;
    }

    function render(cases) {
      var key = cases.map(function (c) { return c.id; }).join(",");
      if (key === lastShown) { return; }
      lastShown = key;
      region.textContent = "";
      tell(cases.length);
      if (!cases.length) { return; }
      var heading = document.createElement("h3");
      heading.textContent = "类似问题是这样处理的";
      region.appendChild(heading);
      region.appendChild(line("p", "hint", "以下是已办结的类似问题和有关部门的公开答复，仅供参考，不影响您提交。"));
      var list = document.createElement("ul");
      list.className = "similar-list";
      cases.forEach(function (c) {
        var li = document.createElement("li");
        li.appendChild(line("p", "similar-case", c.title));
        li.appendChild(line("p", "similar-reply", "答复：" + c.reply));
        if (c.date) { li.appendChild(line("p", "similar-date", "答复日期：" + c.date)); }
        list.appendChild(li);
      });
      region.appendChild(list);
    }

    function ask() {
      // The title and the start of the text find a case; the rest only lengthens the URL.
      var text = (title.value + " " + content.value).trim().slice(0, 300);
      if (text === lastText) { return; }
      lastText = text;
      if (text.length < 4) { render([]); return; }
      var url = region.getAttribute("data-similar-url") + "?q=" + encodeURIComponent(text);
      fetch(url, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (data) { render(Array.isArray(data) ? data.slice(0, 3) : []); })
        .catch(function () { /* a help, not a step: stay quiet when it fails */ });
    }

    [title, content].forEach(function (field) {
      field.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(ask, 900);
      });
    });
    ask();
  }

  /* ---- the submission form: real name or anonymous, category suggestions ---- */
  var submitForm = document.querySelector("[data-submit-form]");
  if (!submitForm) { return; }

  var realBlock = submitForm.querySelector("[data-real-name]");
  var anonNote = submitForm.querySelector("[data-anonymous-note]");
  function syncIdentity() {
    var chosen = submitForm.querySelector("[name=identity]:checked");
    var real = !chosen || chosen.value === "real";
    if (realBlock) { realBlock.hidden = !real; }
    if (anonNote) { anonNote.hidden = real; }
  }
  each("[name=identity]", function (radio) { radio.addEventListener("change", syncIdentity); }, submitForm);
  syncIdentity();

  showSimilarCases(submitForm);

  var box = submitForm.querySelector("[data-suggest]");
  var list = submitForm.querySelector("[data-suggest-list]");
  var select = submitForm.querySelector("[name=category]");
  var title = submitForm.querySelector("[name=title]");
  var content = submitForm.querySelector("[name=content]");
  if (!box || !list || !select || !title || !content) { return; }
  var unitLine = submitForm.querySelector("[data-suggest-unit]");
  var district = submitForm.querySelector("[name=district]");
  var timer = null;
  var lastText = "";
  var lastShown = "";

  function choose(item, button) {
    select.value = String(item.id);
    select.dispatchEvent(new Event("change", { bubbles: true }));
    each("button", function (b) { b.setAttribute("aria-pressed", "false"); }, list);
    button.setAttribute("aria-pressed", "true");
    announce("已选择分类：" + item.group + " " + item.name);
  }

  var emergencySlot = submitForm.querySelector("[data-emergency]");
  var emergencyShown = "";

  /* The emergency numbers the moment the text suggests danger (same lexicon as staff's risk
     analysis). Redrawn only when what it says changes, so a screen reader hears it once. */
  function showEmergency(notice) {
    if (!emergencySlot) { return; }
    var key = notice ? notice.dangers.join(",") + "|" + notice.lines.length : "";
    if (key === emergencyShown) { return; }
    emergencyShown = key;
    emergencySlot.textContent = "";
    if (!notice) { return; }
    var box = document.createElement("div");
    box.className = "notice notice--danger emergency";
    var h = document.createElement("h3");
    h.className = "emergency-title";
    h.textContent = "如有危险，请立即拨打电话求助";
    var p = document.createElement("p");
    p.textContent = "您描述的情况可能涉及" + notice.dangers.join("、") +
      "。网上诉求需要工作人员受理，不能代替报警和急救。";
    var ul = document.createElement("ul");
    ul.className = "emergency-lines";
    notice.lines.forEach(function (line) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = "tel:" + line.number;
      var strong = document.createElement("strong");
      strong.textContent = line.number;
      a.appendChild(strong);
      a.appendChild(document.createTextNode(" " + line.name));
      li.appendChild(a);
      if (line.note) { li.appendChild(document.createTextNode("（" + line.note + "）")); }
      ul.appendChild(li);
    });
    box.appendChild(h);
    box.appendChild(p);
    box.appendChild(ul);
    emergencySlot.appendChild(box);
  }

  function render(data) {
    showEmergency(data.emergency || null);
    var items = data.suggestions || [];
    if (unitLine) {
      unitLine.textContent = data.unit ? data.unit.text + "（仅供参考，以受理后派遣为准）" : "";
      unitLine.hidden = !data.unit;
    }
    var key = items.map(function (i) { return i.id; }).join(",");
    if (key === lastShown) { return; }
    lastShown = key;
    list.textContent = "";
    items.forEach(function (item, index) {
      var li = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-secondary";
      button.setAttribute("aria-pressed", select.value === String(item.id) ? "true" : "false");
      var text = item.group + " / " + item.name;
      // No percentages for citizens: "100%" from a model that can be wrong promises too much.
      if (data.source === "model" && index === 0 && item.confidence >= 0.5) { text += "（最可能）"; }
      button.textContent = text;
      button.addEventListener("click", function () { choose(item, button); });
      li.appendChild(button);
      list.appendChild(li);
    });
    box.hidden = items.length === 0;
  }

  function ask() {
    var text = (title.value + " " + content.value).trim().slice(0, 2000);
    var where = district ? district.value : "";
    if (text.length < 4 || text + "|" + where === lastText) { return; }
    lastText = text + "|" + where;
    var url = submitForm.getAttribute("data-suggest-url") + "?text=" + encodeURIComponent(text) +
      "&district=" + encodeURIComponent(where);
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
      .then(render)
      .catch(function () { /* a suggestion is a convenience; stay quiet when it fails */ });
  }

  [title, content].forEach(function (field) {
    field.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, 700);
    });
  });
  if (district) { district.addEventListener("change", ask); }
  ask();
})();
