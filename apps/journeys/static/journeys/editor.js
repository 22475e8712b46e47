/* Path editor: progressive enhancement of the server-rendered forms.
 * Without this script every form posts and the server redirects back.
 * With it, forms marked data-async are sent with fetch; the server answers with
 * the re-rendered board (and side panel) that we swap in place. Drag and drop
 * posts the same move endpoints as the arrow buttons. No framework. */
(function () {
  "use strict";
  var editor = document.querySelector("[data-editor]");
  if (!editor) return;
  var board = document.getElementById("editor-board");
  var panel = document.getElementById("editor-panel");
  var toast = document.querySelector("[data-toast]");
  var toastTimer = null;

  // The side panel sticks below the site header, whatever height the header has.
  function stickyTop() {
    var header = document.querySelector(".topbar");
    var top = header && getComputedStyle(header).position === "sticky" ? header.offsetHeight + 12 : 12;
    editor.style.setProperty("--j-sticky-top", top + "px");
  }
  stickyTop();
  window.addEventListener("resize", stickyTop);

  function csrf() {
    var input = board.querySelector("[data-csrf]") || document.querySelector("[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function say(message, isError) {
    if (!toast || !message) return;
    toast.textContent = message;
    toast.classList.toggle("toast--error", !!isError);
    toast.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { toast.hidden = true; }, 3500);
  }

  function apply(data, focusSelector) {
    if (data.board !== undefined) board.innerHTML = data.board;
    if (data.panel !== undefined) panel.innerHTML = data.panel;
    say(data.message, !data.ok);
    if (focusSelector) {
      var target = document.querySelector(focusSelector);
      if (target) target.focus({ preventScroll: false });
    }
  }

  function send(url, body, focusSelector) {
    editor.classList.add("is-busy");
    return fetch(url, {
      method: "POST",
      body: body,
      headers: { "X-Requested-With": "fetch", "X-CSRFToken": csrf() },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (data) { apply(data, focusSelector); return data; });
    }).catch(function () {
      say(editor.dataset.offlineMessage || "Network error", true);
    }).finally(function () {
      editor.classList.remove("is-busy");
    });
  }

  // Forms: the same endpoints, without a page load.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-async]") || !editor.contains(form)) return;
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) { event.preventDefault(); return; }
    event.preventDefault();
    var body = new FormData(form);
    var submitter = event.submitter;
    if (submitter && submitter.name) body.append(submitter.name, submitter.value);
    var focus = null;
    if (form.classList.contains("quick-add")) focus = "#" + form.querySelector("input[name=name]").id;
    if (form.id === "add-stage") focus = "#add-stage-name";
    send(form.action, body, focus);
  });

  // Opening a touchpoint: fetch its panel instead of reloading the editor.
  editor.addEventListener("click", function (event) {
    var link = event.target.closest("[data-panel-url]");
    if (link) {
      event.preventDefault();
      fetch(link.dataset.panelUrl, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          panel.innerHTML = data.panel;
          board.querySelectorAll(".tp-card.is-selected").forEach(function (card) { card.classList.remove("is-selected"); });
          var card = link.closest(".tp-card");
          if (card) card.classList.add("is-selected");
          history.replaceState(null, "", link.getAttribute("href").split("#")[0]);
          var first = panel.querySelector("input, select, textarea");
          if (first) first.focus({ preventScroll: true });
          if (window.matchMedia("(max-width: 999px)").matches) panel.scrollIntoView({ behavior: "smooth" });
        });
      return;
    }
  });

  // Drag and drop --------------------------------------------------------------
  var dragged = null;
  var placeholder = document.createElement("li");

  function clearPlaceholder() {
    if (placeholder.parentNode) placeholder.parentNode.removeChild(placeholder);
  }

  function post(url, fields) {
    var body = new FormData();
    Object.keys(fields).forEach(function (key) { body.append(key, fields[key]); });
    return send(url, body);
  }

  board.addEventListener("dragstart", function (event) {
    var handle = event.target.closest("[data-drag-stage]");
    var card = event.target.closest(".tp-card");
    if (handle) {
      dragged = handle.closest(".stage");
      placeholder.className = "stage-placeholder";
    } else if (card) {
      dragged = card;
      placeholder.className = "tp-placeholder";
    } else {
      return;
    }
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", "");
    if (handle) event.dataTransfer.setDragImage(dragged, 20, 20);
    requestAnimationFrame(function () { dragged.classList.add("is-dragging"); });
  });

  board.addEventListener("dragover", function (event) {
    if (!dragged) return;
    if (dragged.classList.contains("stage")) {
      var list = board.querySelector("[data-stage-list]");
      var stages = Array.prototype.filter.call(list.children, function (el) { return el.classList.contains("stage") && el !== dragged; });
      var before = stages.find(function (el) {
        var box = el.getBoundingClientRect();
        return event.clientY < box.top + box.height / 2;
      });
      event.preventDefault();
      list.insertBefore(placeholder, before || null);
      return;
    }
    var row = event.target.closest("[data-drop-stage]");
    if (!row) return;
    event.preventDefault();
    var cards = Array.prototype.filter.call(row.querySelectorAll(".tp-card"), function (el) { return el !== dragged; });
    var target = null;
    for (var i = 0; i < cards.length; i++) {
      var box = cards[i].getBoundingClientRect();
      var sameLine = event.clientY >= box.top && event.clientY <= box.bottom;
      if (event.clientY < box.top || (sameLine && event.clientX < box.left + box.width / 2)) { target = cards[i]; break; }
    }
    row.insertBefore(placeholder, target || row.querySelector(".cards-row__add"));
  });

  board.addEventListener("drop", function (event) {
    if (!dragged || !placeholder.parentNode) return;
    event.preventDefault();
    var parent = placeholder.parentNode;
    var siblings = Array.prototype.filter.call(parent.children, function (el) {
      return (el === placeholder) || (el !== dragged && (el.classList.contains("tp-card") || el.classList.contains("stage")));
    });
    var position = siblings.indexOf(placeholder);
    var item = dragged;
    if (item.classList.contains("stage")) {
      post(item.dataset.moveUrl, { position: position });
    } else {
      post(item.dataset.moveUrl, { stage: parent.dataset.dropStage, position: position });
    }
  });

  board.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("is-dragging");
    dragged = null;
    clearPlaceholder();
  });
})();
