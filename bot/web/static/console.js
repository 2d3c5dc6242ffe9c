/* Live chat of a handed-off conversation: customer messages arrive, the agent's go out. */
(function () {
  "use strict";
  var log = document.getElementById("transcript");
  if (!log || !log.dataset.socket) { return; }
  var form = document.getElementById("chat");
  var url = new URL(log.dataset.socket, location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  var socket;

  function add(who, label, text) {
    var item = document.createElement("li");
    item.className = "line " + who;
    var name = document.createElement("span");
    name.className = "who";
    name.textContent = label;
    var body = document.createElement("p");
    body.className = "customer-text";
    body.textContent = text;
    item.append(name, body);
    log.appendChild(item);
    item.scrollIntoView({ block: "end" });
  }

  function connect() {
    socket = new WebSocket(url);
    socket.addEventListener("message", function (event) {
      var frame = JSON.parse(event.data);
      if (frame.type === "user") { add("customer", "Client", frame.text); }
      else if (frame.type === "agent") { add("agent", "Conseiller", frame.text); }
      else if (frame.type === "error") { add("error", "Console", frame.text); }
    });
    socket.addEventListener("close", function () { setTimeout(connect, 1000); });
  }
  connect();

  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = form.elements.text.value.trim();
      if (!text || socket.readyState !== WebSocket.OPEN) { return; }
      socket.send(JSON.stringify({ type: "message", text: text }));
      form.elements.text.value = "";
    });
  }
})();
