// GOV.UK Frontend components (error summary focus, service navigation menu, buttons …).
import { initAll } from "./vendor/govuk/govuk-frontend.min.js";

initAll();
