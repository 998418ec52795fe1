(function () {
  "use strict";
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) { return; }
  var button = document.getElementById("scan");
  button.hidden = false;
  button.addEventListener("click", async function () {
    var video = document.getElementById("camera");
    var stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    var detector = new BarcodeDetector({ formats: ["qr_code"] });
    var timer = setInterval(async function () {
      var codes = await detector.detect(video);
      if (codes.length) {
        clearInterval(timer);
        stream.getTracks().forEach(function (t) { t.stop(); });
        document.getElementById("token").value = codes[0].rawValue;
        document.querySelector("form").submit();
      }
    }, 300);
  });
})();
