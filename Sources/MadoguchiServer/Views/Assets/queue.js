(function () {
  "use strict";
  var root = document.querySelector("[data-events]");
  var ask = document.getElementById("notify");
  if (ask && window.Notification) {
    ask.addEventListener("click", function () { Notification.requestPermission(); });
  } else if (ask) {
    ask.hidden = true;
  }
  if (!root) { return; }
  if (!window.EventSource) { setTimeout(function () { location.reload(); }, 30000); return; }
  var last = root.getAttribute("data-alert") || "";
  var source = new EventSource(root.getAttribute("data-events"));
  source.onmessage = function (message) {
    var data = JSON.parse(message.data);
    root.innerHTML = data.html;
    root.setAttribute("data-version", data.version);
    if (data.title) { document.title = data.title; }
    if (data.alert && data.alert !== last) {
      if (navigator.vibrate) { navigator.vibrate([300, 100, 300]); }
      if (window.Notification && Notification.permission === "granted") { new Notification(data.title); }
    }
    if (data.alert !== undefined) { last = data.alert; root.setAttribute("data-alert", last); }
    if (data.final) { source.close(); }
  };
})();
