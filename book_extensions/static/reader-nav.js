/*
 * Phone navigation without traps (added to every page by book_extensions/reader_fixes.py).
 *
 * On a narrow screen the theme (pydata-sphinx-theme 0.17) shows the book's contents and the
 * page's contents in <dialog> drawers that close only on Escape or a tap on the backdrop:
 * a reader who taps a section in the page's contents lands there with the drawer still
 * over three quarters of the screen. Here a tap on any link in a drawer closes it. A link
 * to a place on this page is followed once the drawer has closed (and the theme has handed
 * focus back to its button), so the page scrolls to the section and the keyboard carries
 * on from there; a link to another page simply leaves, with the drawer closed for the
 * browser's back button.
 */
document.addEventListener("click", (event) => {
  const link = event.target.closest("dialog[id$='-sidebar-modal'] a[href]");
  if (!link || event.defaultPrevented || event.button !== 0
      || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const drawer = link.closest("dialog");
  if (!drawer.open) return;
  const url = new URL(link.href, window.location.href);
  const here = url.origin === window.location.origin && url.pathname === window.location.pathname;
  if (here && url.hash) {
    event.preventDefault();
    drawer.addEventListener("close", () => {
      setTimeout(() => {  // after the theme's own close handlers
        if (document.activeElement) document.activeElement.blur();
        window.location.href = url.href;
      }, 0);
    }, { once: true });
  }
  drawer.close();
});
