// A search-as-you-type picker (the admin's select2) in a table row is named by its <select>'s aria-label
// ("Partner, row 2") before what it shows: select2 names its box by the chosen text alone, so an empty row's box
// had no name and a filled one said only "Atelier Aurora". A jQuery ready handler, registered after the admin's
// autocomplete.js: it runs after that one has set up the pickers (the window's load event may come first).
django.jQuery(function () {
  document.querySelectorAll("select.admin-autocomplete[aria-label]").forEach(function (select) {
    var box = select.parentNode.querySelector(".select2-selection");
    if (!box || !select.id) { return; }
    var name = document.createElement("span");
    name.id = select.id + "-name";
    name.hidden = true;
    name.textContent = select.getAttribute("aria-label");
    select.parentNode.appendChild(name);
    box.setAttribute("aria-labelledby", (name.id + " " + (box.getAttribute("aria-labelledby") || "")).trim());
  });
});
