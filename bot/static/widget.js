/*
 * Clinic assistant chat widget — embed with ONE script tag. No dependencies (the Socket.IO
 * client is vendored next to this file and loaded from the same place as widget.js).
 *
 * 1) Script tag + config object (set the object before the tag):
 *
 *   <script>
 *     window.TRIAGE_CHAT_CONFIG = {
 *       serverUrl: "https://bot.example.org",  // the Rasa server (Socket.IO); default: this page
 *       title: "Ask Riverside Clinic",         // panel heading and landmark name
 *       primaryColor: "#0b5cad",               // any CSS colour; text on it is black or white,
 *                                              // whichever meets WCAG AA (4.5:1)
 *       language: "en",                        // BCP 47 tag of the conversation (lang attribute)
 *       startOpen: true,                       // open on first visit (later: the patient's choice)
 *       strings: {}                            // optional: override any UI text (see STRINGS)
 *     };
 *   </script>
 *   <script src="https://widget-host.example.org/widget.js" async></script>
 *
 * 2) Or the single tag alone, with data attributes (data-server-url, data-title,
 *    data-primary-color, data-language, data-start-open="false"):
 *
 *   <script src="https://widget-host.example.org/widget.js" data-server-url="https://bot.example.org"
 *           data-title="Ask us" data-primary-color="#00796b" async></script>
 *
 * Precedence: TRIAGE_CHAT_CONFIG > data attributes > TRIAGE_CHAT_DEFAULTS (written by the demo
 * server's /config.js) > built-in defaults. The page's origin must be listed in the server's
 * WEBCHAT_ALLOWED_ORIGINS. See embed-example.html.
 *
 * Behaviour:
 * - Session: the signed session id from the server is kept in sessionStorage (per tab, page
 *   origin and serverUrl), so a reload continues the same conversation; the transcript (last 200
 *   messages) is kept alongside it and replayed. sessionStorage, not localStorage: the transcript
 *   is health information, and closing the tab must clear it on a shared or library computer.
 * - Accessibility: a labelled region; the transcript is role=log (polite live region); every
 *   control is a native button/input reachable with Tab; focus is always visible (two-tone ring);
 *   colours meet WCAG AA for any primaryColor; fits a 320 px wide screen without horizontal
 *   scrolling; honours prefers-reduced-motion.
 * - Safety: when a bot message is an emergency ("Call 911 now…") or crisis (988 Suicide & Crisis
 *   Lifeline) message, or carries {"custom": {"banner": "emergency"|"crisis"}}, a banner with
 *   tap-to-call (tel:911, tel:988) and text (sms:988) links is shown at the top of the panel and
 *   announced (role=alert). It stays for the rest of the conversation.
 */
(function () {
  "use strict";
  if (window.__triageChatLoaded) return;
  window.__triageChatLoaded = true;

  var STRINGS = {
    launcher: "Chat with us",
    minimise: "Minimise chat",
    inputLabel: "Type your message",
    placeholder: "Type your message…",
    send: "Send",
    you: "You: ",
    assistant: "Assistant: ",
    staff: "(clinic team): ",
    quickReplies: "Quick replies",
    typing: "The assistant is typing…",
    offline: "Can't reach the assistant right now. If this is an emergency, call 911.",
    loadFailed: "The chat could not load. If this is an emergency, call 911.",
    emergencyTitle: "Medical emergency",
    emergencyText: "If you or someone else may be having a medical emergency, call 911 now.",
    call911: "Call 911",
    crisisTitle: "Support is available now",
    crisisText: "Call or text 988 (Suicide & Crisis Lifeline), free and open 24/7. " +
                "In immediate danger, call 911.",
    call988: "Call 988",
    text988: "Text 988",
  };

  var script = document.currentScript;
  var base = script && script.src ? new URL(".", script.src).href : "./";
  var data = (script && script.dataset) || {};
  var defaults = window.TRIAGE_CHAT_DEFAULTS || {};
  var user = window.TRIAGE_CHAT_CONFIG || {};
  function pick(name, dataName, fallback) {
    if (user[name] !== undefined && user[name] !== null && user[name] !== "") return user[name];
    if (data[dataName] !== undefined && data[dataName] !== "") return data[dataName];
    if (defaults[name] !== undefined && defaults[name] !== null) return defaults[name];
    return fallback;
  }
  var startOpen = pick("startOpen", "startOpen", true);
  var cfg = {
    serverUrl: String(pick("serverUrl", "serverUrl", window.location.origin)).replace(/\/+$/, ""),
    title: String(pick("title", "title", "Clinic assistant")),
    primaryColor: String(pick("primaryColor", "primaryColor", "#0b5cad")),
    language: String(pick("language", "language", "en")),
    startOpen: startOpen !== false && startOpen !== "false",
  };
  var T = {};
  Object.keys(STRINGS).forEach(function (k) { T[k] = STRINGS[k]; });
  var overrides = user.strings || defaults.strings || {};
  Object.keys(overrides).forEach(function (k) { if (k in T) T[k] = String(overrides[k]); });

  var STORE = "triageChat:" + cfg.serverUrl;
  function load() {
    try { return JSON.parse(sessionStorage.getItem(STORE)) || {}; } catch (e) { return {}; }
  }
  function save() {
    try { sessionStorage.setItem(STORE, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }
  var state = load();
  state.history = Array.isArray(state.history) ? state.history : [];
  if (typeof state.open !== "boolean") state.open = cfg.startOpen;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }

  // ---- colour: WCAG 2.x relative luminance and contrast ratio --------------------------------
  function parseRgb(css) {
    var m = /rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)/.exec(css || "");
    return m ? [+m[1], +m[2], +m[3]] : null;
  }
  function luminance(rgb) {
    var c = rgb.map(function (v) {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }
  function contrast(a, b) {
    var la = luminance(a), lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }
  function toCss(rgb) { return "rgb(" + rgb.map(Math.round).join(", ") + ")"; }
  var WHITE = [255, 255, 255], BLACK = [0, 0, 0];
  // Any CSS colour the browser understands (names, hex, rgb(), hsl()) -> [r, g, b].
  function resolveColor(value, fallback) {
    var probe = el("span");
    probe.style.color = value;
    if (!probe.style.color) return fallback;
    probe.style.display = "none";
    document.body.appendChild(probe);
    var rgb = parseRgb(getComputedStyle(probe).color);
    probe.remove();
    return rgb || fallback;
  }
  function palette(value) {
    var primary = resolveColor(value, [11, 92, 173]);
    // Text on the primary colour (header, user bubble, send button): white if it passes AA,
    // otherwise whichever of white/black contrasts more (one of them always reaches 4.5:1).
    var onPrimary = contrast(WHITE, primary) >= 4.5 ? WHITE
      : (contrast(BLACK, primary) > contrast(WHITE, primary) ? BLACK : WHITE);
    // The primary colour used as text/borders on white (quick replies): darkened until AA.
    var accent = primary.slice();
    for (var i = 0; i < 20 && contrast(accent, WHITE) < 4.5; i++) {
      accent = accent.map(function (v) { return v * 0.85; });
    }
    return { primary: toCss(primary), on: toCss(onPrimary), accent: toCss(accent) };
  }

  // ---- emergency / crisis detection ---------------------------------------------------------
  var EMERGENCY_RE = /^\s*call 911 now\b/i;
  // The crisis lines (actions/core/triage/messages.py CRISIS_FIRST, guardrails CRISIS_TEXT) name
  // the lifeline; a passing "call or text 988 if…" safety-net note does not raise the banner.
  var CRISIS_RE = /\b988\b[^.]*suicide\s*(?:&|and)\s*crisis\s*lifeline|^\s*please reach out for support right now\b[^.]*\b988\b/i;
  function bannerFor(text, custom) {
    var kind = custom && (custom.banner || custom.alert);
    if (kind === "emergency" || kind === "crisis") return kind;
    if (EMERGENCY_RE.test(text || "")) return "emergency";
    if (CRISIS_RE.test(text || "")) return "crisis";
    return null;
  }

  // ---- styles -------------------------------------------------------------------------------
  var css = "" +
    ".tc-root{position:fixed;right:16px;bottom:16px;width:360px;max-width:calc(100vw - 32px);" +
    "font:15px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#111;" +
    "z-index:2147483000;box-sizing:border-box;text-align:left;pointer-events:none}" +
    ".tc-root>*{pointer-events:auto}" +
    ".tc-root *,.tc-root *::before,.tc-root *::after{box-sizing:border-box}" +
    ".tc-panel{display:flex;flex-direction:column;height:540px;max-height:calc(100vh - 32px);" +
    "background:#fff;border:1px solid #767676;border-radius:10px;overflow:hidden;" +
    "box-shadow:0 4px 16px rgba(0,0,0,.2)}" +
    ".tc-panel[hidden],.tc-launcher[hidden]{display:none}" +
    ".tc-head{display:flex;align-items:center;gap:8px;background:var(--tc-color);" +
    "color:var(--tc-on);padding:6px 6px 6px 12px}" +
    ".tc-head h2{flex:1;min-width:0;margin:0;font-size:16px;font-weight:600;color:inherit;" +
    "overflow-wrap:anywhere}" +
    ".tc-min{flex:none;width:44px;height:44px;border:0;border-radius:6px;background:transparent;" +
    "color:inherit;font:inherit;font-size:24px;line-height:1;cursor:pointer}" +
    ".tc-min:hover{background:rgba(127,127,127,.25)}" +
    ".tc-banner{margin:0;padding:0}" +
    ".tc-banner.tc-on{padding:10px 12px;background:#a4001d;color:#fff;border-bottom:3px solid #5c0010}" +
    ".tc-banner strong{display:block;font-size:16px}" +
    ".tc-banner p{margin:2px 0 8px}" +
    ".tc-calls{display:flex;flex-wrap:wrap;gap:8px}" +
    ".tc-call{display:inline-block;min-height:44px;padding:10px 14px;border-radius:8px;" +
    "background:#fff;color:#a4001d;font-weight:700;text-decoration:none;border:2px solid #fff}" +
    ".tc-call:hover{text-decoration:underline}" +
    ".tc-log{flex:1;min-height:0;overflow-y:auto;overflow-x:hidden;padding:10px;list-style:none;margin:0}" +
    ".tc-msg{margin:6px 0;padding:8px 10px;border-radius:8px;max-width:85%;white-space:pre-wrap;" +
    "overflow-wrap:anywhere;word-wrap:break-word}" +
    ".tc-bot{background:#eef1f5;color:#111}" +
    ".tc-user{background:var(--tc-color);color:var(--tc-on);margin-left:auto}" +
    ".tc-buttons{display:flex;flex-wrap:wrap;gap:6px;margin:4px 0 8px}" +
    ".tc-buttons button{background:#fff;color:var(--tc-accent);border:2px solid var(--tc-accent);" +
    "border-radius:16px;padding:6px 10px;min-height:36px;font:inherit;cursor:pointer;text-align:left;" +
    "max-width:100%;overflow-wrap:anywhere}" +
    ".tc-buttons button:hover{background:#f0f0f0}" +
    ".tc-form{display:flex;gap:6px;padding:8px;border-top:1px solid #ccc}" +
    ".tc-form input{flex:1;min-width:0;font:inherit;font-size:16px;padding:8px;color:#111;" +
    "background:#fff;border:1px solid #767676;border-radius:6px}" +
    ".tc-form input::placeholder{color:#6b6b6b;opacity:1}" +
    ".tc-form button{flex:none;border:2px solid var(--tc-color);border-radius:6px;" +
    "background:var(--tc-color);color:var(--tc-on);padding:6px 12px;font:inherit;cursor:pointer}" +
    ".tc-launcher{display:block;margin-left:auto;min-height:48px;max-width:100%;padding:10px 18px;" +
    "border:2px solid var(--tc-on);border-radius:24px;background:var(--tc-color);color:var(--tc-on);" +
    "font:inherit;font-weight:600;cursor:pointer;box-shadow:0 2px 8px rgba(0,0,0,.3)}" +
    // Two-tone focus ring (yellow + near-black): visible on white, on the primary colour and on
    // the red banner alike.
    ".tc-root :focus-visible{outline:3px solid #ffdd00;outline-offset:0;" +
    "box-shadow:0 0 0 6px #0b0c0c}" +
    ".tc-root .tc-log:focus-visible{outline-offset:-3px;box-shadow:inset 0 0 0 6px #0b0c0c}" +
    ".tc-typing{padding:0 12px 6px;color:#444;font-size:13px;min-height:1.4em}" +
    ".tc-dots span{display:inline-block;animation:tc-blink 1.2s infinite both}" +
    ".tc-dots span:nth-child(2){animation-delay:.2s}.tc-dots span:nth-child(3){animation-delay:.4s}" +
    "@keyframes tc-blink{0%,80%,100%{opacity:.2}40%{opacity:1}}" +
    "@media (prefers-reduced-motion:reduce){.tc-dots span{animation:none}}" +
    ".tc-status{padding:0 12px;color:#a00;font-size:13px}" +
    ".tc-status:empty{display:none}" +
    ".tc-staff{background:#fff6d6;border:1px solid #8a6d00;color:#111}" +
    ".tc-who{display:block;font-weight:600;font-size:13px;margin-bottom:2px}" +
    ".tc-sr{position:absolute!important;width:1px;height:1px;margin:-1px;padding:0;border:0;" +
    "overflow:hidden;clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap}" +
    // Small screens: the panel spans the width (8 px margins) and fits the visible height.
    "@media (max-width:480px){.tc-root{right:8px;left:8px;bottom:8px;width:auto;max-width:none}" +
    ".tc-panel{height:calc(100vh - 16px);height:calc(100dvh - 16px);max-height:none}}" +
    "@media (max-width:480px) and (min-height:700px){.tc-panel{height:560px;max-height:calc(100dvh - 16px)}}" +
    "@media (forced-colors:active){.tc-user,.tc-head,.tc-banner.tc-on{border:1px solid CanvasText}}";
  var style = el("style");
  style.textContent = css;
  document.head.appendChild(style);

  // ---- DOM ----------------------------------------------------------------------------------
  var root = el("section", { "class": "tc-root", "aria-labelledby": "tc-title", lang: cfg.language });
  var launcher = el("button", { type: "button", "class": "tc-launcher", "aria-expanded": "false",
                                "aria-controls": "tc-panel" }, T.launcher);
  var panel = el("div", { "class": "tc-panel", id: "tc-panel" });
  var head = el("div", { "class": "tc-head" });
  var title = el("h2", { id: "tc-title" }, cfg.title);
  var minimise = el("button", { type: "button", "class": "tc-min", "aria-expanded": "true",
                                "aria-controls": "tc-panel", "aria-label": T.minimise,
                                title: T.minimise }, "\u2212");
  head.appendChild(title); head.appendChild(minimise);
  // Always in the DOM (empty when idle) so assistive tech announces it when it fills.
  var banner = el("div", { "class": "tc-banner", role: "alert" });
  // role=log is an implicit polite live region: screen readers announce new messages.
  var log = el("ol", { "class": "tc-log", role: "log", "aria-live": "polite",
                       "aria-labelledby": "tc-title", tabindex: "0" });
  var typing = el("div", { "class": "tc-typing", "aria-live": "polite" });
  var status = el("div", { "class": "tc-status", role: "status" });
  var form = el("form", { "class": "tc-form" });
  var label = el("label", { "for": "tc-input", "class": "tc-sr" }, T.inputLabel);
  var input = el("input", { id: "tc-input", type: "text", autocomplete: "off", enterkeyhint: "send",
                            maxlength: "1000", placeholder: T.placeholder });
  var send = el("button", { type: "submit" }, T.send);
  form.appendChild(label); form.appendChild(input); form.appendChild(send);
  panel.appendChild(head); panel.appendChild(banner); panel.appendChild(log);
  panel.appendChild(typing); panel.appendChild(status); panel.appendChild(form);
  root.appendChild(launcher); root.appendChild(panel);

  function setOpen(open, moveFocus) {
    state.open = open;
    save();
    panel.hidden = !open;
    launcher.hidden = open;
    launcher.setAttribute("aria-expanded", String(open));
    minimise.setAttribute("aria-expanded", String(open));
    if (!moveFocus) return;
    if (open) input.focus(); else launcher.focus();
  }
  launcher.addEventListener("click", function () { setOpen(true, true); });
  minimise.addEventListener("click", function () { setOpen(false, true); });

  // ---- banner -------------------------------------------------------------------------------
  var bannerKind = null;
  function callLink(href, text) { return el("a", { "class": "tc-call", href: href }, text); }
  function showBanner(kind) {
    // Crisis outranks emergency because the crisis banner carries the 911 link as well.
    if (!kind || bannerKind === "crisis" || bannerKind === kind) return;
    bannerKind = kind;
    banner.textContent = "";
    banner.className = "tc-banner tc-on tc-" + kind;
    var calls = el("div", { "class": "tc-calls" });
    if (kind === "crisis") {
      banner.appendChild(el("strong", {}, T.crisisTitle));
      banner.appendChild(el("p", {}, T.crisisText));
      calls.appendChild(callLink("tel:988", T.call988));
      calls.appendChild(callLink("sms:988", T.text988));
      calls.appendChild(callLink("tel:911", T.call911));
    } else {
      banner.appendChild(el("strong", {}, T.emergencyTitle));
      banner.appendChild(el("p", {}, T.emergencyText));
      calls.appendChild(callLink("tel:911", T.call911));
    }
    banner.appendChild(calls);
    if (panel.hidden) setOpen(true, false);
  }

  // ---- transcript ---------------------------------------------------------------------------
  function addMessage(who, text, buttons, persist, kind, agent) {
    if (text) {
      var li = el("li", { "class": "tc-msg tc-" + who });
      if (who === "staff") {
        // A person from the clinic team: a visible name, not only a colour.
        li.appendChild(el("span", { "class": "tc-who" }, (agent || "") + " " + T.staff));
      } else {
        li.appendChild(el("span", { "class": "tc-sr" }, who === "bot" ? T.assistant : T.you));
      }
      li.appendChild(document.createTextNode(text));
      log.appendChild(li);
    }
    if (buttons && buttons.length) {
      var group = el("li", { "class": "tc-buttons", role: "group", "aria-label": T.quickReplies });
      buttons.forEach(function (b) {
        var btn = el("button", { type: "button" }, b.title);
        btn.addEventListener("click", function () {
          group.remove();
          sendMessage(b.title, b.payload);
          input.focus();
        });
        group.appendChild(btn);
      });
      log.appendChild(group);
    }
    if (kind) showBanner(kind);
    log.scrollTop = log.scrollHeight;
    if (persist) {
      state.history.push({ who: who, text: text || "", buttons: buttons || [], banner: kind || null,
                           agent: agent || null });
      state.history = state.history.slice(-200);
      save();
    }
  }

  // Replay the stored transcript; only the last message keeps its quick replies. A banner raised
  // in this conversation comes back too (even if its message scrolled out of the stored 200).
  if (state.banner) showBanner(state.banner);
  state.history.forEach(function (m, i) {
    addMessage(m.who, m.text, i === state.history.length - 1 ? m.buttons : [], false, m.banner,
               m.agent);
  });

  // ---- socket -------------------------------------------------------------------------------
  var socket = null;
  var sessionReady = false;
  var pending = [];
  var typingTimer = null;

  function setTyping(on) {
    clearTimeout(typingTimer);
    typing.textContent = "";
    if (!on) return;
    typing.appendChild(document.createTextNode(T.typing.replace(/…$|\.\.\.$/, "")));
    var dots = el("span", { "class": "tc-dots", "aria-hidden": "true" });
    ["." , ".", "."].forEach(function (d) { dots.appendChild(el("span", {}, d)); });
    typing.appendChild(dots);
    // Never leave "typing" up forever if a reply is lost.
    typingTimer = setTimeout(function () { typing.textContent = ""; }, 90000);
  }

  function sendMessage(display, payload) {
    var text = (display || "").trim();
    if (!text) return;
    addMessage("user", text, [], true);
    var msg = { message: payload || text, session_id: state.sessionId };
    if (sessionReady) socket.emit("user_uttered", msg); else pending.push(msg);
    // While a person from the clinic team is in charge, nobody is "typing" automatically.
    if (!state.human) setTyping(true);
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
      if (id) { state.sessionId = id; save(); }
      sessionReady = true;
      pending.splice(0).forEach(function (m) {
        m.session_id = state.sessionId;
        socket.emit("user_uttered", m);
      });
    });
    socket.on("bot_uttered", function (msg) {
      msg = msg || {};
      setTyping(false);
      var custom = msg.custom && typeof msg.custom === "object" ? msg.custom : null;
      var text = typeof msg.text === "string" ? msg.text
        : (custom && typeof custom.text === "string" ? custom.text : "");
      var buttons = (msg.quick_replies || msg.buttons || []).map(function (b) {
        return { title: b.title, payload: b.payload };
      });
      var kind = bannerFor(text, custom || msg);
      if (kind && kind !== state.banner && state.banner !== "crisis") state.banner = kind;
      if (typeof msg.agent === "string" && msg.agent) {
        state.human = msg.handoff !== "ended";
        addMessage("staff", text, buttons, true, kind, msg.agent);
        return;
      }
      if (msg.handoff === "ended") state.human = false;
      addMessage("bot", text, buttons, true, kind);
    });
    socket.on("connect_error", function () {
      status.textContent = T.offline;
      setTyping(false);
    });
    socket.on("disconnect", function () { sessionReady = false; });
  }

  function start() {
    root.style.setProperty("--tc-color", "#0b5cad");
    document.body.appendChild(root);
    var colors = palette(cfg.primaryColor);
    root.style.setProperty("--tc-color", colors.primary);
    root.style.setProperty("--tc-on", colors.on);
    root.style.setProperty("--tc-accent", colors.accent);
    setOpen(state.open, false);
    if (window.io) return connect();
    var s = el("script", { src: base + "vendor/socket.io.min.js" });
    s.onload = connect;
    s.onerror = function () { status.textContent = T.loadFailed; };
    document.head.appendChild(s);
  }
  if (document.body) start(); else document.addEventListener("DOMContentLoaded", start);
})();
