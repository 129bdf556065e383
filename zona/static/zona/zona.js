/*
 * Zona's page behaviour shared by every signed-in page (loaded with `defer` from base.html).
 *
 * The Content-Security-Policy allows no inline script or handler, so markup declares what it needs:
 *   <select data-zona-autosubmit>            submits its form when the choice changes (language picker;
 *                                            a <noscript> button does the same without JavaScript)
 *   <button data-zona-confirm="question">    asks the question before its form is sent; "Batal" keeps
 *                                            the form unsent (without JavaScript the form is just sent)
 *   data-zona-confirm-count="name"           with it, "{n}" in the question is the number of ticked
 *                                            boxes named `name` of that form (none ticked: no question,
 *                                            the server says what is missing)
 */
(function () {
  "use strict";

  function init() {
    document.addEventListener("change", function (event) {
      var target = event.target;
      if (target instanceof HTMLSelectElement && target.hasAttribute("data-zona-autosubmit") && target.form) {
        target.form.requestSubmit ? target.form.requestSubmit() : target.form.submit();
      }
    });
    document.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      var question = submitter && submitter.getAttribute("data-zona-confirm");
      var counted = submitter && submitter.getAttribute("data-zona-confirm-count");
      if (question && counted) {
        var form = submitter.form || event.target;
        var ticked = Array.prototype.filter.call(form.elements, function (el) {
          return el.name === counted && el.checked;
        }).length;
        question = ticked ? question.split("{n}").join(String(ticked)) : "";
      }
      if (question && !window.confirm(question)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    }, true);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
