/*
 * Clinic assistant chat widget.
 *
 * Embed with one script tag; configure with an optional object set before it:
 *   <script>window.TRIAGE_CHAT_CONFIG = {serverUrl: "https://bot.example.org", title: "Ask us",
 *                                        primaryColor: "#0b5cad", language: "en"};</script>
 *   <script src="https://bot.example.org/static/widget.js" async></script>
 *
 * Talks Socket.IO (websocket transport) to the Rasa server. The session id is kept in
 * localStorage so a page reload continues the same conversation, and the transcript is kept
 * alongside it so the patient sees what was said.
 */
(function () {
  "use strict";
  if (window.__triageChatLoaded) return;
  window.__triageChatLoaded = true;

  var script = document.currentScript;
  var base = script ? new URL(".", script.src).href : "./";
  var defaults = window.TRIAGE_CHAT_DEFAULTS || {};
  var user = window.TRIAGE_CHAT_CONFIG || {};
  var cfg = {
    serverUrl: user.serverUrl || defaults.serverUrl || window.location.origin,
    title: user.title || defaults.title || "Clinic assistant",
    primaryColor: user.primaryColor || defaults.primaryColor || "#0b5cad",
    language: user.language || defaults.language || "en",
    startOpen: user.startOpen !== undefined ? user.startOpen : true,
  };
  var STORE = "triageChat:" + cfg.serverUrl;

  function load() {
    try { return JSON.parse(localStorage.getItem(STORE)) || {}; } catch (e) { return {}; }
  }
  function save(state) {
    try { localStorage.setItem(STORE, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }
  var state = load();
  state.history = state.history || [];

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }

  var css = "" +
    ".tc-root{position:fixed;right:16px;bottom:16px;width:360px;max-width:calc(100vw - 32px);" +
    "font:15px/1.4 system-ui,sans-serif;color:#111;z-index:2147483000}" +
    ".tc-panel{display:flex;flex-direction:column;height:520px;max-height:calc(100vh - 32px);" +
    "background:#fff;border:1px solid #767676;border-radius:10px;overflow:hidden;" +
    "box-shadow:0 4px 16px rgba(0,0,0,.2)}" +
    ".tc-head{background:var(--tc-color);color:#fff;padding:10px 12px;font-weight:600;margin:0;font-size:16px}" +
    ".tc-log{flex:1;overflow-y:auto;padding:10px;list-style:none;margin:0}" +
    ".tc-msg{margin:6px 0;padding:8px 10px;border-radius:8px;max-width:85%;white-space:pre-wrap;word-wrap:break-word}" +
    ".tc-bot{background:#eef1f5}.tc-user{background:var(--tc-color);color:#fff;margin-left:auto}" +
    ".tc-buttons{display:flex;flex-wrap:wrap;gap:6px;margin:4px 0 8px}" +
    ".tc-buttons button,.tc-form button{background:#fff;color:var(--tc-color);border:2px solid var(--tc-color);" +
    "border-radius:16px;padding:6px 10px;font:inherit;cursor:pointer}" +
    ".tc-form{display:flex;gap:6px;padding:8px;border-top:1px solid #ccc}" +
    ".tc-form input{flex:1;min-width:0;font:inherit;padding:8px;border:1px solid #767676;border-radius:6px}" +
    ".tc-form button{border-radius:6px;background:var(--tc-color);color:#fff}" +
    ".tc-root :focus-visible{outline:3px solid #ffbf47;outline-offset:2px}" +
    ".tc-typing{padding:0 12px 6px;color:#444;font-size:13px;min-height:1.2em}" +
    ".tc-status{padding:0 12px;color:#a00;font-size:13px}" +
    ".tc-sr{position:absolute;left:-9999px;width:1px;height:1px;overflow:hidden}";
  var style = el("style");
  style.textContent = css;
  document.head.appendChild(style);

  var root = el("section", { "class": "tc-root", "aria-label": cfg.title, lang: cfg.language });
  root.style.setProperty("--tc-color", cfg.primaryColor);
  var panel = el("div", { "class": "tc-panel" });
  var head = el("h2", { "class": "tc-head", id: "tc-title" }, cfg.title);
  // role=log is an implicit polite live region: screen readers announce new messages.
  var log = el("ol", { "class": "tc-log", role: "log", "aria-live": "polite",
                       "aria-labelledby": "tc-title", tabindex: "0" });
  var typing = el("div", { "class": "tc-typing", "aria-live": "polite" });
  var status = el("div", { "class": "tc-status", role: "status" });
  var form = el("form", { "class": "tc-form" });
  var label = el("label", { "for": "tc-input", "class": "tc-sr" }, "Type your message");
  var input = el("input", { id: "tc-input", type: "text", autocomplete: "off",
                            maxlength: "1000", placeholder: "Type your message…" });
  var send = el("button", { type: "submit" }, "Send");
  form.appendChild(label); form.appendChild(input); form.appendChild(send);
  panel.appendChild(head); panel.appendChild(log); panel.appendChild(typing);
  panel.appendChild(status); panel.appendChild(form);
  root.appendChild(panel);

  function addMessage(who, text, buttons, persist) {
    var li = el("li", { "class": "tc-msg tc-" + who });
    var sr = el("span", { "class": "tc-sr" }, who === "bot" ? "Assistant: " : "You: ");
    li.appendChild(sr);
    li.appendChild(document.createTextNode(text || ""));
    log.appendChild(li);
    if (buttons && buttons.length) {
      var group = el("li", { "class": "tc-buttons", role: "group", "aria-label": "Quick replies" });
      buttons.forEach(function (b) {
        var btn = el("button", { type: "button" }, b.title);
        btn.addEventListener("click", function () {
          group.remove();
          sendMessage(b.title, b.payload);
        });
        group.appendChild(btn);
      });
      log.appendChild(group);
    }
    log.scrollTop = log.scrollHeight;
    if (persist) {
      state.history.push({ who: who, text: text, buttons: buttons || [] });
      state.history = state.history.slice(-200);
      save(state);
    }
  }

  // Replay the stored transcript; only the last message keeps its quick replies.
  state.history.forEach(function (m, i) {
    addMessage(m.who, m.text, i === state.history.length - 1 ? m.buttons : [], false);
  });

  var socket = null;
  var sessionReady = false;
  var pending = [];

  function sendMessage(display, payload) {
    var text = (display || "").trim();
    if (!text) return;
    addMessage("user", text, [], true);
    var msg = { message: payload || text, session_id: state.sessionId };
    if (sessionReady) socket.emit("user_uttered", msg); else pending.push(msg);
    typing.textContent = "The assistant is typing…";
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = input.value;
    input.value = "";
    sendMessage(text);
    input.focus();
  });

  function connect() {
    socket = window.io(cfg.serverUrl, { path: "/socket.io", transports: ["websocket"] });
    socket.on("connect", function () {
      status.textContent = "";
      socket.emit("session_request", { session_id: state.sessionId || null });
    });
    socket.on("session_confirm", function (sid) {
      var id = typeof sid === "string" ? sid : (sid && sid.session_id);
      if (id) { state.sessionId = id; save(state); }
      sessionReady = true;
      pending.splice(0).forEach(function (m) {
        m.session_id = state.sessionId;
        socket.emit("user_uttered", m);
      });
    });
    socket.on("bot_uttered", function (data) {
      typing.textContent = "";
      var buttons = (data.quick_replies || data.buttons || []).map(function (b) {
        return { title: b.title, payload: b.payload };
      });
      addMessage("bot", data.text || "", buttons, true);
    });
    socket.on("connect_error", function () {
      status.textContent = "Can't reach the assistant right now. If this is an emergency, call 911.";
      typing.textContent = "";
    });
    socket.on("disconnect", function () { sessionReady = false; });
  }

  function start() {
    document.body.appendChild(root);
    if (window.io) return connect();
    var s = el("script", { src: base + "vendor/socket.io.min.js" });
    s.onload = connect;
    s.onerror = function () { status.textContent = "The chat could not load."; };
    document.head.appendChild(s);
  }
  if (document.body) start(); else document.addEventListener("DOMContentLoaded", start);
})();
