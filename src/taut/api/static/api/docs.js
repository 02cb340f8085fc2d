// Starts Swagger UI on the API docs page (api/docs.html). Settings come from data attributes, so
// the page needs no inline script under the Content-Security-Policy.
(() => {
  const root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle === "undefined") return;
  window.SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    layout: "BaseLayout",
    presets: [window.SwaggerUIBundle.presets.apis],
    // Browsers send the site's session cookie along; the API ignores it and wants a token.
    withCredentials: false,
    tryItOutEnabled: false,
    validatorUrl: null,
  });
  const fallback = document.getElementById("docs-fallback");
  if (fallback) fallback.hidden = true;
})();
