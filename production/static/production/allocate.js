// Running total of the rows; the server checks the total again (the page works without this).
(function () {
  var form = document.getElementById("allocate-form");
  var box = document.getElementById("allocate-total");
  var out = document.getElementById("allocate-sum");
  var wanted = parseInt(box.dataset.quantity, 10);
  function update() {
    var total = 0;
    form.querySelectorAll('input[name$="-quantity"]').forEach(function (input) {
      var value = parseInt(input.value, 10);
      if (value > 0) { total += value; }
    });
    out.textContent = total;
    box.classList.toggle("match", total === wanted);
    box.classList.toggle("mismatch", total !== wanted);
  }
  form.addEventListener("input", update);
  update();
})();
