/* Sortable directory tables. tablesort is vendored beside this file (MIT), so the site
   loads nothing from a CDN. document$ emits on every page, also with instant navigation. */
document$.subscribe(function () {
  document.querySelectorAll(".gkml-sortable table").forEach(function (table) {
    new Tablesort(table)
  })
})
