/* Progressive enhancement only: every page works without this file.
   - autosave: answers are saved as the patient types, with the same form post the button sends;
   - text size: larger or smaller text, remembered on this device;
   - read aloud: the browser's own speech synthesis, offered only where it has a voice for the language. */
(function () {
  "use strict";
  var html = document.documentElement;

  // ---- Error summary: take the reader straight to what needs fixing.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }

  // ---- Text size
  var tools = document.querySelector("[data-tools]");
  if (tools) { tools.hidden = false; }
  var sizes = [-1, 0, 1, 2];
  function applySize(size) {
    if (size === 0) { html.removeAttribute("data-text-size"); } else { html.setAttribute("data-text-size", String(size)); }
  }
  var stored = 0;
  try { stored = parseInt(window.localStorage.getItem("text-size") || "0", 10) || 0; } catch (e) { stored = 0; }
  if (sizes.indexOf(stored) < 0) { stored = 0; }
  applySize(stored);
  document.querySelectorAll("[data-text-size]").forEach(function (button) {
    if (button === html) { return; }
    button.addEventListener("click", function () {
      var step = button.getAttribute("data-text-size") === "larger" ? 1 : -1;
      var next = Math.max(sizes[0], Math.min(sizes[sizes.length - 1], stored + step));
      stored = next;
      applySize(next);
      try { window.localStorage.setItem("text-size", String(next)); } catch (e) { /* private mode */ }
    });
  });

  // ---- Read aloud
  var readButton = document.querySelector("[data-read-aloud]");
  var synth = window.speechSynthesis;
  if (readButton && synth && window.SpeechSynthesisUtterance) {
    var primary = (html.lang || "en").toLowerCase().split("-")[0];
    var voice = null;
    var findVoice = function () {
      var voices = synth.getVoices();
      voice = null;
      for (var i = 0; i < voices.length; i++) {
        if (voices[i].lang && voices[i].lang.toLowerCase().split(/[-_]/)[0] === primary) { voice = voices[i]; break; }
      }
      readButton.hidden = !voice;
    };
    findVoice();
    if (typeof synth.addEventListener === "function") { synth.addEventListener("voiceschanged", findVoice); }
    var setLabel = function (speaking) {
      readButton.textContent = readButton.getAttribute(speaking ? "data-label-stop" : "data-label-start");
      readButton.setAttribute("aria-pressed", speaking ? "true" : "false");
    };
    readButton.addEventListener("click", function () {
      if (synth.speaking) { synth.cancel(); setLabel(false); return; }
      var parts = [];
      var title = document.querySelector("main h1");
      if (title) { parts.push(title.textContent); }
      document.querySelectorAll("[data-read-aloud-text] p, [data-read-aloud-text] li, .app-question-card__text").forEach(function (el) {
        parts.push(el.textContent);
      });
      if (parts.length < 2) {
        document.querySelectorAll("main p, main li").forEach(function (el) { parts.push(el.textContent); });
      }
      var utterance = new window.SpeechSynthesisUtterance(parts.join(". ").replace(/\s+/g, " "));
      utterance.voice = voice;
      utterance.lang = voice ? voice.lang : html.lang;
      utterance.rate = 0.9;
      utterance.onend = function () { setLabel(false); };
      setLabel(true);
      synth.speak(utterance);
    });
  }

  // ---- Staff session: warn two minutes before the inactivity sign-out, and offer to stay.
  var warning = document.querySelector("[data-session-warning]");
  if (warning && window.fetch) {
    var warnTimer = null;
    var schedule = function (expiresAt) {
      window.clearTimeout(warnTimer);
      var wait = Date.parse(expiresAt) - Date.now() - 120000;
      warnTimer = window.setTimeout(function () {
        warning.hidden = false;
        var stay = warning.querySelector("[data-session-extend]");
        if (stay) { stay.focus(); }
        // Past the limit the server has signed out: show the sign-in page rather than stale data.
        window.setTimeout(function () { if (!warning.hidden) { window.location.reload(); } }, 125000);
      }, Math.max(wait, 0));
    };
    schedule(warning.getAttribute("data-expires-at"));
    var extendButton = warning.querySelector("[data-session-extend]");
    var token = document.querySelector("input[name=csrf_token]");
    if (extendButton) {
      extendButton.addEventListener("click", function () {
        var body = new FormData();
        if (token) { body.append("csrf_token", token.value); }
        window.fetch(warning.getAttribute("data-extend-url"), { method: "POST", body: body, credentials: "same-origin" })
          .then(function (response) { return response.json(); })
          .then(function (data) { warning.hidden = true; schedule(data.expires_at); })
          .catch(function () { window.location.reload(); });
      });
    }
  }

  // ---- A handed-over tablet left alone returns to the neutral screen (the server enforces it
  // too, on the next request).
  var handBack = document.querySelector("[data-kiosk-idle-seconds]");
  if (handBack) {
    var idleMs = parseInt(handBack.getAttribute("data-kiosk-idle-seconds"), 10) * 1000;
    var idleTimer = null;
    var resetIdle = function () {
      window.clearTimeout(idleTimer);
      idleTimer = window.setTimeout(function () { HTMLFormElement.prototype.submit.call(handBack); }, idleMs);
    };
    ["pointerdown", "keydown", "input", "scroll", "touchstart"].forEach(function (type) {
      document.addEventListener(type, resetIdle, { passive: true });
    });
    resetIdle();
  }

  // ---- Autosave
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var status = form.querySelector("[data-autosave-status]");
  var timer = null;
  var inFlight = false;
  var pending = false;
  var renewed = false;
  var submitAfter = null;
  function say(key) { if (status) { status.textContent = status.getAttribute("data-" + key) || ""; } }
  function save(keepalive) {
    if (inFlight && !keepalive) { pending = true; return; }
    inFlight = true;
    var data = new FormData(form);
    data.delete("action");
    say("saving");
    // form.action would be the button named "action", not the form's address.
    window.fetch(form.getAttribute("action"), {
      method: "POST", body: data, credentials: "same-origin", keepalive: !!keepalive,
      headers: { "X-Autosave": "1", "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (data) {
        // An expired token is not a failure the reader can fix: it is renewed below and saved again.
        say(response.ok ? "saved" : (data.expired ? "saving" : "failed"));
        // The staff record counts its saves: keep the next save based on this one.
        var version = form.querySelector("[data-record-version]");
        if (version && data.version !== undefined) { version.value = String(data.version); }
        // Someone else saved meanwhile: post the form normally, which shows both versions.
        if (response.status === 409 && data.conflict) { submitAfter = null; HTMLFormElement.prototype.submit.call(form); }
        // The page's security token ran out (left open a long time): take the new one and save again.
        // Once only: a browser that keeps no cookies would otherwise be asked again and again.
        if (data.expired && data.csrf_token && !renewed) {
          document.querySelectorAll("input[name=csrf_token]").forEach(function (input) { input.value = data.csrf_token; });
          renewed = true;
          if (!keepalive) { pending = true; }
        } else if (data.expired) {
          say("failed");
        }
        if (response.ok) { renewed = false; }
      }, function () { say(response.ok ? "saved" : "failed"); });
    }).catch(function () {
      say("failed");
    }).then(function () {
      inFlight = false;
      if (submitAfter) {
        var submitter = submitAfter;
        submitAfter = null;
        if (form.requestSubmit) { form.requestSubmit(submitter === form ? undefined : submitter); }
        else { HTMLFormElement.prototype.submit.call(form); }
      } else if (pending) { pending = false; save(false); }
    });
  }
  form.addEventListener("input", function (event) {
    if (event.target && event.target.tagName === "TEXTAREA") {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { timer = null; save(false); }, 700);
    }
  });
  form.addEventListener("change", function (event) {
    if (event.target && (event.target.tagName === "INPUT" || event.target.tagName === "SELECT")) { window.clearTimeout(timer); save(false); }
  });
  // A save still on its way when the person presses a button: send the form after it, not beside
  // it. Otherwise the older autosave may land last and undo what was just sent, and the staff
  // record would see its own autosave as someone else's edit.
  form.addEventListener("submit", function (event) {
    window.clearTimeout(timer);
    timer = null;
    pending = false;
    if (inFlight) {
      event.preventDefault();
      submitAfter = event.submitter || form;
    }
  });
  // Closing the tablet, switching app or leaving the page: send what is waiting at once.
  function flush() {
    if (timer) { window.clearTimeout(timer); timer = null; save(true); }
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { flush(); }
  });
  window.addEventListener("pagehide", flush);
})();
