/* Staff console: live queue (SSE), conversation view, staff actions. Vanilla JS, no build step.
 *
 * Patient text is only ever inserted with textContent (never parsed as HTML), and every request that
 * changes state carries the session's CSRF token in the X-CSRF-Token header.
 */
(function () {
  "use strict";

  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var userMeta = document.querySelector('meta[name="console-user"]');
  var me = { username: userMeta.content, role: userMeta.getAttribute("data-role") };
  var isSupervisor = me.role === "supervisor";
  var SVG_NS = "http://www.w3.org/2000/svg";
  var CONVERSATION_POLL_MS = 2000;

  var state = {
    entries: [],
    known: null,          // ids seen in the previous snapshot (null before the first one)
    selected: null,       // conversation id on screen
    conversation: null,   // last GET /api/conversations/<id> answer
    transcriptKeys: [],   // rendered transcript lines, to append only what is new
    clockOffset: 0,       // server clock minus browser clock, seconds
    pollTimer: null,
    connected: null,
    agents: null
  };

  function $(id) { return document.getElementById(id); }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function serverNow() { return Date.now() / 1000 + state.clockOffset; }

  function fmtWait(seconds) {
    var s = Math.max(0, Math.floor(seconds));
    if (s < 60) { return s + " s"; }
    var m = Math.floor(s / 60);
    if (m < 60) { return m + " min " + (s % 60) + " s"; }
    return Math.floor(m / 60) + " h " + (m % 60) + " min";
  }

  function fmtTime(epoch) {
    if (!epoch) { return ""; }
    return new Date(epoch * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function announce(text, urgent) {
    var region = $(urgent ? "announce-urgent" : "announce-polite");
    region.textContent = "";
    // A fresh text node after a tick makes screen readers announce repeated messages too.
    window.setTimeout(function () { region.textContent = text; }, 60);
  }

  function api(method, path, body) {
    var options = {
      method: method,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRF-Token": csrf }
    };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(path, options).then(function (res) {
      if (res.status === 401) { window.location.assign("/login"); }
      return res.json().catch(function () { return {}; }).then(function (data) {
        return { ok: res.ok, status: res.status, data: data || {} };
      });
    }, function () {
      return { ok: false, status: 0, data: { error: "The console server is not reachable." } };
    });
  }

  // ------------------------------------------------------------------ queue
  function ownerText(entry) {
    if (entry.status === "claimed") {
      return entry.owner === me.username ? "Claimed by you" : "Claimed by " + entry.owner;
    }
    return "Waiting, number " + entry.position + " in line";
  }

  function priorityBadge(entry) {
    if (entry.priority === 0) {
      var badge = el("span", "badge badge-top");
      var icon = el("span", "icon", "\u26A0");
      icon.setAttribute("aria-hidden", "true");
      badge.appendChild(icon);
      badge.appendChild(document.createTextNode(" TOP PRIORITY"));
      return badge;
    }
    if (entry.priority === 1) { return el("span", "badge badge-urgent", "Urgent"); }
    return null;
  }

  function renderQueue() {
    var list = $("queue-list");
    var focusedId = document.activeElement && document.activeElement.getAttribute("data-id");
    list.textContent = "";
    var waiting = 0;
    state.entries.forEach(function (entry) {
      if (entry.status === "waiting") { waiting += 1; }
      var li = el("li", "entry priority-" + entry.priority);
      var button = el("button", "entry-button");
      button.type = "button";
      button.setAttribute("data-id", entry.conversation_id);
      if (entry.conversation_id === state.selected) { button.setAttribute("aria-current", "true"); }
      var line1 = el("span", "entry-line");
      var badge = priorityBadge(entry);
      if (badge) { line1.appendChild(badge); line1.appendChild(document.createTextNode(" ")); }
      line1.appendChild(el("strong", "reason", entry.reason_label));
      button.appendChild(line1);
      var complaint = entry.summary.chief_complaint || "No complaint recorded";
      button.appendChild(el("span", "entry-line complaint", complaint));
      var meta = el("span", "entry-line meta");
      var parts = [];
      if (entry.summary.disposition) { parts.push("Disposition: " + entry.summary.disposition); }
      parts.push("Channel: " + entry.summary.channel);
      meta.appendChild(document.createTextNode(parts.join(" · ") +
        (entry.status === "waiting" ? " · Waiting " : " · Open for ")));
      var wait = el("span", "wait", fmtWait(serverNow() - entry.enqueued_at));
      wait.setAttribute("data-since", String(entry.enqueued_at));
      meta.appendChild(wait);
      button.appendChild(meta);
      button.appendChild(el("span", "entry-line owner", ownerText(entry)));
      button.addEventListener("click", function () { select(entry.conversation_id, true); });
      li.appendChild(button);
      list.appendChild(li);
    });
    $("queue-empty").hidden = state.entries.length > 0;
    $("queue-count").textContent = "(" + waiting + " waiting, " +
      (state.entries.length - waiting) + " claimed)";
    if (focusedId) {
      var again = list.querySelector('[data-id="' + CSS.escape(focusedId) + '"]');
      if (again) { again.focus(); }
    }
  }

  function applySnapshot(snap) {
    state.clockOffset = snap.now - Date.now() / 1000;
    var before = state.known;
    state.entries = snap.entries;
    state.known = {};
    snap.entries.forEach(function (e) { state.known[e.conversation_id] = e.status; });
    renderQueue();
    if (before) {
      snap.entries.forEach(function (e) {
        if (!(e.conversation_id in before)) {
          var text = "New in the queue: " + e.priority_label + ", " + e.reason_label +
            (e.summary.chief_complaint ? ", " + e.summary.chief_complaint : "") + ".";
          announce(text, e.priority === 0);
        }
      });
    }
    if (snap.stats) { renderStats(snap.stats); }
    if (state.selected && before && before[state.selected] !== state.known[state.selected]) {
      loadConversation(false);  // someone claimed, reassigned or closed the open conversation
    }
  }

  function tick() {
    var now = serverNow();
    var spans = document.querySelectorAll(".wait[data-since]");
    for (var i = 0; i < spans.length; i += 1) {
      var since = parseFloat(spans[i].getAttribute("data-since"));
      var until = spans[i].getAttribute("data-until");
      spans[i].textContent = fmtWait((until ? parseFloat(until) : now) - since);
    }
  }

  // ------------------------------------------------------------------ chart
  function renderStats(stats) {
    $("stats-text").textContent = "Waiting now: " + stats.waiting + ". Longest wait: " +
      fmtWait(stats.longest_wait_s) + ". Average wait: " + fmtWait(stats.average_wait_s) +
      ". Claimed: " + stats.claimed + ". Staff online: " + stats.agents_online +
      ". Closed in the last 24 h: " + stats.closed_24h + ".";
    var width = 360, height = 140, left = 34, right = 8, top = 10, bottom = 24;
    var now = stats.now, start = now - 120 * 60;
    var points = (stats.history || []).filter(function (p) { return p.t >= start; });
    // A young history would be squeezed against the right edge: zoom to it (at least 10 min).
    if (points.length) { start = Math.max(start, Math.min(points[0].t - 60, now - 600)); }
    var spanMin = Math.round((now - start) / 60);
    var spanText = spanMin >= 120 ? "2 h ago" : spanMin + " min ago";
    points.push({ t: now, waiting: stats.waiting, longest_wait_s: stats.longest_wait_s });
    var maxCount = 1, maxWaitMin = 1;
    points.forEach(function (p) {
      maxCount = Math.max(maxCount, p.waiting);
      maxWaitMin = Math.max(maxWaitMin, p.longest_wait_s / 60);
    });
    var maxY = Math.max(maxCount, Math.ceil(maxWaitMin));
    function x(t) { return left + (width - left - right) * (t - start) / (now - start); }
    function y(v) { return top + (height - top - bottom) * (1 - v / maxY); }

    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    svg.setAttribute("class", "chart-svg");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-labelledby", "chart-title");
    var title = document.createElementNS(SVG_NS, "title");
    title.setAttribute("id", "chart-title");
    title.textContent = "Chart of patients waiting and longest wait in minutes since " +
      spanText + ". " + $("stats-text").textContent;
    svg.appendChild(title);

    function line(x1, y1, x2, y2, cls) {
      var l = document.createElementNS(SVG_NS, "line");
      l.setAttribute("x1", x1); l.setAttribute("y1", y1);
      l.setAttribute("x2", x2); l.setAttribute("y2", y2);
      l.setAttribute("class", cls);
      svg.appendChild(l);
    }
    function label(tx, ty, text, anchor) {
      var t = document.createElementNS(SVG_NS, "text");
      t.setAttribute("x", tx); t.setAttribute("y", ty);
      t.setAttribute("class", "chart-label");
      t.setAttribute("text-anchor", anchor || "start");
      t.textContent = text;
      svg.appendChild(t);
    }
    line(left, height - bottom, width - right, height - bottom, "axis");
    line(left, top, left, height - bottom, "axis");
    label(left - 4, y(maxY) + 4, String(maxY), "end");
    label(left - 4, y(0) + 4, "0", "end");
    label(left, height - 6, spanText);
    label(width - right, height - 6, "now", "end");

    function series(key, scale, cls) {
      var poly = document.createElementNS(SVG_NS, "polyline");
      var coords = [], last = null;
      points.forEach(function (p) {
        var v = p[key] * scale;
        // Step line: a value holds until the next sample.
        if (last !== null) { coords.push(x(p.t).toFixed(1) + "," + y(last).toFixed(1)); }
        coords.push(x(p.t).toFixed(1) + "," + y(v).toFixed(1));
        last = v;
      });
      poly.setAttribute("points", coords.join(" "));
      poly.setAttribute("class", cls);
      svg.appendChild(poly);
    }
    series("waiting", 1, "series-count");
    series("longest_wait_s", 1 / 60, "series-wait");

    var legend = el("p", "legend");
    legend.appendChild(el("span", "key key-count", "Solid line: patients waiting"));
    legend.appendChild(document.createTextNode(" · "));
    legend.appendChild(el("span", "key key-wait", "Dashed line: longest wait (minutes)"));
    var chart = $("chart");
    chart.textContent = "";
    chart.appendChild(svg);
    chart.appendChild(legend);
  }

  // ------------------------------------------------------------------ conversation
  function select(conversationId, moveFocus) {
    if (state.selected !== conversationId) {
      state.transcriptKeys = [];
      $("transcript").textContent = "";
      $("conv-error").textContent = "";
      $("reply-text").value = "";
      $("note-text").value = "";
      updateCount();
    }
    state.selected = conversationId;
    renderQueue();
    loadConversation(true).then(function () {
      if (moveFocus) { $("conv-heading").focus(); }
    });
    if (state.pollTimer) { window.clearInterval(state.pollTimer); }
    state.pollTimer = window.setInterval(function () {
      if (!document.hidden) { loadConversation(false); }
    }, CONVERSATION_POLL_MS);
  }

  function loadConversation(first) {
    var id = state.selected;
    if (!id) { return Promise.resolve(); }
    return api("GET", "/api/conversations/" + encodeURIComponent(id)).then(function (res) {
      if (id !== state.selected) { return; }
      if (!res.ok) {
        $("conv-error").textContent = res.data.error || "Could not load the conversation.";
        return;
      }
      state.conversation = res.data;
      renderConversation(res.data, first);
    });
  }

  function addSummaryRow(dl, term, value) {
    dl.appendChild(el("dt", null, term));
    var dd = el("dd");
    if (value instanceof Node) { dd.appendChild(value); } else { dd.textContent = value; }
    dl.appendChild(dd);
  }

  function renderConversation(data, first) {
    var entry = data.entry, s = entry.summary, perms = data.permissions;
    $("conv-hint").hidden = true;
    $("conv-body").hidden = false;
    $("conv-heading").textContent = "Conversation: " + entry.reason_label +
      (entry.priority === 0 ? " (top priority)" : "");
    var dl = $("summary");
    dl.textContent = "";
    addSummaryRow(dl, "Reason", entry.reason_label);
    var prio = el("span", "priority-text priority-" + entry.priority, entry.priority_label);
    addSummaryRow(dl, "Priority", prio);
    var status = entry.status === "claimed" ? ownerText(entry)
      : entry.status === "waiting" ? ownerText(entry)
      : entry.status === "resolved" ? "Resolved" : "Handed back to the assistant";
    addSummaryRow(dl, "Status", status);
    addSummaryRow(dl, "Chief complaint", s.chief_complaint || "—");
    addSummaryRow(dl, "Onset", s.onset || "—");
    addSummaryRow(dl, "Severity", s.severity || "—");
    if (s.red_flags && s.red_flags.length) {
      var ul = el("ul", "flags");
      s.red_flags.forEach(function (f) { ul.appendChild(el("li", null, f)); });
      addSummaryRow(dl, "Red flags", ul);
    } else {
      addSummaryRow(dl, "Red flags", "None recorded");
    }
    addSummaryRow(dl, "Disposition", s.disposition || "—");
    addSummaryRow(dl, "Channel", s.channel);
    addSummaryRow(dl, "Language", s.language);
    var wait = el("span", "wait", fmtWait(entry.waiting_s));
    wait.setAttribute("data-since", String(entry.enqueued_at));
    if (entry.status !== "waiting" && entry.status !== "claimed") {
      wait.setAttribute("data-until", String(entry.updated_at));
    }
    addSummaryRow(dl, "Waiting", wait);

    $("btn-claim").disabled = !perms.claim;
    $("btn-handback").disabled = !perms.handback;
    $("btn-resolve").disabled = !perms.resolve;
    $("reply-text").disabled = !perms.reply;
    $("btn-send").disabled = !perms.reply;
    $("reassign-box").hidden = !isSupervisor;
    $("btn-reassign").disabled = !perms.reassign;
    if (isSupervisor && first) { loadAgents(); }

    renderTranscript(data, first);
    renderNotes(data, perms);
  }

  function renderTranscript(data, first) {
    $("transcript-error").textContent = data.transcript_error ||
      (data.transcript === null ? "The transcript is visible to the team member who owns " +
        "this conversation and to supervisors." : "");
    var lines = data.transcript || [];
    var list = $("transcript");
    var keys = lines.map(function (l) { return l.role + "|" + l.timestamp + "|" + l.text; });
    var prefixOk = state.transcriptKeys.every(function (k, i) { return keys[i] === k; });
    if (!prefixOk) { list.textContent = ""; state.transcriptKeys = []; }
    var fresh = lines.slice(state.transcriptKeys.length);
    var announceNew = state.transcriptKeys.length > 0 && !first;
    fresh.forEach(function (line) {
      var who = line.role === "patient" ? "Patient"
        : line.role === "agent" ? "Staff (" + line.agent + ")" : "Assistant";
      var li = el("li", "msg msg-" + line.role);
      var head = el("span", "msg-who", who);
      li.appendChild(head);
      if (line.timestamp && line.timestamp > 1e9) {
        li.appendChild(el("span", "msg-time", " " + fmtTime(line.timestamp)));
      }
      li.appendChild(el("span", "msg-text", line.text));
      list.appendChild(li);
      if (announceNew && line.role === "patient") {
        announce("New message from the patient: " + line.text, false);
      }
    });
    state.transcriptKeys = keys;
    if (fresh.length) { list.scrollTop = list.scrollHeight; }
  }

  function renderNotes(data, perms) {
    var notes = $("notes");
    notes.textContent = "";
    $("notes-hidden").hidden = perms.notes;
    $("note-text").disabled = !perms.notes;
    $("btn-note").disabled = !perms.notes;
    (data.notes || []).forEach(function (n) {
      var li = el("li", "note");
      li.appendChild(el("span", "note-who", n.agent + " · " + fmtTime(n.at) + ": "));
      li.appendChild(el("span", "note-text", n.text));
      notes.appendChild(li);
    });
  }

  function loadAgents() {
    api("GET", "/api/agents").then(function (res) {
      if (!res.ok) { return; }
      var select = $("reassign-agent");
      var current = select.value;
      select.textContent = "";
      res.data.agents.forEach(function (a) {
        var opt = el("option", null, a.display_name + " (" + a.username + ", " + a.role +
          (a.online ? ", online" : "") + ")");
        opt.value = a.username;
        select.appendChild(opt);
      });
      if (current) { select.value = current; }
    });
  }

  function showError(res, fallback) {
    $("conv-error").textContent = (res.data && res.data.error) || fallback;
  }

  function action(path, body, done) {
    var id = state.selected;
    if (!id) { return; }
    $("conv-error").textContent = "";
    api("POST", "/api/conversations/" + encodeURIComponent(id) + "/" + path, body)
      .then(function (res) {
        if (!res.ok) {
          showError(res, "That did not work (HTTP " + res.status + ").");
        } else if (done) {
          done(res);
        }
        loadConversation(false);
        return res;
      });
  }

  function updateCount() { $("reply-count").textContent = String($("reply-text").value.length); }

  function bind() {
    $("btn-claim").addEventListener("click", function () {
      action("claim", undefined, function () { announce("You claimed the conversation.", false); });
    });
    $("btn-handback").addEventListener("click", function () {
      if (window.confirm("Hand this conversation back to the automated assistant?")) {
        action("handback", undefined, function () {
          announce("Handed back to the assistant.", false);
        });
      }
    });
    $("btn-resolve").addEventListener("click", function () {
      if (window.confirm("Resolve and close this conversation?")) {
        action("resolve", undefined, function () { announce("Conversation resolved.", false); });
      }
    });
    $("btn-reassign").addEventListener("click", function () {
      var agent = $("reassign-agent").value;
      if (agent) {
        action("reassign", { agent: agent }, function () {
          announce("Conversation reassigned to " + agent + ".", false);
        });
      }
    });
    $("reply-form").addEventListener("submit", function (ev) {
      ev.preventDefault();
      var box = $("reply-text");
      var text = box.value.trim();
      if (!text) { $("conv-error").textContent = "Type a reply first."; box.focus(); return; }
      $("btn-send").disabled = true;
      action("reply", { text: text }, function () {
        box.value = "";
        updateCount();
        announce("Reply sent.", false);
      });
      // On failure the text stays in the box (the server also returns it), never lost.
    });
    $("reply-text").addEventListener("input", updateCount);
    $("reply-text").addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) {
        ev.preventDefault();
        $("reply-form").requestSubmit();
      }
    });
    $("note-form").addEventListener("submit", function (ev) {
      ev.preventDefault();
      var box = $("note-text");
      var text = box.value.trim();
      if (!text) { $("conv-error").textContent = "Type a note first."; box.focus(); return; }
      action("notes", { text: text }, function () {
        box.value = "";
        announce("Note added.", false);
      });
    });
    window.setInterval(tick, 1000);
  }

  // ------------------------------------------------------------------ live stream
  function setConnected(ok) {
    if (state.connected === ok) { return; }
    state.connected = ok;
    var box = $("connection");
    box.textContent = ok ? "Live queue connected." : "Connection lost — reconnecting…";
    box.className = "connection " + (ok ? "ok" : "lost");
  }

  function connect() {
    var source = new EventSource("/api/stream");
    source.addEventListener("queue", function (ev) {
      setConnected(true);
      applySnapshot(JSON.parse(ev.data));
    });
    source.addEventListener("heartbeat", function (ev) {
      setConnected(true);
      state.clockOffset = JSON.parse(ev.data).now - Date.now() / 1000;
    });
    source.addEventListener("logout", function () {
      source.close();
      window.location.assign("/login");
    });
    source.onerror = function () {
      setConnected(false);
      api("GET", "/api/me");  // redirects to the login page when the session has ended
    };
  }

  bind();
  connect();
})();
