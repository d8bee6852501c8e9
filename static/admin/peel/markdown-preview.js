// A live preview under every admin text box written in Markdown: a "Preview" panel showing the HTML the public
// page would show, rendered and sanitised by the server (peel/publishing/markdown_preview.py) as the person
// types. A box is written in Markdown when its help text says so (the help under the field, or the column's
// help in a tabular inline), or when it carries data-markdown-preview.
//
// Plain JavaScript, no libraries, loaded with defer from templates/admin/base_site.html. Without it the admin
// works as before. Only the server's sanitised output is ever put in the page as HTML; errors are text.
(function () {
  "use strict";

  var script = document.currentScript;
  var endpoint = script && script.dataset.previewUrl;
  if (!endpoint || !window.fetch || !window.URLSearchParams) {
    return;
  }
  var WAIT = 400; // milliseconds after the last keystroke
  var MAX_BYTES = 100000; // the server's limit, checked here too to save a request

  function mentionsMarkdown(text) {
    return /markdown/i.test(text || "");
  }

  // The field's help: Django names it after the field's id. A row added to an inline keeps the template's
  // aria-describedby ("...-__prefix__-..."), so the id comes first and nothing in the template row counts.
  function helpElement(textarea) {
    var ids = [textarea.id + "_helptext"].concat((textarea.getAttribute("aria-describedby") || "").split(/\s+/));
    for (var i = 0; i < ids.length; i++) {
      var help = /_helptext$/.test(ids[i]) && document.getElementById(ids[i]);
      if (help && !help.closest(".empty-form")) {
        return help;
      }
    }
    return null;
  }

  // The help text of a tabular inline's column, shown in its heading rather than under each field.
  function columnHelp(textarea) {
    var cell = textarea.closest("td");
    var table = cell && cell.closest("table");
    var match = cell && /(?:^|\s)field-(\S+)/.exec(cell.className);
    if (!table || !match) {
      return "";
    }
    var heading = table.querySelector("thead th.column-" + match[1]);
    if (!heading) {
      return "";
    }
    var icon = heading.querySelector("[title]");
    return heading.textContent + " " + (icon ? icon.getAttribute("title") : "");
  }

  function isMarkdown(textarea) {
    if (textarea.hasAttribute("data-markdown-preview")) {
      return true;
    }
    var help = helpElement(textarea);
    return mentionsMarkdown(help ? help.textContent : columnHelp(textarea));
  }

  function csrfToken(textarea) {
    var form = textarea.form;
    var field = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function byteLength(text) {
    return new Blob([text]).size;
  }

  function setMessage(body, message) {
    body.textContent = "";
    var line = document.createElement("p");
    line.className = "help";
    line.textContent = message;
    body.appendChild(line);
  }

  // The admin's form styles hide list bullets; the public page shows them.
  function showListMarkers(body) {
    var items = body.querySelectorAll("li");
    for (var i = 0; i < items.length; i++) {
      items[i].style.listStyle = items[i].parentNode.tagName === "OL" ? "decimal" : "disc";
    }
  }

  function makePanel(textarea) {
    var panel = document.createElement("details");
    panel.className = "markdown-preview";
    var summary = document.createElement("summary");
    summary.textContent = "Preview";
    var body = document.createElement("div");
    body.className = "markdown-preview-body";
    body.setAttribute("aria-live", "polite");
    // Styled here rather than in a style attribute, which the Content-Security-Policy does not allow.
    panel.style.marginTop = "0.5em";
    summary.style.cursor = "pointer";
    body.style.border = "1px solid var(--hairline-color, #ccc)";
    body.style.padding = "0.5em 1em";
    body.style.maxHeight = "24em";
    body.style.overflow = "auto";
    body.style.boxSizing = "border-box";
    body.style.width = textarea.offsetWidth ? textarea.offsetWidth + "px" : "100%";
    body.style.maxWidth = "100%";
    panel.appendChild(summary);
    panel.appendChild(body);
    return { panel: panel, body: body };
  }

  function enhance(textarea) {
    if (
      textarea.dataset.markdownPreviewReady ||
      textarea.disabled ||
      textarea.readOnly ||
      textarea.closest(".empty-form") ||
      /__prefix__/.test(textarea.name)
    ) {
      return;
    }
    if (!isMarkdown(textarea)) {
      return;
    }
    textarea.dataset.markdownPreviewReady = "1";
    var parts = makePanel(textarea);
    var panel = parts.panel;
    var body = parts.body;
    var timer = null;
    var inFlight = null;
    var shown = null; // the text the panel shows now
    var closedByPerson = false;

    function render() {
      var text = textarea.value;
      if (text === shown) {
        return;
      }
      if (inFlight) {
        inFlight.abort();
      }
      if (!text.trim()) {
        shown = text;
        setMessage(body, "Nothing to preview yet.");
        return;
      }
      if (byteLength(text) > MAX_BYTES) {
        shown = null;
        setMessage(body, "This text is too long to preview (over 100 kB). It is still saved as usual.");
        return;
      }
      var controller = window.AbortController ? new AbortController() : null;
      inFlight = controller;
      var data = new URLSearchParams();
      data.append("text", text);
      fetch(endpoint, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(textarea), Accept: "application/json" },
        signal: controller ? controller.signal : undefined,
      })
        .then(function (response) {
          if (response.redirected) {
            throw new Error("Sign in again to see the preview.");
          }
          return response.json().then(
            function (answer) {
              return { ok: response.ok, answer: answer };
            },
            function () {
              throw new Error("The preview is not available just now (" + response.status + ").");
            },
          );
        })
        .then(function (result) {
          if (controller && controller.signal.aborted) {
            return;
          }
          if (result.ok && typeof result.answer.html === "string") {
            shown = text;
            // The server's output only: rendered and sanitised by peel.markdown.render_markdown.
            body.innerHTML = result.answer.html;
            showListMarkers(body);
          } else {
            shown = null;
            setMessage(body, result.answer.error || "The preview is not available just now.");
          }
        })
        .catch(function (error) {
          if (error && error.name === "AbortError") {
            return;
          }
          shown = null;
          setMessage(body, (error && error.message) || "The preview is not available just now.");
        })
        .finally(function () {
          if (inFlight === controller) {
            inFlight = null;
          }
        });
    }

    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(render, WAIT);
    }

    textarea.addEventListener("input", function () {
      if (!panel.open && !closedByPerson) {
        panel.open = true; // the toggle event renders it
        return;
      }
      if (panel.open) {
        later();
      }
    });
    panel.addEventListener("toggle", function () {
      if (panel.open) {
        render();
      } else {
        closedByPerson = true;
      }
    });
    textarea.parentNode.insertBefore(panel, textarea.nextSibling); // under the field
  }

  function enhanceWithin(root) {
    var boxes = root.querySelectorAll ? root.querySelectorAll("textarea") : [];
    for (var i = 0; i < boxes.length; i++) {
      enhance(boxes[i]);
    }
  }

  function start() {
    enhanceWithin(document);
    // A row added to an inline ("Add another pillar judgment") gets its previews too.
    document.addEventListener("formset:added", function (event) {
      enhanceWithin(event.target);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
