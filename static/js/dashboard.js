/* The staff dashboard, kept up to date without a reload (progressive enhancement: without this
   file the page is right when loaded, and a reload brings it up to date).

   Every few seconds it asks states.json for the rows the page shows (the same search), each row
   the same values the page was drawn from. An element marked data-cell="key" shows row[key] as
   text (a list is text whose every second piece is a number set left to right) and is hidden
   while it is empty; data-cell-href and data-cell-datetime name the key an attribute comes from.
   So a new column needs a new key in the row and an element naming it, and nothing here.
   Values go in with textContent only: a label can hold anything a person typed. */
(function () {
  "use strict";
  var board = document.querySelector("[data-dashboard-url]");
  if (!board || !window.fetch || !window.Promise) { return; }
  var every = (parseInt(board.getAttribute("data-refresh-seconds"), 10) || 15) * 1000;
  var line = board.querySelector("[data-updated]");
  var lineText = line.querySelector("[data-updated-text]");
  var signIn = line.querySelector("[data-sign-in]");
  var announcer = board.querySelector("[data-announce]");
  var newRows = board.querySelector("[data-new-rows]");
  var template = board.querySelector("template[data-row-template]");
  // The time of the last refresh that worked (as the server wrote it), and what went wrong since.
  var lastTime = line.getAttribute("data-time");
  var trouble = null;

  // The line's words, from the page (data-words-updated, -offline, -signed-out), filled in.
  function words(name, values) {
    var text = line.getAttribute("data-words-" + name) || "";
    Object.keys(values || {}).forEach(function (key) { text = text.split("{" + key + "}").join(values[key]); });
    return text;
  }

  function counted(name, count) {
    if (!count) { return null; }
    var text = announcer.getAttribute("data-" + name + (count === 1 ? "-one" : "-other")) || "";
    return text.split("{count}").join(String(count));
  }

  function say(text) {
    // A polite region, written to only when something changed: a refresh that changed nothing
    // is not read out, so a screen reader is not interrupted every few seconds.
    announcer.textContent = text;
  }

  function fillRow(tr, row) {
    var changed = false;
    tr.querySelectorAll("[data-cell]").forEach(function (element) {
      var value = row[element.getAttribute("data-cell")];
      if (value === undefined || value === null) { return; }
      var pieces = Array.isArray(value) ? value.map(String) : [String(value)];
      var text = pieces.join("");
      if (element.textContent === text && element.hidden === (text === "")) { return; }
      element.textContent = "";
      pieces.forEach(function (piece, n) {
        if (n % 2) {
          var number = document.createElement("span");
          number.dir = "ltr";
          number.textContent = piece;
          element.appendChild(number);
        } else if (piece) {
          element.appendChild(document.createTextNode(piece));
        }
      });
      element.hidden = text === "";
      changed = true;
    });
    ["href", "datetime"].forEach(function (name) {
      tr.querySelectorAll("[data-cell-" + name + "]").forEach(function (element) {
        var value = row[element.getAttribute("data-cell-" + name)];
        // Links only to a page of this site.
        if (typeof value !== "string" || (name === "href" && !/^\/[^\/\\]/.test(value))) { return; }
        if (element.getAttribute(name) !== value) { element.setAttribute(name, value); }
      });
    });
    return changed;
  }

  // A row keeps at least the height it had: one whose text grew shorter does not pull the rows
  // below it up under the nurse's finger. Forgotten when the window changes size.
  function holdHeights() {
    var trs = Array.prototype.slice.call(board.querySelectorAll("tr[data-row]"));
    // Every height read before any is written, so the page is laid out once, not once a row.
    var heights = trs.map(function (tr) { return tr.getBoundingClientRect().height + "px"; });
    trs.forEach(function (tr, n) { if (tr.style.height !== heights[n]) { tr.style.height = heights[n]; } });
  }
  window.addEventListener("resize", function () {
    board.querySelectorAll("tr[data-row]").forEach(function (tr) { tr.style.height = ""; });
  });

  function newRow(row) {
    if (!newRows.querySelector("tr")) {
      var heading = board.querySelector("template[data-new-rows-heading]").content.querySelector("tr").cloneNode(true);
      // Across every column there is, however many that is.
      heading.querySelector("th").colSpan = board.querySelectorAll("thead th").length;
      newRows.appendChild(heading);
    }
    var tr = template.content.querySelector("tr").cloneNode(true);
    tr.setAttribute("data-row", String(row.id));
    fillRow(tr, row);
    newRows.appendChild(tr);
  }

  function apply(data) {
    var shown = {};
    board.querySelectorAll("tr[data-row]").forEach(function (tr) { shown[tr.getAttribute("data-row")] = tr; });
    var changed = 0, added = 0, removed = 0;
    holdHeights();
    data.rows.forEach(function (row) {
      var tr = shown[String(row.id)];
      if (tr) {
        delete shown[String(row.id)];
        if (fillRow(tr, row)) { changed += 1; }
      }
    });
    // Rows come newest first; one started since the page was opened goes below the others, the
    // newest last, so that no row already on the screen moves down.
    data.rows.slice().reverse().forEach(function (row) {
      if (!board.querySelector('tr[data-row="' + String(row.id) + '"]')) { newRow(row); added += 1; }
    });
    // Gone from the list (purged, or past the newest 200): gone from the page.
    Object.keys(shown).forEach(function (id) { shown[id].parentNode.removeChild(shown[id]); removed += 1; });
    if (!newRows.querySelector("tr[data-row]")) { newRows.textContent = ""; }
    var any = data.rows.length > 0;
    board.querySelector("[data-table]").hidden = !any;
    board.querySelector("[data-no-rows]").hidden = any;
    lastTime = data.updated_at;
    lineText.textContent = words("updated", { time: lastTime });
    signIn.hidden = true;
    line.removeAttribute("data-trouble");
    var news = [counted("changed", changed), counted("added", added), counted("removed", removed)].filter(Boolean);
    if (news.length || trouble) {
      say(lineText.textContent + (news.length ? ": " + news.join(", ") : ""));
    }
    trouble = null;
  }

  // Said once, when it starts going wrong; the page keeps asking, and says when it works again.
  function failed(kind) {
    if (trouble === kind) { return; }
    trouble = kind;
    line.setAttribute("data-trouble", kind);
    if (kind === "signed-out") {
      lineText.textContent = words("signed-out");
      signIn.hidden = false;
      say(lineText.textContent + " " + signIn.textContent);
    } else {
      lineText.textContent = words("offline", { time: lastTime });
      signIn.hidden = true;
      say(lineText.textContent);
    }
  }

  function refresh() {
    window.fetch(board.getAttribute("data-dashboard-url"), {
      credentials: "same-origin", redirect: "manual", headers: { "Accept": "application/json" }
    }).then(function (response) {
      // A session that has ended answers with the way to the sign-in page.
      if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
        return "signed-out";
      }
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (data) {
      if (data === "signed-out") { failed("signed-out"); } else { apply(data); }
    }).catch(function () {
      failed("offline");
    }).then(function () {
      window.setTimeout(refresh, every);
    });
  }
  window.setTimeout(refresh, every);
})();
