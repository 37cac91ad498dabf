// Draws the OpenAPI description with the vendored Swagger UI (no inline script: the CSP forbids it).
window.addEventListener("DOMContentLoaded", () => {
  const target = document.getElementById("swagger-ui");
  // eslint-disable-next-line no-undef
  SwaggerUIBundle({ url: target.dataset.openapi, domNode: target, deepLinking: true });
});
