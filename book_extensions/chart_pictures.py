"""Charts drawn for the phone: each chart's phone rendering as a ``<picture>`` source.

A chart cell's output (``als_explainer.charts.publish``) holds two renderings: the
desktop SVG as the image, and the phone SVG as ``text/html`` in a ``div`` of class
``chart-phone-rendering``. While a page is read, this extension writes the phone SVG
beside the desktop one (named by its hash, as MyST-NB names outputs) and puts both in a
``chart_picture`` node, so Sphinx copies both files. HTML pages get
``<picture><source media=…><img …></picture>``: the browser picks the phone file on a
narrow screen, and the ``img`` keeps the alt text, the caption and any ``loading``
attribute. Every other builder (EPUB, the PDF, LaTeX) keeps the desktop image alone.
"""

import hashlib
import posixpath
import urllib.parse
import xml.etree.ElementTree as ET
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform

#: The ``div`` class the content package wraps a phone rendering in.
PHONE_CLASS = "chart-phone-rendering"
#: Where the phone rendering is chosen: screens up to this wide (the tables' breakpoint).
PHONE_MEDIA = "(max-width: 640px)"
#: Builders that write ``<picture>`` (Sphinx's builder tags); the EPUB and PDF builders are not among them.
PICTURE_BUILDERS = ("builder_html", "builder_dirhtml")


class chart_picture(nodes.General, nodes.Element):  # noqa: N801 (docutils names nodes in lowercase)
    """A chart's renderings: a :class:`chart_phone` source, then the desktop image."""


class chart_phone(nodes.image):  # noqa: N801
    """The phone rendering: an image, so Sphinx collects and copies its file."""


def _phone_svg(bundle: nodes.Element) -> tuple[nodes.Element, str, str, str] | None:
    """The ``text/html`` container of a MyST-NB mime bundle, its phone SVG and the
    desktop rendering's label column (share of its width) and how far down it runs
    (share of its height), if it holds a phone rendering."""
    for container in bundle.children:
        if not (isinstance(container, nodes.container) and container.get("mime_type") == "text/html"):
            continue
        text = container.astext().strip()
        if not text.startswith(f'<div class="{PHONE_CLASS}"'):
            continue
        opening = text.index(">")
        wrapper = ET.fromstring(text[:opening] + "/>")  # the div's opening tag, as an element
        return (container, text[opening + 1:text.rindex("</div>")], wrapper.get("data-label-column", "0"),
                wrapper.get("data-label-rows", "1"))
    return None


class ChartPictures(SphinxTransform):
    """Pair each chart's desktop image with its phone rendering (while reading)."""

    default_priority = 400

    def apply(self, **kwargs) -> None:
        for bundle in list(self.document.findall(nodes.container)):
            if bundle.get("nb_element") != "mime_bundle" or not (found := _phone_svg(bundle)):
                continue
            html, svg, column, rows = found
            image = next((image for container in bundle.children if container.get("mime_type") == "image/svg+xml"
                          for image in container.findall(nodes.image)), None)
            if image is None:
                continue
            _, desktop_path = self.env.relfn2path(image["uri"], self.env.docname)
            phone_path = Path(desktop_path).with_name(hashlib.sha256(svg.encode()).hexdigest() + ".svg")
            if not phone_path.exists():
                phone_path.write_text(svg, encoding="utf-8")
            phone = chart_phone(uri=posixpath.join(posixpath.dirname(image["uri"]), phone_path.name))
            picture = chart_picture(label_column=column, label_rows=rows)
            # Sphinx keeps the picture for the builders that write one, the image for the others.
            image.replace_self([addnodes.only("", picture, expr=" or ".join(PICTURE_BUILDERS)),
                                addnodes.only("", image.deepcopy(), expr=f"not ({' or '.join(PICTURE_BUILDERS)})")])
            picture += [phone, image]
            bundle.remove(html)


def visit_picture(self, node: chart_picture) -> None:
    self.body.append(f'<picture data-label-column="{float(node["label_column"]):g}" '
                     f'data-label-rows="{float(node["label_rows"]):g}">')


def depart_picture(self, node: chart_picture) -> None:
    self.body.append("</picture>")


def visit_phone(self, node: chart_phone) -> None:
    # The address the builder gave the copied file, as Sphinx's own visit_image works it out.
    source = posixpath.join(self.builder.imgpath, urllib.parse.quote(self.builder.images[node["uri"]]))
    self.body.append(f'<source media="{PHONE_MEDIA}" srcset="{source}" type="image/svg+xml">')
    raise nodes.SkipNode


def setup(app):
    app.add_node(chart_picture, html=(visit_picture, depart_picture))
    app.add_node(chart_phone, html=(visit_phone, None))
    app.add_transform(ChartPictures)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
