// As runs are ticked, the category named like their role ("Cutting" for cutting runs) is chosen, as the server
// does for a run opened from its page; only until staff pick a category or a template themselves.
(function () {
  var form = document.getElementById("confirm-form");
  var category = form.querySelector("select[name=category]");
  var chosenByHand = false;
  category.addEventListener("change", function () { chosenByHand = true; });
  form.addEventListener("change", function (event) {
    if (event.target.name === "templates") { chosenByHand = true; }
    if (event.target.name !== "runs" || chosenByHand) { return; }
    var roles = new Set();
    form.querySelectorAll("input[name=runs]:checked").forEach(function (box) { roles.add(box.closest("tr").dataset.role); });
    var role = roles.size === 1 ? roles.values().next().value : "";
    var match = Array.prototype.find.call(category.options, function (option) {
      return role && option.value && option.text.trim().toLowerCase() === role;
    });
    category.value = match ? match.value : "";
  });
})();
