// The survey builder: add, move and remove questions without a round trip, and show the
// standard wording of each type. Without JavaScript the same form works with the
// position numbers, the remove boxes and the add buttons (which post the page back).
(function () {
  "use strict";
  var form = document.querySelector("[data-builder]");
  if (!form) return;
  var list = form.querySelector("[data-question-list]");
  var template = form.querySelector("[data-question-template]");
  var total = form.querySelector('input[name="form-TOTAL_FORMS"]');
  var defaults = JSON.parse(document.getElementById("question-defaults").textContent);

  function rows() {
    return Array.prototype.filter.call(list.querySelectorAll("[data-question]"), function (row) {
      return !row.hidden;
    });
  }

  function field(row, name) {
    return row.querySelector('[name$="-' + name + '"]');
  }

  function renumber() {
    var visible = rows();
    visible.forEach(function (row, index) {
      field(row, "ORDER").value = index + 1;
      row.querySelector("[data-number]").textContent = index + 1;
      row.querySelector('[data-move="up"]').disabled = index === 0;
      row.querySelector('[data-move="down"]').disabled = index === visible.length - 1;
    });
  }

  function showDefaults(row, previousType) {
    var type = field(row, "type").value;
    var finnish = field(row, "text_fi");
    ["fi", "sv", "en"].forEach(function (language) {
      var text = field(row, "text_" + language);
      var before = previousType && defaults[previousType] ? defaults[previousType][language] : null;
      text.placeholder = defaults[type] ? defaults[type][language] : "";
      // An empty Swedish text takes the standard wording only beside the standard Finnish one: a question of
      // the company's own must not get a different question in Swedish (as the server decides, services.py).
      if (language === "sv" && defaults[type] && finnish.value && finnish.value !== defaults[type].fi) return;
      if (!text.value || text.value === before) text.value = text.placeholder;
    });
  }

  function enhance(row) {
    row.querySelector(".question-row__order").hidden = true;
    row.querySelectorAll("[data-move]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var visible = rows();
        var index = visible.indexOf(row);
        if (button.dataset.move === "up" && index > 0) list.insertBefore(row, visible[index - 1]);
        if (button.dataset.move === "down" && index < visible.length - 1) list.insertBefore(visible[index + 1], row);
        renumber();
        button.focus();
      });
    });
    var type = field(row, "type");
    var previous = type.value;
    // Option rows belong to choice questions only; without JavaScript they show for every question.
    var options = row.querySelector("[data-options]");
    function showOptions() {
      options.hidden = type.value !== "single" && type.value !== "multi";
    }
    type.addEventListener("change", function () {
      showDefaults(row, previous);
      previous = type.value;
      showOptions();
    });
    showOptions();
    var remove = field(row, "DELETE");
    remove.addEventListener("change", function () {
      if (!remove.checked) return;
      row.hidden = true;
      renumber();
      var next = rows()[0];
      if (next) field(next, "type").focus();
    });
    showDefaults(row, null);
  }

  rows().forEach(enhance);
  renumber();

  form.querySelectorAll("[data-add]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      event.preventDefault();
      var index = parseInt(total.value, 10);
      var holder = document.createElement("div");
      holder.innerHTML = template.innerHTML.replace(/__prefix__/g, index);
      var row = holder.firstElementChild;
      list.appendChild(row);
      total.value = index + 1;
      field(row, "type").value = button.dataset.add;
      field(row, "required").checked = true;
      enhance(row);
      renumber();
      field(row, "text_fi").focus();
    });
  });
})();
