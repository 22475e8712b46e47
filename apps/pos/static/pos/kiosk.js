// The kiosk at a counter: full screen on request, and back to an empty survey after each answer
// and after a customer walks away mid-answer, with a visible countdown before it starts over.
(function () {
  "use strict";
  var body = document.body;
  var home = body.getAttribute("data-kiosk-home");
  var idleSeconds = parseInt(body.getAttribute("data-idle-seconds"), 10) || 60;
  var countdown = document.querySelector("[data-countdown]");
  var countdownSeconds = document.querySelector("[data-countdown-seconds]");
  var warnSeconds = 10;
  var timer = null;

  var fullscreen = document.querySelector("[data-fullscreen]");
  if (fullscreen && document.fullscreenEnabled) {
    fullscreen.hidden = document.fullscreenElement !== null;
    fullscreen.addEventListener("click", function () {
      document.documentElement.requestFullscreen().catch(function () {});
    });
    document.addEventListener("fullscreenchange", function () {
      fullscreen.hidden = document.fullscreenElement !== null;
    });
  }

  function startOver() {
    window.location.replace(home);
  }

  function run(seconds) {
    window.clearInterval(timer);
    countdown.hidden = true;
    var left = seconds;
    timer = window.setInterval(function () {
      left -= 1;
      if (left <= warnSeconds) {
        countdown.hidden = false;
        countdownSeconds.textContent = String(Math.max(left, 0));
      }
      if (left <= 0) {
        window.clearInterval(timer);
        startOver();
      }
    }, 1000);
  }

  var thanks = document.querySelector("[data-reset-after]");
  if (thanks) {
    // After an answer: the thank-you shows briefly, then the survey is empty again.
    warnSeconds = parseInt(thanks.getAttribute("data-reset-after"), 10) || 8;
    run(warnSeconds);
    return;
  }
  var form = document.querySelector("[data-kiosk-form]");
  var touched = form && form.querySelector(".question--error") !== null;
  function activity() {
    touched = true;
    run(idleSeconds);
  }
  ["pointerdown", "keydown", "input", "change"].forEach(function (name) {
    document.addEventListener(name, activity, { passive: true });
  });
  // An untouched survey needs no reset; one left half-answered does.
  if (touched) {
    run(idleSeconds);
  }
})();
