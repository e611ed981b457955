// Keeps a keyboard user's place across the portal's page swaps (hx-boost replaces the page's body, and the
// focus would fall back to the top of the page, the brand link). htmx itself puts the focus back on an element
// with the same id (a task's action button keeps its id from Start to Complete) and on [autofocus] (a form
// with errors). When neither is there, the focus goes to the next task still open after the one just done,
// else to the page's message. The message is also read out through a live region that exists before it is
// filled (one created with the page is not announced).
(function () {
  // Pages kept by an earlier version (htmx's history cache, now off) go at the first page load: Back must not show
  // a partner's pages after "Log out".
  try { localStorage.removeItem("htmx-history-cache"); } catch (e) { /* storage disabled: nothing was kept */ }
  var taskIndex = null;
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var task = event.target.closest && event.target.closest("[data-task]");
    taskIndex = task ? Array.prototype.indexOf.call(task.parentNode.children, task) : null;
  });
  document.body.addEventListener("htmx:afterSettle", function () {
    var messages = document.querySelector(".messages");
    var target = null;
    if (!document.activeElement || document.activeElement === document.body) {
      if (taskIndex !== null) {
        var tasks = Array.prototype.slice.call(document.querySelectorAll("[data-task]"));
        tasks.slice(taskIndex).concat(tasks.slice(0, taskIndex))
          .some(function (task) { target = task.querySelector("button"); return target; });
        target = target || document.querySelector("#complete-run input:not([type=hidden]), #complete-run button");
      }
      target = target || (messages && messages.parentNode) || document.querySelector("main h1");
      if (target) { target.focus({preventScroll: target.tagName === "H1"}); }
    }
    // A boosted swap then scrolls to the top of the page (htmx does it right after this event): bring the focused
    // element back into view, or a keyboard user could not see what Enter presses next.
    setTimeout(function () {
      var focused = document.activeElement;
      if (focused && focused !== document.body && focused.tagName !== "H1") {
        focused.scrollIntoView({block: "center"});
      }
    }, 0);
    var announce = document.getElementById("announce");  // kept across swaps (hx-preserve)
    if (announce) {
      announce.textContent = messages && target !== messages.parentNode ? messages.textContent.trim() : "";
    }
    taskIndex = null;
    restoreTyped();
  });

  // What was typed into another form while a task was saving (say the run's counts, typed as the last task
  // completes) would be wiped by the page the answer brings: it is put back where the new page has the same
  // field still at its default. Only when the answer is the same page again: another run's page has forms of the
  // same ids, and must not get this run's figures.
  var typed = null;
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var sender = event.detail.elt;
    var answer = event.detail.xhr && event.detail.xhr.responseURL;
    typed = [];
    if (answer && new URL(answer).pathname !== window.location.pathname) { return; }
    document.querySelectorAll("form[id]").forEach(function (form) {
      if (sender && (form === sender || form.contains(sender))) { return; }  // its own fields: the answer's say
      form.querySelectorAll("input[name]:not([type=hidden]):not([type=checkbox]):not([type=radio]), textarea[name]")
        .forEach(function (field) {
          if (field.value !== field.defaultValue) { typed.push([form.id, field.name, field.value]); }
        });
    });
  });
  function restoreTyped() {
    (typed || []).forEach(function (entry) {
      var form = document.getElementById(entry[0]);
      var field = form && form.elements.namedItem(entry[1]);
      if (field && field.value === field.defaultValue) {
        field.value = entry[2];
        field.dispatchEvent(new Event("input", {bubbles: true}));  // the piece tally follows
      }
    });
    typed = null;
  }
})();
