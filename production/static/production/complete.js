// Counts the pieces as the partner types: received = good + rejected + missing. The reason for missing
// pieces is asked only when some are missing. The server checks all of it again (the form works without this).
// The elements it changes carry no id: htmx's swap puts an element's server attributes back onto ids
// after settling, which would undo the classes and `hidden` set here.
(function () {
  var tally = document.querySelector("[data-tally]");
  if (!tally) { return; }
  var form = tally.closest("form");
  var quantity = parseInt(tally.dataset.quantity, 10);
  var produced = form.querySelector('[name="produced_quantity"]');
  var rejected = form.querySelector('[name="rejected_quantity"]');
  var shortfall = form.querySelector('[data-field="shortfall_reason"]');
  var reason = form.querySelector('[data-field="rejection_reason"]');
  function number(input) {
    var value = parseInt(input.value, 10);
    return isNaN(value) || value < 0 ? null : value;
  }
  function update() {
    var bad = number(rejected) || 0;
    var good = number(produced);
    if (good === null) { good = Math.max(quantity - bad, 0); }
    var missing = quantity - good - bad;
    tally.querySelector("[data-good]").textContent = good;
    tally.querySelector("[data-rejected]").textContent = bad;
    tally.querySelector("[data-missing]").textContent = missing < 0 ? "too many" : missing;
    tally.classList.toggle("over", missing < 0);
    tally.classList.toggle("short", missing > 0);
    shortfall.hidden = missing <= 0 && !shortfall.querySelector(".errorlist");
    reason.hidden = bad === 0 && !reason.querySelector(".errorlist");
  }
  form.addEventListener("input", update);
  update();
  tally.hidden = false;
})();
