/* The customer chat widget. Plain JavaScript, no build step.
 *
 * Embed with one tag:
 *   <script src="https://ASSISTANT/widget.js" data-server="https://ASSISTANT"
 *           data-title="Service Clientèle" data-color="#0043ce" defer></script>
 *
 * Everything the bot or the customer wrote is inserted as text (never as HTML); only
 * http, https, mailto and tel addresses become links.
 */
(function () {
  "use strict";
  if (window.__faqbotLoaded) { return; }
  window.__faqbotLoaded = true;

  var script = document.currentScript;
  var server = (script && script.dataset.server) || "";
  if (!server && script) { server = new URL(script.src, location.href).origin; }
  var title = (script && script.dataset.title) || "Service Clientèle";
  var color = (script && script.dataset.color) || "#0043ce";
  var MAX_LENGTH = 2000;
  var STORAGE_KEY = "faqbot.session";
  /* Addresses that become links: web (http/https), e-mail (mailto) and phone (tel). */
  var LINK = /((?:https?:\/\/|mailto:|tel:)[^\s<>"']+[^\s<>"'.,;:!?)])|([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})|(\+32 \(0\)\d(?: ?\d{2,3}){3,4}|\b0 ?8\d{2}(?: \d{3}){2}\b)/g;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function newSessionId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function sessionId(renew) {
    var id = null;
    try { id = renew ? null : localStorage.getItem(STORAGE_KEY); } catch (e) { id = null; }
    if (!id || !/^[A-Za-z0-9_-]{16,64}$/.test(id)) {
      id = newSessionId();
      try { localStorage.setItem(STORAGE_KEY, id); } catch (e) { /* private mode: this tab only */ }
    }
    return id;
  }

  /* Text with safe links: text nodes and <a> built one by one. */
  function richText(container, text) {
    var last = 0;
    text.replace(LINK, function (match, url, email, phone, offset) {
      container.appendChild(document.createTextNode(text.slice(last, offset)));
      var href = url || (email ? "mailto:" + email : "tel:" + phone.replace("(0)", "").replace(/[^+\d]/g, ""));
      var link = el("a", { href: href, rel: "noopener noreferrer" }, match);
      if (/^https?:/i.test(href)) { link.setAttribute("target", "_blank"); }
      container.appendChild(link);
      last = offset + match.length;
      return match;
    });
    container.appendChild(document.createTextNode(text.slice(last)));
  }

  function clock(ts) {
    var date = ts ? new Date(ts * 1000) : new Date();
    return { iso: date.toISOString(), label: date.toLocaleTimeString("fr-BE", { hour: "2-digit", minute: "2-digit" }) };
  }

  /* --- the widget's DOM ------------------------------------------------------------ */
  var css = el("link", { rel: "stylesheet", href: server + "/static/widget.css" });
  document.head.appendChild(css);

  var root = el("div", { class: "faqbot", id: "faqbot" });
  root.style.setProperty("--faqbot-accent", color);
  var launcher = el("button", { type: "button", class: "faqbot-launcher", "aria-expanded": "false",
    "aria-controls": "faqbot-panel", "aria-label": "Ouvrir la discussion avec l'assistant" });
  launcher.innerHTML = '<svg aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="28" height="28"><path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg>';
  var panel = el("section", { class: "faqbot-panel", id: "faqbot-panel", role: "dialog",
    "aria-labelledby": "faqbot-title", hidden: "" });
  var header = el("div", { class: "faqbot-header" });
  var heading = el("h2", { id: "faqbot-title" }, title);
  var restart = el("button", { type: "button", class: "faqbot-restart" }, "Nouvelle conversation");
  var close = el("button", { type: "button", class: "faqbot-close", "aria-label": "Fermer la discussion" });
  close.innerHTML = '<svg aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="20" height="20"><path fill="currentColor" d="M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z"/></svg>';
  header.append(heading, restart, close);
  var log = el("div", { class: "faqbot-log", role: "log", "aria-live": "polite",
    "aria-label": "Messages de la conversation", tabindex: "0" });
  var status = el("p", { class: "faqbot-status", role: "status" });
  var typing = el("p", { class: "faqbot-typing", hidden: "" }, "L'assistant écrit…");
  var form = el("form", { class: "faqbot-form" });
  var label = el("label", { for: "faqbot-input", class: "faqbot-visually-hidden" }, "Votre message");
  var input = el("textarea", { id: "faqbot-input", rows: "2", maxlength: String(MAX_LENGTH),
    "aria-describedby": "faqbot-counter", placeholder: "Écrivez votre question…" });
  var counter = el("span", { id: "faqbot-counter", class: "faqbot-counter" }, "0 / " + MAX_LENGTH + " caractères");
  var send = el("button", { type: "submit", class: "faqbot-send" }, "Envoyer");
  form.append(label, input, counter, send);
  panel.append(header, log, typing, status, form);
  root.append(panel, launcher);
  document.body.appendChild(root);

  /* --- messages ----------------------------------------------------------------------- */
  var pendingEcho = {};

  function addMessage(frame) {
    var from = frame.type === "user" ? "user" : "bot";
    var item = el("div", { class: "faqbot-msg faqbot-" + from });
    var who = el("span", { class: "faqbot-visually-hidden" }, from === "user" ? "Vous : " : "Assistant : ");
    var bubble = el("p", { class: "faqbot-bubble" });
    bubble.appendChild(who);
    richText(bubble, frame.text || "");
    var time = clock(frame.ts);
    var stamp = el("time", { datetime: time.iso, class: "faqbot-time" }, time.label);
    item.append(bubble, stamp);
    if (frame.buttons && frame.buttons.length) {
      var group = el("div", { class: "faqbot-buttons", role: "group", "aria-label": "Réponses proposées" });
      frame.buttons.forEach(function (button) {
        var choice = el("button", { type: "button", class: "faqbot-choice" }, button.title);
        choice.addEventListener("click", function () {
          Array.prototype.forEach.call(group.querySelectorAll("button"), function (b) { b.disabled = true; });
          submit({ type: "button", payload: button.payload, title: button.title });
          input.focus();
        });
        group.appendChild(choice);
      });
      item.appendChild(group);
    }
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
  }

  function disableOldButtons() {
    Array.prototype.forEach.call(log.querySelectorAll(".faqbot-choice"), function (b) { b.disabled = true; });
  }

  /* --- the socket: reconnects, and queues what is sent while it is down ---------------- */
  var socket = null;
  var queue = [];
  var retryDelay = 500;
  var session = sessionId(false);

  function socketUrl() {
    var base = new URL(server || location.origin);
    base.protocol = base.protocol === "https:" ? "wss:" : "ws:";
    base.pathname = "/ws";
    base.search = "?session=" + encodeURIComponent(session);
    return base.toString();
  }

  function connect() {
    socket = new WebSocket(socketUrl());
    socket.addEventListener("open", function () {
      retryDelay = 500;
      status.textContent = "";
      while (queue.length && socket.readyState === WebSocket.OPEN) { socket.send(JSON.stringify(queue.shift())); }
    });
    socket.addEventListener("message", function (event) { receive(JSON.parse(event.data)); });
    socket.addEventListener("close", function () {
      status.textContent = "Connexion perdue, reconnexion…";
      typing.hidden = true;
      setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 10000);
    });
  }

  function receive(frame) {
    if (frame.type === "history") {
      pendingEcho = {};  // the history has every message the server received
      log.textContent = "";
      frame.messages.forEach(addMessage);
      disableOldButtons();
      var last = log.lastElementChild;
      if (last) { Array.prototype.forEach.call(last.querySelectorAll(".faqbot-choice"), function (b) { b.disabled = false; }); }
    } else if (frame.type === "welcome" || frame.type === "bot") {
      disableOldButtons();
      addMessage(frame);
    } else if (frame.type === "user") {
      if (frame.id && pendingEcho[frame.id]) { delete pendingEcho[frame.id]; return; }
      addMessage(frame);
    } else if (frame.type === "typing") {
      typing.hidden = !frame.on;
    } else if (frame.type === "error") {
      addMessage({ type: "bot", text: frame.text });
      log.lastElementChild.classList.add("faqbot-error");
    }
  }

  function submit(frame) {
    frame.id = newSessionId().slice(0, 12);
    pendingEcho[frame.id] = true;
    addMessage({ type: "user", text: frame.type === "button" ? frame.title : frame.text });
    if (socket && socket.readyState === WebSocket.OPEN) { socket.send(JSON.stringify(frame)); }
    else { queue.push(frame); status.textContent = "Message en attente d'envoi…"; }
  }

  /* --- controls ------------------------------------------------------------------------ */
  function open() {
    panel.hidden = false;
    root.classList.add("faqbot-is-open");
    launcher.setAttribute("aria-expanded", "true");
    launcher.setAttribute("aria-label", "Fermer la discussion avec l'assistant");
    if (!socket) { connect(); }
    try { sessionStorage.setItem("faqbot.open", "1"); } catch (e) { /* not kept */ }
    input.focus();
  }

  function shut() {
    panel.hidden = true;
    root.classList.remove("faqbot-is-open");
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-label", "Ouvrir la discussion avec l'assistant");
    try { sessionStorage.removeItem("faqbot.open"); } catch (e) { /* not kept */ }
    launcher.focus();
  }

  launcher.addEventListener("click", function () { if (panel.hidden) { open(); } else { shut(); } });
  close.addEventListener("click", shut);
  panel.addEventListener("keydown", function (event) { if (event.key === "Escape") { shut(); } });
  restart.addEventListener("click", function () {
    session = sessionId(true);
    log.textContent = "";
    if (socket) { socket.close(); } else { connect(); }
    input.focus();
  });
  input.addEventListener("input", function () {
    counter.textContent = input.value.length + " / " + MAX_LENGTH + " caractères";
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    submit({ type: "message", text: text });
    input.value = "";
    counter.textContent = "0 / " + MAX_LENGTH + " caractères";
  });
  /* Another tab may start a new conversation: follow it. */
  window.addEventListener("storage", function (event) {
    if (event.key === STORAGE_KEY && event.newValue && event.newValue !== session) {
      session = event.newValue;
      if (socket) { socket.close(); }
    }
  });
  var wasOpen = false;
  try { wasOpen = sessionStorage.getItem("faqbot.open") === "1"; } catch (e) { wasOpen = false; }
  if (wasOpen) { open(); }
})();
