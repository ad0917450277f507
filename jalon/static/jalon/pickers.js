// A select whose options follow another field (core.forms.FilteredSelect): only the options belonging to the value
// chosen there stay offered; a choice that no longer fits is cleared.
(function () {
  function follow(select) {
    var leader = document.getElementById(select.dataset.filteredBy);
    if (!leader) return;
    function apply() {
      var chosen = leader.value;
      Array.prototype.forEach.call(select.options, function (option) {
        var values = option.dataset.filterValues;
        var fits = !chosen || values === undefined || values.split(" ").indexOf(chosen) !== -1;
        option.hidden = !fits;
        option.disabled = !fits;
        if (!fits && option.selected) select.value = "";
      });
    }
    leader.addEventListener("change", apply);
    apply();
  }
  function start() {
    document.querySelectorAll("select[data-filtered-by]").forEach(follow);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
