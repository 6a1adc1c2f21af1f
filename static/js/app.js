/* Progressive enhancement only: every page works without this file.
   - autosave: answers are saved as the patient types, with the same form post the button sends;
   - text size: applied at once, without a page load (the buttons also work as plain form posts);
   - read aloud: the browser's own speech synthesis where it has a voice for the language, and a
     word saying so, when pressed, where it has none;
   - the language menu closes with Esc (the staff dashboard's refresh is js/dashboard.js). */
(function () {
  "use strict";
  var html = document.documentElement;

  // ---- Error summary: take the reader straight to what needs fixing; otherwise to a message
  // saying what just happened (a question added, changed or removed).
  var summary = document.querySelector("[data-error-summary]");
  var notice = document.querySelector("[data-notice]");
  if (summary) { summary.focus(); } else if (notice) {
    // After the page has scrolled to #your-questions, which would otherwise take focus back.
    notice.focus();
    window.addEventListener("load", function () { window.setTimeout(function () { notice.focus(); }, 0); });
  }

  // ---- Text size: the server remembers it in a cookie; here it changes without a page load.
  document.querySelectorAll("[data-text-size-choice]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      event.preventDefault();
      var size = button.value;
      if (size === "0") { html.removeAttribute("data-text-size"); } else { html.setAttribute("data-text-size", size); }
      document.cookie = "text_size=" + encodeURIComponent(size) + "; path=/; max-age=31536000; samesite=lax";
      document.querySelectorAll("[data-text-size-choice]").forEach(function (other) {
        other.setAttribute("aria-pressed", other === button ? "true" : "false");
      });
    });
  });

  // ---- Language menu: Esc closes it and returns to its button; so does a tap elsewhere.
  var languageMenu = document.querySelector(".app-language__details");
  if (languageMenu) {
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && languageMenu.open) {
        languageMenu.open = false;
        languageMenu.querySelector("summary").focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (languageMenu.open && !languageMenu.contains(event.target)) { languageMenu.open = false; }
    });
  }

  // ---- Print button on the page of questions to keep (shown with the page: .app-needs-script).
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  // ---- Read aloud, in the browser's own voice for the page's language. The button is drawn with
  // the page; voices arrive a moment after it, so a device with none for this language says so when
  // the button is pressed instead of changing the page under the reader.
  var readButton = document.querySelector("[data-read-aloud]");
  var missing = document.querySelector("[data-read-aloud-missing]");
  var synth = window.speechSynthesis;
  var canSpeak = !!(synth && window.SpeechSynthesisUtterance);
  if (readButton) {
    var primary = (html.lang || "en").toLowerCase().split("-")[0];
    var voiceForPage = function () {
      var voices = canSpeak ? synth.getVoices() : [];
      for (var i = 0; i < voices.length; i++) {
        if (voices[i].lang && voices[i].lang.toLowerCase().split(/[-_]/)[0] === primary) { return voices[i]; }
      }
      return null;
    };
    voiceForPage();  // some browsers start loading their voices only when first asked
    var setLabel = function (speaking) {
      readButton.textContent = readButton.getAttribute(speaking ? "data-label-stop" : "data-label-start");
      readButton.setAttribute("aria-pressed", speaking ? "true" : "false");
    };
    readButton.addEventListener("click", function () {
      if (canSpeak && synth.speaking) { synth.cancel(); setLabel(false); return; }
      var voice = voiceForPage();
      if (!voice) {
        if (missing) { missing.hidden = false; }
        return;
      }
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
      utterance.lang = voice.lang;
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
        // The staff record counts its saves: the next save is based on this one, and only on a
        // save of this form's own. A refused save's answer carries no version to take: the form
        // does not show what the other person saved, and taking their version would let it be
        // saved over without anyone seeing it.
        var version = form.querySelector("[data-record-version]");
        if (version && response.ok && data.version !== undefined) { version.value = String(data.version); }
        // Someone else saved meanwhile: post the form as it is, still based on the version it was
        // typed over. The page that comes back shows both versions and asks which stands.
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
