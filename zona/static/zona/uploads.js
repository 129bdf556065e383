// A 413 (body too large) carries an Indonesian message meant to be shown: htmx 2 does not swap a 4xx by
// default, so let this one through (the server names where it goes with HX-Retarget / HX-Reswap).
document.addEventListener("htmx:beforeSwap", function (event) {
  if (event.detail.xhr && event.detail.xhr.status === 413) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
