// Running total of each stage's rows; the server checks the totals again (the page works without this).
(function () {
  var form = document.getElementById("allocate-form");
  function update() {
    form.querySelectorAll("fieldset.stage").forEach(function (stage) {
      var box = stage.querySelector(".stage-total");
      var wanted = parseInt(box.dataset.quantity, 10);
      var total = 0;
      stage.querySelectorAll('input[name$="-quantity"]').forEach(function (input) {
        var value = parseInt(input.value, 10);
        if (value > 0) { total += value; }
      });
      box.querySelector(".stage-sum").textContent = total;
      box.classList.toggle("match", total === wanted);
      box.classList.toggle("mismatch", total !== wanted);
    });
  }
  form.addEventListener("input", update);
  update();
})();
