/* chaincards preview: flip cards, filter them by words and kind, count what is shown.
   Plain script, no dependencies: the site must work offline from file:// URLs. */
(function () {
  "use strict";

  // The card stylesheet follows Anki, which marks night mode with a class, not a media query.
  var dark = window.matchMedia("(prefers-color-scheme: dark)");
  function applyNightMode() {
    document.body.classList.toggle("nightMode", dark.matches);
  }
  applyNightMode();
  if (dark.addEventListener) {
    dark.addEventListener("change", applyNightMode);
  }

  function flip(face) {
    var showAnswer = face.getAttribute("aria-pressed") !== "true";
    face.setAttribute("aria-pressed", showAnswer ? "true" : "false");
    face.title = showAnswer ? "Show the question" : "Show the answer";
    face.querySelector(".ccp-question").hidden = showAnswer;
    face.querySelector(".ccp-answer").hidden = !showAnswer;
  }

  document.addEventListener("click", function (event) {
    // A link inside a card (its source, say) keeps working as a link.
    if (event.target.closest("a")) {
      return;
    }
    var face = event.target.closest(".ccp-face");
    if (face) {
      flip(face);
    }
  });

  document.addEventListener("keydown", function (event) {
    var face = event.target;
    if (!face.classList || !face.classList.contains("ccp-face")) {
      return;
    }
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault(); // Space would scroll the page
      flip(face);
    }
  });

  var tiles = Array.prototype.slice.call(document.querySelectorAll(".ccp-tile"));
  var search = document.getElementById("ccp-search");
  var count = document.getElementById("ccp-count");
  if (!tiles.length || !search || !count) {
    return;
  }
  var kinds = Array.prototype.slice.call(document.querySelectorAll("input[name='ccp-kind']"));

  function normalise(text) {
    return text.toLowerCase().replace(/\s+/g, " ");
  }

  // Both sides and the source count as the card's text; read once, the cards never change.
  var texts = tiles.map(function (tile) {
    return normalise(tile.textContent);
  });

  function applyFilters() {
    var terms = normalise(search.value).split(" ").filter(Boolean);
    var wanted = {};
    kinds.forEach(function (box) {
      wanted[box.value] = box.checked;
    });
    var shown = 0;
    tiles.forEach(function (tile, index) {
      var visible =
        wanted[tile.dataset.kind] === true &&
        terms.every(function (term) {
          return texts[index].indexOf(term) >= 0;
        });
      tile.hidden = !visible;
      if (visible) {
        shown += 1;
      }
    });
    count.textContent = String(shown);
  }

  search.addEventListener("input", applyFilters);
  kinds.forEach(function (box) {
    box.addEventListener("change", applyFilters);
  });
  // The browser may restore a search or unticked boxes when the page is revisited.
  applyFilters();
})();
