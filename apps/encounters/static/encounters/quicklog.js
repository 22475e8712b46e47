/* Quick log: customer type-ahead (ARIA combobox + listbox), keyboard first. Without it the form still works. */
(function () {
  "use strict";
  var form = document.getElementById("quicklog");
  if (!form) return;
  var picker = form.querySelector(".picker");
  var input = form.querySelector("#id_q");
  var list = form.querySelector("#customer-results");
  var status = form.querySelector("[data-status]");
  var chosen = form.querySelector("[data-chosen]");
  var search = form.querySelector("[data-search]");
  var chosenId = form.querySelector("[data-chosen-id]");
  var survey = form.querySelector("#id_survey_agreed");
  var hint = form.querySelector("[data-survey-hint]");
  var text = JSON.parse(document.getElementById("quicklog-text").textContent);
  var url = picker.getAttribute("data-search-url");
  var results = [];
  var active = -1;
  var timer = null;
  var sequence = 0;

  function setExpanded(open) {
    list.hidden = !open;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    if (!open) {
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
  }

  function render() {
    list.innerHTML = "";
    results.forEach(function (customer, index) {
      var item = document.createElement("li");
      item.id = "customer-option-" + customer.id;
      item.className = "picker__option";
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", index === active ? "true" : "false");
      var name = document.createElement("strong");
      name.textContent = customer.name;
      var meta = document.createElement("span");
      meta.className = "muted";
      meta.textContent = [customer.email, customer.phone].filter(Boolean).join(" · ");
      item.appendChild(name);
      item.appendChild(meta);
      item.addEventListener("mousedown", function (event) { event.preventDefault(); });
      item.addEventListener("click", function () { choose(customer, false); });
      list.appendChild(item);
    });
    if (active >= 0) input.setAttribute("aria-activedescendant", "customer-option-" + results[active].id);
    setExpanded(results.length > 0);
  }

  function lookup() {
    var query = input.value.trim();
    var mine = ++sequence;
    if (query.length < 2) {
      results = [];
      render();
      return;
    }
    fetch(url + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) {
        if (mine !== sequence) return;
        results = data.results || [];
        active = results.length ? 0 : -1;
        render();
        status.textContent = results.length ? text.found.replace("%(count)s", results.length) : text.none;
      })
      .catch(function () {});
  }

  function surveyHint(customer) {
    if (!customer) { hint.textContent = ""; return; }
    hint.textContent = customer.unsubscribed ? text.unsubscribed : (customer.survey_consent ? text.consented : "");
  }

  function choose(customer, byKeyboard) {
    chosenId.value = customer.id;
    chosenId.disabled = false;
    chosen.querySelector("[data-chosen-name]").textContent = customer.name;
    chosen.querySelector("[data-chosen-meta]").textContent = customer.email || customer.phone || "";
    chosen.hidden = false;
    search.hidden = true;
    survey.checked = Boolean(customer.survey_consent && !customer.unsubscribed);
    surveyHint(customer);
    setExpanded(false);
    // From the keyboard, go on to the touchpoint if none is chosen yet, else to the peak faces (the outcome
    // is preselected). After a tap nothing takes the focus (the hidden search box lets it go,
    // closing the phone's keyboard): a focus ring on a face would look like a choice.
    var touchpoint = form.querySelector("#id_touchpoint");
    if (byKeyboard) {
      var next = touchpoint.value ? form.querySelector("input[name=peak_feeling]") : touchpoint;
      if (next) next.focus();
    }
  }

  function change() {
    chosenId.value = "";
    chosenId.disabled = true;
    chosen.hidden = true;
    search.hidden = false;
    survey.checked = false;
    surveyHint(null);
    input.focus();
    input.select();
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(lookup, 150);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!results.length) return;
      event.preventDefault();
      var step = event.key === "ArrowDown" ? 1 : -1;
      active = (active + step + results.length) % results.length;
      render();
    } else if (event.key === "Enter") {
      // Enter picks a customer; it never submits a half-filled log.
      event.preventDefault();
      if (active >= 0 && results[active]) choose(results[active], true);
      else lookup();
    } else if (event.key === "Escape") {
      setExpanded(false);
    }
  });
  input.addEventListener("blur", function () { window.setTimeout(function () { setExpanded(false); }, 150); });
  form.querySelector("[data-find]").addEventListener("click", function (event) {
    event.preventDefault();
    lookup();
    input.focus();
  });
  form.querySelector("[data-change]").addEventListener("click", function (event) {
    event.preventDefault();
    change();
  });
  // Opening "New customer" puts the cursor in its first field.
  form.querySelector("[data-new]").addEventListener("toggle", function (event) {
    if (event.target.open) form.querySelector("#id_customer_name").focus();
  });
})();
