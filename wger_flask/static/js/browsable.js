// The browsable API's request forms: send the raw JSON body with the form's method and the
// CSRF token, and show the answer on the page. Without this script the same forms still work:
// the server turns their POST (_method, _content) into the request and renders the answer.
(function () {
  "use strict";
  var URL_RE = /"(https?:\/\/[^"\s]+)"/g;

  function appendLinked(target, text) {
    // Text with the URL strings of the JSON as links (built as nodes: no HTML is parsed).
    var last = 0;
    var match;
    URL_RE.lastIndex = 0;
    while ((match = URL_RE.exec(text)) !== null) {
      target.appendChild(document.createTextNode(text.slice(last, match.index + 1)));
      var link = document.createElement("a");
      link.href = match[1];
      link.textContent = match[1];
      target.appendChild(link);
      last = match.index + 1 + match[1].length;
    }
    target.appendChild(document.createTextNode(text.slice(last)));
  }

  function show(method, url, response, text) {
    var box = document.getElementById("api-live-response");
    var head = document.getElementById("api-live-headers");
    var body = document.getElementById("api-live-body");
    head.textContent = "";
    body.textContent = "";
    var line = document.createElement("b");
    if (response) {
      line.textContent = method + " " + url + "\nHTTP " + response.status + " " + response.statusText;
      head.appendChild(line);
      ["Allow", "Content-Type", "Location"].forEach(function (name) {
        var value = response.headers.get(name);
        if (value) head.appendChild(document.createTextNode("\n" + name + ": " + value));
      });
    } else {
      line.textContent = method + " " + url + "\nThe request failed: " + text;
      head.appendChild(line);
      text = "";
    }
    var pretty = text;
    try {
      pretty = text ? JSON.stringify(JSON.parse(text), null, 4) : "";
    } catch (error) {
      pretty = text;
    }
    appendLinked(body, pretty);
    box.hidden = false;
    box.setAttribute("data-status", response ? String(response.status) : "error");
    box.scrollIntoView({ block: "nearest" });
  }

  function refreshPage() {
    // After a write, the object and its forms are fetched again: a PATCH form still holding
    // the values from before a PUT would otherwise send them back. After a DELETE the page
    // answers 404 and carries no write forms, so none are left to press.
    return fetch(window.location.href, {
      headers: { Accept: "text/html" },
      credentials: "same-origin"
    })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        ["api-resource", "api-forms"].forEach(function (id) {
          var current = document.getElementById(id);
          var replacement = fresh.getElementById(id);
          if (current && replacement) {
            current.replaceWith(document.importNode(replacement, true));
          } else if (current) {
            current.remove();
          }
        });
      });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-api-method]");
    if (!form || !window.fetch) return;
    event.preventDefault();
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) return;
    document.getElementById("api-live-response").removeAttribute("data-state");
    var method = form.getAttribute("data-api-method");
    var url = form.getAttribute("action");
    var headers = {
      Accept: "application/json",
      "X-CSRFToken": form.querySelector("input[name=csrf_token]").value
    };
    var init = { method: method, headers: headers, credentials: "same-origin" };
    var content = form.querySelector("textarea[name=_content]");
    if (content) {
      headers["Content-Type"] = "application/json";
      init.body = content.value;
    }
    fetch(url, init)
      .then(function (response) {
        return response.text().then(function (text) {
          show(method, url, response, text);
          if (response.ok) return refreshPage();
        });
      })
      .catch(function (error) { show(method, url, null, String(error)); })
      .then(function () {
        // Done: the answer is shown and the page refreshed (tests wait for this mark).
        document.getElementById("api-live-response").setAttribute("data-state", "done");
      });
  });
})();
