// /docs: Swagger UI over this server's /openapi.json. Its bundle is served from here
// (web/docs/vendor, copied by scripts/docs-ui.sh; no CDN) and started from this file, not from
// an inline script: the page has the UI's CSP (script-src 'self', style-src 'self').
const root = document.getElementById('swagger-ui');
if (typeof window.SwaggerUIBundle === 'function') {
  window.SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    // Swagger UI would otherwise show a badge fetched from an outside validator.
    validatorUrl: 'none',
  });
} else {
  // The bundle was not installed with this web root: the descriptions are still here.
  const note = document.createElement('p');
  note.textContent = 'Swagger UI is not installed in this web root (scripts/docs-ui.sh installs it).';
  root.append(note);
}
