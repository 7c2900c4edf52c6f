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
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-autosubmit]") && event.target.form) {
      event.target.form.submit();
    }
  });
})();
