// Behaviour that pages would otherwise write as inline handlers, which the Content
// Security Policy refuses: print buttons, selects that submit their form, confirmations.
(function () {
  "use strict";
  if (window.rencaiBound) {
    return;
  }
  window.rencaiBound = true;
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-print]");
    if (target) {
      event.preventDefault();
      window.print();
      return;
    }
    var confirmed = event.target.closest("[data-confirm]");
    if (confirmed && !window.confirm(confirmed.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
  // A long choice list gets a filter box: typing hides the options that do not contain
  // the text (the chosen option stays visible).
  function searchable(select) {
    if (select.dataset.searchBound || select.options.length <= Number(select.dataset.searchable || 12)) {
      return;
    }
    select.dataset.searchBound = "1";
    var box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1 choice-filter";
    box.placeholder = select.dataset.searchPlaceholder || "";
    box.setAttribute("aria-label", box.placeholder);
    box.addEventListener("input", function () {
      var text = box.value.trim().toLowerCase();
      var first = null;
      Array.prototype.forEach.call(select.options, function (option) {
        var matches = !text || option.text.toLowerCase().indexOf(text) !== -1;
        option.hidden = !matches && !(select.multiple && option.selected);
        if (matches && !first && option.value) {
          first = option;
        }
      });
      var current = select.selectedOptions[0];
      if (!select.multiple && first && (!current || current.hidden)) {
        first.selected = true;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
    select.parentNode.insertBefore(box, select);
  }
  function bindSearchable(root) {
    Array.prototype.forEach.call(root.querySelectorAll("select[data-searchable]"), searchable);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      bindSearchable(document);
    });
  } else {
    bindSearchable(document);
  }
  document.addEventListener("htmx:afterSwap", function (event) {
    bindSearchable(event.target);
  });
  // A list's row checkboxes: "select all" on the page, and the count of those checked.
  function rowBoxes(formId) {
    return document.querySelectorAll('input[name="selected"][form="' + formId + '"]');
  }
  function showSelected(formId) {
    var count = Array.prototype.filter.call(rowBoxes(formId), function (box) {
      return box.checked;
    }).length;
    var label = document.querySelector("#" + formId + " [data-selected-count]");
    if (label) {
      label.textContent = count ? (document.documentElement.lang === "en" ? count + " selected" : "已选 " + count + " 条") : "";
    }
  }
  document.addEventListener("change", function (event) {
    var all = event.target.closest("[data-select-all]");
    if (all) {
      var formId = all.getAttribute("data-select-all");
      Array.prototype.forEach.call(rowBoxes(formId), function (box) {
        box.checked = all.checked;
      });
      showSelected(formId);
      return;
    }
    if (event.target.matches('input[name="selected"][form]')) {
      showSelected(event.target.getAttribute("form"));
      return;
    }
    if (event.target.matches("select[data-autosubmit]") && event.target.form) {
      event.target.form.submit();
    }
  });
})();
