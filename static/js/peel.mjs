// Turns on GOV.UK Frontend's JavaScript-enhanced components (for example the service
// navigation's menu button on small screens). Loaded as a module at the end of <body>, so
// browsers too old for ES modules skip it and get the plain HTML, as GOV.UK Frontend expects.
// No inline script: the Content-Security-Policy allows only scripts from our own origin.
import { initAll } from "../govuk/govuk-frontend.min.js";

document.body.classList.add("govuk-frontend-supported", "js-enabled");
initAll();
