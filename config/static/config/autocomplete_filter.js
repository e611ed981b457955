// The list filters that search (config/admin_filters.py): picking an object reloads the list filtered by it,
// clearing the choice shows them all again. select2 announces both as a change of the <select>.
(function ($) {
  if (!$) { return; }
  $(function () {
    $(".autocomplete-filter select").on("change", function () {
      var box = this.closest(".autocomplete-filter");
      window.location.search = this.value
        ? box.dataset.pick.replace("__pick__", encodeURIComponent(this.value))
        : box.dataset.all;
    });
  });
})(window.django && window.django.jQuery);
