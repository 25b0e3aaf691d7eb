// Previews (sphinx-tippy), loaded when a reader first needs one. The page lists the
// previews' scripts (Popper, tippy.js, then the page's own tips) in window.bookPreviewScripts
// (book_extensions/previews.py) instead of loading them with the page: the first time a
// pointer rests on, the keyboard focuses or a finger touches a link in the article, they
// load in order, the page's tips are set up, and the link being used shows its preview.

let previewsLoading = null;
let previewsReady = false;

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.appendChild(script);
  });
}

function loadPreviews() {
  if (!previewsLoading) {
    const sources = window.bookPreviewScripts || [];
    previewsLoading = sources.reduce((previous, src) => previous.then(() => loadScript(src)),
      Promise.resolve()).then(() => {
      if (typeof tippy !== "function") {
        return;
      }
      // Tips are interactive (tippy_props in _config.yml: links inside a preview can be
      // used, the tip staying open while the pointer moves into it) and appended to the
      // body, so that no scroll box of the page clips them. A screen reader still reads the
      // tip as the link's description (tippy.js leaves that out for interactive tips).
      tippy.setDefaultProps({
        appendTo: () => document.body,
        aria: { content: "describedby", expanded: "auto" },
      });
      // The page's tips script sets its tips up on window.onload, which has long passed.
      if (typeof window.onload === "function") {
        window.onload();
      }
    }).catch((error) => console.error(error)).then(() => {
      previewsReady = true;
    });
  }
  return previewsLoading;
}

function articleLink(event) {
  const link = event.target.closest && event.target.closest("article.bd-article a[href]");
  return link && !link.closest("[data-tippy-root]") ? link : null;
}

// Pointer and keyboard: the first link used loads the previews, then shows its own tip if the
// reader is still on it.
for (const type of ["mouseover", "focusin"]) {
  document.addEventListener(type, (event) => {
    const link = articleLink(event);
    if (!link || link._tippy || previewsReady) {
      return;
    }
    loadPreviews().then(() => {
      if (link._tippy && (link.matches(":hover") || document.activeElement === link)) {
        link._tippy.show();
      }
    });
  }, { passive: true });
}

// Escape closes an open preview without moving the pointer or the focus, as WCAG 1.4.13 asks
// of content that appears on hover or focus.
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && typeof tippy === "function") {
    tippy.hideAll({ duration: 0 });
  }
});

// On a touch screen the first tap on a link with a preview shows the preview and stays on
// the page; a second tap follows the link. The first tap of all also loads the previews:
// until they are there, the tap waits for them, then shows the link's preview, or follows
// the link if it has none.
const touchScreen = () => matchMedia("(hover: none)").matches;
let previewWasOpen = false;
document.addEventListener("touchstart", (event) => {
  const link = articleLink(event);
  previewWasOpen = Boolean(link && link._tippy && link._tippy.state.isVisible);
  if (link) {
    loadPreviews();
  }
}, { capture: true, passive: true });
document.addEventListener("click", (event) => {
  const link = articleLink(event);
  if (!link || !touchScreen() || previewWasOpen || event.defaultPrevented) {
    return;
  }
  if (link._tippy) {
    event.preventDefault();
    link._tippy.show();
  } else if (!previewsReady) {
    event.preventDefault();
    loadPreviews().then(() => {
      if (link._tippy) {
        link._tippy.show();
      } else {
        link.click();
      }
    });
  }
}, true);
