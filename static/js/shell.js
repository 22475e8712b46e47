// The phone menu: a real button that opens and closes the navigation.
// Without JavaScript the navigation simply stays open.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector(".menu-button");
    var nav = document.getElementById("main-menu");
    if (!toggle || !nav) return;
    toggle.hidden = false;
    function set(open) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("is-open", open);
    }
    toggle.addEventListener("click", function () {
      set(toggle.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        set(false);
        toggle.focus();
      }
    });
  });
})();

// The administration panel closes on Escape and on a click elsewhere, like any menu.
document.addEventListener("click", function (event) {
  document.querySelectorAll("details.admin-menu[open]").forEach(function (menu) {
    if (!menu.contains(event.target)) menu.open = false;
  });
});
document.addEventListener("keydown", function (event) {
  if (event.key !== "Escape") return;
  document.querySelectorAll("details.admin-menu[open]").forEach(function (menu) {
    menu.open = false;
    menu.querySelector("summary").focus();
  });
});

// A filter control marked data-autosubmit sends its form as soon as it changes.
document.addEventListener("change", function (event) {
  var control = event.target;
  if (control instanceof Element && control.matches("[data-autosubmit]") && control.form) {
    control.form.submit();
  }
});
