/* Two fixes to Material 9.8's search, both around its own worker and UI (builder/search_keys.py
   gives the index the words; this file makes the query reach them).

   1. Material searches on "keyup" (components/search/query). Pasting with the mouse or a
      long press, dropping text and an input method (拼音) change the box without a key
      going up at the right moment, so the results stayed stale. Any input that is not part
      of an unfinished composition, and the end of a composition, are passed on as the keyup
      Material listens for.

   2. The worker cuts a Chinese query into the index's words but never lets a word reach
      the query's last character (query/segment: j < query.length), so 政府预算 was searched
      as 政府* and ranked 政府决算 with 政府预算. Each Chinese run of two or more characters is
      sent as run䶵 and as 䶵run䶵䶵 (䶵 is MARK, a Han character no catalog uses): the cut
      then sees the whole run, searching run* (the phrase: items that carry it rank above
      those sharing one word, as Material boosts the share of query words matched), and
      䶵run䶵*, which only the hidden whole-name words of items whose name, area or subject
      equals the query match; those rank first. The message format ({type: 2, data: query})
      is Material's SearchMessageType.QUERY. */
(function () {
  "use strict"
  var QUERY = 2
  var MARK = "\u4db5"  // builder/site/search_keys.py MARK
  var HAN = /\p{Script=Han}{2,}/gu

  function withWholePhrases(query) {
    return query.replace(HAN, function (run) { return run + MARK + " " + MARK + run + MARK + MARK })
  }

  var post = Worker.prototype.postMessage
  Worker.prototype.postMessage = function (message) {
    if (message && message.type === QUERY && typeof message.data === "string") {
      var args = Array.prototype.slice.call(arguments)
      args[0] = { type: QUERY, data: withWholePhrases(message.data) }
      return post.apply(this, args)
    }
    return post.apply(this, arguments)
  }

  function passOn(event) {
    var box = event.target
    if (!(box instanceof HTMLInputElement) || !box.matches("[data-md-component=search-query]"))
      return
    if (event.type === "input" && event.isComposing)
      return
    box.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }))
  }
  document.addEventListener("input", passOn, true)
  document.addEventListener("compositionend", passOn, true)
})()
