// Previews (sphinx-tippy): Escape closes an open preview without moving the pointer or
// the focus, as WCAG 1.4.13 asks of content that appears on hover or focus.
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && typeof tippy === "function") {
    tippy.hideAll({ duration: 0 });
  }
});

// On a touch screen the first tap on a link with a preview shows the preview (tippy.js
// opens it on touchstart) and stays on the page; a second tap follows the link.
let previewWasOpen = false;
document.addEventListener("touchstart", (event) => {
  const link = event.target.closest && event.target.closest("a");
  previewWasOpen = Boolean(link && link._tippy && link._tippy.state.isVisible);
}, { capture: true, passive: true });
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest("a");
  if (link && link._tippy && matchMedia("(hover: none)").matches && !previewWasOpen) {
    event.preventDefault();
    link._tippy.show();
  }
}, true);
