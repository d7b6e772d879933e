/* gkml's own script: sortable directory tables and the reader's display settings.
   tablesort is vendored beside this file (MIT), so the site loads nothing from a CDN.
   document$ emits on every page, also with instant navigation. */
document$.subscribe(function () {
  document.querySelectorAll(".gkml-sortable table").forEach(sortable)
  showDisplaySettings()
  setTimeout(scrollersFocusable, 0)  // after Material has wrapped the tables
})
window.addEventListener("resize", scrollersFocusable)

/* A table wider than the screen scrolls sideways in Material's wrapper; a keyboard user
   must be able to reach it (WCAG 2.1.1, axe "scrollable-region-focusable"), so a wrapper
   that scrolls is a named, focusable region, and one that fits is left alone. */
function scrollersFocusable() {
  document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (box) {
    var scrolls = box.scrollWidth > box.clientWidth + 1
    if (scrolls && !box.hasAttribute("tabindex")) {
      var table = box.querySelector("table[aria-labelledby]")
      box.tabIndex = 0
      box.setAttribute("role", "region")
      if (table) box.setAttribute("aria-labelledby", table.getAttribute("aria-labelledby"))
      else box.setAttribute("aria-label", "表格")
    } else if (!scrolls && box.getAttribute("role") === "region") {
      ["tabindex", "role", "aria-labelledby", "aria-label"].forEach(function (a) { box.removeAttribute(a) })
    }
  })
}

/* tablesort drives one header row (the one marked data-sort-method="thead"). The cells of
   the official table's second row (一级事项, 全社会, 县级 …) name their column by
   data-sort-column-key too, and sort through the same Tablesort object, so one column at
   a time carries aria-sort. */
function sortable(table) {
  var sort = new Tablesort(table)
  var rows = table.tHead ? table.tHead.rows : []
  for (var r = 1; r < rows.length; r++) {
    Array.prototype.forEach.call(rows[r].cells, function (th) {
      if (!th.hasAttribute("data-sort-column-key")) return
      var go = function () {
        if (sort.current && sort.current !== th) sort.current.removeAttribute("aria-sort")
        sort.current = th
        sort.sortTable(th)
      }
      th.setAttribute("role", "columnheader")
      th.tabIndex = 0
      th.addEventListener("click", go)
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter") { e.preventDefault(); go() }
      })
    })
  }
}

/* Text size (大/中/小) and high contrast, kept in localStorage; main.html applies them
   before the first paint. The buttons stay hidden where this script does not run. */
var SIZE = "gkml-text-size", CONTRAST = "gkml-contrast"

function remember(key, value) {
  try { value ? localStorage.setItem(key, value) : localStorage.removeItem(key) } catch (e) {}
}

function applyDisplay(size, high) {
  var root = document.documentElement
  size === "l" || size === "s" ? root.setAttribute("data-gkml-size", size) : root.removeAttribute("data-gkml-size")
  high ? root.setAttribute("data-gkml-contrast", "high") : root.removeAttribute("data-gkml-contrast")
  document.querySelectorAll(".gkml-display [data-gkml-size]").forEach(function (b) {
    b.setAttribute("aria-pressed", String(b.getAttribute("data-gkml-size") === (size || "m")))
  })
  document.querySelectorAll(".gkml-display [data-gkml-contrast]").forEach(function (b) {
    b.setAttribute("aria-pressed", String(high))
  })
}

function showDisplaySettings() {
  var root = document.documentElement
  applyDisplay(root.getAttribute("data-gkml-size"), root.getAttribute("data-gkml-contrast") === "high")
  document.querySelectorAll(".gkml-display").forEach(function (g) { g.hidden = false })
}

document.addEventListener("click", function (e) {
  var button = e.target.closest && e.target.closest(".gkml-display button")
  if (!button) return
  var root = document.documentElement
  var size = root.getAttribute("data-gkml-size")
  var high = root.getAttribute("data-gkml-contrast") === "high"
  if (button.hasAttribute("data-gkml-size")) {
    size = button.getAttribute("data-gkml-size")
    remember(SIZE, size === "m" ? "" : size)
  } else {
    high = !high
    remember(CONTRAST, high ? "high" : "")
  }
  applyDisplay(size, high)
  scrollersFocusable()
})
