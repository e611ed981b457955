// An order line's variant picker offers only the variants of the product chosen on the same line: when the
// picker opens, the line's product goes with its search (ProductVariantAdmin.get_search_results filters by it).
// Without JavaScript, or with no product chosen yet, every variant is offered and the form still refuses a
// variant of another product.
(function ($) {
  if (!$) { return; }
  var product = "";
  $(document).on("select2:opening", "select[name$='-variant']", function () {
    var line = this.closest("tr");
    var picked = line && line.querySelector("select[name$='-product']");
    product = picked ? picked.value : "";
  });
  $.ajaxPrefilter(function (options) {
    if (product && typeof options.data === "string" && options.data.indexOf("model_name=orderlineitem") !== -1
        && options.data.indexOf("field_name=variant") !== -1) {
      options.data += "&product=" + encodeURIComponent(product);
    }
  });
})(window.django && window.django.jQuery);
