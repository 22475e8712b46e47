// Follow-up questions on the customer's survey page: a question that depends on an earlier answer
// shows only when that answer is in its range. Without JavaScript every question shows, with a hint
// saying when to answer it, and the server drops the answers whose condition is not met.
(function () {
  "use strict";
  function update(form) {
    form.querySelectorAll("[data-show-if]").forEach(function (question) {
      var chosen = form.querySelector('input[name="' + question.dataset.showIf + '"]:checked');
      var score = chosen ? parseInt(chosen.value, 10) : NaN;
      var shown = score >= parseInt(question.dataset.showLow, 10) && score <= parseInt(question.dataset.showHigh, 10);
      question.hidden = !shown;
      // A hidden question's answer is not sent (the server would drop it anyway).
      question.querySelectorAll("input, textarea").forEach(function (input) {
        input.disabled = !shown;
      });
    });
  }
  // "Why did you give {answer:1}?": the slot shows the earlier answer as the customer gives it.
  function pipe(form) {
    form.querySelectorAll("[data-answer-of]").forEach(function (slot) {
      var chosen = form.querySelectorAll('input[name="' + slot.dataset.answerOf + '"]:checked');
      var words = Array.prototype.map.call(chosen, function (input) {
        return input.nextElementSibling ? input.nextElementSibling.textContent.trim() : input.value;
      });
      slot.textContent = words.length ? words.join(", ") : "…";
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form").forEach(function (form) {
      if (form.querySelector("[data-answer-of]")) {
        form.addEventListener("change", function () {
          pipe(form);
        });
        pipe(form);
      }
      if (!form.querySelector("[data-show-if]")) return;
      form.querySelectorAll("[data-condition-hint]").forEach(function (hint) {
        hint.hidden = true;
      });
      form.addEventListener("change", function () {
        update(form);
      });
      update(form);
    });
  });
})();
